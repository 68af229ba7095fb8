/**
 * Inline execution: the model's evaluate() (or evaluateBatch()) on the worker's JS thread, for models
 * that take microseconds to a millisecond. What the model prints during an evaluation is teed (it still
 * reaches the terminal) and the last of it is attached to that evaluation's failure.
 */
import type { BatchOutput, Optimizee } from '../../core/optimizee.js';
import { emptyResults, failRow as fail, noteRow, type EvalBatch, type EvalResults } from '../eval-results.js';
import { STATUS_CODES } from '../../core/fitness.js';
import { OutputCapture, withOutput } from '../output-capture.js';
import type { Evaluator } from './evaluator.js';

const print = (text: string) => void process.stderr.write(text);

export class InlineEvaluator implements Evaluator {
  private readonly capture = new OutputCapture();
  readonly describe = { execution: 'inline', isolation: 'in-process' };

  constructor(private readonly model: Optimizee, readonly nObj: number) {
    if (!model.evaluate && !model.evaluateBatch) throw new Error('an inline optimizee needs evaluate() or evaluateBatch()');
  }

  async evaluate(b: EvalBatch): Promise<EvalResults> {
    return this.evaluateNow(b);
  }

  /** The batch, synchronously: the results are complete when this returns. */
  evaluateNow(b: EvalBatch): EvalResults {
    const opt = this.model;
    const n = b.index.length;
    const out = emptyResults(b, this.nObj);
    const start = performance.now();
    const started = out.startedAgo; // absolute ms first, made relative just before returning
    const capture = this.capture;
    capture.start();
    try {
      if (opt.evaluateBatch) {
        capture.mark();
        this.evaluateAll(b, out);
        out.seconds.fill((performance.now() - start) / 1000 / Math.max(1, n)); // one call: its time shared
        started.fill(start);
        if (out.errors) {
          const printed = capture.take();
          for (let i = 0; i < n; i++) if (out.errors[i] !== null && out.status[i] !== STATUS_CODES.ok) out.errors[i] = withOutput(out.errors[i]!, printed);
        }
      } else {
        let t0 = start; // one clock reading per row: a row ends where the next starts
        for (let i = 0; i < n; i++) {
          started[i] = t0;
          capture.mark();
          const error = this.evaluateOne(b, i, out);
          if (error !== null) fail(out, i, withOutput(error, capture.take()));
          const t1 = performance.now();
          out.seconds[i] = (t1 - t0) / 1000;
          t0 = t1;
        }
      }
    } finally {
      capture.stop();
    }
    const end = performance.now();
    out.busy = (end - start) / 1000;
    for (let i = 0; i < n; i++) started[i] = (end - started[i]) / 1000;
    return out;
  }

  async stop(): Promise<void> {
    await this.model.dispose?.();
  }

  /** The whole batch through evaluateBatch (multi-instance mode). */
  private evaluateAll(b: EvalBatch, out: EvalResults): void {
    const n = b.index.length;
    let r: BatchOutput;
    try {
      r = this.model.evaluateBatch!(b.x, { generation: b.generation, index: b.index, seed: b.seed, threads: 1, print });
    } catch (err) {
      const text = (err as Error)?.stack ?? String(err);
      for (let i = 0; i < n; i++) fail(out, i, text);
      return;
    }
    acceptBatch(r, out, n);
  }

  /** Evaluates individual i into out; returns the failure text, or null on success. */
  private evaluateOne(b: EvalBatch, i: number, out: EvalResults): string | null {
    const nObj = this.nObj;
    try {
      const x = b.x.subarray(i * b.dim, (i + 1) * b.dim);
      const r = this.model.evaluate!(x, { generation: b.generation, index: b.index[i], seed: b.seed[i], print });
      if (r.fitness.length !== nObj) return `optimizee returned ${r.fitness.length} fitness values, expected ${nObj}`;
      for (let k = 0; k < nObj; k++) {
        const f = r.fitness[k];
        if (!Number.isFinite(f)) return `optimizee returned a non-finite fitness (${f})`;
        out.fitness[i * nObj + k] = f;
      }
      if (r.outputs) (out.outputs ??= new Array<Float64Array | null>(b.index.length).fill(null))[i] = r.outputs;
      if (r.note) noteRow(out, i, r.note);
      return null;
    } catch (err) {
      const e = err as Error;
      return e?.stack ?? String(err);
    }
  }
}

/** A batch call's output into `out`: its fitness, failures and outputs, each row checked. */
export function acceptBatch(r: BatchOutput, out: EvalResults, n: number): void {
  const nObj = out.nObj;
  if (r.fitness.length !== n * nObj) {
    const text = `the optimizee returned ${r.fitness.length} fitness values for ${n} individuals x ${nObj} objectives`;
    for (let i = 0; i < n; i++) fail(out, i, text);
    return;
  }
  for (let i = 0; i < n; i++) {
    const error = r.errors?.[i] ?? null;
    const row = r.fitness.subarray(i * nObj, (i + 1) * nObj);
    const bad = error ?? (row.every(Number.isFinite) ? null : `optimizee returned a non-finite fitness (${Array.from(row).join(', ')})`);
    if (bad !== null) {
      fail(out, i, bad);
      continue;
    }
    out.fitness.set(row, i * nObj);
    const note = r.notes?.[i];
    if (note) noteRow(out, i, note);
    const o = r.outputs?.[i];
    if (o) (out.outputs ??= new Array<Float64Array | null>(n).fill(null))[i] = o;
  }
}
