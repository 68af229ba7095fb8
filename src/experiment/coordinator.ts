/**
 * Coordinator: rank 0's orchestration of one experiment. Sets up every worker rank, runs the
 * optimizer actor to the end of its budget, then ends the run (see end()).
 *
 * With one rank the worker host lives on rank 0 beside the optimizer; with N ranks, ranks 1..N-1
 * evaluate and rank 0 only optimizes.
 */
import type { Space } from '../core/space.js';
import type { Optimizee } from '../core/optimizee.js';
import { threadsPerRank } from './execution/evaluator.js';
import { embeddedPython } from './execution/native.js';
import { callsPython, executionOf } from '../core/optimizee.js';
import { getOptimizee } from '../optimizees/registry.js';
import { getOptimizer } from '../optimizers/registry.js';
import { RemoteError, type Address, type ActorSystem, type Envelope } from '../runtime/actor-system.js';
import type { OptimizerCore } from '../core/optimizer.js';
import type { DispatchConfig, ResolvedExperiment } from './config.js';
import { Dispatcher, stealsWork, type DispatchTarget } from './dispatcher.js';
import { relayGroups, type RelayStartBody } from './relay.js';
import { OptimizerActor, type Persistence } from './optimizer-actor.js';
import type { OptimizerOutput } from './optimizer-machine.js';
import type { FailurePolicy } from './generation-buffer.js';
import { hashSeed } from '../math/rng.js';
import { Progress, type ProgressMode } from './progress.js';
import { Recorder, type Summary } from './recorder.js';
import { WorkerHost, WorkerSetupError, type ReadyBody, type SetupBody, type WorkerHostOptions } from './worker-host.js';
import { silentLogger, type LogSink, type Logger } from '../runtime/log.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, encodeCheckpoint, encodeEvent, type ResumePoint } from '../results/checkpoint.js';

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
  resume?: ResumePoint<ResolvedExperiment>;
  /** Options of the worker host that lives on rank 0 when the job has one rank. */
  workerOptions?: WorkerHostOptions;
}

interface Parts {
  optimizee: Optimizee;
  space: Space;
  weights: number[];
  core: OptimizerCore;
  recorder: Recorder;
  self: Address;
  workerRanks: number[];
  hosts: Map<number, string>;
  /** What rank 0 dispatches to: every worker, or the relays of hierarchical dispatch. */
  targets: DispatchTarget[];
  /** The experiment's dispatch settings, work stealing on only where the optimizee's evaluations are repeatable. */
  dispatch: DispatchConfig;
}

/** The run's pieces once wired, and its clock marks. */
interface Running extends Parts {
  actor: OptimizerActor;
  optimizer: Address;
  dispatcher: Dispatcher;
  progress: Progress;
  t0: number;
  tRun: number;
  /** Rank 0's CPU time at the first dispatch, and its CPU seconds from then to the run's end. */
  cpu0: NodeJS.CpuUsage;
  cpuRun?: number;
}

function cpuSecondsSince(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
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
    this.running?.optimizerStop(reason);
  }

  private running: { optimizerStop(reason: string): void } | null = null;

  async run(): Promise<Summary> {
    const { system } = this.opts;
    const t0 = system.clock.now();
    const parts = await this.setUp();
    const { actor, optimizer, dispatcher, progress } = this.wire(parts);
    this.running = { optimizerStop: (reason) => system.send(parts.self, optimizer, 'run.stop', { reason }) };
    const run: Running = { ...parts, actor, optimizer, dispatcher, progress, t0, tRun: system.clock.now(), cpu0: process.cpuUsage() };
    parts.recorder.writeSummary(this.summaryOf(run, 'running', []));
    run.tRun = system.clock.now(); // the first summary (with its fsync) is setup, not run time
    run.cpu0 = process.cpuUsage();
    if (this.interruptedBy) this.running.optimizerStop(this.interruptedBy);
    const out = await actor.run();
    this.evaluationSeconds = (system.clock.now() - run.tRun) / 1000; // first dispatch to last result told
    return this.end(run, out);
  }

  /**
   * The end of a run, in this order:
   *   1. the progress line's last state; nothing more is dispatched;
   *   2. a last checkpoint, unless the run failed (a finished run can go on with a larger budget);
   *   3. the journal flushed and the summary written with the run's status at once: interrupted by a
   *      signal, the launcher may follow it with SIGKILL within a second (the evaluations in flight
   *      are not waited for: their results never arrived, a resumed run evaluates them); otherwise
   *      ending the workers can take long (a worker that died after its last batch was stolen, or
   *      hangs), and the job may be killed meanwhile: the summary already says how the run ended;
   *   4. the workers ended (an interrupted run gives them 2 s, then the job is aborted by the caller),
   *      and 'run ended' logged (after the workers' last lines, unless interrupted: then at once);
   *   5. the log closed and the recorder closed, the journal synced: the run ends with its last record
   *      on disk; the summary is final;
   *   6. trajectory.h5 written from the journal (not for an interrupted run: export or the resumed run
   *      writes it), and the summary rewritten with the time it took.
   */
  private async end(run: Running, out: OptimizerOutput): Promise<Summary> {
    const { system } = this.opts;
    const { actor, dispatcher, progress, recorder } = run;
    progress.finish({ generation: actor.generations, evaluations: actor.evaluations, failures: actor.failures, best: actor.best?.weightedFitness ?? -Infinity });
    dispatcher.cancelQueued();
    if (out.status !== 'failed') actor.checkpoint();
    const interrupted = out.status === 'interrupted';
    await recorder.flush();
    recorder.writeSummary(this.summaryOf(run, out.status, out.reasons));
    const ended = () => this.log.info({ status: out.status, stopReasons: out.reasons, generations: actor.generations, evaluations: actor.evaluations, failures: actor.failures, best: actor.best?.weightedFitness ?? null }, 'run ended');
    if (interrupted) {
      ended();
      this.workersEnded = await this.endWorkers(run.self, run.workerRanks, 2_000).then(() => true, () => false);
      if (!this.workersEnded) this.log.warn('workers still busy with their evaluations: ending the job');
    } else {
      await this.endWorkers(run.self, run.workerRanks);
      await this.assess(run);
      ended(); // after the workers' last lines: the log's last word
    }
    this.opts.logSink?.detach();
    await recorder.close();
    const tEnd = system.clock.now();
    run.cpuRun = cpuSecondsSince(run.cpu0); // the run's; trajectory.h5 after it is not counted
    const summary = this.summaryOf(run, out.status, out.reasons, tEnd);
    recorder.writeSummary(summary);
    if (interrupted || actor.generations === 0) return summary;
    await recorder.writeTrajectory();
    this.trajectorySeconds = (system.clock.now() - tEnd) / 1000;
    const final = this.summaryOf(run, out.status, out.reasons, tEnd);
    recorder.writeSummary(final);
    return final;
  }

  /** The best individual on held-out data (Optimizee.assess), logged in one line and kept in assessment.json. */
  private async assess(run: Running): Promise<void> {
    const best = run.actor.best;
    if (!run.optimizee.assess || !best) return;
    try {
      const exp = this.opts.experiment;
      const execution = executionOf(getOptimizee(exp.optimizee.type), exp.optimizee);
      const python = callsPython(execution) ? { python: embeddedPython } : {};
      const a = await run.optimizee.assess(run.space.fromIndividual(best.individual), { threads: threadsPerRank(), ...python });
      run.recorder.writeAssessment(a);
      this.log.info({ assessment: a.metrics }, `best individual (generation ${best.generation}, index ${best.index}) on held-out data: ${a.summary}`);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'the assessment of the best individual failed');
    }
  }

  private evaluationSeconds = 0;
  private trajectorySeconds = 0;

  private summaryOf(run: Running, status: Summary['status'], reasons: string[], tEnd = this.opts.system.clock.now()): Summary {
    const { system, startupSeconds } = this.opts;
    return {
      ...this.describe(run, run.actor, run.dispatcher),
      status, stopReasons: reasons,
      wallSeconds: startupSeconds + (system.clock.now() - run.t0) / 1000,
      timing: { startupSeconds, runSeconds: (tEnd - run.tRun) / 1000, evaluationSeconds: this.evaluationSeconds, trajectorySeconds: this.trajectorySeconds, checkpointSeconds: run.recorder.checkpointSeconds },
      checkpoints: this.checkpoints,
      rank0: { cpuSeconds: run.cpuRun ?? cpuSecondsSince(run.cpu0), peakRssMiB: process.resourceUsage().maxRSS / 1024 },
    };
  }

  /** The model, the core and the recorder on rank 0; every worker set up and ready. */
  private async setUp(): Promise<Parts> {
    const { system, experiment: exp, outDir, force, version } = this.opts;
    const factory = getOptimizee(exp.optimizee.type);
    const optimizee = factory.create(exp.optimizee);
    const dispatch: DispatchConfig = { ...exp.dispatch, steal: stealsWork(exp.dispatch.steal, factory) };
    const space = optimizee.space;
    const weights = exp.optimizee.weights ?? [...optimizee.weights];
    const core = getOptimizer(exp.optimizer.type).create(exp.optimizer, { space, weights, seed: exp.seed });
    const resume = this.opts.resume;
    const recorder = resume ? Recorder.resume(outDir, resume.checkpoint.journalBytes) : Recorder.open(outDir, { force });
    recorder.writeConfig({ experiment: exp, space: space.toJSON(), version, ranks: system.size, weights, ...(optimizee.objectives ? { objectives: [...optimizee.objectives] } : {}) }, core.mode);
    this.opts.logSink?.open((text) => recorder.appendLog(text));
    const fields = { name: exp.name, optimizer: exp.optimizer.type, optimizee: exp.optimizee.type, seed: exp.seed, ranks: system.size, dim: space.dim, outDir, version };
    if (resume) this.log.info({ ...fields, checkpoint: resume.checkpoint.seq, ...resume.checkpoint.counters, eventsAfterCheckpoint: resume.events.length }, 'run resumed');
    else this.log.info(fields, 'run started');
    const self = system.spawn('coordinator', () => {});
    const workerRanks = system.size > 1 ? Array.from({ length: system.size - 1 }, (_, i) => i + 1) : [0];
    if (system.size === 1) system.spawn('worker', new WorkerHost(getOptimizee, { log: this.log, ...this.opts.workerOptions }).behaviour, { urgent: WorkerHost.urgent });
    const hosts = await this.setupWorkers(self, workerRanks);
    this.log.info({ workers: workerRanks.length, hosts: new Set(hosts.values()).size }, 'every worker is ready');
    const targets = await this.startRelays(self, workerRanks, hosts, space.dim, dispatch);
    return { optimizee, space, weights, core, recorder, self, workerRanks, hosts, targets, dispatch };
  }

  /**
   * The dispatcher and the optimizer actor, both actors of the system, connected: the dispatcher's
   * results reach the optimizer as messages, and the optimizer supervises rank 0's actors (a failure
   * of one ends the run as failed).
   */
  private wire(p: Parts): { actor: OptimizerActor; optimizer: Address; dispatcher: Dispatcher; progress: Progress } {
    const { system, experiment: exp } = this.opts;
    const epoch = system.clock.now();
    const now = () => (system.clock.now() - epoch) / 1000;
    const optimizer: Address = { rank: system.rank, id: 'optimizer' };
    let dispatcherAddr: Address | null = null;
    const dispatcher = new Dispatcher(p.targets, p.space.dim, p.dispatch, (r) => system.send(dispatcherAddr!, optimizer, 'eval.done', r), now);
    dispatcherAddr = system.spawn('dispatcher', dispatcher.behaviour);
    dispatcher.attach((to, type, body) => system.send(dispatcherAddr!, to, type, body));
    const progress = new Progress(this.opts.progress, process.stderr, system.clock, exp.stop, 5, this.opts.progressTag);
    const resume = this.opts.resume;
    const actor = new OptimizerActor({
      core: p.core, dispatcher, space: p.space, weights: p.weights, seed: exp.seed, stop: exp.stop, clock: system.clock,
      capacity: () => dispatcher.capacity,
      record: (rec) => {
        p.recorder.recordGeneration(rec);
        if (this.log.isLevelEnabled('debug')) this.log.debug({ generation: rec.generation, ...rec.stats }, 'generation told');
      },
      progress: (s) => progress.update(s),
      persist: this.persistence(p.recorder),
      failures: failurePolicy(exp),
      ...(resume ? { resume: { checkpoint: resume.checkpoint, events: resume.events } } : {}),
      onFailure: (f) => this.log.error({ err: { message: f.message, stack: f.stack }, message: f.type, from: f.from.rank }, 'run failed'),
    });
    system.spawn(optimizer.id, actor.behaviour);
    system.supervise(optimizer.id);
    if (resume) {
      if (resume.eventsBytes > 0) p.recorder.continueEvents(resume.eventsBytes);
      else p.recorder.startEvents(resume.checkpoint.seq);
    } else {
      actor.checkpoint(); // the first: before anything is asked
    }
    return { actor, optimizer, dispatcher, progress };
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

  private describe(p: Parts, actor: OptimizerActor, dispatcher: Dispatcher): Omit<Summary, 'status' | 'stopReasons' | 'wallSeconds' | 'timing' | 'checkpoints'> {
    const { system, experiment: exp } = this.opts;
    return {
      name: exp.name, optimizer: exp.optimizer.type, optimizee: exp.optimizee.type, seed: exp.seed, ranks: system.size,
      evaluations: actor.evaluations, failures: actor.failures, generations: actor.generations, best: actor.best,
      workers: dispatcher.workerStats().map((w) => ({ ...w, host: p.hosts.get(w.rank) ?? '?' })),
      dispatch: { targets: p.targets.length, batches: dispatcher.batchesSent, relays: dispatcher.relays, ...dispatcher.stealing },
    };
  }

  /**
   * Hierarchical dispatch (dispatch.fan_out): the relays started with their groups, and what rank 0
   * dispatches to (the relays, or every worker when flat).
   */
  private async startRelays(self: Address, workerRanks: number[], hosts: Map<number, string>, dim: number, dispatch: DispatchConfig): Promise<DispatchTarget[]> {
    const { system, experiment: exp } = this.opts;
    const groups = system.size > 1 ? relayGroups(workerRanks, (r) => hosts.get(r) ?? '?', exp.dispatch.fan_out) : null;
    if (!groups) return workerRanks.map((rank) => ({ rank, id: 'worker', workers: 1 }));
    await Promise.all(groups.map((g) => {
      const body: RelayStartBody = { workers: g.workers, dim, dispatch };
      return system.request(self, { rank: g.relay, id: 'relay' }, 'relay.start', body, 60_000);
    }));
    const sizes = groups.map((g) => g.workers.length);
    this.log.info({ relays: groups.length, workersPerRelay: { min: Math.min(...sizes), max: Math.max(...sizes) }, fanOut: exp.dispatch.fan_out }, `hierarchical dispatch: ${groups.length} relays, each serving ${Math.min(...sizes)}${Math.max(...sizes) > Math.min(...sizes) ? `-${Math.max(...sizes)}` : ''} workers`);
    return groups.map((g) => ({ rank: g.relay, id: 'relay', workers: g.workers.length }));
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
