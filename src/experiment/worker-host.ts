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
import { getOptimizee } from '../optimizees/registry.js';
import type { ResolvedExperiment } from './config.js';
import { silentLogger, type Logger } from '../runtime/log.js';
import { emptyResults, failRow as fail, type AsyncEvaluator, type EvalBatch, type EvalResults } from './eval-results.js';
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
  /** The run continues an interrupted one (run --resume): what it left may be continued. */
  resumed?: boolean;
}

export interface ReadyBody {
  host: string;
  pid: number;
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
        return this.finish(msg, ctx, 'experiment.ended');
      case 'group.close':
        return this.finish(msg, ctx, 'group.closed');
      default:
        throw new Error(`worker cannot handle '${msg.type}'`);
    }
  };

  /** The worker's last words: its failures and its event loop's worst delay, then `done`. */
  private finish(msg: Envelope, ctx: ActorContext, reply: string): void {
    this.loopDelay.disable();
    this.log.info({ failures: this.failures, eventLoopMaxDelayMs: Math.round(this.loopDelay.max / 1e6) }, 'worker done');
    this.opts.flushLog?.();
    ctx.reply(msg, reply, null);
    this.resolveDone();
  }

  private setup(msg: Envelope, ctx: ActorContext): void | Promise<void> {
    const body = msg.body as SetupBody;
    const { experiment } = body;
    const type = experiment.optimizee.type;
    // evaluators that run off the JS thread: provided by the run command (inner experiments), a child
    // process (src/experiment/isolation) or this process's embedded Python (embedded-python.ts)
    const provided = this.opts.evaluatorFor?.(body);
    if (provided) return this.adopt(msg, ctx, provided, 'the evaluator cannot start', () => ({ optimizee: type }));
    const factory = this.lookup(type);
    if (experiment.evaluation?.isolation === 'process') {
      return this.adopt(msg, ctx, IsolatedEvaluator.start(experiment, factory, { log: this.log }), 'simulation process cannot start',
        (e) => ({ optimizee: type, isolation: 'process', pid: (e as IsolatedEvaluator).pid }));
    }
    if (isEmbedded(factory)) {
      return this.adopt(msg, ctx, EmbeddedPythonEvaluator.start(experiment, factory, { log: this.log }), 'embedded Python cannot load the optimizee',
        (e) => ({ optimizee: type, isolation: 'in-process', python: (e as EmbeddedPythonEvaluator).info.version.split(' ')[0] }));
    }
    const optimizee = factory.create(experiment.optimizee);
    this.optimizee = optimizee;
    this.nObj = (experiment.optimizee.weights ?? optimizee.weights).length;
    this.log.info({ optimizee: type, dim: optimizee.space.dim }, 'worker ready');
    const ready: ReadyBody = { host: hostname(), pid: process.pid };
    ctx.reply(msg, 'experiment.ready', ready);
  }

  /** Ready once the evaluator has started; a failure to start is logged with its detail and answered. */
  private async adopt(msg: Envelope, ctx: ActorContext, starting: Promise<AsyncEvaluator>, failure: string, fields: (e: AsyncEvaluator) => Record<string, unknown>): Promise<void> {
    let evaluator: AsyncEvaluator;
    try {
      evaluator = await starting;
    } catch (err) {
      const detail = (err as { detail?: string }).detail ?? (err as { traceback?: string }).traceback;
      this.log.error({ error: (err as Error).message, ...(detail ? { detail } : {}) }, failure);
      throw err;
    }
    this.isolated = evaluator;
    this.nObj = evaluator.nObj;
    this.log.info(fields(evaluator), 'worker ready');
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

/** A worker could not set up (its simulation process could not start, say): one line, and nothing ran. */
export class WorkerSetupError extends Error {
  override name = 'WorkerSetupError';
}
