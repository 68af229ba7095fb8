/**
 * One generation in flight, held columnar: the core's rows (adopted, not copied) plus fitness,
 * status, timings and ranks in typed arrays of the same order. Results land in place as batches
 * arrive, in any order; the buffer itself is what the core's tell() receives, and its arrays are what
 * the recorder writes. Nothing is allocated per evaluation.
 */
import { STATUS_CODES } from '../core/fitness.js';
import type { Evaluations, Generation } from '../core/optimizer.js';
import { median } from '../math/statistics.js';
import type { JobBlock, ResultBatch } from './dispatcher.js';
import type { GenerationRecord } from './recorder.js';

export class GenerationBuffer implements Evaluations {
  readonly generation: number;
  readonly n: number;
  readonly index: Int32Array;
  readonly seed: Uint32Array;
  readonly x: Float64Array;
  readonly fitness: Float64Array;
  readonly weighted: Float64Array;
  readonly status: Uint8Array;
  readonly seconds: Float64Array;
  readonly started: Float64Array;
  readonly rank: Int32Array;
  readonly nObj: number;
  errors: Record<string, string> = {};
  outputs: Array<Float64Array | undefined> | null = null;
  received = 0;
  readonly block: JobBlock;
  private readonly done: Uint8Array;
  /** A resumed run's block of the rows still missing, and the buffer row of each of its rows. */
  private rest: { block: JobBlock; rows: Int32Array } | null = null;

  constructor(
    gen: Generation,
    readonly dim: number,
    private readonly weights: readonly number[],
    seedOf: (generation: number, index: number) => number,
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
    this.done = new Uint8Array(n);
    for (let k = 0; k < n; k++) this.seed[k] = seedOf(gen.generation, this.index[k]);
    this.block = { generation: gen.generation, index: this.index, seed: this.seed, x: this.x };
  }

  get complete(): boolean {
    return this.received >= this.n;
  }

  /** Whether a batch's results belong to this buffer. */
  owns(b: ResultBatch): boolean {
    return b.block === this.block || b.block === this.rest?.block;
  }

  /** The buffer rows of a batch, when they are not simply offset .. offset + n (a resumed run's rest). */
  rowsOf(b: ResultBatch): Int32Array | null {
    return this.rest && b.block === this.rest.block ? this.rest.rows.subarray(b.offset, b.offset + b.n) : null;
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
    const dim = this.dim;
    const r = Int32Array.from(rows);
    const x = new Float64Array(r.length * dim);
    r.forEach((k, i) => x.set(this.x.subarray(k * dim, (k + 1) * dim), i * dim));
    const block: JobBlock = { generation: this.generation, index: r.map((k) => this.index[k]), seed: Uint32Array.from(r, (k) => this.seed[k]), x };
    this.rest = { block, rows: r };
    return block;
  }

  /** Stores a batch's rows; returns how many were new (stale or repeated rows are ignored). */
  accept(b: ResultBatch): number {
    return this.owns(b) ? this.acceptAt(b, this.rowsOf(b)) : 0;
  }

  /** Stores a batch's rows at buffer rows `map` (or offset .. offset + n); also for replayed results. */
  acceptAt(b: Omit<ResultBatch, 'block'>, map: Int32Array | null): number {
    const nObj = this.weights.length;
    if (b.nObj !== nObj) throw new Error(`rank ${b.rank} returned ${b.nObj} fitness values per individual, expected ${nObj}`);
    let counted = 0;
    for (let i = 0; i < b.n; i++) {
      const k = map ? map[i] : b.offset + i;
      if (this.done[k]) continue;
      this.done[k] = 1;
      counted++;
      let w = 0;
      for (let j = 0; j < nObj; j++) {
        const f = b.fitness[i * nObj + j];
        this.fitness[k * nObj + j] = f;
        w += f * this.weights[j];
      }
      this.status[k] = b.status[i];
      this.seconds[k] = b.seconds[i];
      this.started[k] = b.started[i];
      this.rank[k] = b.rank;
      if (b.status[i] === STATUS_CODES.ok) this.weighted[k] = Number.isNaN(w) ? -Infinity : w;
      const err = b.errors?.[i];
      if (err) this.errors[k] = err;
      const out = b.outputs?.[i];
      if (out) (this.outputs ??= new Array(this.n))[k] = out;
    }
    this.received += counted;
    return counted;
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
      sub.seconds[i] = this.seconds[k];
      sub.started[i] = this.started[k];
      sub.rank[i] = this.rank[k];
      sub.done[i] = this.done[k];
      if (this.errors[k] !== undefined) sub.errors[i] = this.errors[k];
      const o = this.outputs?.[k];
      if (o) (sub.outputs ??= new Array(rows.length))[i] = o;
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

  /** Rows [offset, offset + n) as a record (views, no copy); error rows renumbered from 0. */
  sliceRecord(offset: number, n: number, stats: Record<string, number>): GenerationRecord {
    const errors: Record<string, string> = {};
    for (const [k, text] of Object.entries(this.errors)) if (+k >= offset && +k < offset + n) errors[+k - offset] = text;
    const ev = this.slice(offset, n);
    return {
      ...ev, stats, errors,
      seconds: this.seconds.subarray(offset, offset + n), started: this.started.subarray(offset, offset + n), rank: this.rank.subarray(offset, offset + n), seed: this.seed.subarray(offset, offset + n),
    };
  }

  /** Best, mean, median and worst weighted fitness of the successful evaluations, and failures. */
  stats(offset = 0, n = this.n): Record<string, number> {
    const ok = new Float64Array(n);
    let m = 0;
    let best = -Infinity, worst = Infinity, sum = 0;
    for (let k = offset; k < offset + n; k++) {
      if (this.status[k] !== STATUS_CODES.ok) continue;
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
