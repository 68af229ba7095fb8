/**
 * The cross-entropy optimizer as a registered optimizer: hyper-parameters (the reference's names and
 * example values as defaults) and the factory.
 */
import { z } from 'zod';
import type { OptimizerFactory } from '../../core/optimizer.js';
import { CrossEntropyCore, eliteCount } from './core.js';
import { distributionSchema, componentCount, type DistributionConfig } from '../shared/distributions/schema.js';
import { MIN_FIT_ROWS } from '../shared/distributions/selection.js';
import { MAX_POPULATION } from '../../core/limits.js';
import { derivedDefault, inShapeOrder } from '../shared/derived-default.js';

/** The reference's rho; raised where it would leave too few elite individuals (see resolveRho). */
const DEFAULT_RHO = 0.9;

const crossEntropyShape = {
  pop_size: z.number().int().min(2).max(MAX_POPULATION).default(50).describe('individuals sampled per generation'),
  rho: derivedDefault(z.number().gt(0).max(1), 'max(0.9, max(2, n_components) / pop_size)')
    .describe('elite fraction: the floor(rho * pop_size) best individuals are fitted (default 0.9, raised to max(2, n_components) / pop_size where 0.9 leaves fewer elite than a fit needs, e.g. pop_size 2)'),
  smoothing: z.number().min(0).lt(1).default(0).describe('weight of the old distribution: new = smoothing * old + (1 - smoothing) * fitted'),
  temp_decay: z.number().min(0).max(1).default(0)
    .describe('factor by which the annealing temperature (1 at first) decays per generation; 0 turns admission of non-elite individuals off'),
  distribution: distributionSchema.default({ type: 'noisy-gaussian', noise_magnitude: 1, noise_decay: 0.99 }),
};

/** Elite individuals a fit needs: two points for a covariance, and one per mixture component. */
const neededElite = (d: DistributionConfig) => Math.max(MIN_FIT_ROWS, componentCount(d));

/**
 * rho when not given: 0.9 wherever it leaves enough elite individuals (so every experiment valid with a
 * fixed 0.9 keeps it), else the smallest fraction that does; a fixed 0.9 would refuse pop_size 2.
 */
function resolveRho(pop: number, d: DistributionConfig): number {
  const needed = neededElite(d);
  return eliteCount(DEFAULT_RHO, pop) >= needed ? DEFAULT_RHO : Math.min(1, needed / pop);
}

export const crossEntropySchema = z
  .strictObject(crossEntropyShape)
  .superRefine((p, ctx) => {
    const k = componentCount(p.distribution);
    // read as "got <input>, expected <message>", the form the CLI prints
    if (p.rho === undefined) {
      // the derived rho fails only when even the whole generation is too few: name what the user wrote
      if (k > p.pop_size) ctx.addIssue({ code: 'custom', path: ['distribution'], input: p.distribution, message: `at most pop_size (${p.pop_size}) components: each is fitted to elite individuals of one generation` });
      return;
    }
    const n = eliteCount(p.rho, p.pop_size);
    if (n < MIN_FIT_ROWS) {
      ctx.addIssue({ code: 'custom', path: ['rho'], input: p.rho, message: `rho * pop_size (${p.pop_size}) to leave at least ${MIN_FIT_ROWS} elite individuals: a covariance needs two points` });
    } else if (n < k) {
      ctx.addIssue({ code: 'custom', path: ['rho'], input: p.rho, message: `rho * pop_size (${p.pop_size}) to leave at least n_components (${k}) elite individuals` });
    }
  })
  .transform((p) => inShapeOrder(crossEntropyShape, { ...p, rho: p.rho ?? resolveRho(p.pop_size, p.distribution) }));

export type CrossEntropyConfig = z.output<typeof crossEntropySchema>;

export const crossEntropyOptimizer: OptimizerFactory<typeof crossEntropySchema> = {
  type: 'cross-entropy',
  description: 'Cross-entropy method: sample a (noisy) Gaussian or Gaussian mixture, refit it to the elite with smoothing, after the reference CE',
  reference: 'Rubinstein and Kroese, The Cross-Entropy Method, Springer (2004); L2L (Yegenoglu et al., Front. Comput. Neurosci. 2022)',
  schema: crossEntropySchema,
  example: { pop_size: 50, rho: 0.2, smoothing: 0.5, distribution: { type: 'gaussian' } },
  create: (params, ctx) => new CrossEntropyCore(params, ctx),
};

export { CrossEntropyCore, eliteCount, type CrossEntropyParams } from './core.js';
export type { CeSnapshot } from './snapshot.js';
export { COLLAPSE_TOLERANCE } from '../shared/distributions/sampling.js';
export { admissionProbability, rank, type Ranking } from '../shared/distributions/selection.js';
export { distributionSchema, type DistributionConfig } from '../shared/distributions/schema.js';
export { SearchDistribution, type DistributionState } from '../shared/distributions/search-distribution.js';
export { fitMixture, kMeansInit, type Component } from '../shared/distributions/mixture-em.js';
export { meanCov, samplingFactor } from '../shared/distributions/gaussian.js';
