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
import { innerRuns, type InnerRunRow } from './inner-runs.js';
import { join } from 'node:path';
import { Journal } from '../results/journal.js';
import { ASSESSMENT_FILE, JOURNAL_FILE, type GenerationRecord, type RunMode } from '../results/records.js';
import type { ParamSpec } from '../core/space.js';
import { STATUS_NAMES } from '../core/fitness.js';
import { nondominated, rankedObjectives } from '../core/pareto.js';

/** Scatter plots sample at most this many individuals. */
export const SAMPLE_TARGET = 5000;
/** Above this many records the per-generation series is binned. */
export const MAX_SERIES = 500;
const BINS = 200;

/**
 * Evaluations are "too short to show" (the utilization figure gives way to the throughput and
 * overhead figure) when both hold:
 * - the workers' mean utilization (the utilization figure's own mean: busy fraction per rank and
 *   time bin, averaged) is below LOW_UTILIZATION: the heat map would be a near-white band (on its
 *   0-100% blue scale, 10% is barely tinted), and 90% or more of the workers' time went to something
 *   other than evaluating;
 * - the median evaluation is below SHORT_EVALUATION_SECONDS: a result message, the dispatcher and
 *   the optimizer cost tens of microseconds to milliseconds per batch or generation, so under ~1 ms
 *   per evaluation the framework's costs are what a run's time is made of, and saying the
 *   evaluations were too short is true. Long evaluations on mostly idle workers (too many ranks for
 *   the population, a slow optimizer) keep the heat map, which is what shows those idle ranks.
 */
export const LOW_UTILIZATION = 0.1;
export const SHORT_EVALUATION_SECONDS = 1e-3;
/**
 * Result messages are not in the journal. A steady-state run writes one record per result message
 * (the optimizer is told each batch as it arrives), so there they are counted exactly. A generational
 * record holds a whole generation, and its messages are estimated from it: a worker evaluates a batch's
 * rows one after another (in the record's row order), each starting 0 to a few microseconds after
 * the previous one ended, on one clock offset (the batch's message delay). Its next batch starts only
 * after it has sent the results (tens of microseconds to milliseconds), with another message delay.
 * So within one record a new message begins at a change of rank, where a row starts before the
 * previous row ended (by more than rounding: another delay, so another message), or where it starts
 * more than BATCH_GAP_SECONDS after it. Checked against runs with a fixed batch size: exact to a few
 * percent; a worker's pause inside a batch (garbage collection, an oversubscribed core) splits one
 * message in two, and an in-process worker's batches can follow each other closer than that.
 */
export const BATCH_GAP_SECONDS = 25e-6;
const BATCH_OVERLAP_SECONDS = 1e-6;
/** Throughput windows: at most about this many. */
const MAX_WINDOWS = 60;

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

export interface SeriesPoint {
  /** Generation (generational) or evaluations so far (steady-state), at the end of the bin. */
  x: number;
  /** The bin's extent on the x axis (a generation g spans g - 0.5 .. g + 0.5), for bars. */
  from: number;
  to: number;
  evaluated: number;
  failed: number;
  timedOut: number;
  /** Shown values of the successful evaluations: best, quartiles, the other extreme. Null when none succeeded. */
  best: number | null;
  median: number | null;
  q1: number | null;
  q3: number | null;
  lo: number | null;
  hi: number | null;
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

export interface UtilCell {
  rank: number;
  t0: number;
  t1: number;
  /** Fraction of the bin this rank spent evaluating (may exceed 1 if it evaluates rows concurrently). */
  busy: number;
}

/** One window of whole records (see `Throughput`). */
export interface ThroughputWindow {
  /** Seconds since the optimizer began: the window's extent. */
  t0: number;
  t1: number;
  /** Evaluations and result messages in the window's records. */
  evaluations: number;
  messages: number;
  evaluationsPerSecond: number;
  messagesPerSecond: number;
  /** Seconds of worker time per evaluation not spent evaluating; null when not positive. */
  overhead: number | null;
}

/**
 * What a run of evaluations too short for the utilization figure is drawn with: its throughput and
 * the framework's cost per evaluation, over windows of whole records.
 */
export interface Throughput {
  /**
   * Evaluations too short for utilization to show: mean utilization below LOW_UTILIZATION and median
   * evaluation below SHORT_EVALUATION_SECONDS (see loadReportData).
   */
  tooShort: boolean;
  /** Median evaluation seconds (every row with a time, failed ones too); NaN when none. */
  medianSeconds: number;
  /** Worker ranks that evaluated. */
  workers: number;
  /** Result messages in the whole run: records of a steady-state run, else estimated (see BATCH_GAP_SECONDS). */
  messages: number;
  /** Whether `messages` is an estimate (a generational run). */
  messagesEstimated: boolean;
  /** The whole run's (workers x span - seconds evaluating) / evaluations; NaN without times. */
  overheadPerEvaluation: number;
  windows: ThroughputWindow[];
}

export interface FailureMessage {
  /** The first line of the first occurrence. */
  message: string;
  count: number;
  /** Distinct first lines counted here (they differ only in their numbers). */
  variants: number;
  status: string;
  first: { generation: number; index: number; rank: number };
  /** The whole text of the first occurrence (stack or traceback). */
  example: string;
}

export interface FailureRow {
  generation: number;
  index: number;
  rank: number;
  status: string;
  message: string;
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
  utilization: { cells: UtilCell[]; ranks: number[]; span: number; binSeconds: number; meanBusy: number };
  throughput: Throughput;
  failures: { total: number; messages: FailureMessage[]; rows: FailureRow[]; rowsShown: number };
  /** With several fitness values per evaluation: each one's best and median per point of the series. */
  objectives: Array<{ objective: string; x: number; best: number; median: number }>;
  /** With two or more nonzero weights: the non-dominated set of the successful evaluations (see ParetoData). */
  pareto: ParetoData | null;
  /** assessment.json, where the run has one (the best individual on held-out data). */
  assessment: { summary: string; metrics: Record<string, number>; [k: string]: unknown } | null;
}

/**
 * The Pareto front of a run with two or more ranked objectives (nonzero weights), whatever its
 * optimizer: objectives sign(w_j) * fitness_j as the multi-objective cores rank them (src/core/pareto.ts),
 * over every successful evaluation with finite ranked components; the same set as trajectory.h5's
 * /pareto/rows. Values are the fitness components as recorded.
 */
export interface ParetoData {
  /** Every ranked objective: its fitness component, name (config.json's `objectives`, else fitness[j]) and sign (+1 maximised, -1 minimised). */
  objectives: Array<{ component: number; name: string; sign: number }>;
  /** Successful evaluations with finite ranked components (the set the front is taken from). */
  evaluations: number;
  /** The first two ranked objectives of at most SAMPLE_TARGET of them (every k-th, in journal order). */
  points: Array<{ a: number; b: number }>;
  /** The front, by the first objective ascending (ties by evaluation): its first two ranked objectives, and its 0-based evaluation number. */
  front: Array<{ a: number; b: number; evaluation: number }>;
}

/** The run's weights: config.json's (written since the Pareto front is recorded), else the experiment's; null when unknown or not one per fitness value. */
function weightsOf(config: ReportData['config'], nObj: number): number[] | null {
  const w = config.weights ?? ((config.experiment?.optimizee as Record<string, unknown> | undefined)?.weights as number[] | undefined);
  return Array.isArray(w) && w.length === nObj && w.every((v) => typeof v === 'number' && Number.isFinite(v)) ? w : null;
}

/** The Pareto front of the records (see ParetoData); null with fewer than two ranked objectives. */
function paretoOf(config: ReportData['config'], records: GenerationRecord[], nObj: number): ParetoData | null {
  const weights = weightsOf(config, nObj);
  if (!weights) return null;
  const { component, sign } = rankedObjectives(weights);
  const m = component.length;
  if (m < 2) return null;
  const total = records.reduce((n, r) => n + r.index.length, 0);
  const y = new Float64Array(total * m);
  const evaluation = new Float64Array(total);
  let n = 0;
  let e = 0;
  for (const r of records) {
    for (let k = 0; k < r.index.length; k++, e++) {
      if (r.status[k] !== 0) continue;
      let ok = true;
      for (let j = 0; j < m; j++) {
        const v = sign[j] * r.fitness[k * r.nObj + component[j]];
        if (!Number.isFinite(v)) ok = false;
        y[n * m + j] = v;
      }
      if (ok) evaluation[n++] = e;
    }
  }
  const front = nondominated(y, m, n);
  front.sort((p, q) => sign[0] * (y[p * m] - y[q * m]) || p - q);
  const step = Math.max(1, Math.ceil(n / SAMPLE_TARGET));
  const points: ParetoData['points'] = [];
  for (let i = 0; i < n; i += step) points.push({ a: sign[0] * y[i * m], b: sign[1] * y[i * m + 1] });
  return {
    objectives: component.map((c, j) => ({ component: c, name: config.objectives?.[c] ?? `fitness[${c}]`, sign: sign[j] })),
    evaluations: n, points,
    front: front.map((i) => ({ a: sign[0] * y[i * m], b: sign[1] * y[i * m + 1], evaluation: evaluation[i] })),
  };
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

/** Quantile of sorted values, linear between neighbours. */
function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** A fixed pseudo-random choice per evaluation number (murmur3's finaliser). */
function hashUnit(i: number): number {
  let h = Math.imul(i ^ 0x5bd1e995, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  const t = line.trim();
  return t.length > 200 ? `${t.slice(0, 197)}...` : t;
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

  // ---- the per-generation series (binned when long) ----
  const binned = records.length > MAX_SERIES;
  const steady = mode === 'steady-state';
  // bin k holds the records [starts[k], starts[k+1])
  const starts: number[] = [];
  let binWidth = 1;
  if (!binned) {
    for (let i = 0; i < records.length; i++) starts.push(i);
  } else if (steady) {
    const width = Math.max(1, Math.ceil(evaluations / BINS));
    binWidth = width;
    let seen = 0;
    let next = 0;
    records.forEach((r, i) => {
      if (seen >= next) {
        starts.push(i);
        next = (Math.floor(seen / width) + 1) * width;
      }
      seen += r.index.length;
    });
  } else {
    const width = Math.ceil(records.length / BINS);
    binWidth = width;
    for (let i = 0; i < records.length; i += width) starts.push(i);
  }
  const series: SeriesPoint[] = [];
  const bestSoFar: Array<{ evaluations: number; best: number }> = [];
  let bestWeighted = -Infinity;
  let done = 0;
  let allPositive = true;
  for (let b = 0; b < starts.length; b++) {
    const end = b + 1 < starts.length ? starts[b + 1] : records.length;
    let n = 0;
    let failed = 0;
    let timedOut = 0;
    const ok: number[] = [];
    for (let i = starts[b]; i < end; i++) {
      const r = records[i];
      for (let k = 0; k < r.index.length; k++) {
        n++;
        done++;
        const s = r.status[k];
        if (s === 1) failed++;
        else if (s === 2) timedOut++;
        const v = r.weighted[k];
        if (s === 0 && Number.isFinite(v)) {
          ok.push(v);
          if (show(v) <= 0) allPositive = false;
          if (v > bestWeighted) {
            bestWeighted = v;
            bestSoFar.push({ evaluations: done, best: show(v) });
          }
        }
      }
    }
    const sorted = Float64Array.from(ok).sort();
    const last = records[end - 1];
    const x = steady ? done : last.generation;
    const from = steady ? done - n : records[starts[b]].generation - 0.5;
    const to = steady ? done : last.generation + 0.5;
    if (sorted.length === 0) {
      series.push({ x, from, to, evaluated: n, failed, timedOut, best: null, median: null, q1: null, q3: null, lo: null, hi: null });
      continue;
    }
    const a = show(sorted[0]);
    const z = show(sorted[sorted.length - 1]);
    const qa = show(quantile(sorted, 0.25));
    const qz = show(quantile(sorted, 0.75));
    series.push({
      x, from, to, evaluated: n, failed, timedOut, best: z, median: show(quantile(sorted, 0.5)),
      q1: Math.min(qa, qz), q3: Math.max(qa, qz), lo: Math.min(a, z), hi: Math.max(a, z),
    });
  }
  // step plots need the end of the run as the last point
  if (bestSoFar.length > 0 && bestSoFar[bestSoFar.length - 1].evaluations < evaluations) {
    bestSoFar.push({ evaluations, best: bestSoFar[bestSoFar.length - 1].best });
  }
  const bestSoFarBounded = bestSoFar.length <= SAMPLE_TARGET ? bestSoFar
    : bestSoFar.filter((_, i) => i % Math.ceil(bestSoFar.length / SAMPLE_TARGET) === 0 || i === bestSoFar.length - 1);
  const objective: Objective = { ...obj, log: obj.minimize && allPositive && bestSoFar.length > 0 };

  // ---- samples, utilization and failures: one more pass over every row ----
  const p = Math.min(1, SAMPLE_TARGET / Math.max(1, evaluations));
  const samples: Sample[] = [];
  let span = 0;
  const rankSet = new Set<number>();
  for (const r of records) {
    for (let k = 0; k < r.index.length; k++) {
      const end = r.started[k] + r.seconds[k];
      if (Number.isFinite(end) && end > span) span = end;
      rankSet.add(r.rank[k]);
    }
  }
  const ranks = [...rankSet].sort((a, b) => a - b);
  const rankRow = new Map(ranks.map((rk, i) => [rk, i]));
  const nBins = Math.max(10, Math.min(120, Math.floor(6000 / Math.max(1, ranks.length))));
  const binSeconds = span > 0 ? span / nBins : 1;
  const busy = new Float64Array(ranks.length * nBins);

  const messages = new Map<string, FailureMessage>();
  const variants = new Map<string, Set<string>>();
  const failureRows: FailureRow[] = [];
  let failureTotal = 0;
  const MAX_FAILURE_ROWS = 200;

  // throughput: windows of whole records, each closed once it spans span / MAX_WINDOWS seconds (up
  // to the latest end of an evaluation so far), so a generational run's windows hold whole
  // generations, their barriers and the optimizer's time between them; the first starts at 0
  const windowTarget = span / MAX_WINDOWS;
  const rawWindows: Array<{ t0: number; t1: number; n: number; m: number; busy: number }> = [];
  let win = { t0: 0, t1: 0, n: 0, m: 0, busy: 0 };
  let reach = 0;
  let messageTotal = 0;
  let busyTotal = 0;
  const times = new Float64Array(evaluations);
  let nTimes = 0;
  for (const r of records) {
    for (let k = 0; k < r.index.length; k++) {
      const sec = r.seconds[k];
      const end = r.started[k] + sec;
      if (Number.isFinite(sec)) {
        times[nTimes++] = sec;
        win.busy += sec;
        busyTotal += sec;
      }
      if (Number.isFinite(end) && end > reach) reach = end;
      const prevEnd = k > 0 ? r.started[k - 1] + r.seconds[k - 1] : NaN;
      const gap = r.started[k] - prevEnd;
      if (k === 0 || (!steady && (r.rank[k] !== r.rank[k - 1] || gap > BATCH_GAP_SECONDS || gap < -BATCH_OVERLAP_SECONDS))) {
        win.m++;
        messageTotal++;
      }
    }
    win.n += r.index.length;
    if (span > 0 && reach - win.t0 >= windowTarget) {
      rawWindows.push({ ...win, t1: reach });
      win = { t0: reach, t1: 0, n: 0, m: 0, busy: 0 };
    }
  }
  if (win.n > 0) {
    const last = rawWindows[rawWindows.length - 1];
    if (span - win.t0 > 0 || !last) rawWindows.push({ ...win, t1: Math.max(span, win.t0) });
    else Object.assign(last, { n: last.n + win.n, m: last.m + win.m, busy: last.busy + win.busy });
  }
  const workers = ranks.length;
  const windows: ThroughputWindow[] = rawWindows.filter((w) => w.t1 > w.t0).map((w) => {
    const dt = w.t1 - w.t0;
    const overhead = w.n > 0 ? (workers * dt - w.busy) / w.n : NaN;
    return {
      t0: w.t0, t1: w.t1, evaluations: w.n, messages: w.m,
      evaluationsPerSecond: w.n / dt, messagesPerSecond: w.m / dt, overhead: overhead > 0 ? overhead : null,
    };
  });
  const sortedTimes = times.subarray(0, nTimes).sort();
  const medianSeconds = nTimes > 0 ? quantile(sortedTimes, 0.5) : NaN;

  let e = 0;
  for (const r of records) {
    for (let k = 0; k < r.index.length; k++, e++) {
      if (hashUnit(e) < p) {
        const v = r.weighted[k];
        samples.push({
          x: steady ? e + 1 : r.generation, generation: r.generation, evaluation: e + 1,
          value: r.status[k] === 0 && Number.isFinite(v) ? show(v) : null,
          coords: Array.from(r.x.subarray(k * r.dim, (k + 1) * r.dim)),
        });
      }
      const t0 = r.started[k];
      const t1 = t0 + r.seconds[k];
      if (Number.isFinite(t0) && Number.isFinite(t1) && t1 > t0 && span > 0) {
        const row = rankRow.get(r.rank[k])! * nBins;
        const b0 = Math.min(nBins - 1, Math.max(0, Math.floor(t0 / binSeconds)));
        const b1 = Math.min(nBins - 1, Math.max(0, Math.floor(t1 / binSeconds)));
        for (let b = b0; b <= b1; b++) {
          const overlap = Math.min(t1, (b + 1) * binSeconds) - Math.max(t0, b * binSeconds);
          if (overlap > 0) busy[row + b] += overlap;
        }
      }
      const s = r.status[k];
      if (s !== 0) {
        failureTotal++;
        const text = r.errors?.[k] ?? '';
        const status = STATUS_NAMES[s] ?? `status ${s}`;
        const message = firstLine(text) || `(${status}, no message)`;
        // messages that differ only in their numbers (times, indices, values) are one kind of failure
        const key = `${status}\u0000${message.replace(/\d+(\.\d+)?(e[-+]?\d+)?/gi, '#')}`;
        const m = messages.get(key);
        if (m) {
          m.count++;
          if (!variants.get(key)!.has(message) && variants.get(key)!.size < 10_000) variants.get(key)!.add(message);
          m.variants = variants.get(key)!.size;
        } else {
          messages.set(key, { message, count: 1, variants: 1, status, first: { generation: r.generation, index: r.index[k], rank: r.rank[k] }, example: text });
          variants.set(key, new Set([message]));
        }
        if (failureRows.length < MAX_FAILURE_ROWS) failureRows.push({ generation: r.generation, index: r.index[k], rank: r.rank[k], status, message });
      }
    }
  }
  const cells: UtilCell[] = [];
  let busySum = 0;
  ranks.forEach((rank, i) => {
    for (let b = 0; b < nBins; b++) {
      const f = busy[i * nBins + b] / binSeconds;
      busySum += Math.min(1, f);
      cells.push({ rank, t0: b * binSeconds, t1: (b + 1) * binSeconds, busy: f });
    }
  });

  const meanBusy = span > 0 && ranks.length > 0 ? busySum / (ranks.length * nBins) : 0;
  const throughput: Throughput = {
    tooShort: span > 0 && meanBusy < LOW_UTILIZATION && medianSeconds < SHORT_EVALUATION_SECONDS,
    medianSeconds, workers, messages: messageTotal, messagesEstimated: !steady,
    overheadPerEvaluation: span > 0 && evaluations > 0 ? (workers * span - busyTotal) / evaluations : NaN,
    windows,
  };

  // ---- each objective apart, when there are several ----
  const objectives: ReportData['objectives'] = [];
  if (obj.nObj > 1) {
    const names = Array.from({ length: obj.nObj }, (_, j) => config.objectives?.[j] ?? `objective ${j + 1}`);
    for (let b = 0; b < starts.length; b++) {
      const end = b + 1 < starts.length ? starts[b + 1] : records.length;
      for (let j = 0; j < obj.nObj; j++) {
        const vals: number[] = [];
        for (let i = starts[b]; i < end; i++) {
          const r = records[i];
          for (let k = 0; k < r.index.length; k++) {
            const v = r.fitness[k * r.nObj + j];
            if (r.status[k] === 0 && Number.isFinite(v)) vals.push(v);
          }
        }
        if (vals.length === 0) continue;
        const sorted = Float64Array.from(vals).sort();
        objectives.push({ objective: names[j], x: series[b].x, best: sorted[sorted.length - 1], median: quantile(sorted, 0.5) });
      }
    }
  }
  const assessment = existsSync(join(dir, ASSESSMENT_FILE)) ? (readJson(dir, ASSESSMENT_FILE) as ReportData['assessment']) : null;

  return {
    objectives, pareto: paretoOf(config, records, obj.nObj), assessment: assessment && typeof assessment === 'object' && typeof assessment.summary === 'string' ? assessment : null,
    dir, inner: innerRuns(dir), summary, config, coordNames, dim, mode,
    xLabel: steady ? 'evaluations' : 'generation',
    binned, binWidth, records: records.length, evaluations, truncated, objective, series, bestSoFar: bestSoFarBounded, samples,
    utilization: { cells: span > 0 ? cells : [], ranks, span, binSeconds, meanBusy },
    throughput,
    failures: {
      total: failureTotal,
      messages: [...messages.values()].sort((a, b) => b.count - a.count),
      rows: failureRows, rowsShown: failureRows.length,
    },
  };
}
