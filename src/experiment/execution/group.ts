/**
 * Group execution (learning to learn): each row is one or more whole inner experiments, run to their
 * ends one after another on a group of ranks, this one (the group's leader) their rank 0 and the
 * group's other ranks their workers. The optimizee's plan (src/core/optimizee.ts, GroupPlan) says which
 * inner runs a row is and what they are worth; this file runs them.
 *
 * Inner runs are ordinary runs in the outer results directory (`<outer>/inner/...`: config, journal,
 * trajectory, summary, run.log, checkpoints). When the outer run is resumed, an inner run of the very
 * same inner experiment that had completed is reused and one that had started resumes from its
 * checkpoint; anything else there is not this run's and is removed first. Alone (no group transport),
 * each inner run gets an in-process transport of its own.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { STATUS_CODES } from '../../core/fitness.js';
import type { Execution, InnerOutcome } from '../../core/optimizee.js';
import { readResumePoint, type ResumePoint } from '../../results/checkpoint.js';
import { Journal } from '../../results/journal.js';
import { CHECKPOINT_FILE, CONFIG_FILE, JOURNAL_FILE, SUMMARY_FILE, type Summary } from '../../results/records.js';
import { ActorSystem } from '../../runtime/actor-system.js';
import { systemClock } from '../../runtime/clock.js';
import { InProcessHub } from '../../runtime/in-process-transport.js';
import { createLogger, LOG_ACTOR, LogSink, type Logger } from '../../runtime/log.js';
import type { Transport } from '../../runtime/transport.js';
import { version } from '../../runtime/version.js';
import type { ResolvedExperiment } from '../config.js';
import { Coordinator } from '../coordinator.js';
import { emptyResults, failRow, type EvalBatch, type EvalResults } from '../eval-results.js';
import { resolveExperiment } from '../resolve.js';
import type { Evaluator, WorkerEnvironment } from './evaluator.js';

export class GroupEvaluator implements Evaluator {
  readonly describe: Record<string, unknown>;

  constructor(
    private readonly outer: ResolvedExperiment,
    private readonly execution: Extract<Execution, { kind: 'group' }>,
    readonly nObj: number,
    private readonly env: WorkerEnvironment,
  ) {
    this.describe = { execution: 'group', ranks: env.group?.size ?? 1 };
  }

  async evaluate(b: EvalBatch): Promise<EvalResults> {
    const out = emptyResults(b, this.nObj);
    const start = performance.now();
    const started = new Float64Array(b.index.length);
    for (let i = 0; i < b.index.length; i++) {
      const t0 = performance.now();
      started[i] = t0;
      const x = b.x.subarray(i * b.dim, (i + 1) * b.dim);
      const row = { name: this.outer.name, generation: b.generation, index: b.index[i], seed: b.seed[i] };
      try {
        const outcomes: InnerOutcome[] = [];
        for (const run of this.execution.plan.runs(x, row)) {
          const dir = join(this.env.outDir, run.dir);
          const transport = this.env.group ?? new InProcessHub(1, hostname()).transports[0];
          const summary = await runInner(transport, run.experiment, dir, this.env.log, this.env.resumed);
          if (summary.status !== 'completed') throw new Error(`the inner run in ${dir} ended ${summary.status}${summary.stopReasons.length ? ` (${summary.stopReasons.join('; ')})` : ''}`);
          outcomes.push(outcomeOf(summary, dir));
        }
        out.fitness.set(this.execution.plan.fitness(outcomes, row), i * this.nObj);
      } catch (err) {
        failRow(out, i, (err as Error).message);
      }
      out.seconds[i] = (performance.now() - t0) / 1000;
    }
    const end = performance.now();
    out.busy = (end - start) / 1000;
    for (let i = 0; i < b.index.length; i++) out.startedAgo[i] = (end - started[i]) / 1000;
    return out;
  }

  /** The outer run is over: the group's other ranks end. */
  async stop(): Promise<void> {
    if (this.env.group && this.env.group.size > 1) await closeGroup(this.env.group);
  }
}

/** An inner run's worth: its best, and every evaluation's weighted fitness in order (NaN where it failed). */
export function outcomeOf(summary: Summary, dir: string): InnerOutcome {
  const weighted: number[] = [];
  for (const g of Journal.open(join(dir, JOURNAL_FILE)).records()) {
    for (let i = 0; i < g.weighted.length; i++) weighted.push(g.status[i] === STATUS_CODES.ok ? g.weighted[i] : NaN);
  }
  return { dir, best: summary.best?.weightedFitness ?? null, weighted: Float64Array.from(weighted), evaluations: summary.evaluations };
}

/**
 * What an inner run's directory holds that this run may continue: a completed run or a checkpoint of
 * the very same inner experiment (resolved configuration and seed identical), and only when the outer
 * run is being resumed. Anything else (a fresh or --force outer run, another experiment's leftovers)
 * is not this run's and is removed.
 */
export type InnerReuse = { kind: 'completed'; summary: Summary } | { kind: 'resume'; point: ResumePoint<ResolvedExperiment> } | { kind: 'fresh'; stale: string | null };

export function innerReuse(dir: string, experiment: ResolvedExperiment, resumingOuter: boolean): InnerReuse {
  if (!existsSync(dir)) return { kind: 'fresh', stale: null };
  if (!resumingOuter) return { kind: 'fresh', stale: 'the outer run starts afresh' };
  const want = canonical(experiment);
  try {
    const config = JSON.parse(readFileSync(join(dir, CONFIG_FILE), 'utf8')) as { experiment?: unknown };
    if (canonical(config.experiment) !== want) return { kind: 'fresh', stale: 'it ran another inner experiment' };
    const summaryFile = join(dir, SUMMARY_FILE);
    if (existsSync(summaryFile)) {
      const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as Summary;
      if (summary.status === 'completed') return { kind: 'completed', summary };
    }
    if (existsSync(join(dir, CHECKPOINT_FILE))) {
      const point = readResumePoint<ResolvedExperiment>(dir);
      if (canonical(point.checkpoint.experiment) === want) return { kind: 'resume', point };
    }
    return { kind: 'fresh', stale: 'it has no checkpoint of this inner experiment' };
  } catch (err) {
    return { kind: 'fresh', stale: `it cannot be read (${(err as Error).message.split('\n')[0]})` };
  }
}

/** JSON with keys sorted at every level: equal text for equal configurations, whatever their key order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));
}

/**
 * One inner experiment, run to its end on `transport` (rank 0 of it here): afresh, resumed from its
 * checkpoint, or, already completed, reused (see innerReuse).
 */
export async function runInner(transport: Transport, raw: Record<string, unknown>, dir: string, log: Logger, resumingOuter = false): Promise<Summary> {
  const experiment = resolveExperiment(raw, `the inner experiment of ${dir}`);
  const reuse = innerReuse(dir, experiment, resumingOuter);
  if (reuse.kind === 'completed') {
    log.debug({ dir }, 'inner experiment reused: completed before the outer run was resumed');
    return reuse.summary;
  }
  if (reuse.kind === 'fresh' && reuse.stale !== null) {
    if (resumingOuter) log.warn({ dir, why: reuse.stale }, 'inner run directory not reused: running it afresh');
    rmSync(dir, { recursive: true, force: true });
  }
  const resume = reuse.kind === 'resume' ? reuse.point : undefined;
  const system = new ActorSystem(transport, systemClock);
  const logSink = new LogSink();
  system.spawn(LOG_ACTOR, logSink.behaviour);
  const innerLog = createLogger({ rank: 0, host: transport.host, level: 'info', sink: (line) => logSink.write(line) });
  log.debug({ dir, resumed: resume !== undefined }, 'inner experiment started');
  try {
    const coordinator = new Coordinator({ system, experiment: resume ? resume.checkpoint.experiment : experiment, outDir: dir, force: true, progress: 'none', version: version(), startupSeconds: 0, log: innerLog, logSink, resume });
    return await coordinator.run();
  } finally {
    system.close();
  }
}

/** Ends the members of a group (ranks 1.. of `group`), which serve inner runs until told. */
export async function closeGroup(group: Transport): Promise<void> {
  const system = new ActorSystem(group, systemClock);
  const self = system.spawn('leader', () => {});
  system.spawn(LOG_ACTOR, () => {}); // the members' last log lines (their 'worker done'), sent before they reply
  try {
    await Promise.all(Array.from({ length: group.size - 1 }, (_, k) => system.request(self, { rank: k + 1, id: 'worker' }, 'group.close', null, 60_000)));
  } finally {
    system.close();
  }
}
