/**
 * Native execution: the model's evaluateAsync(), a kernel in a native addon that runs off the JS thread
 * (native/common/long_call.h), so the worker keeps answering the coordinator and MPI keeps progressing
 * while it simulates. The kernel shares a control block with this side: progress it reports is logged
 * for long calls, and with evaluation.timeout_seconds (when the execution is cancellable) the call is
 * asked to stop between steps once it has run for timeout_seconds per row it holds, so no row is cut
 * short of its own share; rows it did not finish then time out, rows it finished keep their results.
 */
import { callsPython, type BatchContext, type Execution, type Optimizee, type PythonService } from '../../core/optimizee.js';
import { startPython } from '../../runtime/python.js';
import { STATUS_CODES } from '../../core/fitness.js';
import { silentLogger, type Logger } from '../../runtime/log.js';
import { emptyResults, failRow as fail, type EvalBatch, type EvalResults } from '../eval-results.js';
import type { Evaluator } from './evaluator.js';
import { acceptBatch } from './inline.js';

/** How often a long call's progress goes to the run log (debug level). */
const PROGRESS_LOG_MS = 10_000;

export interface NativeOptions {
  timeoutSeconds?: number;
  threads: number;
  log?: Logger;
}

/** The worker's embedded interpreter (started at the first call), for a native model that calls Python. */
export const embeddedPython: PythonService = {
  async invoke(module, fn, args) {
    const { addon } = await startPython();
    return addon.call('invoke', [module, fn, args]);
  },
};

export class NativeEvaluator implements Evaluator {
  readonly describe: Record<string, unknown>;
  private readonly log: Logger;
  private readonly timeoutSeconds: number | undefined;

  constructor(private readonly model: Optimizee, readonly nObj: number, private readonly execution: Extract<Execution, { kind: 'native' }>, private readonly opts: NativeOptions) {
    if (!model.evaluateAsync) throw new Error('a native optimizee needs evaluateAsync()');
    this.log = opts.log ?? silentLogger;
    this.timeoutSeconds = execution.cancellable ? opts.timeoutSeconds : undefined;
    this.describe = { execution: 'native', isolation: 'in-process', threads: execution.threads ? opts.threads : 1, ...(callsPython(execution) ? { python: 'embedded' } : {}), ...(model.describe?.() ?? {}) };
  }

  async evaluate(b: EvalBatch): Promise<EvalResults> {
    const n = b.index.length;
    const out = emptyResults(b, this.nObj);
    const control = { cancel: new Int32Array(1), progress: new Float64Array(2) };
    const start = performance.now();
    let timedOut = false;
    const limit = this.timeoutSeconds !== undefined ? this.timeoutSeconds * n : undefined;
    const deadline = limit !== undefined ? setTimeout(() => ((timedOut = true), (control.cancel[0] = 1)), limit * 1000) : null;
    const progress = setInterval(() => this.log.debug({ generation: b.generation, rows: n, done: control.progress[0], of: control.progress[1] }, 'native kernel progress'), PROGRESS_LOG_MS);
    progress.unref();
    try {
      const ctx: BatchContext = {
        generation: b.generation, index: b.index, seed: b.seed, threads: this.execution.threads ? this.opts.threads : 1, print: (text: string) => void process.stderr.write(text),
        ...(callsPython(this.execution) ? { python: embeddedPython } : {}),
      };
      const r = await this.model.evaluateAsync!(b.x, ctx, control);
      acceptBatch(r, out, n);
      if (r.unfinished) {
        for (let i = 0; i < n; i++) {
          if (!r.unfinished[i]) continue;
          if (timedOut) fail(out, i, `timed out after ${this.timeoutSeconds} s per row (${limit} s for the call of ${n}): the kernel was stopped between steps`, STATUS_CODES['timed-out']);
          else fail(out, i, 'the kernel stopped before this row finished');
        }
      }
    } catch (err) {
      const text = (err as Error)?.stack ?? String(err);
      for (let i = 0; i < n; i++) fail(out, i, text);
    } finally {
      if (deadline) clearTimeout(deadline);
      clearInterval(progress);
    }
    // one call: its time shared by its rows, which all started with it
    out.busy = (performance.now() - start) / 1000;
    out.seconds.fill(out.busy / Math.max(1, n));
    out.startedAgo.fill(out.busy);
    return out;
  }

  async stop(): Promise<void> {
    await this.model.dispose?.();
  }
}
