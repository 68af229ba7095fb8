/**
 * What each worker rank spent evaluating over the run, on a fixed grid of time bins (the utilization
 * heat map): a row per rank, 10 to 120 bins (fewer the more ranks, about 6,000 cells in all).
 */
import type { GenerationRecord } from '../results/records.js';

export interface UtilCell {
  rank: number;
  t0: number;
  t1: number;
  /** Fraction of the bin this rank spent evaluating (may exceed 1 if it evaluates rows concurrently). */
  busy: number;
}

export interface Utilization {
  /** Every rank's bins (none when the records have no times). */
  cells: UtilCell[];
  ranks: number[];
  /** Seconds from the optimizer's start to the latest end of an evaluation. */
  span: number;
  binSeconds: number;
  /** The mean over every cell of its busy fraction (capped at 1); 0 without times. */
  meanBusy: number;
}

/** The run's span (the latest end of an evaluation, in seconds since the optimizer began) and its worker ranks, ascending. */
export function timelineOf(records: GenerationRecord[]): { span: number; ranks: number[] } {
  let span = 0;
  const rankSet = new Set<number>();
  for (const r of records) {
    for (let k = 0; k < r.index.length; k++) {
      const end = r.started[k] + r.seconds[k];
      if (Number.isFinite(end) && end > span) span = end;
      rankSet.add(r.rank[k]);
    }
  }
  return { span, ranks: [...rankSet].sort((a, b) => a - b) };
}

/** Each rank's seconds evaluating per time bin, as fractions of the bin (see timelineOf for span and ranks). */
export function utilizationOf(records: GenerationRecord[], span: number, ranks: number[]): Utilization {
  const rankRow = new Map(ranks.map((rk, i) => [rk, i]));
  const nBins = Math.max(10, Math.min(120, Math.floor(6000 / Math.max(1, ranks.length))));
  const binSeconds = span > 0 ? span / nBins : 1;
  const busy = new Float64Array(ranks.length * nBins);
  for (const r of records) {
    for (let k = 0; k < r.index.length; k++) {
      const t0 = r.started[k];
      const t1 = t0 + r.seconds[k];
      if (!(Number.isFinite(t0) && Number.isFinite(t1) && t1 > t0 && span > 0)) continue;
      const row = rankRow.get(r.rank[k])! * nBins;
      const b0 = Math.min(nBins - 1, Math.max(0, Math.floor(t0 / binSeconds)));
      const b1 = Math.min(nBins - 1, Math.max(0, Math.floor(t1 / binSeconds)));
      for (let b = b0; b <= b1; b++) {
        const overlap = Math.min(t1, (b + 1) * binSeconds) - Math.max(t0, b * binSeconds);
        if (overlap > 0) busy[row + b] += overlap;
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
  return { cells: span > 0 ? cells : [], ranks, span, binSeconds, meanBusy };
}
