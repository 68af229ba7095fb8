/**
 * NSGA-II as a registered optimizer: the shared multi-objective loop (../shared/multi-objective/core.ts)
 * with non-dominated sorting, crowding distance and crowded tournaments (selection.ts). See
 * docs/optimizers/nsga2.md.
 */
import { z } from 'zod';
import type { OptimizerFactory } from '../../core/optimizer.js';
import { EmoCore } from '../shared/multi-objective/core.js';
import { emoShape } from '../shared/multi-objective/schema.js';
import { CrowdedSelection } from './selection.js';

export const nsga2Schema = z.strictObject(emoShape);

export type Nsga2Params = z.output<typeof nsga2Schema>;

export const nsga2Optimizer: OptimizerFactory<typeof nsga2Schema> = {
  type: 'nsga2',
  description: 'NSGA-II: multi-objective, a Pareto front by non-dominated sorting and crowding distance, SBX and polynomial mutation',
  reference: 'Deb, Pratap, Agarwal and Meyarivan, A fast and elitist multiobjective genetic algorithm: NSGA-II, IEEE Trans. Evol. Comput. 6(2) (2002); '
    + 'DEAP selNSGA2 and its NSGA-II example (Fortin et al., JMLR 2012); BluePyOpt (Van Geit et al., Front. Neuroinform. 2016)',
  schema: nsga2Schema,
  example: { pop_size: 20 },
  create: (params, ctx) => new EmoCore('nsga2', params, ctx, new CrowdedSelection()),
};

export { CrowdedSelection } from './selection.js';
