/**
 * OpenAI evolution strategies as a registered optimizer: hyper-parameters (the reference's names and
 * example values as defaults) and the factory.
 */
import { z } from 'zod';
import type { OptimizerFactory } from '../../core/optimizer.js';
import { EsCore } from './core.js';
import { MAX_POPULATION } from '../../core/limits.js';

export const esSchema = z.strictObject({
  learning_rate: z.number().positive().default(0.1).describe('step size alpha of the update theta += alpha * sum F_i eps_i / (n sigma)'),
  noise_std: z.number().positive().default(1).describe('standard deviation sigma of the perturbations, in parameter units'),
  mirrored_sampling_enabled: z.boolean().default(true).describe('also evaluate theta - sigma eps for every theta + sigma eps (2 * pop_size samples)'),
  fitness_shaping_enabled: z.boolean().default(true).describe('weigh perturbations by rank utilities instead of raw weighted fitness'),
  pop_size: z.number().int().min(1).max(MAX_POPULATION).default(20).describe('perturbations drawn per generation (doubled by mirrored sampling; theta is evaluated too)'),
});

export type EsConfig = z.output<typeof esSchema>;

export const esOptimizer: OptimizerFactory<typeof esSchema> = {
  type: 'es',
  description: 'OpenAI evolution strategies: Gaussian perturbations of one point, rank-weighted step, mirrored sampling',
  reference: 'Salimans, Ho, Chen, Sidor and Sutskever, Evolution Strategies as a Scalable Alternative to Reinforcement Learning, arXiv:1703.03864 (2017); utilities after Wierstra et al., JMLR 15 (2014)',
  schema: esSchema,
  example: { learning_rate: 2, noise_std: 0.5, pop_size: 10 },
  create: (params, ctx) => new EsCore(params, ctx),
};

export { EsCore, esStep, type EsParams, type EsSnapshot } from './core.js';
export { rankUtilities, shapeFitness } from '../shared/fitness-shaping.js';
