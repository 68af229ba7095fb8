/**
 * Learning to learn: an outer experiment whose optimizee is `experiment` (src/optimizees/experiment)
 * runs each of its individuals as a whole inner experiment on a group of ranks.
 *
 * Under mpirun the world is laid out as rank 0 (the outer optimizer) and groups of `optimizee.ranks`
 * consecutive ranks. Each group's first rank is an outer worker (a "leader"): for each individual it
 * receives, it runs the inner experiment as that experiment's rank 0, on its group's communicator,
 * whose other ranks ("members") serve as the inner workers of one inner experiment after another.
 * Several inner experiments thus run at once, one per group, and the groups are reused between outer
 * generations. Alone (no mpirun), inner experiments run in the process, one after another.
 *
 * Inner runs are ordinary runs in `<outer results>/inner/g<generation>-i<index>/` (config, journal,
 * trajectory, summary, run.log, checkpoints). An individual whose inner run had completed is not run
 * again; one that had started resumes from its checkpoint. So when the job is killed, resuming the
 * outer run resumes the inner runs it had in flight, inside it.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ResolvedExperiment } from '../experiment/config.js';
import { Coordinator } from '../experiment/coordinator.js';
import { readResumePoint, type ResumePoint } from '../experiment/checkpoint.js';
import { decodeGenerations } from '../experiment/generation-codec.js';
import type { Summary } from '../experiment/recorder.js';
import type { SetupBody } from '../experiment/worker-host.js';
import { emptyResults, failRow, type AsyncEvaluator, type EvalBatch, type EvalResults } from '../experiment/eval-results.js';
import { STATUS_CODES } from '../core/fitness.js';
import { hashSeed } from '../math/rng.js';
import { experimentOptimizee, innerExperiment, type ExperimentOptimizeeConfig } from '../optimizees/experiment/index.js';
import type { Space } from '../core/space.js';
import { ActorSystem } from '../runtime/actor-system.js';
import { systemClock } from '../runtime/clock.js';
import { InProcessHub } from '../runtime/in-process-transport.js';
import { createLogger, LOG_ACTOR, LogSink, silentLogger, type Logger } from '../runtime/log.js';
import type { Transport } from '../runtime/transport.js';
import { resolveExperiment } from './load-config.js';
import { UsageError } from './exit-codes.js';
import { version } from './version.js';

/** Where this process stands in a nested job. */
export type NestedRole = { kind: 'outer' } | { kind: 'leader'; group: number } | { kind: 'member'; group: number };

export interface NestedLayout {
  groupSize: number;
  groups: number;
}

/** Ranks per inner experiment, from the outer experiment's raw file (null when it is not nested). */
export function innerRanks(raw: unknown): number | null {
  const o = (raw as { optimizee?: { type?: unknown; ranks?: unknown } } | null)?.optimizee;
  if (o?.type !== 'experiment') return null;
  return Number.isInteger(o.ranks) && (o.ranks as number) >= 1 ? (o.ranks as number) : 2;
}

/** The groups of a nested job of `worldSize` ranks; throws UsageError when they do not fit. */
export function nestedLayout(groupSize: number, worldSize: number): NestedLayout {
  const rest = worldSize - 1;
  if (rest < groupSize || rest % groupSize !== 0) {
    const fits = [1, 2, 3].map((g) => 1 + g * groupSize).join(', ');
    throw new UsageError(`a nested experiment needs rank 0 for the outer optimizer and groups of optimizee.ranks (${groupSize}) for the inner experiments: start mpirun with ${fits}... ranks, not ${worldSize}`);
  }
  return { groupSize, groups: rest / groupSize };
}

export function nestedRole(layout: NestedLayout, worldRank: number): NestedRole {
  if (worldRank === 0) return { kind: 'outer' };
  const group = Math.floor((worldRank - 1) / layout.groupSize);
  return (worldRank - 1) % layout.groupSize === 0 ? { kind: 'leader', group } : { kind: 'member', group };
}

/** What an inner run is worth to the outer optimizer (its fitness). */
export function innerMetric(cfg: ExperimentOptimizeeConfig, summary: Summary, dir: string): number {
  if (cfg.metric === 'best') {
    if (!summary.best) throw new Error(`the inner run in ${dir} has no successful evaluation`);
    return summary.best.weightedFitness;
  }
  // every evaluation in order: weighted fitness, or null when it failed
  const values: Array<number | null> = [];
  for (const g of decodeGenerations(readFileSync(join(dir, 'generations.msgpack')))) {
    for (let i = 0; i < g.weighted.length; i++) values.push(g.status[i] === STATUS_CODES.ok ? g.weighted[i] : null);
  }
  let best = -Infinity;
  if (cfg.metric === 'evaluations-to-target') {
    for (let n = 0; n < values.length; n++) {
      if (values[n] !== null && values[n]! > best) best = values[n]!;
      if (best >= cfg.target!) return n + 1;
    }
    return values.length + 1;
  }
  // mean-best-so-far: before the first success, the first success's value (failing early is not paid)
  const first = values.find((v) => v !== null);
  if (first === undefined || first === null) throw new Error(`the inner run in ${dir} has no successful evaluation`);
  best = first;
  let sum = 0;
  for (const v of values) {
    if (v !== null && v > best) best = v;
    sum += best;
  }
  return sum / values.length;
}

/**
 * What an inner run's directory holds that this run may continue: a completed run or a checkpoint of
 * the very same inner experiment (resolved configuration and seed identical), and only when the outer
 * run is being resumed. Anything else (a fresh or --force outer run, another experiment's leftovers)
 * is not this run's and is removed.
 */
export type InnerReuse = { kind: 'completed'; summary: Summary } | { kind: 'resume'; point: ResumePoint } | { kind: 'fresh'; stale: string | null };

export function innerReuse(dir: string, experiment: ResolvedExperiment, resumingOuter: boolean): InnerReuse {
  if (!existsSync(dir)) return { kind: 'fresh', stale: null };
  if (!resumingOuter) return { kind: 'fresh', stale: 'the outer run starts afresh' };
  const want = canonical(experiment);
  try {
    const summaryFile = join(dir, 'summary.json');
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { experiment?: unknown };
    const same = canonical(config.experiment) === want;
    if (!same) return { kind: 'fresh', stale: 'it ran another inner experiment' };
    if (existsSync(summaryFile) && (JSON.parse(readFileSync(summaryFile, 'utf8')) as Summary).status === 'completed') {
      return { kind: 'completed', summary: JSON.parse(readFileSync(summaryFile, 'utf8')) as Summary };
    }
    if (existsSync(join(dir, 'checkpoint.msgpack'))) {
      const point = readResumePoint(dir);
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
 * One inner experiment, run to its end on `transport` (rank 0 of it here). When the outer run is
 * resumed, an inner run of the same experiment that had completed is reused and one that had started
 * resumes from its checkpoint; otherwise it runs afresh.
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

/**
 * A leader's (or a lone process's) evaluator for the experiment optimizee: each row is an inner run,
 * on the group's transport, one after another.
 */
export class InnerRunner implements AsyncEvaluator {
  readonly nObj = 1;
  private readonly cfg: ExperimentOptimizeeConfig;
  private readonly space: Space;
  private readonly outer: ResolvedExperiment;
  private readonly outDir: string;
  /** The outer run is a resumed one: its finished inner runs are reused, its started ones resumed. */
  private readonly resumingOuter: boolean;

  /** `group`: this rank's group transport; without one (no mpirun), each inner run gets a process of its own transport. */
  constructor(setup: SetupBody, private readonly group: Transport | null, private readonly log: Logger = silentLogger) {
    this.outer = setup.experiment;
    this.cfg = experimentOptimizee.schema.parse(stripWeights(setup.experiment.optimizee));
    this.space = experimentOptimizee.create(this.cfg).space;
    this.outDir = setup.outDir ?? join('results', setup.experiment.name);
    this.resumingOuter = setup.resumed === true;
  }

  async evaluate(b: EvalBatch): Promise<EvalResults> {
    const out = emptyResults(b, 1);
    const start = performance.now();
    const started = new Float64Array(b.index.length);
    for (let i = 0; i < b.index.length; i++) {
      const t0 = performance.now();
      started[i] = t0;
      const base = join(this.outDir, 'inner', `g${b.generation}-i${b.index[i]}`);
      const x = b.x.subarray(i * b.dim, (i + 1) * b.dim);
      try {
        // one inner run per variant and repeat; the individual's fitness is the mean of their metrics
        const single = this.cfg.variants.length === 1 && this.cfg.repeats === 1;
        let sum = 0;
        for (let v = 0; v < this.cfg.variants.length; v++) {
          for (let rep = 0; rep < this.cfg.repeats; rep++) {
            const dir = single ? base : join(base, `v${v}-r${rep}`);
            const seed = single ? b.seed[i] : hashSeed(b.seed[i], 'inner', v, rep);
            const raw = { name: `${this.outer.name}.g${b.generation}.i${b.index[i]}${single ? '' : `.v${v}.r${rep}`}`, seed, ...innerExperiment(this.cfg, this.space, x, v) };
            const transport = this.group ?? new InProcessHub(1, hostname()).transports[0];
            const summary = await runInner(transport, raw, dir, this.log, this.resumingOuter);
            if (summary.status !== 'completed') throw new Error(`the inner run in ${dir} ended ${summary.status}${summary.stopReasons.length ? ` (${summary.stopReasons.join('; ')})` : ''}`);
            sum += innerMetric(this.cfg, summary, dir);
          }
        }
        out.fitness[i] = sum / (this.cfg.variants.length * this.cfg.repeats);
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
    if (!this.group || this.group.size < 2) return;
    await closeGroup(this.group);
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

function stripWeights(o: Record<string, unknown>): Record<string, unknown> {
  const { type: _type, weights: _weights, ...rest } = o;
  return rest;
}
