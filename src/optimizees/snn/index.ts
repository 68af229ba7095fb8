/**
 * The snn optimizee: a spiking network declared in the experiment file (schema.ts), simulated by the
 * native simulator (native/snn) off the worker's JS thread, a batch of individuals as instances of
 * one network per call. Its execution is native: cancellable between steps (evaluation.timeout_seconds
 * works in-process) and threaded (the cores the worker rank may use).
 */
import type { Execution, OptimizeeFactory } from '../../core/optimizee.js';
import { SnnModel } from './model.js';
import { snnSchema } from './schema.js';

export const snnOptimizee: OptimizeeFactory<typeof snnSchema> = {
  type: 'snn',
  description: 'A spiking network (LIF neurons, exponential or alpha current synapses, exact integration) declared in the experiment file, on the native simulator: populations, projections, inputs; an individual sets weights, rates or currents',
  schema: snnSchema,
  create: (cfg) => new SnnModel(cfg),
  // the Python back ends run in the embedded interpreter: not cancellable between steps (a timeout
  // needs isolation: process there), and called through BatchContext.python
  execution: (cfg): Execution => (cfg.backend === 'native' ? { kind: 'native', cancellable: true, threads: true } : { kind: 'native', cancellable: false, threads: true, python: true }),
};

export { snnSchema, type SnnConfig } from './schema.js';
export { buildNetwork, type BuiltNetwork } from './build.js';
export { SnnModel } from './model.js';
