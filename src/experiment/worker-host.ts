/**
 * WorkerHost: the actor on each worker rank that hosts the optimizee and evaluates batches. It runs
 * every optimizee through the evaluation contract (src/core/optimizee.ts): setup starts the evaluator
 * the optimizee's execution and the experiment's isolation call for (execution/evaluator.ts), each
 * batch goes through it, and the end stops it. It knows no optimizee type.
 *
 * Accepts:
 *   'experiment.setup'  (request) SetupBody   -> reply 'experiment.ready' ReadyBody
 *   'eval.batch'        EvalBatch            -> sends 'eval.results' (EvalResults) to the sender, or
 *                                               'eval.cancelled' if withdrawn before it started
 *   'eval.cancel'       EvalCancel (urgent)  -> the batch, if not started, is dropped (work stealing)
 *   'experiment.end'    (request)            -> reply 'experiment.ended'; then `done` resolves (unless
 *                                               reusable: then it waits for the next setup)
 *   'group.close'       (request)            -> reply 'group.closed'; `done` resolves (reusable hosts)
 */
import { hostname } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { OptimizeeFactory } from '../core/optimizee.js';
import type { ActorContext, Behaviour, Envelope } from '../runtime/actor-system.js';
import { getOptimizee } from '../optimizees/registry.js';
import type { ResolvedExperiment } from './config.js';
import { silentLogger, type Logger } from '../runtime/log.js';
import type { Transport } from '../runtime/transport.js';
import { STATUS_CODES } from '../core/fitness.js';
import type { EvalBatch, EvalCancel } from './eval-results.js';
import { startEvaluator, threadsPerRank, type Evaluator } from './execution/evaluator.js';
import { stealsWork } from './dispatcher.js';

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
  /** A group leader's transport to the rest of its group (group execution under mpirun). */
  group?: Transport | null;
  /** Cores this rank may use (default: the machine's, shared by the ranks on it). */
  threads?: number;
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
  private evaluator: Evaluator | null = null;
  private failures = 0;
  /** Batches withdrawn before they started ('eval.cancel'), as `${sender rank}:${batch}`. */
  private readonly withdrawn = new Set<string>();
  /** Per sender rank, the last batch started (a dispatcher numbers its batches in the order it sends them). */
  private readonly lastStarted = new Map<number, number>();
  /** This experiment's dispatcher may withdraw batches (work stealing): check before each starts. */
  private stealing = false;
  /** Spawn the host with these urgent types (ActorSystem.spawn): a withdrawal overtakes the batches queued. */
  static readonly urgent: readonly string[] = ['eval.cancel'];
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
        return this.evaluate(msg, ctx);
      case 'eval.cancel':
        return this.withdraw(msg);
      case 'experiment.end':
        return this.end(msg, ctx);
      case 'group.close':
        return this.finish(msg, ctx, 'group.closed');
      default:
        throw new Error(`worker cannot handle '${msg.type}'`);
    }
  };

  private async setup(msg: Envelope, ctx: ActorContext): Promise<void> {
    const { experiment, outDir, resumed } = msg.body as SetupBody;
    const type = experiment.optimizee.type;
    this.stealing = stealsWork(experiment.dispatch?.steal === true, this.lookup(type));
    try {
      this.evaluator = await startEvaluator(experiment, this.lookup(type), {
        log: this.log, group: this.opts.group ?? null, outDir: outDir ?? `results/${experiment.name}`, resumed: resumed === true,
        threads: this.opts.threads ?? threadsPerRank(),
      });
    } catch (err) {
      const detail = (err as { detail?: string }).detail ?? (err as { traceback?: string }).traceback;
      this.log.error({ optimizee: type, error: (err as Error).message, ...(detail ? { detail } : {}) }, 'the evaluator cannot start');
      throw err;
    }
    this.log.info({ optimizee: type, ...this.evaluator.describe }, 'worker ready');
    const ready: ReadyBody = { host: hostname(), pid: process.pid };
    ctx.reply(msg, 'experiment.ready', ready);
  }

  private async evaluate(msg: Envelope, ctx: ActorContext): Promise<void> {
    const b = msg.body as EvalBatch;
    if (!this.evaluator) throw new Error("'eval.batch' before 'experiment.setup'");
    if (this.stealing) {
      // The messages that arrived with this one are routed first: among them, a withdrawal of this batch.
      await Promise.resolve();
      if (this.withdrawn.size > 0 && this.withdrawn.delete(`${msg.from.rank}:${b.batch}`)) {
        ctx.send(msg.from, 'eval.cancelled', { batch: b.batch } satisfies EvalCancel);
        return;
      }
      this.lastStarted.set(msg.from.rank, b.batch);
    }
    const out = await this.evaluator.evaluate(b);
    if (out.errors) this.logFailures(b, out.errors, out.status);
    ctx.send(msg.from, 'eval.results', out);
  }

  /** A batch withdrawn by its dispatcher: dropped when it comes up, unless it has started already. */
  private withdraw(msg: Envelope): void {
    const { batch } = msg.body as EvalCancel;
    if (batch > (this.lastStarted.get(msg.from.rank) ?? 0)) this.withdrawn.add(`${msg.from.rank}:${batch}`);
  }

  /** The experiment is over: its evaluator stops; a reusable host waits for the next one. */
  private async end(msg: Envelope, ctx: ActorContext): Promise<void> {
    const evaluator = this.evaluator;
    this.evaluator = null;
    this.withdrawn.clear(); // the next experiment's dispatcher numbers its batches from 1 again
    this.lastStarted.clear();
    await evaluator?.stop();
    if (!this.opts.reusable) return this.finish(msg, ctx, 'experiment.ended');
    this.opts.flushLog?.();
    ctx.reply(msg, 'experiment.ended', null);
  }

  /** The worker's last words: its failures and its event loop's worst delay, then `done`. */
  private finish(msg: Envelope, ctx: ActorContext, reply: string): void {
    this.loopDelay.disable();
    this.log.info({ failures: this.failures, eventLoopMaxDelayMs: Math.round(this.loopDelay.max / 1e6) }, 'worker done');
    this.opts.flushLog?.();
    ctx.reply(msg, reply, null);
    this.resolveDone();
  }

  private logFailures(b: EvalBatch, errors: ReadonlyArray<string | null>, status: Uint8Array): void {
    for (let i = 0; i < errors.length; i++) {
      const e = errors[i];
      if (e === null || status[i] === STATUS_CODES.ok) continue; // a note on a row that succeeded
      this.failures++;
      const fields = { generation: b.generation, index: b.index[i], seed: b.seed[i], error: e };
      if (this.failures <= WARN_FAILURES) this.log.warn(fields, 'evaluation failed');
      else this.log.debug(fields, 'evaluation failed');
      if (this.failures === WARN_FAILURES) this.log.warn(`${WARN_FAILURES} failed evaluations on this rank: further ones are logged at debug level (every failure is in the trajectory)`);
    }
  }
}

/** A worker could not set up (its simulation process could not start, say): one line, and nothing ran. */
export class WorkerSetupError extends Error {
  override name = 'WorkerSetupError';
}
