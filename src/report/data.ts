/**
 * A results directory as the plain, bounded tables the report's figures are drawn from.
 *
 * Bounded whatever the run's size: per-generation statistics (binned into at most ~250 points when a
 * run has more than 500 records: by evaluations for a steady-state run, by generations otherwise),
 * at most SAMPLE_TARGET sampled individuals for the scatter plots (chosen by a hash of the evaluation
 * number, so the same run always gives the same sample), utilization on a fixed grid of time bins,
 * and throughput (evaluations and result messages per second, overhead per evaluation) over at most
 * ~60 windows of whole records, drawn in its place when evaluations are too short for it to show.
 *
 * Fitness is shown as the user reads it: with one objective the objective itself (a benchmark
 * function's value, minimised with weight -1), otherwise the weighted fitness the optimizer maximises.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { innerRuns, type InnerRunRow } from './inner-runs.js';
import { Journal } from '../results/journal.js';
import { ASSESSMENT_FILE, JOURNAL_FILE, type GenerationRecord, type RunMode } from '../results/records.js';
import type { ParamSpec } from '../core/space.js';
import { objectivesOf, seriesOf, type SeriesPoint } from './series.js';
import { timelineOf, utilizationOf, type Utilization } from './utilization.js';
import { throughputOf, type Throughput } from './throughput.js';
import { failuresOf, type Failures } from './failures.js';
import { paretoOf, type ParetoData } from './pareto.js';

/** Scatter plots sample at most this many individuals. */
export const SAMPLE_TARGET = 5000;
export class ReportInputError extends Error {
  override name = 'ReportInputError';
}

export interface WorkerRow {
  rank: number;
  host: string;
  evaluations: number;
  busySeconds: number;
}

/** summary.json, loosely: a run still going (or killed) lacks some of it. */
export interface RunSummary {
  name: string;
  optimizer: string;
  optimizee: string;
  seed?: number;
  ranks?: number;
  status: string;
  stopReasons: string[];
  evaluations?: number;
  failures?: number;
  generations?: number;
  wallSeconds?: number;
  timing?: { startupSeconds?: number; runSeconds?: number; evaluationSeconds?: number };
  best?: { fitness: number[]; weightedFitness: number; individual: Record<string, number | number[]>; generation: number; index: number } | null;
  workers?: WorkerRow[];
}

export interface Objective {
  nObj: number;
  /** Weights from config.json, else inferred from the records (one objective), else null. */
  weights: number[] | null;
  /** One objective with a known weight: the objective itself is shown. */
  single: boolean;
  /** Lower shown values are better. */
  minimize: boolean;
  /** Axis title for the shown value. */
  label: string;
  /** Every shown value is positive and lower is better: a log scale reads best. */
  log: boolean;
}

export interface Sample {
  /** Generation, or evaluation number for a steady-state run. */
  x: number;
  generation: number;
  evaluation: number;
  /** Shown fitness; null when the evaluation failed. */
  value: number | null;
  coords: number[];
}

export interface ReportData {
  dir: string;
  /** The inner runs of a nested experiment, in generation and index order (empty otherwise). */
  inner: InnerRunRow[];
  summary: RunSummary;
  config: { experiment?: Record<string, unknown>; space: ParamSpec[]; version?: string; ranks?: number; weights?: number[]; objectives?: string[] };
  /** Flattened coordinate names: `name` for a scalar, `name[j]` for an array element. */
  coordNames: string[];
  dim: number;
  mode: 'generational' | 'steady-state';
  /** What the series' x is. */
  xLabel: string;
  binned: boolean;
  /** Evaluations (steady-state) or generations (generational) per point of the series when binned, else 1. */
  binWidth: number;
  records: number;
  /** Evaluations recorded (may differ from summary.evaluations when the run was killed). */
  evaluations: number;
  truncated: { bytesIgnored: number } | null;
  objective: Objective;
  series: SeriesPoint[];
  bestSoFar: Array<{ evaluations: number; best: number }>;
  samples: Sample[];
  utilization: Utilization;
  throughput: Throughput;
  failures: Failures;
  /** With several fitness values per evaluation: each one's best and median per point of the series. */
  objectives: Array<{ objective: string; x: number; best: number; median: number }>;
  /** With two or more nonzero weights: the non-dominated set of the successful evaluations (see ParetoData). */
  pareto: ParetoData | null;
  /** assessment.json, where the run has one (the best individual on held-out data). */
  assessment: { summary: string; metrics: Record<string, number>; [k: string]: unknown } | null;
}

/** The run's weights: config.json's (written since the Pareto front is recorded), else the experiment's; null when unknown or not one per fitness value. */
function weightsOf(config: ReportData['config'], nObj: number): number[] | null {
  const w = config.weights ?? ((config.experiment?.optimizee as Record<string, unknown> | undefined)?.weights as number[] | undefined);
  return Array.isArray(w) && w.length === nObj && w.every((v) => typeof v === 'number' && Number.isFinite(v)) ? w : null;
}

/**
 * The journal's header and every complete record; a record cut off by a killed run is left out and
 * reported. A version 2 journal (written before the mode was recorded) reads as generational, which is
 * how its records were written but for asynchronous optimizers.
 */
export function readJournalTolerant(file: string): { mode: RunMode; records: GenerationRecord[]; truncated: { bytesIgnored: number } | null } {
  const j = Journal.open(file);
  const records = [...j.records()];
  return { mode: j.header.mode ?? 'generational', records, truncated: j.truncated ? { bytesIgnored: j.ignoredBytes } : null };
}

function readJson(dir: string, name: string): unknown {
  const path = join(dir, name);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ReportInputError(`${path}: not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
}

/** Checks that `dir` is a results directory; throws ReportInputError naming what is wrong. */
export function checkResultsDir(dir: string): void {
  if (!existsSync(dir)) throw new ReportInputError(`no such directory: ${dir}`);
  if (!statSync(dir).isDirectory()) throw new ReportInputError(`${dir} is not a directory`);
  const missing = ['summary.json', 'config.json', 'generations.msgpack'].filter((f) => !existsSync(join(dir, f)));
  if (missing.length === 3) throw new ReportInputError(`${dir} is not a results directory (no summary.json, config.json or generations.msgpack)`);
  if (missing.length > 0) throw new ReportInputError(`${dir} is not a complete results directory: ${missing.join(', ')} missing`);
}

function coordNamesOf(space: ParamSpec[]): string[] {
  return space.flatMap((p) => (p.length === null ? [p.name] : Array.from({ length: p.length }, (_, j) => `${p.name}[${j}]`)));
}

function objectiveOf(config: ReportData['config'], records: GenerationRecord[]): Omit<Objective, 'log'> {
  const nObj = records[0]?.nObj ?? 1;
  let weights = config.weights ?? ((config.experiment?.optimizee as Record<string, unknown> | undefined)?.weights as number[] | undefined) ?? null;
  if (!weights && nObj === 1) {
    // weighted = fitness * w: any successful row with a non-zero fitness gives w
    outer: for (const r of records) {
      for (let i = 0; i < r.index.length; i++) {
        const f = r.fitness[i];
        if (r.status[i] === 0 && Number.isFinite(r.weighted[i]) && f !== 0 && Number.isFinite(f)) {
          weights = [r.weighted[i] / f];
          break outer;
        }
      }
    }
  }
  const single = nObj === 1 && weights !== null && weights.length === 1 && weights[0] !== 0;
  const minimize = single && weights![0] < 0;
  const label = single ? (minimize ? 'fitness (lower is better)' : 'fitness (higher is better)') : 'weighted fitness (higher is better)';
  return { nObj, weights, single, minimize, label };
}

/** A fixed pseudo-random choice per evaluation number (murmur3's finaliser). */
function hashUnit(i: number): number {
  let h = Math.imul(i ^ 0x5bd1e995, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

export function loadReportData(dir: string): ReportData {
  checkResultsDir(dir);
  const summary = readJson(dir, 'summary.json') as RunSummary;
  const config = readJson(dir, 'config.json') as ReportData['config'];
  if (!summary || typeof summary !== 'object' || typeof summary.name !== 'string' || typeof summary.status !== 'string') {
    throw new ReportInputError(`${join(dir, 'summary.json')}: not an l2l summary (no name or status)`);
  }
  if (!config || !Array.isArray(config.space)) throw new ReportInputError(`${join(dir, 'config.json')}: not an l2l config (no parameter space)`);
  let read;
  try {
    read = readJournalTolerant(join(dir, JOURNAL_FILE));
  } catch (err) {
    throw new ReportInputError(`${join(dir, JOURNAL_FILE)}: ${(err as Error).message.replace(`${join(dir, JOURNAL_FILE)}: `, '').split('\n')[0]}`);
  }
  const { records, truncated, mode } = read;
  const coordNames = coordNamesOf(config.space);
  const dim = records[0]?.dim ?? coordNames.length;
  while (coordNames.length < dim) coordNames.push(`x[${coordNames.length}]`);
  const obj = objectiveOf(config, records);
  const w = obj.single ? obj.weights![0] : 1;
  /** The shown value of a weighted fitness. */
  const show = (weighted: number) => weighted / w;
  const evaluations = records.reduce((n, r) => n + r.index.length, 0);
  const steady = mode === 'steady-state';

  const series = seriesOf(records, mode, evaluations, show, SAMPLE_TARGET);
  const objective: Objective = { ...obj, log: obj.minimize && series.allPositive && series.bestSoFar.length > 0 };
  const { span, ranks } = timelineOf(records);
  const utilization = utilizationOf(records, span, ranks);
  const names = Array.from({ length: obj.nObj }, (_, j) => config.objectives?.[j] ?? `objective ${j + 1}`);
  const assessment = existsSync(join(dir, ASSESSMENT_FILE)) ? (readJson(dir, ASSESSMENT_FILE) as ReportData['assessment']) : null;

  return {
    objectives: obj.nObj > 1 ? objectivesOf(records, series, names) : [],
    pareto: paretoOf(records, weightsOf(config, obj.nObj), config.objectives, SAMPLE_TARGET),
    assessment: assessment && typeof assessment === 'object' && typeof assessment.summary === 'string' ? assessment : null,
    dir, inner: innerRuns(dir), summary, config, coordNames, dim, mode,
    xLabel: steady ? 'evaluations' : 'generation',
    binned: series.binned, binWidth: series.binWidth, records: records.length, evaluations, truncated, objective,
    series: series.points, bestSoFar: series.bestSoFar,
    samples: samplesOf(records, steady, show, evaluations),
    utilization,
    throughput: throughputOf(records, steady, span, ranks.length, evaluations, utilization.meanBusy),
    failures: failuresOf(records),
  };
}

/** About SAMPLE_TARGET evaluations for the scatter plots, the same ones every time (by a hash of the evaluation number). */
function samplesOf(records: GenerationRecord[], steady: boolean, show: (weighted: number) => number, evaluations: number): Sample[] {
  const p = Math.min(1, SAMPLE_TARGET / Math.max(1, evaluations));
  const samples: Sample[] = [];
  let e = 0;
  for (const r of records) {
    for (let k = 0; k < r.index.length; k++, e++) {
      if (hashUnit(e) >= p) continue;
      const v = r.weighted[k];
      samples.push({
        x: steady ? e + 1 : r.generation, generation: r.generation, evaluation: e + 1,
        value: r.status[k] === 0 && Number.isFinite(v) ? show(v) : null,
        coords: Array.from(r.x.subarray(k * r.dim, (k + 1) * r.dim)),
      });
    }
  }
  return samples;
}
