/**
 * Pareto dominance over a fitness vector's objectives, shared by the multi-objective cores
 * (src/optimizers/shared/multi-objective) and by what reads a run (trajectory.h5's /pareto, the
 * report's Pareto front figure). The fitness convention (fitness.ts) is that a run maximises
 * dot(fitness, weights); kept apart, component j is maximised as sign(w_j) * fitness_j, a zero weight
 * leaves its component out (recorded, never ranked) and only the sign matters.
 */

/** Which fitness components are ranked (the nonzero weights) and the sign each is maximised with. */
export interface RankedObjectives {
  /** Per ranked objective j: the fitness component it reads. */
  component: number[];
  /** Per ranked objective j: +1 (maximised) or -1 (minimised). */
  sign: number[];
}

/** The ranked objectives of a weight vector: the nonzero weights, in order (none when all are 0). */
export function rankedObjectives(weights: readonly number[]): RankedObjectives {
  const component: number[] = [];
  const sign: number[] = [];
  weights.forEach((w, i) => {
    if (w !== 0) {
      component.push(i);
      sign.push(Math.sign(w));
    }
  });
  return { component, sign };
}

/** a dominates b (both maximised): no worse in any objective and better in at least one. A failure (null) is dominated by every success and dominates nothing. */
export function dominates(a: ArrayLike<number> | null, b: ArrayLike<number> | null): boolean {
  if (a === null) return false;
  if (b === null) return true;
  let better = false;
  for (let j = 0; j < a.length; j++) {
    if (a[j] < b[j]) return false;
    if (a[j] > b[j]) better = true;
  }
  return better;
}

/**
 * The non-dominated points among n maximised objective vectors of m components each (row-major in
 * `y`, every value finite), as ascending positions 0..n-1. Duplicates do not dominate each other, so
 * every copy of a point on the front is on it.
 *
 * Cost: the points sorted lexicographically, best first (O(n log n)), so that no point is dominated by
 * one after it. Two objectives: one sweep keeps the best second objective seen among strictly larger
 * first ones, O(n log n) in all. More: each point is compared with the front kept so far, O(m n f) for
 * a front of f points (n^2 at worst, when every point is on the front).
 */
export function nondominated(y: Float64Array, m: number, n: number): number[] {
  if (m < 1 || n === 0) return [];
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => {
    for (let j = 0; j < m; j++) {
      const d = y[b * m + j] - y[a * m + j];
      if (d !== 0) return d;
    }
    return a - b;
  });
  const out: number[] = [];
  if (m === 1) {
    const top = y[order[0]];
    for (const i of order) if (y[i] === top) out.push(i);
  } else if (m === 2) {
    // groups of equal first objective, best first: within a group only its largest second objective
    // survives, and only if it beats every group before (a larger first objective, no smaller second)
    let bestBefore = -Infinity;
    for (let s = 0; s < n;) {
      const y0 = y[order[s] * 2];
      const top = y[order[s] * 2 + 1];
      let e = s;
      while (e < n && y[order[e] * 2] === y0) {
        if (y[order[e] * 2 + 1] === top && top > bestBefore) out.push(order[e]);
        e++;
      }
      if (top > bestBefore) bestBefore = top;
      s = e;
    }
  } else {
    const front: number[] = [];
    for (const i of order) {
      let dominated = false;
      for (const f of front) {
        let worse = false;
        let better = false;
        for (let j = 0; j < m; j++) {
          const d = y[f * m + j] - y[i * m + j];
          if (d < 0) {
            worse = true;
            break;
          }
          if (d > 0) better = true;
        }
        if (!worse && better) {
          dominated = true;
          break;
        }
      }
      if (!dominated) front.push(i);
    }
    out.push(...front);
  }
  return out.sort((a, b) => a - b);
}
