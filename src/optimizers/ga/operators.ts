/**
 * The GA's variation operators, with DEAP's semantics (selTournament, cxBlend, mutGaussian) and the
 * reference's extra pass over duplicates. Each takes the random stream it draws from.
 */
import type { Rng } from '../../math/rng.js';
import { compareFit, type Fit } from './ranking.js';

/**
 * Tournament selection: k winners, each the best of `size` aspirants drawn with replacement; on a
 * tie the first drawn wins (Python's max). Returns the winners' indices.
 */
export function tournament(fits: readonly Fit[], k: number, size: number, rng: Rng): number[] {
  const n = fits.length;
  const out = new Array<number>(k);
  for (let s = 0; s < k; s++) {
    let best = rng.int(n);
    for (let t = 1; t < size; t++) {
      const c = rng.int(n);
      if (compareFit(fits[c], fits[best]) > 0) best = c;
    }
    out[s] = best;
  }
  return out;
}

/** Blend crossover (BLX-alpha), in place: per gene, both children move along the line through the parents. */
export function blend(a: Float64Array, b: Float64Array, alpha: number, rng: Rng): void {
  for (let i = 0; i < a.length; i++) {
    const gamma = (1 + 2 * alpha) * rng.uniform() - alpha;
    const x1 = a[i];
    const x2 = b[i];
    a[i] = (1 - gamma) * x1 + gamma * x2;
    b[i] = gamma * x1 + (1 - gamma) * x2;
  }
}

/** Gaussian mutation, in place: each gene, with probability indProb, gets N(0, sigma) added. Returns x. */
export function mutateGaussian(x: Float64Array, sigma: number, indProb: number, rng: Rng): Float64Array {
  for (let i = 0; i < x.length; i++) {
    if (rng.uniform() < indProb) x[i] += sigma * rng.normal();
  }
  return x;
}

/** The probability with which the reference mutates a duplicate again. */
export const DUPLICATE_REMUTATION_PROB = 0.8;

/** A hash of x rounded to the grid 1/scale; equal rounded vectors hash equal. */
function roundedHash(x: Float64Array, scale: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < x.length; i++) {
    const r = Math.round(x[i] * scale);
    h = Math.imul(h ^ (r | 0), 0x01000193);
    h = Math.imul(h ^ (Math.floor(r / 4294967296) | 0), 0x01000193);
  }
  return h;
}

function sameRounded(a: Float64Array, b: Float64Array, scale: number): boolean {
  for (let i = 0; i < a.length; i++) if (Math.round(a[i] * scale) !== Math.round(b[i] * scale)) return false;
  return true;
}

/**
 * The reference's pass over duplicates: for every pair i < j of equal individuals, individual j is
 * mutated again with probability 0.8 (and compared with the later i against its new value).
 * Equality here is after rounding to `decimals` places, so near-copies from blending identical
 * parents count too (the reference compares exact values).
 *
 * The reference loops over all pairs, O(n^2); this visits only the comparisons that can match, by
 * bucketing earlier individuals on a hash of their rounded coordinates, so populations of many
 * thousands stay cheap. For each j, in the reference's order, only earlier individuals after the one
 * that triggered j's last mutation are compared again. Returns the number of mutations.
 */
export function remutateDuplicates(xs: readonly Float64Array[], mutate: (x: Float64Array) => void, rng: Rng, decimals = 4): number {
  const scale = 10 ** decimals;
  const earlier = new Map<number, number[]>();
  let mutations = 0;
  for (let j = 0; j < xs.length; j++) {
    const x = xs[j];
    let hash = roundedHash(x, scale);
    let from = 0;
    for (;;) {
      const hit = (earlier.get(hash) ?? []).find((i) => i >= from && sameRounded(xs[i], x, scale) && rng.uniform() < DUPLICATE_REMUTATION_PROB);
      if (hit === undefined) break;
      mutate(x);
      mutations++;
      from = hit + 1;
      hash = roundedHash(x, scale);
    }
    const bucket = earlier.get(hash);
    if (bucket) bucket.push(j);
    else earlier.set(hash, [j]);
  }
  return mutations;
}
