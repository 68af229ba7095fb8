/**
 * Every optimizer the experiment file can name, by its type. Adding one is one line here.
 */
import type { OptimizerFactory } from '../core/optimizer.js';
import { gaOptimizer } from './ga/index.js';
import { randomSearchOptimizer } from './random-search/index.js';
import { asyncEvolutionOptimizer } from './async-evolution/index.js';

const FACTORIES: readonly OptimizerFactory[] = [
  gaOptimizer,
  randomSearchOptimizer,
  asyncEvolutionOptimizer,
];

const BY_TYPE = new Map(FACTORIES.map((f) => [f.type, f]));

export function listOptimizers(): readonly OptimizerFactory[] {
  return FACTORIES;
}

export function getOptimizer(type: string): OptimizerFactory {
  const f = BY_TYPE.get(type);
  if (!f) throw new RangeError(`unknown optimizer type '${type}'; expected one of ${[...BY_TYPE.keys()].join(', ')}`);
  return f;
}
