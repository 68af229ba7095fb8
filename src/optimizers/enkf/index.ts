/**
 * The ensemble Kalman filter as a registered optimizer: hyper-parameters (the reference's names and
 * example values as defaults) and the factory.
 */
import { z } from 'zod';
import type { OptimizerFactory } from '../../core/optimizer.js';
import { EnkfCore } from './core.js';
import { countOf } from './resample.js';
import { MAX_COUNT, MAX_POPULATION } from '../../core/limits.js';
import { derivedDefault, inShapeOrder } from '../shared/derived-default.js';

const fraction = (what: string) => z.number().min(0).max(1).describe(what);

/** The reference's NEST example's resampling fractions; adjusted where they would be invalid (below). */
const DEFAULT_BEST_N = 0.1;
const DEFAULT_WORST_N = 0.11;

const enkfShape = {
  gamma: z.number().positive().default(0.5).describe('observation noise level: Gamma = gamma * I regularises (Cpp + Gamma)^-1 in the update'),
  pop_size: z.number().int().min(2).max(MAX_POPULATION).default(98).describe('ensemble size: members evaluated per generation'),
  n_batches: z.number().int().min(1).max(MAX_COUNT).default(10).describe('mini-batches: the observations are split into this many consecutive chunks, one update per chunk (one chunk when there are fewer observations)'),
  maxit: z.number().int().min(1).max(MAX_COUNT).default(1).describe('passes over the mini-batches per generation (the reference\'s epochs inside the filter)'),
  best_n: derivedDefault(z.number().min(0).max(1), 'min(0.1, 1 - worst_n)')
    .describe('fraction of the ensemble, the best by fitness, that the worst are resampled from (default min(0.1, 1 - worst_n); when there are worst to replace and 0.1 * pop_size < 1, 1/pop_size rounded up to a hundredth instead, so that there is a best member to copy)'),
  worst_n: derivedDefault(z.number().min(0).max(1), 'min(0.11, 1 - best_n)')
    .describe('fraction of the ensemble, the worst by fitness, replaced by noisy copies of the best each generation (0: no resampling; default min(0.11, 1 - best_n), and 0 when best_n leaves no best member)'),
  pick_method: z.enum(['random', 'best_first']).default('random').describe('random: copy a best member drawn uniformly; best_first: walk the best from the top, copying each with pick_probability'),
  pick_probability: fraction('with pick_method best_first: probability of copying the member looked at').default(0.7),
  sample_scale: z.number().min(0).default(0.1).describe('standard deviation of the Gaussian noise added to each coordinate of a copy, in parameter units'),
  observations: z.array(z.number()).min(1).optional().describe('the targets y the model outputs are fitted to, one per output (default: zeros, for optimizees whose outputs are residuals)'),
};

/** The two rules on the fractions: the best and the worst do not overlap, and a worst needs a best to copy. */
const overlap = (best: number, worst: number) => best + worst > 1;
const nothingToCopy = (pop: number, best: number, worst: number) => countOf(pop, worst) > 0 && countOf(pop, best) === 0;
const valid = (pop: number, best: number, worst: number) => !overlap(best, worst) && !nothingToCopy(pop, best, worst);

/** 1 - x to 12 digits where that stays a valid partner (1 - 0.95 is 0.050000000000000044). */
const complement = (x: number, ok: (c: number) => boolean) => {
  const tidy = Number((1 - x).toPrecision(12));
  return ok(tidy) ? tidy : 1 - x;
};

/**
 * The fractions the user left out. A fixed default would refuse valid choices of the other keys
 * (worst_n 0.95, best_n 0.95, or pop_size 5 with worst_n 0.5): each default is kept where it is valid
 * (so every experiment valid before resolves as before) and otherwise moved to the nearest valid value.
 */
function resolveFractions(pop: number, best: number | undefined, worst: number | undefined): { best_n: number; worst_n: number } {
  if (worst === undefined) {
    if (best === undefined) return { best_n: DEFAULT_BEST_N, worst_n: DEFAULT_WORST_N };
    if (valid(pop, best, DEFAULT_WORST_N)) return { best_n: best, worst_n: DEFAULT_WORST_N };
    // no best member to copy: no worst can be replaced; else the most that does not overlap
    if (countOf(pop, best) === 0) return { best_n: best, worst_n: 0 };
    return { best_n: best, worst_n: complement(best, (w) => valid(pop, best, w)) };
  }
  if (best !== undefined) return { best_n: best, worst_n: worst };
  if (valid(pop, DEFAULT_BEST_N, worst)) return { best_n: DEFAULT_BEST_N, worst_n: worst };
  // at least one best member (1/pop_size, to hundredths: pop_size < 10 here), at most 1 - worst_n
  const oneMember = Math.ceil(100 / pop) / 100;
  const b = countOf(pop, DEFAULT_BEST_N) === 0 && valid(pop, oneMember, worst) ? oneMember : complement(worst, (c) => valid(pop, c, worst));
  return { best_n: b, worst_n: worst };
}

export const enkfSchema = z
  .strictObject(enkfShape)
  .superRefine((p, ctx) => {
    // read as "got <input>, expected <message>", the form the CLI prints
    const issue = (path: string, input: unknown, message: string) => ctx.addIssue({ code: 'custom', path: [path], input, message });
    const { best_n, worst_n } = resolveFractions(p.pop_size, p.best_n, p.worst_n);
    if (p.best_n === undefined) {
      // the derived best_n fails only when no fraction could serve: name the worst_n the user wrote
      if (!valid(p.pop_size, best_n, worst_n)) issue('worst_n', worst_n, `at most 1 - 1/pop_size (${1 - 1 / p.pop_size}) so that a best member is left to copy, or 0 to switch resampling off`);
      return;
    }
    if (overlap(best_n, worst_n)) issue('worst_n', worst_n, `at most 1 - best_n (${1 - best_n}): the best and the worst must not overlap`);
    if (nothingToCopy(p.pop_size, best_n, worst_n)) {
      issue('best_n', best_n, `at least 1/pop_size (${1 / p.pop_size}) so that there is a best member to copy, or worst_n 0 to switch resampling off`);
    }
  })
  .transform((p) => inShapeOrder(enkfShape, { ...p, ...resolveFractions(p.pop_size, p.best_n, p.worst_n) }));

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
