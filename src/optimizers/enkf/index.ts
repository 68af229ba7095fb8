/**
 * The ensemble Kalman filter as a registered optimizer: hyper-parameters (the reference's names and
 * example values as defaults) and the factory.
 */
import { z } from 'zod';
import type { OptimizerFactory } from '../../core/optimizer.js';
import { EnkfCore } from './core.js';
import { countOf } from './resample.js';
import { MAX_COUNT, MAX_POPULATION } from '../../core/limits.js';

const fraction = (what: string) => z.number().min(0).max(1).describe(what);

export const enkfSchema = z
  .strictObject({
    gamma: z.number().positive().default(0.5).describe('observation noise level: Gamma = gamma * I regularises (Cpp + Gamma)^-1 in the update'),
    pop_size: z.number().int().min(2).max(MAX_POPULATION).default(98).describe('ensemble size: members evaluated per generation'),
    n_batches: z.number().int().min(1).max(MAX_COUNT).default(10).describe('mini-batches: the observations are split into this many consecutive chunks, one update per chunk (one chunk when there are fewer observations)'),
    maxit: z.number().int().min(1).max(MAX_COUNT).default(1).describe('passes over the mini-batches per generation (the reference\'s epochs inside the filter)'),
    best_n: fraction('fraction of the ensemble, the best by fitness, that the worst are resampled from').default(0.1),
    worst_n: fraction('fraction of the ensemble, the worst by fitness, replaced by noisy copies of the best each generation (0: no resampling)').default(0.11),
    pick_method: z.enum(['random', 'best_first']).default('random').describe('random: copy a best member drawn uniformly; best_first: walk the best from the top, copying each with pick_probability'),
    pick_probability: fraction('with pick_method best_first: probability of copying the member looked at').default(0.7),
    sample_scale: z.number().min(0).default(0.1).describe('standard deviation of the Gaussian noise added to each coordinate of a copy, in parameter units'),
    observations: z.array(z.number()).min(1).optional().describe('the targets y the model outputs are fitted to, one per output (default: zeros, for optimizees whose outputs are residuals)'),
  })
  .superRefine((p, ctx) => {
    // read as "got <input>, expected <message>", the form the CLI prints
    const issue = (path: string, input: unknown, message: string) => ctx.addIssue({ code: 'custom', path: [path], input, message });
    if (p.best_n + p.worst_n > 1) issue('worst_n', p.worst_n, `at most 1 - best_n (${1 - p.best_n}): the best and the worst must not overlap`);
    if (countOf(p.pop_size, p.worst_n) > 0 && countOf(p.pop_size, p.best_n) === 0) {
      issue('best_n', p.best_n, `at least 1/pop_size (${1 / p.pop_size}) so that there is a best member to copy, or worst_n 0 to switch resampling off`);
    }
  });

export type EnkfConfig = z.output<typeof enkfSchema>;

export const enkfOptimizer: OptimizerFactory<typeof enkfSchema> = {
  type: 'enkf',
  description: 'Ensemble Kalman filter for inverse problems: fits model outputs to observations, mini-batched, with resampling of the worst members',
  reference: 'Iglesias, Law and Stuart, Ensemble Kalman methods for inverse problems, Inverse Problems 29 (2013) 045001; L2L (Yegenoglu et al., Front. Comput. Neurosci. 2022)',
  schema: enkfSchema,
  example: { pop_size: 20, n_batches: 1 },
  create: (params, ctx) => new EnkfCore(params, ctx),
};

export { EnkfCore, spread, type EnkfParams } from './core.js';
export type { EnkfSnapshot } from './snapshot.js';
export { kalmanStep, kalmanUpdate, miniBatches } from './update.js';
export { countOf, rankMembers, resample, type PickMethod, type ResampleParams } from './resample.js';
