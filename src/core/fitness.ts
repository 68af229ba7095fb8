/**
 * The fitness convention shared by every optimizer and optimizee (the reference framework's):
 * an evaluation returns a fitness vector; the framework maximises dot(fitness, weights), so a negative
 * weight minimises. Benchmark functions default to weight -1.
 */
export type EvalStatus = 'ok' | 'failed' | 'timed-out';

export const STATUS_CODES: Record<EvalStatus, number> = { ok: 0, failed: 1, 'timed-out': 2 };
export const STATUS_NAMES: readonly EvalStatus[] = ['ok', 'failed', 'timed-out'];

/** dot(fitness, weights); -Infinity when the vector holds NaN, so a broken evaluation ranks last. */
export function weightedFitness(fitness: ArrayLike<number>, weights: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < weights.length; i++) s += fitness[i] * weights[i];
  return Number.isNaN(s) ? -Infinity : s;
}
