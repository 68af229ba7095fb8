/**
 * A run's throughput over time: evaluations and result messages per second, and the framework's cost
 * per evaluation (worker time not spent evaluating), over at most about MAX_WINDOWS windows of whole
 * records. The report draws it in place of the utilization heat map when evaluations are too short for
 * that to show (`tooShort`).
 */
import type { GenerationRecord } from '../results/records.js';
import { quantileSorted as quantile } from '../math/statistics.js';

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
   * evaluation below SHORT_EVALUATION_SECONDS (see LOW_UTILIZATION).
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

/**
 * The throughput of `records` (`evaluations` rows, `workers` ranks, over `span` seconds), and whether
 * its evaluations are too short for the utilization figure (given that figure's `meanBusy`).
 */
export function throughputOf(records: GenerationRecord[], steady: boolean, span: number, workers: number, evaluations: number, meanBusy: number): Throughput {
  // windows of whole records, each closed once it spans span / MAX_WINDOWS seconds (up to the latest
  // end of an evaluation so far), so a generational run's windows hold whole generations, their
  // barriers and the optimizer's time between them; the first starts at 0
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
      if (k === 0 || (!steady && startsMessage(r, k))) {
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
  const windows: ThroughputWindow[] = rawWindows.filter((w) => w.t1 > w.t0).map((w) => {
    const dt = w.t1 - w.t0;
    const overhead = w.n > 0 ? (workers * dt - w.busy) / w.n : NaN;
    return {
      t0: w.t0, t1: w.t1, evaluations: w.n, messages: w.m,
      evaluationsPerSecond: w.n / dt, messagesPerSecond: w.m / dt, overhead: overhead > 0 ? overhead : null,
    };
  });
  const medianSeconds = nTimes > 0 ? quantile(times.subarray(0, nTimes).sort(), 0.5) : NaN;
  return {
    tooShort: span > 0 && meanBusy < LOW_UTILIZATION && medianSeconds < SHORT_EVALUATION_SECONDS,
    medianSeconds, workers, messages: messageTotal, messagesEstimated: !steady,
    overheadPerEvaluation: span > 0 && evaluations > 0 ? (workers * span - busyTotal) / evaluations : NaN,
    windows,
  };
}

/** Whether row k (k > 0) of a generational record began another result message (see BATCH_GAP_SECONDS). */
function startsMessage(r: GenerationRecord, k: number): boolean {
  const gap = r.started[k] - (r.started[k - 1] + r.seconds[k - 1]);
  return r.rank[k] !== r.rank[k - 1] || gap > BATCH_GAP_SECONDS || gap < -BATCH_OVERLAP_SECONDS;
}
