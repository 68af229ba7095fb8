/**
 * Finite-difference gradient descent as a registered optimizer (variants classic, stochastic, Adam,
 * AdaMax, RMSProp; hyper-parameters in schema.ts) and the factory.
 */
import type { OptimizerFactory } from '../../core/optimizer.js';
import { GdCore } from './core.js';
import { gdSchema } from './schema.js';

export const gradientDescentOptimizer: OptimizerFactory<typeof gdSchema> = {
  type: 'gradient-descent',
  description: 'Gradient descent on a finite-difference (least-squares) gradient; variants classic, stochastic, adam, adamax, rmsprop',
  reference: 'L2L GradientDescentOptimizer (Yegenoglu et al., Front. Comput. Neurosci. 2022); Kingma and Ba, Adam: A Method for Stochastic Optimization, ICLR 2015 (Adam, AdaMax); Tieleman and Hinton, COURSERA Neural Networks lecture 6.5 (2012) (RMSProp)',
  schema: gdSchema,
  example: { variant: 'classic' },
  create: (params, ctx) => new GdCore(params, ctx),
};

export { GdCore, type GdSnapshot } from './core.js';
export { affineGradient, finiteDifferenceGradient } from './gradient.js';
export { ADAM_EPSILON, RMSPROP_DELTA, newMoments, variantStep, type Moments } from './rules.js';
export { GD_VARIANTS, gdSchema, type GdConfig, type GdVariant } from './schema.js';
