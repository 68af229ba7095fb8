/**
 * Rank-based fitness shaping (Wierstra et al., Natural Evolution Strategies, JMLR 15, 2014, sec. 3.1),
 * as the reference's evolution strategies use it: the k-th best of n samples gets the utility
 *
 *   u_k = max(0, ln(n/2 + 1) - ln k) / sum_j max(0, ln(n/2 + 1) - ln j)  -  1/n
 *
 * so only the better half pulls, the utilities sum to 0, and the update ignores the fitness scale.
 * Shared by the OpenAI-ES ('es') and separable NES ('nes') cores.
 */

/** u_1 .. u_n for ranks 1 (best) .. n, in that order. */
export function rankUtilities(n: number): Float64Array {
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`rankUtilities: n must be a positive integer, got ${n}`);
  const u = new Float64Array(n);
  const top = Math.log(n / 2 + 1);
  let sum = 0;
  for (let k = 1; k <= n; k++) {
    u[k - 1] = Math.max(0, top - Math.log(k));
    sum += u[k - 1];
  }
  for (let k = 0; k < n; k++) u[k] = u[k] / sum - 1 / n;
  return u;
}

/**
 * Each value's utility by its rank among `values` (larger is better). Tied values share the mean
 * utility of the ranks they occupy: the reference breaks ties by argsort order, which on a plateau
 * (all samples clipped onto one box face, say) would invent a direction; sharing gives none.
 */
export function shapeFitness(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const u = rankUtilities(n);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    let mean = 0;
    for (let r = start; r < end; r++) mean += u[r];
    mean /= end - start;
    for (let r = start; r < end; r++) out[order[r]] = mean;
    start = end;
  }
  return out;
}
