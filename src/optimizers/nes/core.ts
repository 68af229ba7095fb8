/**
 * Separable natural evolution strategies (SNES), after the reference's
 * NaturalEvolutionStrategiesOptimizer (Schaul et al. 2011; Wierstra et al. 2014, Algorithm 6): a
 * Gaussian search distribution N(mu, diag(sigma^2)); each generation samples z_i = mu + sigma s_i,
 * s_i ~ N(0, I) (and mu - sigma s_i with mirrored sampling), and follows the natural gradient of the
 * expected utility in mu and in log sigma.
 *
 * Semantics kept from the reference: the update equations and their order (mu first, with the sigma
 * that sampled the generation); asked points clipped into the box while the update uses the s_i as
 * drawn; pop_size draws per generation, doubled by mirrored sampling.
 *
 * Deviations, on purpose:
 * - The reference drops the last sample's fitness (a line carried over from its ES, which appends
 *   theta as a last row that NES does not have); every sample is used here.
 * - mu is clipped into the box after each step, so the distribution stays centred on the box.
 * - Failed evaluations are left out of the update (a crash says nothing about the landscape).
 * - Tied fitness values share their utilities (see ../shared/fitness-shaping.ts).
 * - stop() reports convergence once every sigma_i has collapsed below 1e-12 of the box's width.
 */
import type { CoreStats, Evaluations, Generation, GenerationalCore, OptimizerContext } from '../../core/optimizer.js';
import { row } from '../../math/rows.js';
import { Rng } from '../../math/rng.js';
import { bestWeighted, distance, gatherRows, rowPositions, usableIndividuals } from '../shared/evaluations.js';
import { decodeVector, encodeVector, snapshotOf, type PlainVector } from '../shared/plain-vector.js';
import { shapeFitness } from '../shared/fitness-shaping.js';

/** The hyper-parameters with every default resolved for the space at hand. */
export interface NesParams {
  learning_rate_mu: number;
  learning_rate_sigma: number;
  mu: Float64Array;
  sigma: Float64Array;
  mirrored_sampling_enabled: boolean;
  fitness_shaping_enabled: boolean;
  pop_size: number;
}

export interface NesSnapshot {
  type: 'nes';
  version: 1;
  generation: number;
  mu: PlainVector;
  sigma: PlainVector;
}

export interface SnesGradients {
  /** sum_i F_i s_i */
  mu: Float64Array;
  /** sum_i F_i (s_i^2 - 1) */
  sigma: Float64Array;
}

/** The SNES natural gradients (Wierstra et al. 2014, Algorithm 6) from n samples s (row-major n x dim). */
export function snesGradients(s: Float64Array, dim: number, F: ArrayLike<number>): SnesGradients {
  const gMu = new Float64Array(dim);
  const gSigma = new Float64Array(dim);
  for (let k = 0; k < F.length; k++) {
    for (let j = 0; j < dim; j++) {
      const v = s[k * dim + j];
      gMu[j] += F[k] * v;
      gSigma[j] += F[k] * (v * v - 1);
    }
  }
  return { mu: gMu, sigma: gSigma };
}

/** Sigma below this fraction of the box width in every coordinate: the search has converged. */
export const SIGMA_COLLAPSE = 1e-12;

export class NesCore implements GenerationalCore {
  readonly mode = 'generational' as const;
  private generation = 0;
  private mu: Float64Array;
  private sigma: Float64Array;

  constructor(
    private readonly params: NesParams,
    private readonly ctx: OptimizerContext,
  ) {
    this.mu = params.mu.slice();
    this.sigma = params.sigma.slice();
  }

  get samples(): number {
    return this.params.mirrored_sampling_enabled ? 2 * this.params.pop_size : this.params.pop_size;
  }

  /** The search distribution's mean and standard deviations (copies). */
  distribution(): { mu: Float64Array; sigma: Float64Array } {
    return { mu: this.mu.slice(), sigma: this.sigma.slice() };
  }

  /** Generation g's standard-normal samples s_i, row-major: pop_size draws, then their negatives if mirrored. */
  perturbations(g: number): Float64Array {
    const dim = this.ctx.space.dim;
    const drawn = this.params.pop_size * dim;
    const s = new Float64Array(this.samples * dim);
    const rng = Rng.derive(this.ctx.seed, 'nes', g, 'noise');
    for (let i = 0; i < drawn; i++) s[i] = rng.normal();
    if (this.params.mirrored_sampling_enabled) for (let i = 0; i < drawn; i++) s[drawn + i] = -s[i];
    return s;
  }

  /** z_i = mu + sigma s_i, clipped into the box. Repeatable until tell(). */
  ask(): Generation {
    const { space } = this.ctx;
    const dim = space.dim;
    const n = this.samples;
    const s = this.perturbations(this.generation);
    const x = new Float64Array(n * dim);
    for (let k = 0; k < n; k++) {
      const xk = row(x, k, dim);
      for (let j = 0; j < dim; j++) xk[j] = this.mu[j] + this.sigma[j] * s[k * dim + j];
      space.clip(xk);
    }
    return { generation: this.generation, index: Int32Array.from({ length: n }, (_, i) => i), x };
  }

  tell(ev: Evaluations): CoreStats {
    const n = this.samples;
    const dim = this.ctx.space.dim;
    const pos = rowPositions('nes', ev, this.generation, n);
    const s = this.perturbations(this.generation);

    // The samples that enter the update: those whose evaluation succeeded
    const used = usableIndividuals(ev, pos, n);
    const fitness = used.map((i) => ev.weighted[pos[i]]);

    // F_i: rank utilities u_k (Wierstra et al. 2014, sec. 3.1) or the weighted fitness itself
    const F = this.params.fitness_shaping_enabled ? shapeFitness(fitness) : fitness;

    // grad_mu = sum_i F_i s_i,  grad_sigma = sum_i F_i (s_i^2 - 1)
    const grad = snesGradients(gatherRows(s, used, dim), dim, F);

    // mu <- mu + eta_mu * sigma * grad_mu;  sigma <- sigma * exp(eta_sigma / 2 * grad_sigma)
    const previous = this.mu.slice();
    const { learning_rate_mu: etaMu, learning_rate_sigma: etaSigma } = this.params;
    for (let j = 0; j < dim; j++) {
      this.mu[j] += etaMu * this.sigma[j] * grad.mu[j];
      this.sigma[j] *= Math.exp((etaSigma / 2) * grad.sigma[j]);
    }
    this.ctx.space.clip(this.mu);
    this.generation++;

    const best = bestWeighted(ev);
    return {
      step_norm: distance(this.mu, previous),
      sigma_mean: this.sigma.reduce((a, v) => a + v, 0) / dim,
      sigma_max: this.sigma.reduce((a, v) => Math.max(a, v), 0),
      used: used.length,
      failed: n - used.length,
      ...(best === null ? {} : { best }),
    };
  }

  stop(): string[] {
    if (!this.mu.every(Number.isFinite) || !this.sigma.every(Number.isFinite)) {
      return ['diverged: mu or sigma is no longer finite (raw fitness too large without fitness shaping?)'];
    }
    const { lower, upper } = this.ctx.space;
    const collapsed = this.sigma.every((v, j) => v < SIGMA_COLLAPSE * (upper[j] - lower[j]) || upper[j] === lower[j]);
    return collapsed ? [`converged: every sigma below ${SIGMA_COLLAPSE} of the box width`] : [];
  }

  snapshot(): NesSnapshot {
    return { type: 'nes', version: 1, generation: this.generation, mu: encodeVector(this.mu), sigma: encodeVector(this.sigma) };
  }

  restore(raw: unknown): void {
    const s = snapshotOf(raw, 'nes', 1);
    const dim = this.ctx.space.dim;
    this.mu = decodeVector(s.mu, 'nes snapshot: mu', dim);
    this.sigma = decodeVector(s.sigma, 'nes snapshot: sigma', dim);
    this.generation = s.generation as number;
  }
}
