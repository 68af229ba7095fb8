/**
 * FACE (fully adaptive cross-entropy) as a registered optimizer: hyper-parameters (the reference's
 * names and example values as defaults) and the factory.
 */
import { z } from 'zod';
import type { OptimizerFactory } from '../../core/optimizer.js';
import { componentCount, distributionSchema, type DistributionConfig } from '../shared/distributions/schema.js';
import { MIN_FIT_ROWS } from '../shared/distributions/selection.js';
import { FaceCore } from './core.js';
import { MAX_POPULATION } from '../../core/limits.js';
import { derivedDefault, inShapeOrder } from '../shared/derived-default.js';

const faceShape = {
  min_pop_size: derivedDefault(z.number().int().min(2).max(MAX_POPULATION), '20, within [n_elite, max_pop_size]')
    .describe('sample size of the first generation, and the size an improving run shrinks back towards (default 20, raised to n_elite or lowered to max_pop_size where those are given and require it)'),
  max_pop_size: derivedDefault(z.number().int().min(2).max(MAX_POPULATION), 'max(50, min_pop_size)')
    .describe('largest sample size; FACE stops when it would have to sample more without improving (default max(50, min_pop_size))'),
  n_elite: derivedDefault(z.number().int().min(MIN_FIT_ROWS).max(MAX_POPULATION), '10, within [n_components, min_pop_size]')
    .describe('individuals in the elite: the distribution is fitted to the n_elite best (default min(10, min_pop_size), raised to the distribution\'s n_components)'),
  smoothing: z.number().min(0).lt(1).default(0.2).describe('weight of the old distribution: new = smoothing * old + (1 - smoothing) * fitted'),
  temp_decay: z.number().min(0).max(1).default(0)
    .describe('factor by which the annealing temperature (1 at first) decays per generation; 0 turns admission of non-elite individuals off'),
  n_expand: z.number().int().min(1).max(MAX_POPULATION).default(5).describe('sample-size increase after a generation that improved neither the best value nor gamma'),
  distribution: distributionSchema.default({ type: 'gaussian' }),
};

type FaceInput = { min_pop_size?: number; max_pop_size?: number; n_elite?: number; distribution: DistributionConfig };

/**
 * The sizes the user left out. The reference's 20, 50 and 10 stand wherever they are valid (so every
 * experiment valid before resolves as before); a fixed one would refuse valid choices of the others
 * (max_pop_size 10, min_pop_size 60 or 5, n_elite 30, a mixture of 12 components).
 */
function resolveSizes(p: FaceInput): { min_pop_size: number; max_pop_size: number; n_elite: number } {
  const k = componentCount(p.distribution);
  const min_pop_size = p.min_pop_size ?? Math.max(p.n_elite ?? k, Math.min(20, p.max_pop_size ?? Infinity));
  return {
    min_pop_size,
    max_pop_size: p.max_pop_size ?? Math.max(50, min_pop_size),
    n_elite: p.n_elite ?? Math.max(k, Math.min(10, min_pop_size)),
  };
}

export const faceSchema = z
  .strictObject(faceShape)
  .superRefine((p, ctx) => {
    const { min_pop_size, max_pop_size, n_elite } = resolveSizes(p);
    const k = componentCount(p.distribution);
    // read as "got <input>, expected <message>", the form the CLI prints; a failing rule names a key the user wrote
    if (max_pop_size < min_pop_size) {
      // max_pop_size was given (its default is at least min_pop_size); min_pop_size was given or raised to n_elite or n_components
      const bound = p.min_pop_size !== undefined ? `min_pop_size (${min_pop_size})` : p.n_elite !== undefined ? `n_elite (${n_elite})` : `the distribution's n_components (${k})`;
      ctx.addIssue({ code: 'custom', path: ['max_pop_size'], input: max_pop_size, message: `at least ${bound}` });
    }
    if (n_elite > min_pop_size) {
      // a derived n_elite exceeds min_pop_size only for a given min_pop_size below n_components
      if (p.n_elite !== undefined) ctx.addIssue({ code: 'custom', path: ['n_elite'], input: n_elite, message: `at most min_pop_size (${min_pop_size}): the elite is taken from every generation` });
      else ctx.addIssue({ code: 'custom', path: ['min_pop_size'], input: min_pop_size, message: `at least the distribution's n_components (${k}): the elite is taken from every generation` });
    }
    if (n_elite < k) {
      ctx.addIssue({ code: 'custom', path: ['n_elite'], input: n_elite, message: `at least the distribution's n_components (${k})` });
    }
  })
  .transform((p) => inShapeOrder(faceShape, { ...p, ...resolveSizes(p) }));

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
