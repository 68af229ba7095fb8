/**
 * The parameter space of an optimizee: named scalars and arrays, each with box bounds.
 *
 * An individual is a dict of named parameters; it is flattened in sorted key order (the reference
 * framework's convention), arrays element by element. Optimizer cores see only flat Float64Arrays;
 * names come back only at the edges (records, summaries, user code).
 */
import type { Rng } from '../math/rng.js';

export interface ParamSpec {
  name: string;
  /** null for a scalar, otherwise the number of elements of a 1-D array parameter. */
  length: number | null;
  lower: number;
  upper: number;
}

export type Individual = Record<string, number | number[]>;

export class Space {
  readonly params: readonly ParamSpec[];
  readonly dim: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;

  constructor(params: readonly ParamSpec[]) {
    if (params.length === 0) throw new RangeError('a parameter space needs at least one parameter');
    const sorted = [...params].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i].name === sorted[i - 1].name) throw new RangeError(`duplicate parameter name '${sorted[i].name}'`);
    }
    for (const p of sorted) {
      if (p.length !== null && (!Number.isInteger(p.length) || p.length < 1)) {
        throw new RangeError(`parameter '${p.name}': length must be a positive integer, got ${p.length}`);
      }
      if (!(Number.isFinite(p.lower) && Number.isFinite(p.upper) && p.lower <= p.upper)) {
        throw new RangeError(`parameter '${p.name}': bounds must be finite with lower <= upper, got [${p.lower}, ${p.upper}]`);
      }
    }
    this.params = sorted.map((p) => ({ ...p }));
    this.dim = sorted.reduce((n, p) => n + (p.length ?? 1), 0);
    this.lower = new Float64Array(this.dim);
    this.upper = new Float64Array(this.dim);
    let k = 0;
    for (const p of sorted) {
      for (let j = 0; j < (p.length ?? 1); j++, k++) {
        this.lower[k] = p.lower;
        this.upper[k] = p.upper;
      }
    }
  }

  /** The bounding function: clips x into the box, in place, and returns it. */
  clip(x: Float64Array): Float64Array {
    for (let i = 0; i < this.dim; i++) {
      if (x[i] < this.lower[i]) x[i] = this.lower[i];
      else if (x[i] > this.upper[i]) x[i] = this.upper[i];
    }
    return x;
  }

  contains(x: Float64Array): boolean {
    for (let i = 0; i < this.dim; i++) if (!(x[i] >= this.lower[i] && x[i] <= this.upper[i])) return false;
    return true;
  }

  /** Uniform sample inside the box. */
  sample(rng: Rng): Float64Array {
    return this.sampleInto(rng, new Float64Array(this.dim));
  }

  /** Uniform sample inside the box, written into x (length dim). */
  sampleInto(rng: Rng, x: Float64Array): Float64Array {
    for (let i = 0; i < this.dim; i++) x[i] = this.lower[i] + (this.upper[i] - this.lower[i]) * rng.uniform();
    return x;
  }

  /** x.length / dim uniform samples, row after row: the draws sampleInto makes row by row, without a view per row. */
  sampleRowsInto(rng: Rng, x: Float64Array): Float64Array {
    const { dim, lower, upper } = this;
    for (let k = 0; k < x.length; k += dim) {
      for (let i = 0; i < dim; i++) x[k + i] = lower[i] + (upper[i] - lower[i]) * rng.uniform();
    }
    return x;
  }

  toIndividual(x: ArrayLike<number>): Individual {
    const out: Individual = {};
    let k = 0;
    for (const p of this.params) {
      if (p.length === null) out[p.name] = x[k++];
      else {
        const a = new Array<number>(p.length);
        for (let j = 0; j < p.length; j++) a[j] = x[k++];
        out[p.name] = a;
      }
    }
    return out;
  }

  fromIndividual(ind: Individual): Float64Array {
    const x = new Float64Array(this.dim);
    let k = 0;
    for (const p of this.params) {
      const v = ind[p.name];
      if (v === undefined) throw new RangeError(`individual lacks parameter '${p.name}'`);
      if (p.length === null) {
        if (typeof v !== 'number') throw new TypeError(`parameter '${p.name}' must be a number`);
        x[k++] = v;
      } else {
        if (!Array.isArray(v) || v.length !== p.length) throw new TypeError(`parameter '${p.name}' must be an array of ${p.length} numbers`);
        for (let j = 0; j < p.length; j++) x[k++] = v[j];
      }
    }
    return x;
  }

  toJSON(): ParamSpec[] {
    return this.params.map((p) => ({ ...p }));
  }
}
