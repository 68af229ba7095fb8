/**
 * WorkerHost: the actor on each worker rank that hosts the optimizee and evaluates batches.
 *
 * Accepts:
 *   'experiment.setup'  (request) SetupBody   -> reply 'experiment.ready' ReadyBody
 *   'eval.batch'        EvalBatch            -> sends 'eval.results' (EvalResults) to the sender
 *   'experiment.end'    (request)            -> reply 'experiment.ended'; then `done` resolves (unless
 *                                               reusable: then it waits for the next setup)
 *   'group.close'       (request)            -> reply 'group.closed'; `done` resolves (reusable hosts)
 */
import { hostname } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { BatchOutput, Optimizee, OptimizeeFactory } from '../core/optimizee.js';
import type { ActorContext, Behaviour, Envelope } from '../runtime/actor-system.js';
import { STATUS_CODES } from '../core/fitness.js';
import { getOptimizee } from '../optimizees/registry.js';
import type { ResolvedExperiment } from './config.js';
import { silentLogger, type Logger } from '../runtime/log.js';
import { OutputCapture, withOutput } from './output-capture.js';
import { IsolatedEvaluator } from './isolation/isolated-evaluator.js';
import { EmbeddedPythonEvaluator } from './embedded-python.js';
import { isEmbedded } from '../optimizees/python/external.js';

/** Failures a worker logs at warn level before it logs the rest at debug level. */
const WARN_FAILURES = 20;

export interface WorkerHostOptions {
  /** This rank's run log. */
  log?: Logger;
  /**
   * A host that serves one experiment after another (the ranks of an inner experiment's group, which
   * run a new inner experiment for each outer individual): 'experiment.end' readies it for the next
   * setup, and 'group.close' ends it.
   */
  reusable?: boolean;
  /**
   * Evaluators this process provides beyond the registry's in-process optimizees (the experiment
   * optimizee's inner runs, which need the rank group the run command built): null when it has none
   * for this experiment.
   */
  evaluatorFor?: (setup: SetupBody) => Promise<AsyncEvaluator> | null;
  /** Called before the worker acknowledges its end, to send what it logged. */
  flushLog?: () => void;
}

export interface SetupBody {
  experiment: ResolvedExperiment;
  /** The run's results directory on rank 0 (inner experiments write theirs inside it). */
  outDir?: string;
}

export interface ReadyBody {
  host: string;
  pid: number;
}

/** A batch of individuals, columnar so it travels as a few typed arrays. */
export interface EvalBatch {
  batch: number;
  dim: number;
  /** Every individual of a batch belongs to one generation. */
  generation: number;
  index: Int32Array;
  seed: Uint32Array;
  /** n * dim parameters, row-major. */
  x: Float64Array;
}

export interface EvalResults {
  batch: number;
  nObj: number;
  /** n * nObj fitness values; NaN where an evaluation failed. */
  fitness: Float64Array;
  status: Uint8Array;
  seconds: Float64Array;
  /**
   * Per individual: seconds from the start of its evaluation to the sending of this reply. Rank 0
   * subtracts it from its own receive time, so start times need no synchronised clocks.
   */
  startedAgo: Float64Array;
  /** Error text per individual, or null when none failed. */
  errors: Array<string | null> | null;
  /** Model outputs per individual (the EnKF needs them), or null when the optimizee gives none. */
  outputs: Array<Float64Array | null> | null;
  /** Worker busy time for the whole batch (seconds), for utilization. */
  busy: number;
}

export class WorkerHost {
  private optimizee: Optimizee | null = null;
  /**
   * What evaluates instead of `optimizee`, off the JS thread: the child process of evaluation.isolation:
   * process, or the embedded Python interpreter.
   */
  private isolated: AsyncEvaluator | null = null;
  private nObj = 1;
  private failures = 0;
  private readonly capture = new OutputCapture();
  /**
   * How long this rank's event loop was kept from running (its worst delay is in the 'worker done'
   * line): an optimizee that blocks the loop also delays this rank's answers to the coordinator.
   */
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
  private readonly log: Logger;
  private resolveDone!: () => void;
  readonly done = new Promise<void>((r) => (this.resolveDone = r));

  constructor(
    private readonly lookup: (type: string) => OptimizeeFactory = getOptimizee,
    private readonly opts: WorkerHostOptions = {},
  ) {
    this.log = opts.log ?? silentLogger;
    this.loopDelay.enable();
  }

  readonly behaviour: Behaviour = (msg, ctx) => {
    switch (msg.type) {
      case 'experiment.setup':
        return this.setup(msg, ctx);
      case 'eval.batch':
        return this.isolated ? this.evaluateIsolated(msg, ctx) : this.evaluate(msg, ctx);
      case 'experiment.end':
        if (this.isolated) {
          const isolated = this.isolated;
          this.isolated = null;
          return isolated.stop().then(() => this.behaviour(msg, ctx));
        }
        if (this.opts.reusable) {
          this.optimizee = null;
          this.opts.flushLog?.();
          ctx.reply(msg, 'experiment.ended', null);
          return;
        }
        this.loopDelay.disable();
        this.log.info({ failures: this.failures, eventLoopMaxDelayMs: Math.round(this.loopDelay.max / 1e6) }, 'worker done');
        this.opts.flushLog?.();
        ctx.reply(msg, 'experiment.ended', null);
        this.resolveDone();
        return;
      case 'group.close':
        this.loopDelay.disable();
        this.log.info({ failures: this.failures, eventLoopMaxDelayMs: Math.round(this.loopDelay.max / 1e6) }, 'worker done');
        this.opts.flushLog?.();
        ctx.reply(msg, 'group.closed', null);
        this.resolveDone();
        return;
      default:
        throw new Error(`worker cannot handle '${msg.type}'`);
    }
  };

  private setup(msg: Envelope, ctx: ActorContext): void | Promise<void> {
    const body = msg.body as SetupBody;
    const { experiment } = body;
    const provided = this.opts.evaluatorFor?.(body);
    if (provided) return this.setupProvided(msg, ctx, provided);
    const factory = this.lookup(experiment.optimizee.type);
    if (experiment.evaluation?.isolation === 'process') return this.setupIsolated(msg, ctx, experiment, factory);
    if (isEmbedded(factory)) return this.setupEmbedded(msg, ctx, experiment, factory);
    const optimizee = factory.create(experiment.optimizee);
    this.optimizee = optimizee;
    this.nObj = (experiment.optimizee.weights ?? optimizee.weights).length;
    this.log.info({ optimizee: experiment.optimizee.type, dim: optimizee.space.dim }, 'worker ready');
    const ready: ReadyBody = { host: hostname(), pid: process.pid };
    ctx.reply(msg, 'experiment.ready', ready);
  }

  /** The optimizee in a child process (src/experiment/isolation): ready once the child is up. */
  private async setupIsolated(msg: Envelope, ctx: ActorContext, experiment: SetupBody['experiment'], factory: OptimizeeFactory): Promise<void> {
    let isolated: IsolatedEvaluator;
    try {
      isolated = await IsolatedEvaluator.start(experiment, factory, { log: this.log });
    } catch (err) {
      const detail = (err as { detail?: string }).detail;
      this.log.error({ error: (err as Error).message, ...(detail ? { detail } : {}) }, 'simulation process cannot start');
      throw err;
    }
    this.isolated = isolated;
    this.nObj = isolated.nObj;
    this.log.info({ optimizee: experiment.optimizee.type, isolation: 'process', pid: isolated.pid }, 'worker ready');
    const ready: ReadyBody = { host: hostname(), pid: process.pid };
    ctx.reply(msg, 'experiment.ready', ready);
  }

  /** An evaluator the run command provides (inner experiments on this rank's group). */
  private async setupProvided(msg: Envelope, ctx: ActorContext, provided: Promise<AsyncEvaluator>): Promise<void> {
    const evaluator = await provided;
    this.isolated = evaluator;
    this.nObj = evaluator.nObj;
    this.log.info({ optimizee: (msg.body as SetupBody).experiment.optimizee.type }, 'worker ready');
    const ready: ReadyBody = { host: hostname(), pid: process.pid };
    ctx.reply(msg, 'experiment.ready', ready);
  }

  /** The optimizee in this process's embedded Python (src/experiment/embedded-python.ts). */
  private async setupEmbedded(msg: Envelope, ctx: ActorContext, experiment: SetupBody['experiment'], factory: Parameters<typeof EmbeddedPythonEvaluator.start>[1]): Promise<void> {
    let embedded: EmbeddedPythonEvaluator;
    try {
      embedded = await EmbeddedPythonEvaluator.start(experiment, factory, { log: this.log });
    } catch (err) {
      const detail = (err as { detail?: string; traceback?: string }).detail ?? (err as { traceback?: string }).traceback;
      this.log.error({ error: (err as Error).message, ...(detail ? { detail } : {}) }, 'embedded Python cannot load the optimizee');
      throw err;
    }
    this.isolated = embedded;
    this.nObj = embedded.nObj;
    this.log.info({ optimizee: experiment.optimizee.type, isolation: 'in-process', python: embedded.info.version.split(' ')[0] }, 'worker ready');
    const ready: ReadyBody = { host: hostname(), pid: process.pid };
    ctx.reply(msg, 'experiment.ready', ready);
  }

  /** A batch through the child process or embedded Python; the event loop stays free while it runs. */
  private async evaluateIsolated(msg: Envelope, ctx: ActorContext): Promise<void> {
    const b = msg.body as EvalBatch;
    const out = await this.isolated!.evaluate(b);
    if (out.errors) this.logFailures(b, out.errors);
    ctx.send(msg.from, 'eval.results', out);
  }

  private evaluate(msg: Envelope, ctx: ActorContext): void {
    const b = msg.body as EvalBatch;
    const opt = this.optimizee;
    if (!opt) throw new Error("'eval.batch' before 'experiment.setup'");
    const n = b.index.length;
    const nObj = this.nObj;
    const out = emptyResults(b, nObj);
    const start = performance.now();
    const started = out.startedAgo; // absolute ms first, made relative just before sending
    const capture = this.capture;
    capture.start();
    try {
      if (opt.evaluateBatch) {
        capture.mark();
        this.evaluateAll(opt, b, out);
        out.seconds.fill((performance.now() - start) / 1000 / Math.max(1, n)); // one call: its time shared
        started.fill(start);
        if (out.errors) {
          const printed = capture.take();
          for (let i = 0; i < n; i++) if (out.errors[i] !== null) out.errors[i] = withOutput(out.errors[i]!, printed);
        }
      } else {
        for (let i = 0; i < n; i++) {
          const t0 = performance.now();
          started[i] = t0;
          capture.mark();
          const error = this.evaluateOne(opt, b, i, out);
          out.seconds[i] = (performance.now() - t0) / 1000;
          if (error !== null) fail(out, i, withOutput(error, capture.take()));
        }
      }
    } finally {
      capture.stop();
    }
    if (out.errors) this.logFailures(b, out.errors);
    const end = performance.now();
    out.busy = (end - start) / 1000;
    for (let i = 0; i < n; i++) started[i] = (end - started[i]) / 1000;
    ctx.send(msg.from, 'eval.results', out);
  }

  private logFailures(b: EvalBatch, errors: ReadonlyArray<string | null>): void {
    for (let i = 0; i < errors.length; i++) {
      const e = errors[i];
      if (e === null) continue;
      this.failures++;
      const fields = { generation: b.generation, index: b.index[i], seed: b.seed[i], error: e };
      if (this.failures <= WARN_FAILURES) this.log.warn(fields, 'evaluation failed');
      else this.log.debug(fields, 'evaluation failed');
      if (this.failures === WARN_FAILURES) this.log.warn(`${WARN_FAILURES} failed evaluations on this rank: further ones are logged at debug level (every failure is in the trajectory)`);
    }
  }

  /** The whole batch through the optimizee's evaluateBatch (multi-instance mode). */
  private evaluateAll(opt: Optimizee, b: EvalBatch, out: EvalResults): void {
    const n = b.index.length;
    const nObj = this.nObj;
    let r: BatchOutput;
    try {
      r = opt.evaluateBatch!(b.x, { generation: b.generation, index: b.index, seed: b.seed });
      if (r.fitness.length !== n * nObj) throw new Error(`evaluateBatch returned ${r.fitness.length} fitness values for ${n} individuals x ${nObj} objectives`);
    } catch (err) {
      const text = (err as Error)?.stack ?? String(err);
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
      const o = r.outputs?.[i];
      if (o) (out.outputs ??= new Array<Float64Array | null>(n).fill(null))[i] = o;
    }
  }

  /** Evaluates individual i into out; returns the failure text, or null on success. */
  private evaluateOne(opt: Optimizee, b: EvalBatch, i: number, out: EvalResults): string | null {
    const nObj = this.nObj;
    try {
      const x = b.x.subarray(i * b.dim, (i + 1) * b.dim);
      const r = opt.evaluate(x, { generation: b.generation, index: b.index[i], seed: b.seed[i] });
      if (r.fitness.length !== nObj) return `optimizee returned ${r.fitness.length} fitness values, expected ${nObj}`;
      for (let k = 0; k < nObj; k++) {
        const f = r.fitness[k];
        if (!Number.isFinite(f)) return `optimizee returned a non-finite fitness (${f})`;
        out.fitness[i * nObj + k] = f;
      }
      if (r.outputs) {
        out.outputs ??= new Array<Float64Array | null>(b.index.length).fill(null);
        out.outputs[i] = r.outputs;
      }
      return null;
    } catch (err) {
      const e = err as Error;
      return e?.stack ?? String(err);
    }
  }
}

/** Evaluates batches off the JS thread (a child process, embedded Python). */
export interface AsyncEvaluator {
  readonly nObj: number;
  evaluate(b: EvalBatch): Promise<EvalResults>;
  stop(): Promise<void>;
}

/** A worker could not set up (its simulation process could not start, say): one line, and nothing ran. */
export class WorkerSetupError extends Error {
  override name = 'WorkerSetupError';
}

/** Results for a batch with every array allocated and nothing filled in yet. */
export function emptyResults(b: EvalBatch, nObj: number): EvalResults {
  const n = b.index.length;
  return {
    batch: b.batch, nObj, fitness: new Float64Array(n * nObj), status: new Uint8Array(n), seconds: new Float64Array(n),
    startedAgo: new Float64Array(n), errors: null, outputs: null, busy: 0,
  };
}

/** Marks row i of out as failed, with its reason. */
function fail(out: EvalResults, i: number, reason: string): void {
  out.status[i] = STATUS_CODES.failed;
  out.fitness.fill(NaN, i * out.nObj, (i + 1) * out.nObj);
  out.errors ??= new Array<string | null>(out.status.length).fill(null);
  out.errors[i] = reason;
}
