/**
 * The genetic algorithm as a registered optimizer: hyper-parameters (the reference's names and
 * example values as defaults) and the factory.
 */
import { z } from 'zod';
import type { OptimizerFactory } from '../../core/optimizer.js';
import { GaCore } from './core.js';
import { MAX_POPULATION } from '../../core/limits.js';
import { derivedDefault, inShapeOrder } from '../shared/derived-default.js';

const probability = (what: string) => z.number().min(0).max(1).describe(what);

const gaShape = {
  pop_size: z.number().int().min(2).max(MAX_POPULATION).default(50).describe('population size'),
  cx_prob: probability('probability that a consecutive pair of parents is blended').default(0.5),
  mut_prob: probability('probability that a child is mutated').default(0.3),
  ind_prob: probability('probability that a gene of a mutated child is perturbed').default(0.02),
  tourn_size: derivedDefault(z.number().int().min(1).max(MAX_POPULATION), 'min(15, pop_size)')
    .describe('aspirants per tournament, at most pop_size (default min(15, pop_size): 15, or the whole population when smaller)'),
  mate_par: z.number().min(0).default(0.5).describe('blend crossover alpha: how far beyond the parents a child may land'),
  mut_par: z.number().positive().default(1).describe('standard deviation of the Gaussian mutation, in parameter units'),
};

export const gaSchema = z
  .strictObject(gaShape)
  .superRefine((p, ctx) => {
    if (p.tourn_size !== undefined && p.tourn_size > p.pop_size) {
      // read as "got <input>, expected <message>", the form the CLI prints
      ctx.addIssue({ code: 'custom', path: ['tourn_size'], input: p.tourn_size, message: `at most pop_size (${p.pop_size}): a tournament draws from the population` });
    }
  })
  // a fixed 15 would refuse every pop_size below 15; with pop_size >= 15 this is the 15 it always was
  .transform((p) => inShapeOrder(gaShape, { ...p, tourn_size: p.tourn_size ?? Math.min(15, p.pop_size) }));

export type GaConfig = z.output<typeof gaSchema>;

export const gaOptimizer: OptimizerFactory<typeof gaSchema> = {
  type: 'ga',
  description: 'Genetic algorithm (tournament selection, blend crossover, Gaussian mutation, hall of fame), after the reference GA',
  reference: 'Holland, Adaptation in Natural and Artificial Systems (1975); DEAP eaSimple (Fortin et al., JMLR 2012); L2L (Yegenoglu et al., Front. Comput. Neurosci. 2022)',
  schema: gaSchema,
  example: { pop_size: 30, tourn_size: 3 },
  create: (params, ctx) => new GaCore(params, ctx),
};

export { GaCore, HALL_OF_FAME_SIZE, type GaParams } from './core.js';
export type { GaSnapshot } from './snapshot.js';
export { blend, mutateGaussian, remutateDuplicates, tournament } from './operators.js';
export { compareFit, makeFit, type Fit } from './ranking.js';
