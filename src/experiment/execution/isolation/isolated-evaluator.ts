/**
 * evaluation.isolation: process, the worker rank's side: the optimizee runs in a child process, so a
 * segmentation fault, an abort(), a hang past timeout_seconds or a blow-up past memory_mb kills only
 * the child. The worker restarts it and the evaluation fails with the reason, as data.
 *
 * Rows are evaluated one at a time, one request frame and one reply frame each (frames.ts), so a
 * crash on row k fails row k only and the restarted child goes on with row k+1. The child's stderr
 * (where everything it prints goes: its stdout belongs to the protocol) is passed through to this
 * process's stderr and the last 16 KiB of each evaluation's share is kept for a failure's text.
 *
 * The child is the TypeScript runner child.ts (it builds an inline or native optimizee from the
 * registry, by type, from the config the worker got), or the program the optimizee's execution names
 * (a python optimizee's python/l2l_child.py, a process optimizee's own program). It runs in a process group of its own: a timeout kills the group, so whatever
 * the simulation started dies with it, and a Ctrl-C at the terminal (which the worker rank leaves to
 * rank 0) does not reach it. It exits when its stdin ends, that is when the worker rank is gone.
 */
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executionOf, type Execution, type OptimizeeFactory } from '../../../core/optimizee.js';
import { STATUS_CODES } from '../../../core/fitness.js';
import { silentLogger, type Logger } from '../../../runtime/log.js';
import type { ResolvedExperiment } from '../../config.js';
import { withOutput } from '../../output-capture.js';
import { emptyResults, failRow as fail, noteRow, type EvalBatch, type EvalResults } from '../../eval-results.js';
import type { Evaluator } from '../evaluator.js';
import { Child, describeExit, type ChildLaunch } from './child-process.js';

/** How long a child may take to start and answer 'init' (an import of a large simulator included). */
const START_SECONDS = 100;

export interface IsolationOptions {
  timeoutSeconds?: number;
  memoryMb?: number;
  startSeconds?: number;
  log?: Logger;
  /** Where the child's output goes as it arrives (default: this process's stderr). */
  forward?: (chunk: Buffer) => void;
}

/** The built TypeScript child runner: beside this file in dist/, or dist's copy when run from src/ (tests). */
export function childScript(): string {
  const here = fileURLToPath(new URL('./child.js', import.meta.url));
  if (existsSync(here)) return here;
  const built = here.replace(`${sep}src${sep}experiment${sep}`, `${sep}dist${sep}experiment${sep}`);
  if (existsSync(built)) return built;
  throw new Error(`the simulation child runner ${built} is missing: build it with npm run build:ts`);
}

/** How the worker starts the child for this experiment's optimizee: its execution's program, or a Node child. */
export function childLaunch(experiment: ResolvedExperiment, execution: Execution, nObj: number | undefined): ChildLaunch {
  const config = experiment.optimizee;
  if (execution.kind === 'python' || execution.kind === 'process') return { ...execution.child, ...(nObj !== undefined ? { nObj } : {}), node: false };
  if (execution.kind === 'group') throw new Error(`the ${config.type} optimizee runs inner experiments; it cannot run in a child process`);
  const memoryMb = experiment.evaluation?.memory_mb;
  return {
    command: process.execPath,
    args: [...(memoryMb ? [`--max-old-space-size=${memoryMb}`] : []), childScript()],
    init: { type: config.type, config },
    ...(nObj !== undefined ? { nObj } : {}),
    label: `the ${config.type} optimizee`,
    node: true,
  };
}

const OUT_OF_MEMORY = /JavaScript heap out of memory|Allocation failed|std::bad_alloc|MemoryError|Cannot allocate memory|out of memory|failed to allocate|mmap failed/i;

/** The last non-empty line of a text, for one-line messages. */
function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  return lines.at(-1) ?? '';
}

/** A child that could not start: its reason in one line, and the detail (a traceback) when there is one. */
export class ChildStartError extends Error {
  override name = 'ChildStartError';
  constructor(message: string, readonly detail = '') {
    super(message);
  }
}

export class IsolatedEvaluator implements Evaluator {
  private child: Child | null = null;
  /** Objectives per evaluation (known once started). */
  nObj: number;
  private readonly log: Logger;
  private readonly forward: (chunk: Buffer) => void;
  /** Children started, the first included. */
  starts = 0;

  constructor(readonly launch: ChildLaunch, private readonly opts: IsolationOptions = {}) {
    this.nObj = launch.nObj ?? 1;
    this.log = opts.log ?? silentLogger;
    this.forward = opts.forward ?? ((chunk) => process.stderr.write(chunk));
  }

  /**
   * This experiment's child, its execution taken from the optimizee's factory. The model is not built
   * here (its construction may be what crashes): the objectives come from the experiment's weights, a
   * program's model (data only), or the Node child's 'ready'.
   */
  static forExperiment(experiment: ResolvedExperiment, factory: OptimizeeFactory, opts: IsolationOptions = {}): Promise<IsolatedEvaluator> {
    const config = experiment.optimizee;
    const execution = executionOf(factory, config);
    const program = execution.kind === 'python' || execution.kind === 'process';
    const nObj = config.weights?.length ?? (program ? factory.create(config).weights.length : undefined);
    return IsolatedEvaluator.start(experiment, execution, nObj, opts);
  }

  /** For the worker: this experiment's child, started and ready; a ChildStartError when it cannot start. */
  static async start(experiment: ResolvedExperiment, execution: Execution, nObj: number | undefined, opts: IsolationOptions = {}): Promise<IsolatedEvaluator> {
    const ev = new IsolatedEvaluator(childLaunch(experiment, execution, nObj), {
      timeoutSeconds: experiment.evaluation?.timeout_seconds,
      memoryMb: experiment.evaluation?.memory_mb,
      ...opts,
    });
    await ev.ensure();
    return ev;
  }

  /** The process id of the current child, or null between a death and the restart. */
  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  get describe(): Record<string, unknown> {
    return { isolation: 'process', childPid: this.pid };
  }

  /** A running child: the current one, or a new one (started and ready). */
  async ensure(): Promise<Child> {
    if (this.child && !this.child.ended) return this.child;
    if (this.child) {
      const e = this.child.ended!;
      this.log.warn({ pid: this.child.pid, how: e.error?.message ?? describeExit(e.code, e.signal), output: this.child.output() }, 'simulation process ended between evaluations');
      this.child = null;
    }
    const { launch, opts } = this;
    const c = new Child(launch, opts.memoryMb, this.forward);
    this.starts++;
    c.send({ op: 'init', ...launch.init });
    const startSeconds = opts.startSeconds ?? START_SECONDS;
    const r = await c.next(startSeconds * 1000);
    if (r.kind === 'frame' && r.value.op === 'ready') {
      if (launch.nObj === undefined && typeof r.value.nObj === 'number') this.nObj = r.value.nObj;
      this.child = c;
      if (this.starts > 1) this.log.info({ pid: c.pid, starts: this.starts }, 'simulation process restarted');
      return c;
    }
    if (r.kind === 'frame') {
      await c.stop();
      const line = r.value.op === 'error' ? String(r.value.error) : `it answered '${String(r.value.op)}' to 'init'`;
      throw new ChildStartError(line, typeof r.value.detail === 'string' ? r.value.detail : '');
    }
    if (r.kind === 'timeout') {
      c.kill();
      await c.finished();
      throw new ChildStartError(`${launch.label}: the simulation process did not start within ${startSeconds} s${tail(c.output())}`);
    }
    await c.finished();
    const e = c.ended!;
    if (e.error) throw new ChildStartError(`${launch.label}: cannot start ${launch.command}: ${e.error.message}`);
    throw new ChildStartError(`${launch.label}: the simulation process ended while starting (${describeExit(e.code, e.signal)})${tail(c.output())}`, c.output());
  }

  /** Evaluates a batch row by row; a failure, however the child fails, is data in the results. */
  async evaluate(b: EvalBatch): Promise<EvalResults> {
    const n = b.index.length;
    const nObj = this.nObj;
    const out = emptyResults(b, nObj);
    const start = performance.now();
    const started = out.startedAgo; // absolute ms first, made relative at the end
    const timeoutMs = this.opts.timeoutSeconds !== undefined ? this.opts.timeoutSeconds * 1000 : undefined;
    const dim = b.dim;
    let cannotStart: string | null = null;
    for (let i = 0; i < n; i++) {
      let child: Child;
      if (cannotStart !== null) {
        started[i] = performance.now();
        fail(out, i, cannotStart);
        continue;
      }
      try {
        child = await this.ensure();
      } catch (err) {
        cannotStart = `the simulation process could not be restarted: ${(err as Error).message}`;
        this.log.error({ error: (err as Error).message }, 'simulation process cannot be restarted');
        started[i] = performance.now();
        fail(out, i, cannotStart);
        continue;
      }
      const t0 = performance.now();
      started[i] = t0;
      child.mark();
      const x = b.x.subarray(i * dim, (i + 1) * dim);
      child.send({ op: 'eval', generation: b.generation, index: b.index[i], seed: b.seed[i], x: Buffer.from(x.buffer, x.byteOffset, x.byteLength) });
      const r = await child.next(timeoutMs);
      if (r.kind === 'frame') {
        const err = typeof r.value.err === 'number' ? r.value.err : 0;
        await child.outputReached(err);
        out.seconds[i] = (performance.now() - t0) / 1000;
        const error = this.accept(r.value, out, i);
        if (error !== null) fail(out, i, withOutput(error, child.output()));
        continue;
      }
      if (r.kind === 'timeout') {
        child.kill();
        await child.finished();
        out.seconds[i] = (performance.now() - t0) / 1000;
        fail(out, i, withOutput(`timed out after ${this.opts.timeoutSeconds} s`, child.output()), STATUS_CODES['timed-out']);
      } else {
        await child.finished();
        out.seconds[i] = (performance.now() - t0) / 1000;
        fail(out, i, withOutput(this.death(child), child.output()));
      }
      this.child = null; // the next row starts a new one
    }
    const end = performance.now();
    out.busy = (end - start) / 1000;
    for (let i = 0; i < n; i++) started[i] = (end - started[i]) / 1000;
    return out;
  }

  /** A reply into row i of out; returns the failure text, or null when it succeeded. */
  private accept(reply: Record<string, unknown>, out: EvalResults, i: number): string | null {
    const nObj = out.nObj;
    if (reply.op !== 'result') return `the simulation process answered '${String(reply.op)}' to 'eval'${reply.error ? `: ${String(reply.error)}` : ''}`;
    if (typeof reply.error === 'string') return this.memoryNote(reply.error);
    const f = reply.fitness as ArrayLike<number> | undefined;
    if (!f || typeof f.length !== 'number') return 'the simulation process returned no fitness';
    if (f.length !== nObj) return `optimizee returned ${f.length} fitness values, expected ${nObj}`;
    for (let k = 0; k < nObj; k++) {
      const v = f[k];
      if (typeof v !== 'number' || !Number.isFinite(v)) return `optimizee returned a non-finite fitness (${String(v)})`;
      out.fitness[i * nObj + k] = v;
    }
    const o = reply.outputs;
    if (o !== undefined && o !== null) {
      let outputs: Float64Array;
      if (o instanceof Float64Array) outputs = o;
      else if (o instanceof Uint8Array) {
        outputs = new Float64Array(o.byteLength >>> 3);
        new Uint8Array(outputs.buffer).set(o.subarray(0, outputs.length * 8));
      } else outputs = Float64Array.from(o as ArrayLike<number>);
      (out.outputs ??= new Array<Float64Array | null>(out.status.length).fill(null))[i] = outputs;
    }
    if (typeof reply.note === 'string' && reply.note !== '') noteRow(out, i, reply.note);
    return null;
  }

  /** Why the child died, in words, naming the memory limit when it ran out of memory. */
  private death(c: Child): string {
    const e = c.ended!;
    if (e.error) return `the simulation process failed: ${e.error.message}`;
    const how = `the simulation process died: ${describeExit(e.code, e.signal)}`;
    return OUT_OF_MEMORY.test(c.output()) ? `${how}; out of memory${this.limitText()}` : how;
  }

  private memoryNote(error: string): string {
    return OUT_OF_MEMORY.test(lastLine(error)) ? `${error.endsWith('\n') ? error : error + '\n'}out of memory${this.limitText()}` : error;
  }

  private limitText(): string {
    return this.opts.memoryMb !== undefined ? ` (the limit is evaluation.memory_mb: ${this.opts.memoryMb})` : '';
  }

  /** Ends the child cleanly (killed if it does not end in time). */
  async stop(): Promise<void> {
    const c = this.child;
    this.child = null;
    if (c) await c.stop();
  }
}

/** ": <last line of output>", for one-line messages. */
function tail(output: string): string {
  const l = lastLine(output);
  return l ? `: ${l}` : '';
}

/** Marks row i of out as failed (or timed out), with its reason. */
