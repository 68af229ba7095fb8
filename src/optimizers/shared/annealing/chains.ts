/**
 * Independent Metropolis chains in a box: the state that simulated annealing and parallel tempering
 * share. Chain i holds a current point x_i and its weighted fitness f_i (the maximised quantity;
 * -Infinity before its first evaluation or after a failed one).
 */
import type { Evaluations } from '../../../core/optimizer.js';
import type { Space } from '../../../core/space.js';
import { row } from '../../../math/rows.js';
import type { Rng } from '../../../math/rng.js';

/** The annealers' own stop reasons (simulated annealing and parallel tempering share them). */
export function annealingStopReasons(generation: number, p: { n_iteration: number; stop_criterion?: number }, best: number): string[] {
  const reasons: string[] = [];
  if (generation >= p.n_iteration) reasons.push(`n_iteration reached (${p.n_iteration} generations)`);
  if (p.stop_criterion !== undefined && best >= p.stop_criterion) reasons.push(`stop_criterion reached: best weighted fitness ${best} >= ${p.stop_criterion}`);
  return reasons;
}

/**
 * Metropolis acceptance for a maximised fitness: 1 if f' >= f, else exp((f' - f) / T); 0 at T <= 0
 * and for a failed proposal (NaN or -Infinity), so a failure never displaces a working point.
 */
export function acceptProbability(fNew: number, fCur: number, t: number): number {
  if (fNew >= fCur) return 1;
  if (!(t > 0) || !(fNew > -Infinity)) return 0;
  return Math.exp((fNew - fCur) / t);
}

/** Non-finite numbers as strings, so a snapshot survives JSON; finite ones unchanged. */
export function encodeNumber(v: number): number | string {
  return Number.isFinite(v) ? v : String(v);
}

export function decodeNumber(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity' || v === '-Infinity' || v === 'NaN') return Number(v);
  throw new TypeError(`${what} must be a number, got ${JSON.stringify(v)}`);
}

export interface ChainsSnapshot {
  x: number[][];
  fitness: (number | string)[];
}

export class Chains {
  /** Current points, n x dim row-major. */
  readonly x: Float64Array;
  /** Current weighted fitness per chain. */
  readonly f: Float64Array;

  constructor(
    readonly n: number,
    private readonly space: Space,
    init: Rng,
  ) {
    this.x = new Float64Array(n * space.dim);
    this.f = new Float64Array(n).fill(-Infinity);
    for (let i = 0; i < n; i++) space.sampleInto(init, row(this.x, i, space.dim));
  }

  /** The current points themselves: a chain's first evaluation is of its uniform start. */
  starts(): Float64Array {
    return this.x.slice();
  }

  /** x'_i = clip(x_i + N(0, 1) * step_i), one standard normal per coordinate, chain by chain. */
  propose(step: ArrayLike<number>, rng: Rng): Float64Array {
    const dim = this.space.dim;
    const out = this.x.slice();
    for (let i = 0; i < this.n; i++) {
      const xi = row(out, i, dim);
      for (let d = 0; d < dim; d++) xi[d] += rng.normal() * step[i];
      this.space.clip(xi);
    }
    return out;
  }

  /**
   * Metropolis step of every chain against its told proposal at its temperature temp_i: accept with
   * probability acceptProbability(f'_i, f_i, T_i), one uniform per chain drawn in chain order (so the
   * order of the rows does not matter). Returns the number accepted.
   */
  accept(ev: Evaluations, temp: ArrayLike<number>, rng: Rng, who: string): number {
    this.checkRows(ev, who);
    const u = Float64Array.from({ length: this.n }, () => rng.uniform());
    const dim = this.space.dim;
    let accepted = 0;
    for (let k = 0; k < ev.index.length; k++) {
      const i = ev.index[k];
      const fNew = Number.isNaN(ev.weighted[k]) ? -Infinity : ev.weighted[k];
      if (u[i] < acceptProbability(fNew, this.f[i], temp[i])) {
        this.x.set(row(ev.x, k, dim), i * dim);
        this.f[i] = fNew;
        accepted++;
      }
    }
    return accepted;
  }

  /** Every chain told exactly once. */
  private checkRows(ev: Evaluations, who: string): void {
    if (ev.index.length !== this.n) throw new RangeError(`${who}: told ${ev.index.length} evaluations, expected one per chain (${this.n})`);
    const seen = new Uint8Array(this.n);
    for (const i of ev.index) {
      if (!(i >= 0 && i < this.n)) throw new RangeError(`${who}: evaluation for chain ${i}, which does not exist`);
      if (seen[i]++) throw new RangeError(`${who}: chain ${i} told twice`);
    }
  }

  /** The best current fitness over the chains (-Infinity while none has a working point). */
  best(): number {
    return this.f.reduce((m, v) => (v > m ? v : m), -Infinity);
  }

  snapshot(): ChainsSnapshot {
    const dim = this.space.dim;
    return {
      x: Array.from({ length: this.n }, (_, i) => Array.from(row(this.x, i, dim))),
      fitness: Array.from(this.f, encodeNumber),
    };
  }

  /** Validates everything before changing anything, so a bad snapshot leaves the chains as they were. */
  restore(raw: unknown, who: string): void {
    const s = raw as Partial<ChainsSnapshot> | null;
    const dim = this.space.dim;
    if (!Array.isArray(s?.x) || !Array.isArray(s?.fitness) || s.x.length !== this.n || s.fitness.length !== this.n) {
      throw new TypeError(`${who} snapshot: x and fitness need one entry per chain (${this.n})`);
    }
    s.x.forEach((xi, i) => {
      if (!Array.isArray(xi) || xi.length !== dim || !xi.every((v) => typeof v === 'number')) {
        throw new TypeError(`${who} snapshot: x[${i}] must be ${dim} numbers`);
      }
    });
    const f = s.fitness.map((v, i) => decodeNumber(v, `${who} snapshot: fitness[${i}]`));
    s.x.forEach((xi, i) => this.x.set(xi, i * dim));
    this.f.set(f);
  }
}
