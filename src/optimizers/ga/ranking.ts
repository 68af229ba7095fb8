/**
 * How the GA orders individuals: DEAP's rule, the weighted fitness tuple (fitness[i] * weights[i])
 * compared lexicographically, larger is better. Objectives are never summed, so a second objective
 * only breaks ties of the first. A failed evaluation ranks below every successful one.
 */

/** An evaluation as the GA keeps it; shared, never mutated, by an individual and its unchanged copies. */
export interface Fit {
  fitness: Float64Array;
  /** The weighted tuple, NaN read as -Infinity; null when the evaluation failed. */
  w: Float64Array | null;
}

export function makeFit(fitness: ArrayLike<number>, weights: readonly number[], ok: boolean): Fit {
  const f = Float64Array.from(fitness);
  if (!ok) return { fitness: f, w: null };
  const w = new Float64Array(weights.length);
  for (let i = 0; i < weights.length; i++) {
    const v = f[i] * weights[i]; // a missing objective reads as undefined * w = NaN
    w[i] = Number.isNaN(v) ? -Infinity : v;
  }
  return { fitness: f, w };
}

/** > 0 when a is better than b, < 0 when worse, 0 when they tie. */
export function compareFit(a: Fit, b: Fit): number {
  const aw = a.w;
  const bw = b.w;
  if (aw === null || bw === null) return aw === bw ? 0 : aw === null ? -1 : 1;
  for (let i = 0; i < aw.length; i++) {
    if (aw[i] !== bw[i]) return aw[i] > bw[i] ? 1 : -1;
  }
  return 0;
}

/** dot(fitness, weights): the one number records and summaries show for an individual. */
export function weightedSum(fit: Fit): number {
  if (fit.w === null) return -Infinity;
  let s = 0;
  for (let i = 0; i < fit.w.length; i++) s += fit.w[i];
  return s;
}
