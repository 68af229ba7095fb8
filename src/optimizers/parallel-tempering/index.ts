/**
 * Parallel tempering as a registered optimizer: hyper-parameters (the reference's names; defaults
 * its example: five chains, three exponential-additive and two linear-additive schedules) and the
 * factory.
 */
import { z } from 'zod';
import type { OptimizerFactory } from '../../core/optimizer.js';
import { POWER_SCHEDULES, scheduleNameSchema, temperatureBoundsSchema, type ScheduleName } from '../shared/annealing/schedules.js';
import { ParallelTemperingCore } from './core.js';
import { MAX_POPULATION } from '../../core/limits.js';
import { derivedDefault, inShapeOrder } from '../shared/derived-default.js';

const EXAMPLE_SCHEDULES: ScheduleName[] = ['exponential_additive', 'exponential_additive', 'exponential_additive', 'linear_additive', 'linear_additive'];
const EXAMPLE_BOUNDS: [number, number][] = [[0.8, 0], [0.7, 0], [0.6, 0], [1, 0.1], [0.9, 0.2]];
const EXAMPLE_DECAYS = [0.99, 0.99, 0.99, 0.99, 0.99];
const LISTS = ['cooling_schedules', 'temperature_bounds', 'decay_parameters'] as const;

/** The example's entries repeated (or cut) to n chains. */
const cycled = <T>(example: readonly T[], n: number): T[] => Array.from({ length: n }, (_, i) => example[i % example.length]);

const parallelTemperingShape = {
  n_parallel_runs: derivedDefault(z.number().int().min(2).max(MAX_POPULATION), "5, or the lists' length")
    .describe('annealing chains (at least 2, to exchange); one individual each per generation (default the length of cooling_schedules, temperature_bounds or decay_parameters where one is given, else 5)'),
  noisy_step: z.number().positive().default(0.03).describe('proposal scale: x + N(0,1) * noisy_step * T, in the parameters\' own units'),
  n_iteration: z.number().int().min(1).default(1000).describe('generations to run (stop() asks to end after them); n of the additive schedules'),
  stop_criterion: z.number().optional().describe('stop once the best weighted fitness reaches this value; absent: never (the reference\'s inf)'),
  cooling_schedules: derivedDefault(z.array(scheduleNameSchema), `${JSON.stringify(EXAMPLE_SCHEDULES)} cycled to n_parallel_runs`)
    .describe('one cooling schedule per chain (formulas: docs/optimizers/simulated-annealing.md); default the example\'s five, repeated or cut to n_parallel_runs'),
  temperature_bounds: derivedDefault(z.array(temperatureBoundsSchema), `${JSON.stringify(EXAMPLE_BOUNDS)} cycled to n_parallel_runs`)
    .describe('one [T0, Tn] per chain: start temperature, and the final one the additive schedules reach; default the example\'s five, repeated or cut to n_parallel_runs'),
  decay_parameters: derivedDefault(z.array(z.number().positive()), '0.99 per chain')
    .describe('one alpha per chain, for default, exponential, linear_multiplicative, quadratic_multiplicative; default 0.99 for each of n_parallel_runs'),
};

type Given = { n_parallel_runs?: number; cooling_schedules?: ScheduleName[]; temperature_bounds?: [number, number][]; decay_parameters?: number[] };

/** The first per-chain list the user gave: the number of chains when n_parallel_runs is not given. */
const firstList = (p: Given) => LISTS.find((k) => p[k] !== undefined);

/**
 * The chain count and per-chain lists the user left out. Fixed five-entry defaults would refuse any
 * other n_parallel_runs given alone, and a fixed 5 any lists of another length; with five chains this
 * is the example it always was.
 */
function resolveChains(p: Given): Required<Given> {
  const from = firstList(p);
  const n = p.n_parallel_runs ?? (from ? (p[from] as unknown[]).length : 5);
  return {
    n_parallel_runs: n,
    cooling_schedules: p.cooling_schedules ?? cycled(EXAMPLE_SCHEDULES, n),
    temperature_bounds: p.temperature_bounds ?? cycled(EXAMPLE_BOUNDS, n).map(([t0, tn]): [number, number] => [t0, tn]),
    decay_parameters: p.decay_parameters ?? cycled(EXAMPLE_DECAYS, n),
  };
}

/** The three per-chain lists must each have n_parallel_runs entries. */
function checkLengths(p: Given, r: Required<Given>, ctx: z.RefinementCtx): void {
  // read as "got <input>, expected <message>", the form the CLI prints; a failing rule names a key the user wrote
  const from = firstList(p);
  if (p.n_parallel_runs === undefined && from && (r.n_parallel_runs < 2 || r.n_parallel_runs > MAX_POPULATION)) {
    const bound = r.n_parallel_runs < 2 ? 'at least 2 entries (chains exchange temperatures)' : `at most ${MAX_POPULATION} entries`;
    ctx.addIssue({ code: 'custom', path: [from], input: p[from], message: `${bound}: one per chain` });
    return;
  }
  const count = p.n_parallel_runs !== undefined ? `n_parallel_runs (${r.n_parallel_runs}) entries` : `as many as ${from} (${r.n_parallel_runs})`;
  for (const key of LISTS) {
    if (r[key].length !== r.n_parallel_runs) {
      ctx.addIssue({ code: 'custom', path: [key], input: r[key], message: `one entry per chain: ${count}, not ${r[key].length}` });
    }
  }
}

export const parallelTemperingSchema = z
  .strictObject(parallelTemperingShape)
  .superRefine((p, ctx) => {
    const r = resolveChains(p);
    checkLengths(p, r, ctx);
    r.decay_parameters.forEach((a, i) => {
      const s = r.cooling_schedules[i];
      if (a > 1 && s !== undefined && POWER_SCHEDULES.includes(s)) {
        ctx.addIssue({ code: 'custom', path: ['decay_parameters', i], input: a, message: `at most 1 for chain ${i}'s ${s} schedule (T0 * alpha^k would heat)` });
      }
    });
  })
  .transform((p) => inShapeOrder(parallelTemperingShape, { ...p, ...resolveChains(p) }));

export type ParallelTemperingConfig = z.output<typeof parallelTemperingSchema>;

export const parallelTemperingOptimizer: OptimizerFactory<typeof parallelTemperingSchema> = {
  type: 'parallel-tempering',
  description: 'Parallel tempering: annealing chains with their own cooling schedules that exchange temperatures by Metropolis swaps',
  reference: 'Swendsen and Wang, Replica Monte Carlo simulation of spin glasses, Phys. Rev. Lett. 57 (1986); Earl and Deem, Parallel tempering: theory, applications, and new perspectives, Phys. Chem. Chem. Phys. 7 (2005)',
  schema: parallelTemperingSchema,
  example: { noisy_step: 1, n_iteration: 800 },
  create: (p, ctx) => {
    const schedules = p.cooling_schedules.map((name, i) => {
      const [t0, tn] = p.temperature_bounds[i];
      return { name, t0, tn, alpha: p.decay_parameters[i], steps: p.n_iteration };
    });
    return new ParallelTemperingCore(p, ctx, schedules);
  },
};

export { ParallelTemperingCore, type ParallelTemperingParams, type ParallelTemperingSnapshot } from './core.js';
export { swapPass, swapProbability } from './swap.js';
