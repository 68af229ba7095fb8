/**
 * FACE (fully adaptive cross-entropy) as a registered optimizer: hyper-parameters (the reference's
 * names and example values as defaults) and the factory.
 */
import { z } from 'zod';
import type { OptimizerFactory } from '../../core/optimizer.js';
import { componentCount, distributionSchema } from '../cross-entropy/distributions/schema.js';
import { MIN_FIT_ROWS } from '../cross-entropy/selection.js';
import { FaceCore } from './core.js';
import { MAX_POPULATION } from '../../core/limits.js';

export const faceSchema = z
  .strictObject({
    min_pop_size: z.number().int().min(2).max(MAX_POPULATION).default(20).describe('sample size of the first generation, and the size an improving run shrinks back towards'),
    max_pop_size: z.number().int().min(2).max(MAX_POPULATION).default(50).describe('largest sample size; FACE stops when it would have to sample more without improving'),
    n_elite: z.number().int().min(MIN_FIT_ROWS).max(MAX_POPULATION).default(10).describe('individuals in the elite: the distribution is fitted to the n_elite best'),
    smoothing: z.number().min(0).lt(1).default(0.2).describe('weight of the old distribution: new = smoothing * old + (1 - smoothing) * fitted'),
    temp_decay: z.number().min(0).max(1).default(0)
      .describe('factor by which the annealing temperature (1 at first) decays per generation; 0 turns admission of non-elite individuals off'),
    n_expand: z.number().int().min(1).max(MAX_POPULATION).default(5).describe('sample-size increase after a generation that improved neither the best value nor gamma'),
    distribution: distributionSchema.default({ type: 'gaussian' }),
  })
  .superRefine((p, ctx) => {
    // read as "got <input>, expected <message>", the form the CLI prints
    if (p.max_pop_size < p.min_pop_size) {
      ctx.addIssue({ code: 'custom', path: ['max_pop_size'], input: p.max_pop_size, message: `at least min_pop_size (${p.min_pop_size})` });
    }
    if (p.n_elite > p.min_pop_size) {
      ctx.addIssue({ code: 'custom', path: ['n_elite'], input: p.n_elite, message: `at most min_pop_size (${p.min_pop_size}): the elite is taken from every generation` });
    }
    if (p.n_elite < componentCount(p.distribution)) {
      ctx.addIssue({ code: 'custom', path: ['n_elite'], input: p.n_elite, message: `at least the distribution's n_components (${componentCount(p.distribution)})` });
    }
  });

export type FaceConfig = z.output<typeof faceSchema>;

export const faceOptimizer: OptimizerFactory<typeof faceSchema> = {
  type: 'face',
  description: 'Fully adaptive cross-entropy (FACE): cross-entropy whose sample size grows while neither best nor gamma improves, after the reference FACE',
  reference: 'Rubinstein and Kroese, The Cross-Entropy Method, Springer (2004), fully adaptive CE; L2L (Yegenoglu et al., Front. Comput. Neurosci. 2022)',
  schema: faceSchema,
  example: {},
  create: (params, ctx) => new FaceCore(params, ctx),
};

export { FaceCore, type FaceParams } from './core.js';
export type { FaceSnapshot } from './snapshot.js';
