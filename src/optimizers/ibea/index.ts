/**
 * IBEA as a registered optimizer: the shared multi-objective loop (../shared/multi-objective/core.ts)
 * with selection by the additive epsilon indicator (selection.ts). See docs/optimizers/ibea.md.
 */
import { z } from 'zod';
import type { OptimizerFactory } from '../../core/optimizer.js';
import { EmoCore } from '../shared/multi-objective/core.js';
import { emoShape, MAX_EMO_POPULATION } from '../shared/multi-objective/schema.js';
import { EpsilonIndicatorSelection } from './selection.js';

export const ibeaSchema = z.strictObject({
  ...emoShape,
  kappa: z.number().min(0.002).default(0.05)
    .describe('fitness scaling factor: F sums -exp(-I / (c kappa)); the paper\'s and BluePyOpt\'s 0.05 (at least 0.002, so exp(1/kappa) stays finite)'),
  tourn_size: z.number().int().min(1).max(MAX_EMO_POPULATION).default(2)
    .describe('contestants per mating tournament, drawn with replacement (the paper\'s binary tournament: 2; BluePyOpt: 4)'),
});

export type IbeaParams = z.output<typeof ibeaSchema>;

export const ibeaOptimizer: OptimizerFactory<typeof ibeaSchema> = {
  type: 'ibea',
  description: 'IBEA: multi-objective, a Pareto front by the additive epsilon indicator (BluePyOpt\'s default selector), SBX and polynomial mutation',
  reference: 'Zitzler and Kuenzli, Indicator-based selection in multiobjective search, PPSN VIII, LNCS 3242 (2004); '
    + 'BluePyOpt selIBEA (Van Geit et al., Front. Neuroinform. 2016)',
  schema: ibeaSchema,
  example: { pop_size: 20 },
  create: (params, ctx) => new EmoCore('ibea', params, ctx, new EpsilonIndicatorSelection(params.kappa, params.tourn_size)),
};

export { EpsilonIndicatorSelection } from './selection.js';
