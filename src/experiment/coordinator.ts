/**
 * Coordinator: rank 0's orchestration of one experiment. Sets up every worker rank, runs the
 * optimizer actor to the end of its budget, ends the workers and writes the summary.
 *
 * With one rank the worker host lives on rank 0 beside the optimizer; with N ranks, ranks 1..N-1
 * evaluate and rank 0 only optimizes.
 */
import type { Space } from '../core/space.js';
import { getOptimizee } from '../optimizees/registry.js';
import { getOptimizer } from '../optimizers/registry.js';
import { RemoteError, type Address, type ActorSystem, type Envelope } from '../runtime/actor-system.js';
import type { OptimizerCore } from '../core/optimizer.js';
import type { ResolvedExperiment } from './config.js';
import { Dispatcher } from './dispatcher.js';
import { OptimizerActor, type Persistence } from './optimizer-actor.js';
import type { FailurePolicy } from './generation-buffer.js';
import { hashSeed } from '../math/rng.js';
import { Progress, type ProgressMode } from './progress.js';
import { Recorder, type Summary } from './recorder.js';
import { WorkerHost, WorkerSetupError, type ReadyBody, type SetupBody, type WorkerHostOptions } from './worker-host.js';
import { silentLogger, type LogSink, type Logger } from '../runtime/log.js';
import { writeTrajectory } from '../results/trajectory-h5.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, encodeCheckpoint, encodeEvent, type ResumePoint } from './checkpoint.js';

export interface CoordinatorOptions {
  system: ActorSystem;
  experiment: ResolvedExperiment;
  outDir: string;
  force: boolean;
  progress: ProgressMode;
  /** Beside other experiments in one job: a name to start each progress line with. */
  progressTag?: string;
  version: string;
  /** Seconds from process start to the coordinator's start, for the summary. */
  startupSeconds: number;
  setupTimeoutMs?: number;
  /** Rank 0's run log, and the sink that gathers every rank's lines into run.log. */
  log?: Logger;
  logSink?: LogSink;
  /** Continue the run in outDir from its checkpoint (run --resume) instead of starting one. */
  resume?: ResumePoint;
  /** Options of the worker host that lives on rank 0 when the job has one rank. */
  workerOptions?: WorkerHostOptions;
}

interface Parts {
  space: Space;
  weights: number[];
  core: OptimizerCore;
  recorder: Recorder;
  self: Address;
  workerRanks: number[];
  hosts: Map<number, string>;
}

/** The experiment's `evaluation` settings as the generation buffers apply them. */
export function failurePolicy(exp: ResolvedExperiment): FailurePolicy {
  const e = exp.evaluation;
  return {
    retries: e.retries,
    retrySeed: e.retry_seed === 'fresh' ? (g, i, attempt) => hashSeed(exp.seed, 'eval', g, i, attempt) : (_g, _i, _a, previous) => previous,
    penalty: e.on_failure === 'penalty' ? e.penalty! : null,
  };
}

export class Coordinator {
  private actor: OptimizerActor | null = null;
  private interruptedBy: string | null = null;
  private readonly log: Logger;
  private checkpoints = 0;
  /** False when an interrupted run's workers did not end in time (busy): the job must be aborted. */
  workersEnded = true;

  constructor(private readonly opts: CoordinatorOptions) {
    this.log = opts.log ?? silentLogger;
  }

  /** Asks the run to end early (a signal): the summary records status "interrupted". */
  interrupt(reason: string): void {
    this.interruptedBy ??= reason;
    this.actor?.stopRun(reason);
  }

  async run(): Promise<Summary> {
    const { system } = this.opts;
    const t0 = system.clock.now();
    const parts = await this.setUp();
    const { actor, dispatcher, progress } = this.wire(parts);
    let evaluationSeconds = 0;
    let trajectorySeconds = 0;
    const summaryOf = (status: Summary['status'], reasons: string[], tRun: number, tEnd = system.clock.now()): Summary => ({
      ...this.describe(parts, actor, dispatcher),
      status, stopReasons: reasons,
      wallSeconds: this.opts.startupSeconds + (system.clock.now() - t0) / 1000,
      timing: { startupSeconds: this.opts.startupSeconds, runSeconds: (tEnd - tRun) / 1000, evaluationSeconds, trajectorySeconds, checkpointSeconds: parts.recorder.checkpointSeconds },
      checkpoints: this.checkpoints,
    });
    parts.recorder.writeSummary(summaryOf('running', [], system.clock.now()));
    const tRun = system.clock.now(); // the first summary (with its fsync) is setup, not run time
    if (this.interruptedBy) actor.stopRun(this.interruptedBy);
    const out = await actor.run();
    evaluationSeconds = (system.clock.now() - tRun) / 1000; // first dispatch to last result told
    progress.finish({ generation: actor.generations, evaluations: actor.evaluations, failures: actor.failures, best: actor.best?.weightedFitness ?? -Infinity });
    dispatcher.cancelQueued();
    if (out.status !== 'failed') actor.checkpoint(); // a finished run can be continued with a larger budget
    const ended = () => this.log.info({ status: out.status, stopReasons: out.reasons, generations: actor.generations, evaluations: actor.evaluations, failures: actor.failures, best: actor.best?.weightedFitness ?? null }, 'run ended');
    if (out.status === 'interrupted') {
      // A signal: the launcher may follow it with SIGKILL within a second (OpenMPI's default), so
      // the summary is written first. Evaluations in flight are not waited for: their results never
      // arrived, so a resumed run evaluates them. trajectory.h5 is left to `export` or the resumed run.
      await parts.recorder.flush(); // the journal and events so far, then the summary
      parts.recorder.writeSummary(summaryOf(out.status, out.reasons, tRun));
      ended();
      this.workersEnded = await this.endWorkers(parts.self, parts.workerRanks, 2_000).then(() => true, () => false);
      if (!this.workersEnded) this.log.warn('workers still busy with their evaluations: ending the job');
      this.opts.logSink?.detach();
      await parts.recorder.close();
      const summary = summaryOf(out.status, out.reasons, tRun);
      parts.recorder.writeSummary(summary);
      return summary;
    }
    await this.endWorkers(parts.self, parts.workerRanks);
    ended();
    this.opts.logSink?.detach();
    await parts.recorder.close();
    const tEnd = system.clock.now(); // the run ends with its last record on disk
    parts.recorder.writeSummary(summaryOf(out.status, out.reasons, tRun, tEnd)); // final before the slower trajectory.h5
    if (actor.generations === 0) return summaryOf(out.status, out.reasons, tRun, tEnd);
    await this.writeTrajectory(parts.recorder.dir);
    trajectorySeconds = (system.clock.now() - tEnd) / 1000;
    const summary = summaryOf(out.status, out.reasons, tRun, tEnd);
    parts.recorder.writeSummary(summary);
    return summary;
  }

  /** trajectory.h5 from the journal just closed; a failure costs that file (export can redo it), never the run. */
  private async writeTrajectory(dir: string): Promise<void> {
    try {
      await writeTrajectory(dir);
    } catch (err) {
      process.stderr.write(`warning: ${dir}/trajectory.h5 not written: ${String((err as Error).message).split('\n')[0]} (retry with: node dist/main.js export ${dir})\n`);
    }
  }

  /** The model, the core and the recorder on rank 0; every worker set up and ready. */
  private async setUp(): Promise<Parts> {
    const { system, experiment: exp, outDir, force, version } = this.opts;
    const optimizee = getOptimizee(exp.optimizee.type).create(exp.optimizee);
    const space = optimizee.space;
    const weights = exp.optimizee.weights ?? [...optimizee.weights];
    const core = getOptimizer(exp.optimizer.type).create(exp.optimizer, { space, weights, seed: exp.seed });
    const resume = this.opts.resume;
    const recorder = resume ? Recorder.resume(outDir, resume.checkpoint.journalBytes) : Recorder.open(outDir, { force });
    recorder.writeConfig({ experiment: exp, space: space.toJSON(), version, ranks: system.size });
    this.opts.logSink?.open((text) => recorder.appendLog(text));
    const fields = { name: exp.name, optimizer: exp.optimizer.type, optimizee: exp.optimizee.type, seed: exp.seed, ranks: system.size, dim: space.dim, outDir, version };
    if (resume) this.log.info({ ...fields, checkpoint: resume.checkpoint.seq, ...resume.checkpoint.counters, eventsAfterCheckpoint: resume.events.length }, 'run resumed');
    else this.log.info(fields, 'run started');
    const self = system.spawn('coordinator', () => {});
    const workerRanks = system.size > 1 ? Array.from({ length: system.size - 1 }, (_, i) => i + 1) : [0];
    if (system.size === 1) system.spawn('worker', new WorkerHost(getOptimizee, { log: this.log, ...this.opts.workerOptions }).behaviour);
    const hosts = await this.setupWorkers(self, workerRanks);
    this.log.info({ workers: workerRanks.length, hosts: new Set(hosts.values()).size }, 'every worker is ready');
    return { space, weights, core, recorder, self, workerRanks, hosts };
  }

  /** The dispatcher and the optimizer actor, connected; actor failures end the run as failed. */
  private wire(p: Parts): { actor: OptimizerActor; dispatcher: Dispatcher; progress: Progress } {
    const { system, experiment: exp } = this.opts;
    let actor: OptimizerActor | null = null;
    const epoch = system.clock.now();
    const now = () => (system.clock.now() - epoch) / 1000;
    const dispatcher = new Dispatcher(p.workerRanks, p.space.dim, exp.dispatch, (r) => actor?.accept(r), now);
    const dispatcherAddr = system.spawn('dispatcher', dispatcher.behaviour);
    dispatcher.attach((to, type, body) => system.send(dispatcherAddr, to, type, body));
    const progress = new Progress(this.opts.progress, process.stderr, system.clock, exp.stop, 5, this.opts.progressTag);
    const a = new OptimizerActor({
      core: p.core, dispatcher, space: p.space, weights: p.weights, seed: exp.seed, stop: exp.stop, clock: system.clock,
      capacity: p.workerRanks.length * exp.dispatch.inflight,
      record: (rec) => {
        p.recorder.recordGeneration(rec);
        if (this.log.isLevelEnabled('debug')) this.log.debug({ generation: rec.generation, ...rec.stats }, 'generation told');
      },
      progress: (s) => progress.update(s),
      persist: this.persistence(p.recorder),
      failures: failurePolicy(exp),
    });
    actor = this.actor = a;
    const resume = this.opts.resume;
    if (resume) {
      if (resume.eventsBytes > 0) p.recorder.continueEvents(resume.eventsBytes);
      else p.recorder.startEvents(resume.checkpoint.seq);
      a.resume(resume.checkpoint, resume.events);
    } else {
      a.checkpoint(); // the first: before anything is asked
    }
    system.onError = (err, msg) => {
      const reason = `${err.message} (while handling '${msg.type}' from rank ${msg.from.rank})`;
      this.log.error({ err, message: msg.type, from: msg.from.rank }, 'run failed');
      a.failRun(reason);
    };
    return { actor: a, dispatcher, progress };
  }

  /** Events and checkpoints of the optimizer actor, to the recorder's files. */
  private persistence(recorder: Recorder): Persistence {
    const { experiment: exp, version } = this.opts;
    let seq = this.opts.resume?.checkpoint.seq ?? 0;
    return {
      event: (e) => recorder.appendEvent(encodeEvent(e)),
      checkpoint: (state) => {
        seq++;
        recorder.writeCheckpoint(encodeCheckpoint({
          format: CHECKPOINT_FORMAT, version: CHECKPOINT_VERSION, seq, software: version, experiment: exp, journalBytes: recorder.journalBytes, ...state,
        }), seq);
        this.checkpoints++;
      },
      every: { generations: exp.checkpoint.every_generations, evaluations: exp.checkpoint.every_evaluations, seconds: exp.checkpoint.every_seconds, min_seconds: exp.checkpoint.min_seconds },
    };
  }

  private describe(p: Parts, actor: OptimizerActor, dispatcher: Dispatcher) {
    const { system, experiment: exp } = this.opts;
    return {
      name: exp.name, optimizer: exp.optimizer.type, optimizee: exp.optimizee.type, seed: exp.seed, ranks: system.size,
      evaluations: actor.evaluations, failures: actor.failures, generations: actor.generations, best: actor.best,
      workers: dispatcher.workerStats().map((w) => ({ ...w, host: p.hosts.get(w.rank) ?? '?' })),
    };
  }

  private async setupWorkers(self: Address, ranks: number[]): Promise<Map<number, string>> {
    const { system, experiment } = this.opts;
    const body: SetupBody = { experiment, outDir: this.opts.outDir, resumed: this.opts.resume !== undefined };
    const timeout = this.opts.setupTimeoutMs ?? 120_000;
    const settled = await Promise.allSettled(ranks.map((r) => system.request(self, { rank: r, id: 'worker' }, 'experiment.setup', body, timeout)));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      const e = failed.reason as Error;
      if (!(e instanceof RemoteError)) throw e;
      // a worker that answered with an error is still there: end every worker, so each rank finalizes
      await this.endWorkers(self, ranks).catch(() => {
        throw e;
      });
      throw new WorkerSetupError(`${e.remoteMessage} (worker setup, rank ${e.from.rank} of ${e.size} on ${e.host})`);
    }
    return new Map(settled.map((s) => (s as PromiseFulfilledResult<Envelope>).value).map((m) => [m.from.rank, (m.body as ReadyBody).host]));
  }

  private async endWorkers(self: Address, ranks: number[], timeoutMs = 60_000): Promise<void> {
    const { system } = this.opts;
    await Promise.all(ranks.map((r) => system.request(self, { rank: r, id: 'worker' }, 'experiment.end', null, timeoutMs)));
  }
}
