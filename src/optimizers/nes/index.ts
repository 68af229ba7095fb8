/**
 * Separable NES as a registered optimizer: hyper-parameters (the reference's names; where the
 * reference demands a value, null picks the default of Wierstra et al. 2014 or of the box) and the
 * factory, which resolves those defaults for the parameter space at hand.
 */
import { z } from 'zod';
import type { OptimizerContext, OptimizerFactory } from '../../core/optimizer.js';
import type { Space } from '../../core/space.js';
import { NesCore, type NesParams } from './core.js';
import { MAX_POPULATION } from '../../core/limits.js';

const finite = z.number().refine(Number.isFinite, 'a finite number');
const positive = z.number().positive().refine(Number.isFinite, 'a finite number > 0');

export const nesSchema = z.strictObject({
  learning_rate_mu: positive.default(1).describe('step size eta_mu of the mean update mu += eta_mu * sigma * sum u_i s_i'),
  learning_rate_sigma: positive.nullable().default(null).describe('step size eta_sigma of sigma *= exp(eta_sigma / 2 * sum u_i (s_i^2 - 1)); null: (3 + ln d) / (5 sqrt d)'),
  mu: z.union([finite, z.array(finite).min(1)]).nullable().default(null).describe('initial mean, one number for every coordinate or one per coordinate; null: the centre of the box'),
  sigma: z.union([positive, z.array(positive).min(1)]).nullable().default(null).describe('initial standard deviation, one number or one per coordinate; null: half the width of the box'),
  mirrored_sampling_enabled: z.boolean().default(true).describe('also evaluate mu - sigma s for every mu + sigma s (2 * pop_size samples)'),
  fitness_shaping_enabled: z.boolean().default(true).describe('weigh samples by rank utilities instead of raw weighted fitness'),
  pop_size: z.number().int().min(1).max(MAX_POPULATION).nullable().default(null).describe('samples drawn per generation (doubled by mirrored sampling); null: 4 + floor(3 ln d)'),
});

export type NesConfig = z.output<typeof nesSchema>;

/** A scalar broadcast to every coordinate, or a vector that must have one entry per coordinate. */
function perCoordinate(v: number | number[], dim: number, key: string): Float64Array {
  if (typeof v === 'number') return new Float64Array(dim).fill(v);
  if (v.length !== dim) throw new RangeError(`nes: ${key} has ${v.length} values but the parameter space has ${dim} coordinates`);
  return Float64Array.from(v);
}

/** The hyper-parameters with the reference's (Wierstra et al. 2014) and the box's defaults filled in. */
export function resolveNesParams(p: NesConfig, space: Space): NesParams {
  const d = space.dim;
  const mu = p.mu === null ? space.lower.map((lo, j) => (lo + space.upper[j]) / 2) : perCoordinate(p.mu, d, 'mu');
  const sigma = p.sigma === null ? space.lower.map((lo, j) => (space.upper[j] - lo) / 2) : perCoordinate(p.sigma, d, 'sigma');
  mu.forEach((v, j) => {
    if (!(v >= space.lower[j] && v <= space.upper[j])) throw new RangeError(`nes: mu[${j}] = ${v} lies outside the box [${space.lower[j]}, ${space.upper[j]}]`);
  });
  return {
    learning_rate_mu: p.learning_rate_mu,
    learning_rate_sigma: p.learning_rate_sigma ?? (3 + Math.log(d)) / (5 * Math.sqrt(d)),
    mu,
    sigma,
    mirrored_sampling_enabled: p.mirrored_sampling_enabled,
    fitness_shaping_enabled: p.fitness_shaping_enabled,
    pop_size: p.pop_size ?? 4 + Math.floor(3 * Math.log(d)),
  };
}

export const nesOptimizer: OptimizerFactory<typeof nesSchema> = {
  type: 'nes',
  description: 'Separable natural evolution strategies (SNES): diagonal Gaussian search distribution, natural-gradient updates of mu and sigma',
  reference: 'Wierstra, Schaul, Glasmachers, Sun, Peters and Schmidhuber, Natural Evolution Strategies, JMLR 15 (2014); Schaul, Glasmachers and Schmidhuber, High Dimensions and Heavy Tails for Natural Evolution Strategies, GECCO 2011',
  schema: nesSchema,
  example: {},
  create: (params, ctx: OptimizerContext) => new NesCore(resolveNesParams(params, ctx.space), ctx),
};

export { NesCore, snesGradients, SIGMA_COLLAPSE, type NesParams, type NesSnapshot } from './core.js';
