/**
 * The cell optimizee: one neuron cell described in the experiment file (schema.ts), fitted to target
 * voltage traces on current-step protocols, a batch of individuals as copies of the cell in one
 * simulation. Two back ends of the same description: NEURON through the worker's embedded Python
 * (python/l2l_cell.py; imported before MPI starts, on rank 0 too, which assesses the best individual),
 * and Arbor's C++ API (native/arbor: threaded, cancellable between chunks of simulated time).
 */
import type { Execution, OptimizeeFactory } from '../../core/optimizee.js';
import { CellModel } from './model.js';
import { cellSchema } from './schema.js';

export const cellOptimizee: OptimizeeFactory<typeof cellSchema> = {
  type: 'cell',
  description: 'A neuron cell (SWC or built-in morphology, regions, hh and pas mechanisms, current-step protocols) fitted to target voltage traces, by MSE or by electrophysiological features, on NEURON (embedded Python) or Arbor (C++ API); a batch of individuals is one simulation',
  schema: cellSchema,
  create: (cfg) => new CellModel(cfg),
  execution: (cfg): Execution => (cfg.backend === 'arbor'
    ? { kind: 'native', cancellable: true, threads: true }
    : { kind: 'native', cancellable: false, threads: false, python: true, preimport: { preimport: ['neuron'] } }),
};

export { cellSchema, type CellConfig } from './schema.js';
export { CellModel } from './model.js';
