/**
 * The reference's resampling step (sample_from_individuals), run before each Kalman update: rank the
 * members by fitness, and replace each of the worst floor(n * worst_n) by a copy of one of the best
 * floor(n * best_n) plus Gaussian noise N(0, scale^2) per coordinate. The copy also takes the
 * source's model output, so the update that follows moves it as if it had been evaluated there.
 *
 * pick_method 'random' copies a best member drawn uniformly; 'best_first' walks the best from the
 * top and copies each with probability pick_probability, leaving the worst member as it is when
 * none was picked.
 */
import type { Rng } from '../../math/rng.js';

export type PickMethod = 'random' | 'best_first';

export interface ResampleParams {
  best_n: number;
  worst_n: number;
  pick_method: PickMethod;
  pick_probability: number;
  /** Standard deviation of the noise added to a copy, in parameter units. */
  sample_scale: number;
}

/** floor(n * fraction), as the reference's int(len * fraction). */
export function countOf(n: number, fraction: number): number {
  return Math.floor(n * fraction);
}

/**
 * Member indices from best to worst by weighted fitness (maximised; failed rows hold -Infinity, NaN
 * reads as -Infinity); ties keep the lower index first, so the order is a function of the data.
 */
export function rankMembers(weighted: ArrayLike<number>): number[] {
  const w = (i: number) => (Number.isNaN(weighted[i]) ? -Infinity : weighted[i]);
  return Array.from({ length: weighted.length }, (_, i) => i).sort((a, b) => (w(a) === w(b) ? a - b : w(b) > w(a) ? 1 : -1));
}

export interface Replacement {
  /** The member replaced. */
  worst: number;
  /** The member it was copied from. */
  source: number;
}

/**
 * Replaces the worst members in place (members[i] becomes a perturbed copy; outputs[i] the source's
 * output) and returns what was replaced. Only members with a usable output (outputs[i] !== null)
 * are sources; every member, failed ones first, can be replaced.
 */
export function resample(
  members: Float64Array[], outputs: (Float64Array | null)[], weighted: ArrayLike<number>, p: ResampleParams, rng: Rng,
): Replacement[] {
  const n = members.length;
  const ranked = rankMembers(weighted);
  const nWorst = countOf(n, p.worst_n);
  const best = ranked.slice(0, countOf(n, p.best_n)).filter((i) => outputs[i] !== null);
  if (nWorst === 0 || best.length === 0) return [];
  // copies come from the members as ranked, before any of them is replaced
  const sources = best.map((i) => ({ i, u: members[i].slice(), g: outputs[i]! }));
  const done: Replacement[] = [];
  for (const w of ranked.slice(n - nWorst)) {
    const s = pick(sources.length, p, rng);
    if (s < 0) continue;
    const u = members[w];
    for (let d = 0; d < u.length; d++) u[d] = sources[s].u[d] + p.sample_scale * rng.normal();
    outputs[w] = sources[s].g;
    done.push({ worst: w, source: sources[s].i });
  }
  return done;
}

/** The position among the best to copy from, or -1 for none. */
function pick(nBest: number, p: ResampleParams, rng: Rng): number {
  if (p.pick_method === 'random') return rng.int(nBest);
  for (let b = 0; b < nBest; b++) if (rng.uniform() <= p.pick_probability) return b;
  return -1;
}
