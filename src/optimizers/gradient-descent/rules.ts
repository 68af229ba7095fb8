/**
 * The update rules of the gradient descent variants, as pure functions of the gradient estimate and a
 * small state (running moments and the number of steps taken). Each returns the step to add to the
 * current point: ascent, because the framework maximises the weighted fitness.
 */
import type { GdConfig } from './schema.js';

export interface Moments {
  /** First moment (Adam, AdaMax). */
  m: Float64Array;
  /** Second moment (Adam, RMSProp) or infinity norm (AdaMax). */
  v: Float64Array;
  /** Steps taken so far; the step being computed is number t + 1. */
  t: number;
}

export function newMoments(dim: number): Moments {
  return { m: new Float64Array(dim), v: new Float64Array(dim), t: 0 };
}

/** Adam's epsilon, outside the square root (the reference's 1e-8). */
export const ADAM_EPSILON = 1e-8;
/** RMSProp's delta, inside the square root (the reference's 1e-6). */
export const RMSPROP_DELTA = 1e-6;

type Params<V extends GdConfig['variant']> = Extract<GdConfig, { variant: V }>;

/** Stochastic GD: x += lr * (g + xi * stochastic_decay^t), xi ~ N(0, stochastic_deviation^2). */
function stochasticStep(p: Params<'stochastic'>, g: Float64Array, t: number, normal: () => number): Float64Array {
  const scale = p.stochastic_deviation * p.stochastic_decay ** t;
  return g.map((gi) => p.learning_rate * (gi + scale * normal()));
}

/** Adam (Kingma and Ba 2015, Algorithm 1): bias-corrected moments, x += lr * m^ / (sqrt(v^) + eps). */
function adamStep(p: Params<'adam'>, g: Float64Array, s: Moments, t: number): Float64Array {
  const b1 = p.first_order_decay;
  const b2 = p.second_order_decay;
  return g.map((gi, j) => {
    s.m[j] = b1 * s.m[j] + (1 - b1) * gi;
    s.v[j] = b2 * s.v[j] + (1 - b2) * gi * gi;
    const mHat = s.m[j] / (1 - b1 ** t);
    const vHat = s.v[j] / (1 - b2 ** t);
    return (p.learning_rate * mHat) / (Math.sqrt(vHat) + ADAM_EPSILON);
  });
}

/**
 * AdaMax (Kingma and Ba 2015, Algorithm 2): u = max(beta2 u, |g|), x += lr / (1 - beta1^t) * m / u.
 * A coordinate whose gradient has always been 0 has m = u = 0 and does not move.
 */
function adamaxStep(p: Params<'adamax'>, g: Float64Array, s: Moments, t: number): Float64Array {
  const b1 = p.first_order_decay;
  const rate = p.learning_rate / (1 - b1 ** t);
  return g.map((gi, j) => {
    s.m[j] = b1 * s.m[j] + (1 - b1) * gi;
    s.v[j] = Math.max(p.second_order_decay * s.v[j], Math.abs(gi));
    return s.v[j] === 0 ? 0 : (rate * s.m[j]) / s.v[j];
  });
}

/** RMSProp (Tieleman and Hinton 2012): v = rho v + (1 - rho) g^2, x += lr * g / sqrt(v + delta). */
function rmspropStep(p: Params<'rmsprop'>, g: Float64Array, s: Moments): Float64Array {
  const rho = p.momentum_decay;
  return g.map((gi, j) => {
    s.v[j] = rho * s.v[j] + (1 - rho) * gi * gi;
    return (p.learning_rate * gi) / Math.sqrt(s.v[j] + RMSPROP_DELTA);
  });
}

/**
 * The step of the configured variant for gradient g; advances the moments (and t) in place.
 * `normal` supplies N(0, 1) draws (used by the stochastic variant only).
 */
export function variantStep(p: GdConfig, s: Moments, g: Float64Array, normal: () => number): Float64Array {
  const t = s.t + 1;
  s.t = t;
  switch (p.variant) {
    case 'classic':
      return g.map((gi) => p.learning_rate * gi); // x += lr * g
    case 'stochastic':
      return stochasticStep(p, g, t, normal);
    case 'adam':
      return adamStep(p, g, s, t);
    case 'adamax':
      return adamaxStep(p, g, s, t);
    case 'rmsprop':
      return rmspropStep(p, g, s);
  }
}
