/**
 * Simulated annealing as a registered optimizer: hyper-parameters (the reference's names and example
 * values as defaults) and the factory.
 */
import { z } from 'zod';
import type { OptimizerFactory } from '../../core/optimizer.js';
import { SimulatedAnnealingCore } from './core.js';
import { scheduleNameSchema, temperatureBoundsSchema, type ScheduleName } from '../shared/annealing/schedules.js';
import { MAX_POPULATION } from '../../core/limits.js';

/** The alpha the reference's simulated annealing hard-codes per schedule (temp_decay for 'default'). */
export function referenceAlpha(name: ScheduleName, tempDecay: number): number {
  if (name === 'default') return tempDecay;
  if (name === 'exponential') return 0.85;
  return 1;
}

export const simulatedAnnealingSchema = z
  .strictObject({
    n_parallel_runs: z.number().int().min(1).max(MAX_POPULATION).default(50).describe('independent annealing chains; one individual each per generation'),
    noisy_step: z.number().positive().default(0.03).describe('proposal scale: x + N(0,1) * noisy_step * T, in the parameters\' own units'),
    temp_decay: z.number().gt(0).max(1).default(0.99).describe("the 'default' schedule's factor: T_k = temp_decay * T_(k-1)"),
    n_iteration: z.number().int().min(1).default(100).describe('generations to run (stop() asks to end after them); n of the additive schedules'),
    stop_criterion: z.number().optional().describe('stop once the best weighted fitness reaches this value; absent: never (the reference\'s inf)'),
    cooling_schedule: scheduleNameSchema.default('default').describe('how T falls with the generation (formulas: docs/optimizers/simulated-annealing.md)'),
    temperature_bounds: temperatureBoundsSchema.default([1, 0]).describe('[T0, Tn]: start temperature, and the final one the additive schedules reach'),
    decay_parameter: z.number().positive().optional()
      .describe('alpha of exponential, linear_multiplicative, quadratic_multiplicative; absent: the reference\'s 0.85, 1, 1'),
  })
  .superRefine((p, ctx) => {
    if (p.decay_parameter !== undefined && p.decay_parameter > 1 && p.cooling_schedule === 'exponential') {
      // read as "got <input>, expected <message>", the form the CLI prints
      ctx.addIssue({ code: 'custom', path: ['decay_parameter'], input: p.decay_parameter, message: `at most 1 for the ${p.cooling_schedule} schedule (T0 * alpha^k would heat)` });
    }
  });

export type SimulatedAnnealingConfig = z.output<typeof simulatedAnnealingSchema>;

export const simulatedAnnealingOptimizer: OptimizerFactory<typeof simulatedAnnealingSchema> = {
  type: 'simulated-annealing',
  description: 'Simulated annealing: independent Metropolis chains with Gaussian steps scaled by a cooling temperature',
  reference: 'Kirkpatrick, Gelatt and Vecchi, Optimization by simulated annealing, Science 220 (1983); additive schedules after B. T. Luke (2005)',
  schema: simulatedAnnealingSchema,
  example: { n_parallel_runs: 10, noisy_step: 1, n_iteration: 400 },
  create: (p, ctx) => {
    const [t0, tn] = p.temperature_bounds;
    // temp_decay is the 'default' schedule's alpha; decay_parameter that of the others
    const alpha = p.cooling_schedule === 'default' ? p.temp_decay : p.decay_parameter ?? referenceAlpha(p.cooling_schedule, p.temp_decay);
    return new SimulatedAnnealingCore(p, ctx, { name: p.cooling_schedule, t0, tn, alpha, steps: p.n_iteration });
  },
};

export { SimulatedAnnealingCore, type SimulatedAnnealingParams, type SimulatedAnnealingSnapshot } from './core.js';
export { acceptProbability } from '../shared/annealing/chains.js';
export { SCHEDULE_NAMES, temperature, temperatureBoundsSchema, type Schedule, type ScheduleName } from '../shared/annealing/schedules.js';
