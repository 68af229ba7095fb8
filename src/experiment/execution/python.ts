/**
 * Python execution: an optimizee whose model is a Python module runs inside the worker rank, in the
 * system's CPython embedded by the l2l_python addon (native/python; its lifetime is
 * src/runtime/python.ts), which runs python/l2l_bridge.py on a thread of its own. A batch goes in as one call: the
 * bridge reads the parameters from the batch's own Float64Array and writes fitness, seconds and start
 * times into this side's arrays in place. The JS thread stays free while a simulation runs, so the
 * worker keeps answering the coordinator (and MPI keeps progressing).
 *
 * A Python exception fails its individual with the traceback, as data. With evaluation.timeout_seconds
 * a watchdog raises a timeout inside the simulation: that reaches Python code at once, and C code
 * (a simulator's own loop) when it next returns to Python. A simulation that must be stopped anywhere,
 * or that may crash the process, belongs in a child process (evaluation.isolation: process).
 */
import { executionOf, type OptimizeeFactory, type PythonLaunch } from '../../core/optimizee.js';
import type { ResolvedExperiment } from '../config.js';
import { STATUS_CODES } from '../../core/fitness.js';
import { startPython, type PythonAddon, type PythonStarted } from '../../runtime/python.js';
import { silentLogger, type Logger } from '../../runtime/log.js';
import { withOutput } from '../output-capture.js';
import { emptyResults, failRow as fail, type EvalBatch, type EvalResults } from '../eval-results.js';
import type { Evaluator } from './evaluator.js';

/** Setup failed (the module does not import, has no such function...): one line, and the traceback. */
export class EmbeddedStartError extends Error {
  override name = 'EmbeddedStartError';
  constructor(message: string, readonly detail = '') {
    super(message);
  }
}

export interface EmbeddedOptions {
  timeoutSeconds?: number;
  log?: Logger;
}

/** Rows per call are below 2^20 (dispatch batches are at most 4096), so a row and a call make one token. */
const ROW_BITS = 2 ** 20;

export class EmbeddedPythonEvaluator implements Evaluator {
  readonly pid = process.pid;
  private calls = 0;
  /** Where the bridge writes the row it is running (-1 between rows); read by the watchdog. */
  private readonly progress = new Int32Array(1);

  private constructor(
    private readonly addon: PythonAddon,
    private readonly handle: number,
    readonly nObj: number,
    readonly info: PythonStarted,
    private readonly opts: EmbeddedOptions,
  ) {}

  /** This experiment's module in embedded Python, as its optimizee's factory describes it (a python execution). */
  static forExperiment(experiment: ResolvedExperiment, factory: OptimizeeFactory, opts: EmbeddedOptions = {}): Promise<EmbeddedPythonEvaluator> {
    const config = experiment.optimizee;
    const e = executionOf(factory, config);
    if (e.kind !== 'python') throw new EmbeddedStartError(`the ${config.type} optimizee does not run in Python`);
    return EmbeddedPythonEvaluator.start(e.python, (config.weights ?? factory.create(config).weights).length, { timeoutSeconds: experiment.evaluation?.timeout_seconds, ...opts });
  }

  static async start(launch: PythonLaunch, nObj: number, opts: EmbeddedOptions = {}): Promise<EmbeddedPythonEvaluator> {
    const { addon, info } = await startPython();
    const r = (await addon.call('load', [launch.load])) as { handle?: number; error?: string; detail?: string };
    if (typeof r.handle !== 'number') throw new EmbeddedStartError(r.error ?? `${launch.label} did not load`, r.detail ?? '');
    (opts.log ?? silentLogger).debug({ python: info.version.split(' ')[0], libpython: info.libpython }, 'embedded Python started');
    return new EmbeddedPythonEvaluator(addon, r.handle, nObj, info, opts);
  }

  get describe(): Record<string, unknown> {
    return { execution: 'python', isolation: 'in-process', python: this.info.version.split(' ')[0] };
  }

  async evaluate(b: EvalBatch): Promise<EvalResults> {
    const n = b.index.length;
    const out = emptyResults(b, this.nObj);
    const call = (this.calls = (this.calls + 1) % 2048);
    this.progress[0] = -1;
    const watchdog = this.watch(call);
    const start = performance.now();
    let reply: BridgeReply | null;
    try {
      reply = (await this.addon.call('evaluate', [
        this.handle, call, b.x, b.dim, b.generation, b.index, b.seed, out.fitness, out.seconds, out.startedAgo, this.nObj, this.progress,
      ])) as BridgeReply | null;
    } finally {
      if (watchdog) clearInterval(watchdog);
    }
    const end = performance.now();
    out.busy = (end - start) / 1000;
    const callSeconds = out.busy;
    // the bridge wrote each row's start as seconds after the call began
    for (let i = 0; i < n; i++) out.startedAgo[i] = Math.max(0, callSeconds - out.startedAgo[i]);
    if (reply) this.apply(reply, out);
    for (let i = 0; i < n; i++) {
      if (out.status[i] !== STATUS_CODES.ok) continue;
      for (let k = 0; k < this.nObj; k++) {
        const f = out.fitness[i * this.nObj + k];
        if (!Number.isFinite(f)) {
          fail(out, i, `the optimizee returned a non-finite fitness (${Array.from(out.fitness.subarray(i * this.nObj, (i + 1) * this.nObj)).join(', ')})`, STATUS_CODES.failed);
          break;
        }
      }
    }
    return out;
  }

  /** Nothing to stop: the interpreter lives as long as the process (numpy cannot be re-initialised). */
  async stop(): Promise<void> {}

  private apply(reply: BridgeReply, out: EvalResults): void {
    const timedOut = new Set(reply.timedOut ?? []);
    reply.errors?.forEach((e, i) => {
      if (e === null) return;
      const reason = timedOut.has(i) ? `timed out after ${this.opts.timeoutSeconds} s (embedded Python)` : e;
      fail(out, i, withOutput(reason, reply.printed?.[i] ?? ''), timedOut.has(i) ? STATUS_CODES['timed-out'] : STATUS_CODES.failed);
    });
    reply.outputs?.forEach((o, i) => {
      if (o === null || out.status[i] !== STATUS_CODES.ok) return;
      (out.outputs ??= new Array<Float64Array | null>(out.status.length).fill(null))[i] = new Float64Array(o.buffer, o.byteOffset, o.byteLength / 8);
    });
  }

  /** With a timeout: interrupts a row that has been running for longer than that. */
  private watch(call: number): ReturnType<typeof setInterval> | null {
    const limit = this.opts.timeoutSeconds;
    if (limit === undefined) return null;
    let row = -1;
    let since = performance.now();
    let sent = -1;
    const timer = setInterval(() => {
      const now = performance.now();
      const current = this.progress[0];
      if (current !== row) {
        row = current;
        since = now;
        return;
      }
      if (row >= 0 && row !== sent && now - since >= limit * 1000) {
        sent = row;
        this.addon.interrupt('interrupt_guard', call * ROW_BITS + row, 'EvaluationTimeout');
        this.opts.log?.debug({ row, seconds: (now - since) / 1000 }, 'interrupting a simulation past its timeout');
      }
    }, Math.max(10, Math.min(250, (limit * 1000) / 10)));
    timer.unref();
    return timer;
  }
}

interface BridgeReply {
  errors: Array<string | null> | null;
  printed: Array<string | null> | null;
  outputs: Array<Uint8Array | null> | null;
  timedOut: number[] | null;
}
