/**
 * Every optimizer the experiment file can name, by its type. Adding one is one line here.
 */
import type { OptimizerFactory } from '../core/optimizer.js';
import { gaOptimizer } from './ga/index.js';
import { randomSearchOptimizer } from './random-search/index.js';
import { asyncEvolutionOptimizer } from './async-evolution/index.js';
import { enkfOptimizer } from './enkf/index.js';
import { crossEntropyOptimizer } from './cross-entropy/index.js';
import { faceOptimizer } from './face/index.js';
import { gridSearchOptimizer } from './grid-search/index.js';
import { simulatedAnnealingOptimizer } from './simulated-annealing/index.js';
import { parallelTemperingOptimizer } from './parallel-tempering/index.js';
import { esOptimizer } from './es/index.js';
import { nesOptimizer } from './nes/index.js';
import { gradientDescentOptimizer } from './gradient-descent/index.js';
import { cmaesOptimizer } from './cmaes/index.js';
import { nsga2Optimizer } from './nsga2/index.js';
import { ibeaOptimizer } from './ibea/index.js';

const FACTORIES: readonly OptimizerFactory[] = [
  gaOptimizer,
  randomSearchOptimizer,
  asyncEvolutionOptimizer,
  enkfOptimizer,
  crossEntropyOptimizer,
  faceOptimizer,
  gridSearchOptimizer,
  simulatedAnnealingOptimizer,
  parallelTemperingOptimizer,
  esOptimizer,
  nesOptimizer,
  gradientDescentOptimizer,
  cmaesOptimizer,
  nsga2Optimizer,
  ibeaOptimizer,
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
