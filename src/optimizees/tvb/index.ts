/**
 * The tvb optimizee: a whole-brain network of neural masses (a model file of native/tvb/models) on a
 * connectome, simulated by the native kernel (native/tvb) off the worker's JS thread, a batch of
 * individuals as the parameter sets of one call (multi-instance: dispatch.batch is the kernel's width);
 * fitness the correlation of each one's FC with a target's.
 */
import type { Execution, OptimizeeFactory } from '../../core/optimizee.js';
import { TvbModel } from './model.js';
import { tvbSchema } from './schema.js';

export const tvbOptimizee: OptimizeeFactory<typeof tvbSchema> = {
  type: 'tvb',
  repeatable: true, // a function of the individual and its seed: nothing written, no state kept
  description: "A whole-brain network of neural-mass models (native/tvb/models: Generic 2-D oscillator, Kuramoto, Montbrio-Pazo-Roxin, reduced Wong-Wang) on a connectome, TVB's conventions; an individual sets coupling, speed, noise or model parameters; fitness the correlation of its FC with a target FC",
  schema: tvbSchema,
  create: (cfg) => new TvbModel(cfg),
  execution: (): Execution => ({ kind: 'native', cancellable: true, threads: true }),
};

export { tvbSchema, type TvbConfig } from './schema.js';
export { TvbModel, readMatrixFile } from './model.js';
