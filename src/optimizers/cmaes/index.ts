/**
 * CMA-ES with IPOP/BIPOP restarts and box handling by repair and penalty, as a registered optimizer.
 * See docs/optimizers/cmaes.md.
 */
import type { OptimizerFactory } from '../../core/optimizer.js';
import { CmaesCore } from './core.js';
import { cmaesSchema } from './schema.js';

export const cmaesOptimizer: OptimizerFactory<typeof cmaesSchema> = {
  type: 'cmaes',
  description: 'CMA-ES (weighted recombination, CSA, rank-one and rank-mu updates) with IPOP/BIPOP restarts and a boundary penalty, after pycma',
  reference: 'Hansen and Ostermeier, Completely derandomized self-adaptation in evolution strategies, Evol. Comput. 9(2) (2001); '
    + 'Auger and Hansen, A restart CMA evolution strategy with increasing population size, IEEE CEC (2005); '
    + 'Hansen, Benchmarking a BI-population CMA-ES on the BBOB-2009 function testbed, GECCO workshops (2009)',
  schema: cmaesSchema,
  example: { max_restarts: 2 },
  create: (params, ctx) => new CmaesCore(params, ctx),
};

export { CmaesCore } from './core.js';
export { cmaesSchema, type CmaesParams } from './schema.js';
export { defaultMaxIter, defaultPopSize, defaultTolStagnation, strategyParameters, type StrategyParameters } from './parameters.js';
export { newDistribution, sample, updateDistribution, updateEigensystem, type Distribution } from './distribution.js';
export type { CmaesSnapshot } from './snapshot.js';
export type { RunRecord } from './run.js';
