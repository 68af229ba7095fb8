/**
 * The cross-entropy method for optimisation (Rubinstein and Kroese 2004), after the reference
 * framework's CrossEntropyOptimizer: sample pop_size points from a parametric distribution (the first
 * generation uniformly from the box), keep the elite (the floor(rho * pop_size) best), admit other
 * points by an annealing rule when temp_decay > 0, refit the distribution to them with smoothing.
 *
 * Deviations from the reference, each on purpose:
 * - Failed evaluations never enter the elite or the fit; with fewer than two usable rows the
 *   distribution stays as it was.
 * - The annealing admission ranks rows consistently (the reference pairs sorted rows with unsorted
 *   fitnesses); T = 0 admits nothing below gamma instead of computing 0/0.
 * - Samples are clipped into the box (the reference's bounding function) and the seed is applied:
 *   all draws come from streams derived from (seed, 'cross-entropy', generation, purpose).
 * - There is no n_iteration or stop_criterion: the experiment's budget and target decide. stop()
 *   reports only a collapsed distribution, from which every sample would be the same point.
 */
import type { CoreStats, Evaluations, Generation, GenerationalCore, OptimizerContext } from '../../core/optimizer.js';
import { row } from '../../math/rows.js';
import { Rng } from '../../math/rng.js';
import type { DistributionConfig } from './distributions/schema.js';
import { SearchDistribution } from './distributions/search-distribution.js';
import { checkTold, rank, updateDistribution } from './selection.js';
import { decodeCeSnapshot, type CeSnapshot } from './snapshot.js';

export interface CrossEntropyParams {
  pop_size: number;
  rho: number;
  smoothing: number;
  temp_decay: number;
  distribution: DistributionConfig;
}

/** floor(rho * pop_size), as the reference's int(); the epsilon keeps 0.29 * 100 at 29. */
export function eliteCount(rho: number, popSize: number): number {
  return Math.floor(rho * popSize + 1e-9);
}

/** A distribution whose widest standard deviation is below this fraction of the box is collapsed. */
export const COLLAPSE_TOLERANCE = 1e-12;

/** Uniform rows in the box: the first generation, before any distribution was fitted to evaluations. */
export function uniformRows(ctx: OptimizerContext, n: number, rng: Rng): Float64Array {
  const x = new Float64Array(n * ctx.space.dim);
  for (let k = 0; k < n; k++) ctx.space.sampleInto(rng, row(x, k, ctx.space.dim));
  return x;
}

/** A generation of n rows: uniform in generation 0, then drawn from the distribution (clipped); CE and FACE. */
export function sampleGeneration(ctx: OptimizerContext, dist: SearchDistribution, g: number, n: number, stream: (g: number, purpose: string) => Rng): Generation {
  let x: Float64Array;
  if (g === 0) x = uniformRows(ctx, n, stream(0, 'init'));
  else {
    x = new Float64Array(n * ctx.space.dim);
    dist.sampleInto(stream(g, 'sample'), x, n, ctx.space);
  }
  return { generation: g, index: Int32Array.from({ length: n }, (_, k) => k), x };
}

/**
 * The distribution the reference holds before the first update: fitted to the uniform first
 * generation. Its parameters are the "old" ones the first update is smoothed with (and a noisy
 * distribution draws its first noise here, so the magnitude has decayed once by generation 1).
 */
export function initialDistribution(config: DistributionConfig, ctx: OptimizerContext, firstGeneration: Float64Array, n: number, fitRng: Rng): SearchDistribution {
  const dist = new SearchDistribution(config, ctx.space.dim);
  dist.fit(Array.from({ length: n }, (_, k) => row(firstGeneration, k, ctx.space.dim)), 0, fitRng);
  return dist;
}

/** The reasons to stop when the distribution has collapsed onto a point, or []. */
export function collapseReasons(dist: SearchDistribution, ctx: OptimizerContext): string[] {
  let width = 0;
  for (let i = 0; i < ctx.space.dim; i++) width = Math.max(width, ctx.space.upper[i] - ctx.space.lower[i]);
  const widest = Math.max(...dist.stds());
  return widest < COLLAPSE_TOLERANCE * width ? [`distribution collapsed: largest standard deviation ${widest.toPrecision(3)} is below ${COLLAPSE_TOLERANCE} of the box width`] : [];
}

export class CrossEntropyCore implements GenerationalCore {
  readonly mode = 'generational' as const;
  private generation = 0;
  /** T_t = temp_decay^t, the annealing temperature of the generation in progress. */
  private temperature = 1;
  private readonly dist: SearchDistribution;
  private readonly nElite: number;

  constructor(
    private readonly params: CrossEntropyParams,
    private readonly ctx: OptimizerContext,
  ) {
    this.nElite = eliteCount(params.rho, params.pop_size);
    const first = uniformRows(ctx, params.pop_size, this.stream(0, 'init'));
    this.dist = initialDistribution(params.distribution, ctx, first, params.pop_size, this.stream(0, 'init-fit'));
  }

  private stream(generation: number, purpose: string): Rng {
    return Rng.derive(this.ctx.seed, 'cross-entropy', generation, purpose);
  }

  /** pop_size rows: uniform in generation 0, then from the distribution, clipped. Repeatable until tell(). */
  ask(): Generation {
    return sampleGeneration(this.ctx, this.dist, this.generation, this.params.pop_size, (g, purpose) => this.stream(g, purpose));
  }

  tell(ev: Evaluations): CoreStats {
    checkTold('cross-entropy', ev, this.generation, this.params.pop_size);
    const g = this.generation;
    // gamma_t = S_(n_elite): the elite threshold; elite = the n_elite best usable rows
    const r = rank(ev, this.nElite);
    // admission and refit: theta_t = s theta_{t-1} + (1 - s) theta_fit(elite U admitted)
    const u = updateDistribution(this.dist, ev, r, this.params, this.temperature, this.stream(g, 'admit'), this.stream(g, 'fit'));
    const stats: CoreStats = {
      ...(Number.isFinite(r.gamma) ? { gamma: r.gamma } : {}),
      ...(Number.isFinite(r.best) ? { best: r.best } : {}),
      temperature: this.temperature,
      elite: r.elite.length,
      ...u,
      ...this.dist.summary(),
    };
    // T_{t+1} = temp_decay * T_t
    this.temperature *= this.params.temp_decay;
    this.generation = g + 1;
    return stats;
  }

  stop(): string[] {
    return collapseReasons(this.dist, this.ctx);
  }

  /** The current distribution's parameters, as plain data. */
  distribution(): ReturnType<SearchDistribution['state']> {
    return this.dist.state();
  }

  snapshot(): CeSnapshot {
    return { type: 'cross-entropy', version: 1, generation: this.generation, temperature: this.temperature, distribution: this.dist.state() };
  }

  restore(snapshot: unknown): void {
    const s = decodeCeSnapshot(snapshot);
    this.dist.restore(s.distribution);
    this.generation = s.generation;
    this.temperature = s.temperature;
  }
}
