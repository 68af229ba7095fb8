/**
 * Every optimizee the experiment file can name, by its type. Adding one is one line here.
 */
import type { OptimizeeFactory } from '../core/optimizee.js';
import { benchmarkOptimizee } from './benchmark/index.js';
import { linearInverseOptimizee } from './linear-inverse/index.js';
import { pythonOptimizee } from './python/index.js';
import { experimentOptimizee } from './experiment/index.js';
import { snnOptimizee } from './snn/index.js';
import { tvbOptimizee } from './tvb/index.js';
import { cellOptimizee } from './cell/index.js';
import { processOptimizee } from './process/index.js';
import { antsOptimizee } from './ants/index.js';

const FACTORIES: readonly OptimizeeFactory[] = [
  benchmarkOptimizee,
  linearInverseOptimizee,
  pythonOptimizee,
  experimentOptimizee,
  snnOptimizee,
  tvbOptimizee,
  cellOptimizee,
  processOptimizee,
  antsOptimizee,
];

const BY_TYPE = new Map(FACTORIES.map((f) => [f.type, f]));

export function listOptimizees(): readonly OptimizeeFactory[] {
  return FACTORIES;
}

export function getOptimizee(type: string): OptimizeeFactory {
  const f = BY_TYPE.get(type);
  if (!f) throw new RangeError(`unknown optimizee type '${type}'; expected one of ${[...BY_TYPE.keys()].join(', ')}`);
  return f;
}
