/**
 * A simulated evaluation time, for benchmarks of scheduling (how busy workers stay when evaluations
 * take long and varied times): log-normal with a given median, drawn per individual from its seed,
 * and spent blocked (Atomics.wait), not spinning, so ranks outnumbering cores stay honest.
 */
import { z } from 'zod';
import { Rng } from '../../math/rng.js';

export const delaySchema = z.strictObject({
  median_ms: z.number().positive().describe('median evaluation time in milliseconds'),
  sigma: z.number().min(0).default(1).describe('log-normal sigma: the spread of ln(time)'),
});

export type DelayConfig = z.output<typeof delaySchema>;

const blocker = new Int32Array(new SharedArrayBuffer(4));

/**
 * Milliseconds individual `seed` takes: median * exp(sigma * N(0, 1)). A fixed time (sigma 0) draws
 * nothing: deriving the stream cost about 10 us per evaluation on a cold cache, which a benchmark of
 * 10 ms evaluations would count as the dispatcher's.
 */
export function delayMs(cfg: DelayConfig, seed: number): number {
  if (cfg.sigma === 0) return cfg.median_ms;
  return cfg.median_ms * Math.exp(cfg.sigma * Rng.derive(seed, 'delay').normal());
}

export function sleepMs(ms: number): void {
  if (ms > 0) Atomics.wait(blocker, 0, 0, ms);
}
