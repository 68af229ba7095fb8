/**
 * OpenAI evolution strategies, after the reference's EvolutionStrategiesOptimizer (Salimans et al.
 * 2017): perturb the current point theta by sigma * eps_i (and -eps_i with mirrored sampling),
 * evaluate the perturbed points and theta itself, and move theta along the fitness-weighted mean of
 * the perturbations.
 *
 * Semantics kept from the reference:
 * - Row order: the pop_size perturbations, then (mirrored) their mirror images, then theta last.
 *   Theta is evaluated (its fitness is reported) but does not enter the update.
 * - The step is theta += lr * sum_i F_i e_i / (n sigma^2) with e_i = sigma eps_i the drawn
 *   perturbation, i.e. lr * sum_i F_i eps_i / (n sigma), Salimans et al.'s Algorithm 1; F_i are the
 *   rank utilities (shaping on) or the weighted fitness itself (shaping off).
 * - Asked points are clipped into the box (the reference's bounding function), while the update uses
 *   the perturbations as drawn.
 * - Theta starts at a uniform sample of the box (the reference's create_individual).
 *
 * Deviations, on purpose:
 * - Theta is clipped into the box after each step (the reference lets it leave; every point asked
 *   around it would then collapse onto the box face).
 * - Failed evaluations (status != ok) are left out of the update, n counting only the rows used:
 *   a crash or timeout says nothing about the landscape.
 * - Tied fitness values share their utilities (see ../shared/fitness-shaping.ts).
 * - No n_iteration or stop_criterion: the experiment's stop conditions decide.
 */
import type { CoreStats, Evaluations, Generation, GenerationalCore, OptimizerContext } from '../../core/optimizer.js';
import { row } from '../../math/rows.js';
import { Rng } from '../../math/rng.js';
import { bestWeighted, distance, gatherRows, rowPositions, usable, usableIndividuals } from '../shared/evaluations.js';
import { decodeVector, encodeVector, snapshotOf, type PlainVector } from '../shared/plain-vector.js';
import { shapeFitness } from '../shared/fitness-shaping.js';

export interface EsParams {
  learning_rate: number;
  noise_std: number;
  mirrored_sampling_enabled: boolean;
  fitness_shaping_enabled: boolean;
  pop_size: number;
}

export interface EsSnapshot {
  type: 'es';
  version: 1;
  generation: number;
  theta: PlainVector;
}

/**
 * The OpenAI-ES step (Salimans et al. 2017, Algorithm 1): lr / (n sigma) * sum_i F_i eps_i over the
 * n rows of eps (unit-normal perturbations, row-major n x dim).
 */
export function esStep(eps: Float64Array, dim: number, F: ArrayLike<number>, lr: number, sigma: number): Float64Array {
  const n = F.length;
  if (eps.length !== n * dim) throw new RangeError(`esStep: ${eps.length / dim} perturbations but ${n} fitness values`);
  const step = new Float64Array(dim);
  if (n === 0) return step;
  for (let k = 0; k < n; k++) for (let j = 0; j < dim; j++) step[j] += F[k] * eps[k * dim + j];
  const scale = lr / (n * sigma);
  for (let j = 0; j < dim; j++) step[j] *= scale;
  return step;
}

export class EsCore implements GenerationalCore {
  readonly mode = 'generational' as const;
  private generation = 0;
  private theta: Float64Array;

  constructor(
    private readonly params: EsParams,
    private readonly ctx: OptimizerContext,
  ) {
    this.theta = ctx.space.sample(Rng.derive(ctx.seed, 'es', 0, 'init'));
  }

  /** Perturbations per generation: pop_size, doubled by mirrored sampling. */
  get samples(): number {
    return this.params.mirrored_sampling_enabled ? 2 * this.params.pop_size : this.params.pop_size;
  }

  /** The current point theta (a copy). */
  center(): Float64Array {
    return this.theta.slice();
  }

  /** Generation g's unit-normal perturbations, row-major: pop_size draws, then their negatives if mirrored. */
  perturbations(g: number): Float64Array {
    const dim = this.ctx.space.dim;
    const drawn = this.params.pop_size * dim;
    const eps = new Float64Array(this.samples * dim);
    const rng = Rng.derive(this.ctx.seed, 'es', g, 'noise');
    for (let i = 0; i < drawn; i++) eps[i] = rng.normal();
    if (this.params.mirrored_sampling_enabled) for (let i = 0; i < drawn; i++) eps[drawn + i] = -eps[i];
    return eps;
  }

  /** theta + sigma eps_i for every perturbation, clipped into the box, then theta. Repeatable until tell(). */
  ask(): Generation {
    const { space } = this.ctx;
    const dim = space.dim;
    const m = this.samples;
    const eps = this.perturbations(this.generation);
    const x = new Float64Array((m + 1) * dim);
    for (let k = 0; k < m; k++) {
      const xk = row(x, k, dim);
      for (let j = 0; j < dim; j++) xk[j] = this.theta[j] + this.params.noise_std * eps[k * dim + j];
      space.clip(xk);
    }
    x.set(this.theta, m * dim);
    return { generation: this.generation, index: Int32Array.from({ length: m + 1 }, (_, i) => i), x };
  }

  tell(ev: Evaluations): CoreStats {
    const m = this.samples;
    const dim = this.ctx.space.dim;
    const pos = rowPositions('es', ev, this.generation, m + 1);
    const eps = this.perturbations(this.generation);

    // The rows that enter the update: perturbations whose evaluation succeeded
    const used = usableIndividuals(ev, pos, m);
    const fitness = used.map((i) => ev.weighted[pos[i]]);

    // F_i: rank utilities u_k (Wierstra et al. 2014) or the weighted fitness itself
    const F = this.params.fitness_shaping_enabled ? shapeFitness(fitness) : fitness;

    // theta <- theta + lr * sum_i F_i eps_i / (n sigma)   (Salimans et al. 2017, Algorithm 1)
    const step = esStep(gatherRows(eps, used, dim), dim, F, this.params.learning_rate, this.params.noise_std);
    const previous = this.theta.slice();
    for (let j = 0; j < dim; j++) this.theta[j] += step[j];
    this.ctx.space.clip(this.theta);
    this.generation++;

    const best = bestWeighted(ev);
    const thetaRow = pos[m];
    return {
      step_norm: distance(this.theta, previous),
      sigma: this.params.noise_std,
      used: used.length,
      failed: ev.index.length - used.length - (usable(ev, thetaRow) ? 1 : 0), // theta's own row counts too
      ...(best === null ? {} : { best }),
      ...(usable(ev, thetaRow) ? { theta_fitness: ev.weighted[thetaRow] } : {}),
    };
  }

  stop(): string[] {
    return this.theta.every(Number.isFinite) ? [] : ['diverged: theta is no longer finite (raw fitness too large without fitness shaping?)'];
  }

  snapshot(): EsSnapshot {
    return { type: 'es', version: 1, generation: this.generation, theta: encodeVector(this.theta) };
  }

  restore(raw: unknown): void {
    const s = snapshotOf(raw, 'es', 1);
    this.theta = decodeVector(s.theta, 'es snapshot: theta', this.ctx.space.dim);
    this.generation = s.generation as number;
  }
}
