/**
 * A run's records as the series the fitness figures draw: each record's statistics, or each bin's
 * when the run has more than MAX_SERIES records (about BINS points: by evaluations for a steady-state
 * run, by generations otherwise); the best-so-far step curve; and, with several fitness values, each
 * objective's best and median per point.
 */
import type { GenerationRecord, RunMode } from '../results/records.js';
import { quantileSorted as quantile } from '../math/statistics.js';

/** Above this many records the per-generation series is binned. */
export const MAX_SERIES = 500;
const BINS = 200;

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

export interface Series {
  binned: boolean;
  /** Evaluations (steady-state) or generations (generational) per point when binned, else 1. */
  binWidth: number;
  /** Point b holds the records [starts[b], starts[b + 1]) (the last: to the end). */
  starts: number[];
  points: SeriesPoint[];
  /** Each new best (shown value) at the evaluation count it came at, ending at the run's last evaluation. */
  bestSoFar: Array<{ evaluations: number; best: number }>;
  /** Every successful evaluation's shown value is positive. */
  allPositive: boolean;
}

/**
 * The series of `records` (`evaluations` rows in all), in shown values (`show` of a weighted fitness);
 * the best-so-far curve thinned to about `maxSteps` steps (its last kept).
 */
export function seriesOf(records: GenerationRecord[], mode: RunMode, evaluations: number, show: (weighted: number) => number, maxSteps: number): Series {
  const steady = mode === 'steady-state';
  const { starts, binned, binWidth } = binsOf(records, steady, evaluations);
  const points: SeriesPoint[] = [];
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
      points.push({ x, from, to, evaluated: n, failed, timedOut, best: null, median: null, q1: null, q3: null, lo: null, hi: null });
      continue;
    }
    const a = show(sorted[0]);
    const z = show(sorted[sorted.length - 1]);
    const qa = show(quantile(sorted, 0.25));
    const qz = show(quantile(sorted, 0.75));
    points.push({
      x, from, to, evaluated: n, failed, timedOut, best: z, median: show(quantile(sorted, 0.5)),
      q1: Math.min(qa, qz), q3: Math.max(qa, qz), lo: Math.min(a, z), hi: Math.max(a, z),
    });
  }
  // step plots need the end of the run as the last point
  if (bestSoFar.length > 0 && bestSoFar[bestSoFar.length - 1].evaluations < evaluations) {
    bestSoFar.push({ evaluations, best: bestSoFar[bestSoFar.length - 1].best });
  }
  const thinned = bestSoFar.length <= maxSteps ? bestSoFar
    : bestSoFar.filter((_, i) => i % Math.ceil(bestSoFar.length / maxSteps) === 0 || i === bestSoFar.length - 1);
  return { binned, binWidth, starts, points, bestSoFar: thinned, allPositive };
}

/** Where each point's records start: every record, or bins of about equal evaluations (steady) or generations. */
function binsOf(records: GenerationRecord[], steady: boolean, evaluations: number): Pick<Series, 'starts' | 'binned' | 'binWidth'> {
  const starts: number[] = [];
  if (records.length <= MAX_SERIES) {
    for (let i = 0; i < records.length; i++) starts.push(i);
    return { starts, binned: false, binWidth: 1 };
  }
  if (steady) {
    const width = Math.max(1, Math.ceil(evaluations / BINS));
    let seen = 0;
    let next = 0;
    records.forEach((r, i) => {
      if (seen >= next) {
        starts.push(i);
        next = (Math.floor(seen / width) + 1) * width;
      }
      seen += r.index.length;
    });
    return { starts, binned: true, binWidth: width };
  }
  const width = Math.ceil(records.length / BINS);
  for (let i = 0; i < records.length; i += width) starts.push(i);
  return { starts, binned: true, binWidth: width };
}

/** Each objective's (fitness component's) best and median per point of the series, named by `names`. */
export function objectivesOf(records: GenerationRecord[], series: Series, names: string[]): Array<{ objective: string; x: number; best: number; median: number }> {
  const out: Array<{ objective: string; x: number; best: number; median: number }> = [];
  const { starts, points } = series;
  for (let b = 0; b < starts.length; b++) {
    const end = b + 1 < starts.length ? starts[b + 1] : records.length;
    for (let j = 0; j < names.length; j++) {
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
      out.push({ objective: names[j], x: points[b].x, best: sorted[sorted.length - 1], median: quantile(sorted, 0.5) });
    }
  }
  return out;
}
