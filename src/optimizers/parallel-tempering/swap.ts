/**
 * Replica exchange: chains trade their cooling schedules (hence temperatures) so that good points
 * drift to cold chains, where they are refined, and poor ones to hot chains, where they explore.
 */
import type { Rng } from '../../math/rng.js';

/**
 * The Metropolis criterion for exchanging the states of chains i and j at temperatures T_i, T_j,
 * for the maximised fitness f (stationary density exp(f / T)):
 *   P = min(1, exp((1/T_i - 1/T_j) (f_j - f_i)))
 * It is 1 whenever the exchange puts the better point on the colder chain. Undefined products
 * (both chains at T = 0, both without a working point) refuse the exchange.
 */
export function swapProbability(fi: number, fj: number, ti: number, tj: number): number {
  const x = (1 / ti - 1 / tj) * (fj - fi);
  if (Number.isNaN(x)) return 0;
  return x >= 0 ? 1 : Math.exp(x);
}

/**
 * One pass over the chains in order, as the reference does: chain i picks a partner j uniformly
 * among the others and exchanges schedules with it with swapProbability; later chains see earlier
 * exchanges. schedule[i] is the schedule chain i follows (a permutation, updated in place);
 * tempOf[s] is schedule s's current temperature. Returns the number of exchanges.
 */
export function swapPass(schedule: Int32Array, fitness: ArrayLike<number>, tempOf: ArrayLike<number>, rng: Rng): number {
  const n = schedule.length;
  let swaps = 0;
  for (let i = 0; i < n; i++) {
    let j = rng.int(n - 1);
    if (j >= i) j++;
    const u = rng.uniform();
    if (u < swapProbability(fitness[i], fitness[j], tempOf[schedule[i]], tempOf[schedule[j]])) {
      [schedule[i], schedule[j]] = [schedule[j], schedule[i]];
      swaps++;
    }
  }
  return swaps;
}
