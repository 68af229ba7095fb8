/**
 * Injected faults, for testing how a run contains failing simulations: a chosen fraction of the
 * individuals, picked from each individual's seed (so the same ones fail at any rank count), throw
 * after printing a line (as a crashing simulator would; the worker keeps it with the failure) or
 * return NaN.
 */
import { z } from 'zod';
import { hashSeed } from '../../math/rng.js';

export const faultsSchema = z.strictObject({
  rate: z.number().min(0).max(1).describe('fraction of the individuals that fail'),
  kind: z.enum(['throw', 'nan']).default('throw').describe("'throw': print to stderr, then throw an error; 'nan': return a NaN fitness"),
});

export type FaultsConfig = z.output<typeof faultsSchema>;

/** Whether the individual with this seed is one of the faulty ones. */
export function isFaulty(cfg: FaultsConfig, seed: number): boolean {
  return hashSeed(seed, 'fault') / 2 ** 32 < cfg.rate;
}

/** Fails as configured (printing through `print`, the evaluation's output); returns the fitness of a 'nan' fault. */
export function fault(cfg: FaultsConfig, seed: number, print?: (text: string) => void): number {
  if (cfg.kind === 'nan') return NaN;
  print?.(`benchmark: injected fault for the individual with seed ${seed}: the simulation diverged\n`);
  throw new Error(`injected fault (seed ${seed})`);
}
