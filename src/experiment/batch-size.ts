/**
 * How many rows a dispatcher's next batch holds: a share of the head block, about batch_seconds of
 * work per worker behind its target, so tiny functions travel thousands to a message and long
 * simulations one at a time.
 *
 * The share is fixed when the block starts going out: its rows over the worker slots free then (a
 * generation: every slot; a steady-state refill: the one slot that just freed, so it goes out whole).
 * A share of what is left of the block instead shrank geometrically: a 20,000-row generation of
 * trivial evaluations over 31 workers went out in about 400 messages instead of 62, each costing rank
 * 0 a message (bench "dispatch", 32 ranks).
 *
 * Where a worker's whole share of the block takes less than batch_seconds (and fits in max_batch),
 * it goes out as one batch, not one per slot: a second batch would reach the worker while it is
 * still within batch_seconds of work, so it hides no latency and only doubles the messages (and the
 * steals at the end of each generation). Measured, bench "dispatch", 100 generations of 20,000
 * trivial evaluations: 16 ranks 0.81-0.94M -> 1.07-1.13M evaluations/s, 32 ranks 0.65-0.72M ->
 * 0.75-0.77M, rank 0's messages per generation 73 -> 32 at 32 ranks.
 *
 * Where it takes longer, and the rows' times are alike, the block goes out by factoring
 * (FACTORING_LIMIT): batches that shrink as its rows run out.
 */
import type { DispatchConfig } from './config.js';

/** How many evaluations a batch should hold before we know how long one takes. */
const FIRST_BATCH = 16;
/**
 * A block whose share per worker takes longer than batch_seconds goes out by factoring (Hummel,
 * Schonberg and Flynn, 1992): each batch is the rows left over every worker slot, at least
 * batch_seconds and at most this many times batch_seconds of work. A generation of 10 ms evaluations
 * then travels about 25 to a message while many rows are left, and the last batches hold one each,
 * so the generation's tail stays as short as one-per-message made it. The bound keeps what a batch
 * holds back (its results come when it ends; a killed run evaluates them again) to a quarter of a
 * second at the default batch_seconds. Measured, latency bench yaml, random search with 10 ms
 * evaluations on 4 workers: see docs/scaling.md, Hiding latency.
 */
const FACTORING_LIMIT = 25;
/**
 * Factoring only while evaluation times vary by at most this much (standard deviation over mean of
 * the rows' times): a batch running on one worker cannot be split, so with varied times a batch of
 * many holds up its generation's end. Measured, a GA of 200 with log-normal 10 ms times (sigma 1, a
 * spread of 1.3) on 4 workers: busy 0.93 of the time one per message, 0.88 with factoring.
 */
const FACTORING_MAX_SPREAD = 0.25;
/** Rows' times weighed in the spread, at most: older ones fade, so it follows a run whose times change. */
const SPREAD_ROWS = 1000;

export class BatchSizer {
  /** Seconds per evaluation, averaged over batches (exponentially); NaN until the first results. */
  private secondsPerEval = NaN;
  /** The rows' evaluation times so far (the last SPREAD_ROWS or so): count, mean, sum of squared deviations. */
  private readonly times = { n: 0, mean: 0, m2: 0 };

  constructor(
    private readonly opts: Pick<DispatchConfig, 'inflight' | 'batch_seconds' | 'max_batch'>,
    /** Workers behind every target of the dispatcher. */
    private readonly totalWorkers: number,
  ) {}

  /** Whether results have said how long an evaluation takes. */
  get timed(): boolean {
    return !Number.isNaN(this.secondsPerEval);
  }

  /** A batch of n rows answered: the worker seconds it took, and each row's own time. */
  note(busy: number, n: number, seconds: Float64Array): void {
    const perEval = busy / n;
    this.secondsPerEval = Number.isNaN(this.secondsPerEval) ? perEval : 0.7 * this.secondsPerEval + 0.3 * perEval;
    this.noteTimes(seconds);
  }

  /**
   * A block's share per slot, fixed when it starts going out with `rows` left: each free worker's
   * whole share when that takes less than batch_seconds (and fits in max_batch), else the rows over
   * the free slots.
   */
  share(rows: number, free: { slots: number; workers: number }): number {
    const bySeconds = this.timed ? this.bySeconds() : FIRST_BATCH;
    const perWorker = Math.ceil(rows / Math.max(1, free.workers));
    return perWorker <= Math.min(bySeconds, this.opts.max_batch) ? perWorker : Math.ceil(rows / Math.max(1, free.slots));
  }

  /** Rows per worker for the next batch of a block with `rows` left and share `perSlot` (see share). */
  size(rows: number, perSlot: number): number {
    const bySeconds = this.timed ? this.bySeconds() : FIRST_BATCH;
    let size = Math.min(perSlot, bySeconds);
    if (this.timed && perSlot > bySeconds && this.spread() <= FACTORING_MAX_SPREAD) {
      size = Math.max(size, Math.min(this.factored(rows), this.bySeconds(FACTORING_LIMIT)));
    }
    return Math.max(1, Math.min(size, this.opts.max_batch));
  }

  /**
   * Factoring: the rows left of a block shared over every worker slot, so a block's batches shrink
   * as it goes out (at most FACTORING_LIMIT x batch_seconds of work each, at least batch_seconds).
   */
  private factored(rows: number): number {
    return Math.ceil(rows / Math.max(1, this.opts.inflight * this.totalWorkers));
  }

  /** The rows' times' standard deviation over their mean (Infinity until a few are known). */
  private spread(): number {
    const { n, mean, m2 } = this.times;
    return n >= 8 && mean > 0 ? Math.sqrt(m2 / (n - 1)) / mean : Infinity;
  }

  /** Folds a batch's row times into the spread's statistics (Chan et al.'s pairwise update), older rows faded. */
  private noteTimes(seconds: Float64Array): void {
    let n = 0;
    let mean = 0;
    let m2 = 0;
    for (let i = 0; i < seconds.length; i++) {
      const x = seconds[i];
      if (!(x >= 0)) continue;
      n++;
      const d = x - mean;
      mean += d / n;
      m2 += d * (x - mean);
    }
    if (n === 0) return;
    const t = this.times;
    if (t.n > SPREAD_ROWS) {
      t.m2 *= SPREAD_ROWS / t.n;
      t.n = SPREAD_ROWS;
    }
    const total = t.n + n;
    const d = mean - t.mean;
    t.m2 += m2 + (d * d * t.n * n) / total;
    t.mean += (d * n) / total;
    t.n = total;
  }

  /** Evaluations that take about `times` x batch_seconds, at least one, at most max_batch. */
  bySeconds(times = 1): number {
    return Math.max(1, Math.min(this.opts.max_batch, Math.floor((times * this.opts.batch_seconds) / Math.max(this.secondsPerEval, 1e-9))));
  }
}
