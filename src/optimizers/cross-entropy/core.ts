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
import { Rng } from '../../math/rng.js';
import { collapseReasons, initialDistribution, sampleGeneration, uniformRows } from '../shared/distributions/sampling.js';
import type { DistributionConfig } from '../shared/distributions/schema.js';
import type { SearchDistribution } from '../shared/distributions/search-distribution.js';
import { checkTold, rank, updateDistribution } from '../shared/distributions/selection.js';
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
