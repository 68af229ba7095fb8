/**
 * Parallel tempering as a registered optimizer: hyper-parameters (the reference's names; defaults
 * its example: five chains, three exponential-additive and two linear-additive schedules) and the
 * factory.
 */
import { z } from 'zod';
import type { OptimizerFactory } from '../../core/optimizer.js';
import { temperatureBoundsSchema } from '../simulated-annealing/index.js';
import { POWER_SCHEDULES, scheduleNameSchema, type ScheduleName } from '../simulated-annealing/schedules.js';
import { ParallelTemperingCore } from './core.js';
import { MAX_POPULATION } from '../../core/limits.js';

const EXAMPLE_SCHEDULES: ScheduleName[] = ['exponential_additive', 'exponential_additive', 'exponential_additive', 'linear_additive', 'linear_additive'];
const EXAMPLE_BOUNDS: [number, number][] = [[0.8, 0], [0.7, 0], [0.6, 0], [1, 0.1], [0.9, 0.2]];

type Lists = { n_parallel_runs: number; cooling_schedules: unknown[]; temperature_bounds: unknown[]; decay_parameters: unknown[] };

/** The three per-chain lists must each have n_parallel_runs entries. */
function checkLengths(p: Lists, ctx: z.RefinementCtx): void {
  for (const key of ['cooling_schedules', 'temperature_bounds', 'decay_parameters'] as const) {
    if (p[key].length !== p.n_parallel_runs) {
      // read as "got <input>, expected <message>", the form the CLI prints
      ctx.addIssue({ code: 'custom', path: [key], input: p[key], message: `one entry per chain: n_parallel_runs (${p.n_parallel_runs}) entries, not ${p[key].length}` });
    }
  }
}

export const parallelTemperingSchema = z
  .strictObject({
    n_parallel_runs: z.number().int().min(2).max(MAX_POPULATION).default(5).describe('annealing chains (at least 2, to exchange); one individual each per generation'),
    noisy_step: z.number().positive().default(0.03).describe('proposal scale: x + N(0,1) * noisy_step * T, in the parameters\' own units'),
    n_iteration: z.number().int().min(1).default(1000).describe('generations to run (stop() asks to end after them); n of the additive schedules'),
    stop_criterion: z.number().optional().describe('stop once the best weighted fitness reaches this value; absent: never (the reference\'s inf)'),
    cooling_schedules: z.array(scheduleNameSchema).default(EXAMPLE_SCHEDULES)
      .describe('one cooling schedule per chain (formulas: docs/optimizers/simulated-annealing.md)'),
    temperature_bounds: z.array(temperatureBoundsSchema).default(EXAMPLE_BOUNDS)
      .describe('one [T0, Tn] per chain: start temperature, and the final one the additive schedules reach'),
    decay_parameters: z.array(z.number().positive()).default([0.99, 0.99, 0.99, 0.99, 0.99])
      .describe('one alpha per chain, for default, exponential, linear_multiplicative, quadratic_multiplicative'),
  })
  .superRefine((p, ctx) => {
    checkLengths(p, ctx);
    p.decay_parameters.forEach((a, i) => {
      const s = p.cooling_schedules[i];
      if (a > 1 && s !== undefined && POWER_SCHEDULES.includes(s)) {
        ctx.addIssue({ code: 'custom', path: ['decay_parameters', i], input: a, message: `at most 1 for chain ${i}'s ${s} schedule (T0 * alpha^k would heat)` });
      }
    });
  });

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
