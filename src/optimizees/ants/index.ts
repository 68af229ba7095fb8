/**
 * The ants optimizee: NetLogo's Ants model (Wilensky 1997) on the native kernel (native/ants), a batch
 * of individuals' colonies in one call, threaded and cancellable between ticks. docs/ants.md.
 */
import type { Execution, OptimizeeFactory } from '../../core/optimizee.js';
import { AntsModel } from './model.js';
import { antsSchema } from './schema.js';

export const antsOptimizee: OptimizeeFactory<typeof antsSchema> = {
  type: 'ants',
  repeatable: true, // a function of the individual and its seed: nothing written, no state kept
  description: "NetLogo's Ants model (a colony foraging from its nest to three food sources, laying chemical that others follow) on the native kernel; an individual sets the chemical's diffusion and evaporation rates; fitness the food returned within the ticks, averaged over seeded colonies",
  schema: antsSchema,
  create: (cfg) => new AntsModel(cfg),
  // the NEST brain runs in the worker's embedded Python (BatchContext.python), tick by tick
  execution: (cfg): Execution => (cfg.brain === 'snn' && cfg.snn.backend === 'nest' ? { kind: 'native', cancellable: false, threads: false, python: true } : { kind: 'native', cancellable: true, threads: true }),
};

export { antsSchema, type AntsConfig } from './schema.js';
export { AntsModel } from './model.js';
