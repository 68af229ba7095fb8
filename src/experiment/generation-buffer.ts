/**
 * One generation in flight, held columnar: the core's rows (adopted, not copied) plus fitness,
 * status, timings and ranks in typed arrays of the same order. Results land in place as batches
 * arrive, in any order; the buffer itself is what the core's tell() receives, and its arrays are what
 * the recorder writes. Nothing is allocated per evaluation.
 */
import { STATUS_CODES } from '../core/fitness.js';
import type { Generation } from '../core/optimizer.js';
import type { Evaluations, GenerationRecord, Rows } from '../core/rows.js';
import { median } from '../math/statistics.js';
import type { JobBlock, ResultBatch } from './dispatcher.js';

function weightedOf(f: readonly number[], w: readonly number[]): number {
  let s = 0;
  for (let j = 0; j < w.length; j++) s += f[j] * w[j];
  return s;
}

/** What a failed evaluation leads to (the experiment's `evaluation` settings). */
export interface FailurePolicy {
  /** Tries after the first, on any worker. */
  retries: number;
  /** The seed of try `attempt` (2, 3, ...) of an individual. */
  retrySeed(generation: number, index: number, attempt: number, previous: number): number;
  /** Told instead of a failure after the last try; null: told as failed. */
  penalty: readonly number[] | null;
}

export const NO_RETRIES: FailurePolicy = { retries: 0, retrySeed: (_g, _i, _a, s) => s, penalty: null };

export class GenerationBuffer implements Rows {
  readonly generation: number;
  readonly n: number;
  readonly index: Int32Array;
  readonly seed: Uint32Array;
  readonly x: Float64Array;
  readonly fitness: Float64Array;
  readonly weighted: Float64Array;
  /** As the optimizer is told: a failure told as the penalty fitness reads ok here (see outcome). */
  readonly status: Uint8Array;
  /** The evaluations' real status where it differs from `status` (penalties); null when it does not. */
  private truth: Uint8Array | null = null;
  readonly seconds: Float64Array;
  readonly started: Float64Array;
  readonly rank: Int32Array;
  /** Tries each row took (1 unless it failed and was retried). */
  readonly attempts: Uint8Array;
  readonly nObj: number;
  errors: Array<string | null> | null = null;
  outputs: Array<Float64Array | null> | null = null;
  received = 0;
  readonly block: JobBlock;
  private readonly done: Uint8Array;
  /** Blocks of some rows sent again (retries, a resumed run's rest), with the buffer row of each of their rows. */
  private readonly extra = new Map<JobBlock, Int32Array>();
  /** Rows to try again, gathered while a batch is accepted. */
  private retryRows: number[] = [];
  /** The failures of earlier tries, by row. */
  private history: Record<number, string> = {};

  constructor(
    gen: Generation,
    readonly dim: number,
    private readonly weights: readonly number[],
    seedOf: (generation: number, index: number) => number,
    private readonly policy: FailurePolicy = NO_RETRIES,
  ) {
    const n = gen.index.length;
    const nObj = weights.length;
    if (gen.x.length !== n * dim) throw new RangeError(`generation ${gen.generation}: ${n} rows need ${n * dim} parameters, got ${gen.x.length}`);
    this.generation = gen.generation;
    this.n = n;
    this.nObj = nObj;
    this.index = gen.index;
    this.x = gen.x;
    this.seed = new Uint32Array(n);
    this.fitness = new Float64Array(n * nObj).fill(NaN);
    this.weighted = new Float64Array(n).fill(-Infinity);
    this.status = new Uint8Array(n);
    this.seconds = new Float64Array(n);
    this.started = new Float64Array(n);
    this.rank = new Int32Array(n).fill(-1);
    this.attempts = new Uint8Array(n).fill(1);
    this.done = new Uint8Array(n);
    for (let k = 0; k < n; k++) this.seed[k] = seedOf(gen.generation, this.index[k]);
    this.block = { generation: gen.generation, index: this.index, seed: this.seed, x: this.x };
  }

  get complete(): boolean {
    return this.received >= this.n;
  }

  /** Whether a batch's results belong to this buffer. */
  owns(b: ResultBatch): boolean {
    return b.block === this.block || this.extra.has(b.block);
  }

  /** The buffer rows of a batch, when they are not simply offset .. offset + n (retries, a resumed run's rest). */
  rowsOf(b: ResultBatch): Int32Array | null {
    return this.extra.get(b.block)?.subarray(b.offset, b.offset + b.n) ?? null;
  }

  /** Which rows have their result (a copy), for a checkpoint. */
  doneMask(): Uint8Array {
    return this.done.slice();
  }

  /** Marks rows whose results were told before a checkpoint (a resumed steady-state run). */
  markDone(mask: Uint8Array): void {
    for (let k = 0; k < this.n; k++) {
      if (mask[k] && !this.done[k]) {
        this.done[k] = 1;
        this.received++;
      }
    }
  }

  /** The rows still without a result, as a block of their own (a resumed run dispatches only these). */
  missingBlock(): JobBlock | null {
    const rows: number[] = [];
    for (let k = 0; k < this.n; k++) if (!this.done[k]) rows.push(k);
    if (rows.length === 0) return null;
    if (rows.length === this.n) return this.block;
    return this.blockOf(rows);
  }

  /** The rows that failed and are to be tried again, as a block (null if none); once per accept. */
  takeRetryBlock(): JobBlock | null {
    const rows = this.retryRows;
    this.retryRows = [];
    return rows.length ? this.blockOf(rows) : null;
  }

  private blockOf(rows: number[]): JobBlock {
    const dim = this.dim;
    const r = Int32Array.from(rows);
    const x = new Float64Array(r.length * dim);
    r.forEach((k, i) => x.set(this.x.subarray(k * dim, (k + 1) * dim), i * dim));
    const block: JobBlock = { generation: this.generation, index: r.map((k) => this.index[k]), seed: Uint32Array.from(r, (k) => this.seed[k]), x };
    this.extra.set(block, r);
    return block;
  }

  /** Stores a batch's rows; returns the rows newly done (stale or repeated rows are ignored). */
  accept(b: ResultBatch): Int32Array {
    return this.owns(b) ? this.acceptAt(b, this.rowsOf(b)) : new Int32Array(0);
  }

  /**
   * Stores a batch's rows at buffer rows `map` (or offset .. offset + n); also for replayed results.
   * A failed row with tries left is not stored but queued for takeRetryBlock(); after its last try a
   * failure is stored as failed, or told as the penalty fitness. Returns the rows newly done.
   */
  acceptAt(b: Omit<ResultBatch, 'block' | 'busy' | 'ranks'> & { ranks?: Int32Array | null }, map: Int32Array | null): Int32Array {
    const nObj = this.weights.length;
    if (b.nObj !== nObj) throw new Error(`rank ${b.rank} returned ${b.nObj} fitness values per individual, expected ${nObj}`);
    const newly = new Int32Array(b.n);
    let m = 0;
    const { retries, penalty } = this.policy;
    for (let i = 0; i < b.n; i++) {
      const k = map ? map[i] : b.offset + i;
      if (this.done[k]) continue;
      const failed = b.status[i] !== STATUS_CODES.ok;
      const err = b.errors?.[i];
      if (failed && this.attempts[k] <= retries && !this.retryRows.includes(k)) {
        const a = this.attempts[k];
        this.history[k] = (this.history[k] ?? '') + `try ${a} of ${retries + 1} (seed ${this.seed[k]}, rank ${b.ranks ? b.ranks[i] : b.rank}) ${b.status[i] === STATUS_CODES['timed-out'] ? 'timed out' : 'failed'}: ${err ?? 'no reason given'}\n`;
        this.attempts[k] = a + 1;
        this.seed[k] = this.policy.retrySeed(this.generation, this.index[k], a + 1, this.seed[k]);
        this.retryRows.push(k);
        continue;
      }
      this.done[k] = 1;
      newly[m++] = k;
      this.seconds[k] = b.seconds[i];
      this.started[k] = b.started[i];
      this.rank[k] = b.ranks ? b.ranks[i] : b.rank;
      this.status[k] = b.status[i];
      if (this.truth) this.truth[k] = b.status[i];
      const earlier = this.history[k];
      if (failed && penalty) {
        (this.truth ??= this.status.slice())[k] = b.status[i];
        this.status[k] = STATUS_CODES.ok;
        this.fitness.set(penalty, k * nObj);
        this.weighted[k] = weightedOf(penalty, this.weights);
        this.setError(k, `${earlier ?? ''}${err ?? 'failed'}\n[told the optimizer the penalty fitness [${penalty.join(', ')}]]`);
        continue;
      }
      let w = 0;
      for (let j = 0; j < nObj; j++) {
        const f = b.fitness[i * nObj + j];
        this.fitness[k * nObj + j] = f;
        w += f * this.weights[j];
      }
      if (!failed) this.weighted[k] = Number.isNaN(w) ? -Infinity : w;
      if (err) this.setError(k, (earlier ?? '') + err);
      else if (earlier) this.setError(k, `${earlier}try ${this.attempts[k]} succeeded`);
      const out = b.outputs?.[i];
      if (out) (this.outputs ??= new Array<Float64Array | null>(this.n).fill(null))[k] = out;
    }
    this.received += m;
    return newly.subarray(0, m);
  }

  private setError(k: number, text: string): void {
    (this.errors ??= new Array<string | null>(this.n).fill(null))[k] = text;
  }

  /** Whether rows[0 ..] are consecutive, so a view (slice) can stand for them. */
  static contiguous(rows: Int32Array): boolean {
    for (let i = 1; i < rows.length; i++) if (rows[i] !== rows[i - 1] + 1) return false;
    return true;
  }

  /** Rows `rows` as a buffer of their own (copies), for telling and recording a non-contiguous set. */
  subset(rows: Int32Array): GenerationBuffer {
    const dim = this.dim;
    const nObj = this.nObj;
    const x = new Float64Array(rows.length * dim);
    rows.forEach((k, i) => x.set(this.x.subarray(k * dim, (k + 1) * dim), i * dim));
    const sub = new GenerationBuffer({ generation: this.generation, index: rows.map((k) => this.index[k]), x }, dim, this.weights, () => 0);
    rows.forEach((k, i) => {
      sub.seed[i] = this.seed[k];
      sub.fitness.set(this.fitness.subarray(k * nObj, (k + 1) * nObj), i * nObj);
      sub.weighted[i] = this.weighted[k];
      sub.status[i] = this.status[k];
      if (this.truth) (sub.truth ??= sub.status.slice())[i] = this.truth[k];
      sub.attempts[i] = this.attempts[k];
      sub.seconds[i] = this.seconds[k];
      sub.started[i] = this.started[k];
      sub.rank[i] = this.rank[k];
      sub.done[i] = this.done[k];
      const e = this.errors?.[k];
      if (e) sub.setError(i, e);
      const o = this.outputs?.[k];
      if (o) (sub.outputs ??= new Array<Float64Array | null>(rows.length).fill(null))[i] = o;
    });
    sub.received = rows.reduce((n, k) => n + this.done[k], 0);
    return sub;
  }

  toRecord(stats: Record<string, number>): GenerationRecord {
    return this.sliceRecord(0, this.n, stats);
  }

  /** Rows [offset, offset + n) as what tell() takes (views, no copy): for steady-state cores. */
  slice(offset: number, n: number): Evaluations {
    const { dim, nObj } = this;
    return {
      generation: this.generation, dim, nObj,
      index: this.index.subarray(offset, offset + n), x: this.x.subarray(offset * dim, (offset + n) * dim),
      fitness: this.fitness.subarray(offset * nObj, (offset + n) * nObj), weighted: this.weighted.subarray(offset, offset + n),
      status: this.status.subarray(offset, offset + n), outputs: this.outputs ? this.outputs.slice(offset, offset + n) : null,
    };
  }

  /** Rows [offset, offset + n) as a record (views, no copy, but of the errors). */
  sliceRecord(offset: number, n: number, stats: Record<string, number>): GenerationRecord {
    const texts = this.errors?.slice(offset, offset + n) ?? null;
    const errors = texts && texts.some((e) => e !== null) ? texts : null;
    const ev = this.slice(offset, n);
    return {
      ...ev, stats, errors,
      status: (this.truth ?? this.status).subarray(offset, offset + n), attempts: this.attempts.subarray(offset, offset + n),
      seconds: this.seconds.subarray(offset, offset + n), started: this.started.subarray(offset, offset + n), rank: this.rank.subarray(offset, offset + n), seed: this.seed.subarray(offset, offset + n),
    };
  }

  /** Best, mean, median and worst weighted fitness of the successful evaluations, and failures. */
  stats(offset = 0, n = this.n): Record<string, number> {
    const status = this.truth ?? this.status;
    const ok = new Float64Array(n);
    let m = 0;
    let best = -Infinity, worst = Infinity, sum = 0;
    for (let k = offset; k < offset + n; k++) {
      if (status[k] !== STATUS_CODES.ok) continue;
      const w = this.weighted[k];
      ok[m++] = w;
      sum += w;
      if (w > best) best = w;
      if (w < worst) worst = w;
    }
    const failures = n - m;
    if (m === 0) return { evaluated: n, failures };
    return { evaluated: n, failures, best, worst, mean: sum / m, median: median(ok.subarray(0, m)) };
  }
}
