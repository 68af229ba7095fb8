/**
 * Asynchronous steady-state evolution as a registered optimizer.
 */
import { z } from 'zod';
import type { OptimizerFactory } from '../../core/optimizer.js';
import { AsyncEvolutionCore } from './core.js';
import { MAX_COUNT, MAX_POPULATION } from '../../core/limits.js';
import { derivedDefault, inShapeOrder } from '../shared/derived-default.js';

const probability = (what: string) => z.number().min(0).max(1).describe(what);

const asyncEvolutionShape = {
  pop_size: z.number().int().min(2).max(MAX_POPULATION).default(50).describe('best individuals kept per island; new ones are drawn uniformly until it is full'),
  n_islands: z.number().int().min(1).max(MAX_COUNT).default(1).describe('independent populations, individuals assigned round-robin'),
  migration_interval: z.number().int().min(1).default(50).describe('results an island receives between sending migrants'),
  n_migrants: z.number().int().min(1).max(MAX_POPULATION).default(1).describe('best individuals copied to the next island (ring) at each migration'),
  tourn_size: derivedDefault(z.number().int().min(1).max(MAX_POPULATION), 'min(3, pop_size)')
    .describe('aspirants per parent tournament, at most pop_size (default min(3, pop_size): 3, or the whole population when smaller)'),
  cx_prob: probability('probability that a child blends two parents (else it copies one)').default(0.7),
  mate_par: z.number().min(0).default(0.5).describe('blend crossover alpha'),
  ind_prob: probability('probability that a coordinate is mutated').default(0.2),
  mut_sigma: z.number().positive().default(0.05).describe('Gaussian mutation sigma, as a fraction of each coordinate\'s box width'),
};

export const asyncEvolutionSchema = z
  .strictObject(asyncEvolutionShape)
  .superRefine((p, ctx) => {
    if (p.tourn_size !== undefined && p.tourn_size > p.pop_size) ctx.addIssue({ code: 'custom', path: ['tourn_size'], input: p.tourn_size, message: `at most pop_size (${p.pop_size})` });
    if (p.n_migrants > p.pop_size) ctx.addIssue({ code: 'custom', path: ['n_migrants'], input: p.n_migrants, message: `at most pop_size (${p.pop_size})` });
  })
  // a fixed 3 would refuse pop_size 2; with pop_size >= 3 this is the 3 it always was
  .transform((p) => inShapeOrder(asyncEvolutionShape, { ...p, tourn_size: p.tourn_size ?? Math.min(3, p.pop_size) }));

export type AsyncEvolutionParams = z.output<typeof asyncEvolutionSchema>;

export const asyncEvolutionOptimizer: OptimizerFactory<typeof asyncEvolutionSchema> = {
  type: 'async-evolution',
  description: 'Asynchronous steady-state evolution: a new individual as soon as a worker frees up, optional islands with migration',
  reference: 'Taubert et al., Massively parallel genetic optimization through asynchronous propagation of populations (Propulate), ISC High Performance 2023',
  schema: asyncEvolutionSchema,
  example: { pop_size: 20 },
  create: (params, ctx) => new AsyncEvolutionCore(params, ctx),
};
