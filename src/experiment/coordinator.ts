/**
 * Coordinator: rank 0's orchestration of one experiment. Sets up every worker rank, runs the
 * optimizer actor to the end of its budget, ends the workers and writes the summary.
 *
 * With one rank the worker host lives on rank 0 beside the optimizer; with N ranks, ranks 1..N-1
 * evaluate and rank 0 only optimizes.
 */
import { Space } from '../core/space.js';
import { getOptimizee } from '../optimizees/registry.js';
import { getOptimizer } from '../optimizers/registry.js';
import type { ActorSystem } from '../runtime/actor-system.js';
import type { ResolvedExperiment } from './config.js';
import { Dispatcher } from './dispatcher.js';
import { OptimizerActor } from './optimizer-actor.js';
import { Progress, type ProgressMode } from './progress.js';
import { Recorder, type Summary } from './recorder.js';
import { WorkerHost, type ReadyBody, type SetupBody } from './worker-host.js';

export interface CoordinatorOptions {
  system: ActorSystem;
  experiment: ResolvedExperiment;
  outDir: string;
  force: boolean;
  progress: ProgressMode;
  version: string;
  /** Seconds from process start to the coordinator's start, for the summary. */
  startupSeconds: number;
  setupTimeoutMs?: number;
}

export class Coordinator {
  private actor: OptimizerActor | null = null;
  private interruptedBy: string | null = null;

  constructor(private readonly opts: CoordinatorOptions) {}

  /** Asks the run to end early (a signal): the summary records status "interrupted". */
  interrupt(reason: string): void {
    this.interruptedBy ??= reason;
    this.actor?.stopRun(reason);
  }

  async run(): Promise<Summary> {
    const { system, experiment: exp, outDir, force, version } = this.opts;
    const t0 = system.clock.now();
    const optimizee = getOptimizee(exp.optimizee.type).create(exp.optimizee);
    const space: Space = optimizee.space;
    const weights = exp.optimizee.weights ?? [...optimizee.weights];
    const core = getOptimizer(exp.optimizer.type).create(exp.optimizer, { space, weights, seed: exp.seed });

    const recorder = Recorder.open(outDir, { force });
    recorder.writeConfig({ experiment: exp, space: space.toJSON(), version, ranks: system.size });
    const self = system.spawn('coordinator', () => {});
    const workerRanks = system.size > 1 ? Array.from({ length: system.size - 1 }, (_, i) => i + 1) : [0];
    if (system.size === 1) system.spawn('worker', new WorkerHost().behaviour);
    const hosts = await this.setupWorkers(self, workerRanks);

    let actor: OptimizerActor;
    const dispatcher = new Dispatcher(workerRanks, space.dim, exp.dispatch, (r) => actor.accept(r));
    const dispatcherAddr = system.spawn('dispatcher', dispatcher.behaviour);
    dispatcher.attach((to, type, body) => system.send(dispatcherAddr, to, type, body));
    const progress = new Progress(this.opts.progress, process.stderr, system.clock, exp.stop);
    actor = new OptimizerActor({
      core, dispatcher, space, weights, seed: exp.seed, stop: exp.stop, clock: system.clock,
      record: (rec) => recorder.recordGeneration(rec),
      progress: (s) => progress.update(s),
    });
    this.actor = actor;
    system.onError = (err, msg) => actor.failRun(`${err.message} (while handling '${msg.type}' from rank ${msg.from.rank})`);

    const summaryOf = (status: Summary['status'], reasons: string[]): Summary => ({
      name: exp.name, optimizer: exp.optimizer.type, optimizee: exp.optimizee.type, seed: exp.seed, ranks: system.size,
      status, stopReasons: reasons, evaluations: actor.evaluations, failures: actor.failures, generations: actor.generations,
      wallSeconds: this.opts.startupSeconds + (system.clock.now() - t0) / 1000,
      timing: { startupSeconds: this.opts.startupSeconds, runSeconds: (system.clock.now() - tRun) / 1000 },
      best: actor.best,
      workers: dispatcher.workerStats().map((w) => ({ ...w, host: hosts.get(w.rank) ?? '?' })),
    });
    let tRun = system.clock.now();
    recorder.writeSummary(summaryOf('running', []));
    tRun = system.clock.now(); // the first summary (with its fsync) is setup, not run time
    if (this.interruptedBy) actor.stopRun(this.interruptedBy);
    const out = await actor.run();
    progress.finish({ generation: actor.generations, evaluations: actor.evaluations, failures: actor.failures, best: actor.best?.weightedFitness ?? -Infinity });
    dispatcher.cancelQueued();
    await this.endWorkers(self, workerRanks);
    await recorder.close();
    const summary = summaryOf(out.status, out.reasons); // timings include the last record on disk
    recorder.writeSummary(summary);
    return summary;
  }

  private async setupWorkers(self: { rank: number; id: string }, ranks: number[]): Promise<Map<number, string>> {
    const { system, experiment } = this.opts;
    const body: SetupBody = { experiment };
    const timeout = this.opts.setupTimeoutMs ?? 120_000;
    const replies = await Promise.all(ranks.map((r) => system.request(self, { rank: r, id: 'worker' }, 'experiment.setup', body, timeout)));
    return new Map(replies.map((m) => [m.from.rank, (m.body as ReadyBody).host]));
  }

  private async endWorkers(self: { rank: number; id: string }, ranks: number[]): Promise<void> {
    const { system } = this.opts;
    await Promise.all(ranks.map((r) => system.request(self, { rank: r, id: 'worker' }, 'experiment.end', null, 60_000)));
  }
}
