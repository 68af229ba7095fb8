/**
 * Seeded random streams.
 *
 * Every random draw in the framework comes from a stream derived from a tuple of keys, typically
 * (experiment seed, purpose, generation, individual index). Deriving instead of sharing one global
 * generator is what makes a run independent of rank count and arrival order, and it makes
 * snapshots small: a core that derives a fresh stream per generation needs to store no RNG state.
 *
 * The generator is pure-rand's xoroshiro128+; the keys are hashed into its 128-bit state.
 */
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';

export type StreamKey = number | string;

/** murmur3's 32-bit finaliser: a cheap bijective avalanche. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Folds one key into the running hash; numbers are taken as doubles so 2**40 and 1.5 are distinct. */
function absorb(h: number, key: StreamKey): number {
  if (typeof key === 'string') {
    for (let i = 0; i < key.length; i++) h = fmix32(h ^ Math.imul(key.charCodeAt(i), 0x9e3779b1));
    return fmix32(h ^ key.length);
  }
  if (!Number.isFinite(key)) throw new RangeError(`random stream key must be finite, got ${key}`);
  const lo = key >>> 0;
  const hi = Math.floor(key / 4294967296) | 0;
  h = fmix32(h ^ Math.imul(lo, 0x9e3779b1));
  h = fmix32(h ^ Math.imul(hi ^ 0x7f4a7c15, 0x85ebca6b));
  if (!Number.isInteger(key)) h = fmix32(h ^ Math.imul(Math.round((key % 1) * 2 ** 30), 0x27d4eb2f));
  return h;
}

/** Hashes keys into a 32-bit value; used for per-individual seeds that travel to workers. */
export function hashSeed(...keys: StreamKey[]): number {
  let h = 0x243f6a88;
  for (const k of keys) h = absorb(h, k);
  return h >>> 0;
}

/**
 * hashSeed for many keys that share their first ones: `seedsAfter(a, b)(c, d) === hashSeed(a, b, c, d)`,
 * with the shared keys hashed once (rank 0 derives a seed for every individual it asks).
 */
export function seedsAfter(...keys: StreamKey[]): (a: number, b: number) => number {
  let h0 = 0x243f6a88;
  for (const k of keys) h0 = absorb(h0, k);
  return (a, b) => absorb(absorb(h0, a), b) >>> 0;
}

export class Rng {
  private constructor(private readonly gen: JumpableRandomGenerator) {}

  /** A stream determined by the keys alone. */
  static derive(...keys: StreamKey[]): Rng {
    let h = 0x243f6a88;
    for (const k of keys) h = absorb(h, k);
    return Rng.fromHash(h);
  }

  /**
   * derive for many streams that share their first keys: `Rng.after(a, b)(c)` is `Rng.derive(a, b, c)`,
   * with the shared keys hashed once (an optimizer deriving a stream per individual).
   */
  static after(...keys: StreamKey[]): (last: StreamKey) => Rng {
    let h0 = 0x243f6a88;
    for (const k of keys) h0 = absorb(h0, k);
    return (last) => Rng.fromHash(absorb(h0, last));
  }

  private static fromHash(h: number): Rng {
    const state: number[] = [fmix32(h ^ 0x1), fmix32(h ^ 0x2), fmix32(h ^ 0x3), fmix32(h ^ 0x4)];
    if (!state.some((s) => s !== 0)) state[0] = 1; // the all-zero state is a fixed point
    return new Rng(xoroshiro128plusFromState(state));
  }

  static fromState(state: readonly number[]): Rng {
    return new Rng(xoroshiro128plusFromState(state));
  }

  state(): number[] {
    return [...this.gen.getState()];
  }

  /** Uniform in [0, 1), 53 random bits. */
  uniform(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal by the Marsaglia polar method (no cached spare: draws stay a pure function of position). */
  normal(): number {
    for (;;) {
      const u = 2 * this.uniform() - 1;
      const v = 2 * this.uniform() - 1;
      const s = u * u + v * v;
      if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
    }
  }

  /** A fresh 32-bit seed, for handing to code that wants a number. */
  seed32(): number {
    return this.gen.next() >>> 0;
  }
}
