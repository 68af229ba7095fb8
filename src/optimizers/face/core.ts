/**
 * Fully adaptive cross-entropy (FACE, in Rubinstein and Kroese, The Cross-Entropy Method, 2004),
 * after the reference framework's FACEOptimizer: a cross-entropy method with a fixed elite (n_elite)
 * whose sample size adapts. When a generation improved on the previous one, in its best value or in
 * its elite threshold gamma, the distribution is refitted and the sample size moves halfway back to
 * min_pop_size; when neither improved, the same distribution is sampled again with n_expand more
 * points; when that would pass max_pop_size, FACE stops ("possibly diverged").
 *
 * As in the reference, "improved" compares with the previous generation's best and gamma (not the
 * best ever seen), and the shrink is floor((pop_size + min_pop_size) / 2), not a reset to min_pop_size
 * as its docstring says. Deviations, each on purpose: failed evaluations never enter the elite or the
 * fit; the annealing admission ranks rows consistently (the reference indexes the sorted rows with
 * 0/1 draws); samples are clipped into the box and the seed is applied (streams derived from
 * (seed, 'face', generation, purpose)); no n_iteration or stop_criterion (the experiment's budget and
 * target decide).
 */
import type { CoreStats, Evaluations, Generation, GenerationalCore, OptimizerContext } from '../../core/optimizer.js';
import { Rng } from '../../math/rng.js';
import { collapseReasons, initialDistribution, sampleGeneration, uniformRows } from '../shared/distributions/sampling.js';
import type { DistributionConfig } from '../shared/distributions/schema.js';
import type { SearchDistribution } from '../shared/distributions/search-distribution.js';
import { checkTold, rank, updateDistribution, type Ranking, type UpdateStats } from '../shared/distributions/selection.js';
import { decodeFaceSnapshot, encodeFaceSnapshot, type FaceSnapshot, type FaceState } from './snapshot.js';

export interface FaceParams {
  min_pop_size: number;
  max_pop_size: number;
  n_elite: number;
  smoothing: number;
  temp_decay: number;
  n_expand: number;
  distribution: DistributionConfig;
}

export class FaceCore implements GenerationalCore {
  readonly mode = 'generational' as const;
  private readonly dist: SearchDistribution;
  private s: FaceState;

  constructor(
    private readonly params: FaceParams,
    private readonly ctx: OptimizerContext,
  ) {
    const n = params.min_pop_size;
    this.dist = initialDistribution(params.distribution, ctx, uniformRows(ctx, n, this.stream(0, 'init')), n, this.stream(0, 'init-fit'));
    this.s = { generation: 0, temperature: 1, popSize: n, previousBest: -Infinity, previousGamma: -Infinity, stopped: null };
  }

  private stream(generation: number, purpose: string): Rng {
    return Rng.derive(this.ctx.seed, 'face', generation, purpose);
  }

  /** The current sample size: uniform rows in generation 0, then from the distribution, clipped. Repeatable until tell(). */
  ask(): Generation {
    return sampleGeneration(this.ctx, this.dist, this.s.generation, this.s.popSize, (g, purpose) => this.stream(g, purpose));
  }

  tell(ev: Evaluations): CoreStats {
    const s = this.s;
    checkTold('face', ev, s.generation, s.popSize);
    const evaluated = s.popSize;
    // gamma_t = S_(n_elite), best_t = S_(1)
    const r = rank(ev, this.params.n_elite);
    const improved = r.best > s.previousBest || r.gamma > s.previousGamma;
    s.previousBest = r.best;
    s.previousGamma = r.gamma;
    const update = this.adapt(improved, ev, r);
    const stats: CoreStats = {
      ...(Number.isFinite(r.gamma) ? { gamma: r.gamma } : {}),
      ...(Number.isFinite(r.best) ? { best: r.best } : {}),
      pop_size: evaluated,
      next_pop_size: s.popSize,
      improved: improved ? 1 : 0,
      temperature: s.temperature,
      elite: r.elite.length,
      ...update,
      ...this.dist.summary(),
    };
    // T_{t+1} = temp_decay * T_t
    s.temperature *= this.params.temp_decay;
    s.generation++;
    return stats;
  }

  /** FACE's rule: refit and shrink after an improvement, else sample more, else stop. */
  private adapt(improved: boolean, ev: Evaluations, r: Ranking): UpdateStats {
    const s = this.s;
    const { min_pop_size: min, max_pop_size: max, n_expand } = this.params;
    s.stopped = null;
    if (improved) {
      // N_{t+1} = floor((N_t + N_min) / 2), theta_t = s theta_{t-1} + (1 - s) theta_fit(elite U admitted)
      s.popSize = Math.floor((s.popSize + min) / 2);
      return updateDistribution(this.dist, ev, r, this.params, s.temperature, this.stream(s.generation, 'admit'), this.stream(s.generation, 'fit'));
    }
    if (s.popSize + n_expand <= max) {
      // N_{t+1} = N_t + n_expand, theta_t = theta_{t-1}: the same distribution, sampled more
      s.popSize += n_expand;
    } else {
      s.stopped = `neither best nor gamma improved with ${s.popSize} samples, and ${s.popSize} + n_expand (${n_expand}) would pass max_pop_size (${max}): possibly diverged`;
    }
    return { admitted: 0, fitted: 0 };
  }

  /** FACE's own stop (no improvement at the largest sample size), or a collapsed distribution. */
  stop(): string[] {
    return [...(this.s.stopped ? [this.s.stopped] : []), ...collapseReasons(this.dist, this.ctx)];
  }

  /** The current distribution's parameters, as plain data. */
  distribution(): ReturnType<SearchDistribution['state']> {
    return this.dist.state();
  }

  snapshot(): FaceSnapshot {
    return encodeFaceSnapshot(this.s, this.dist.state());
  }

  restore(snapshot: unknown): void {
    const { state, distribution } = decodeFaceSnapshot(snapshot, this.params.min_pop_size, this.params.max_pop_size);
    this.dist.restore(distribution);
    this.s = state;
  }
}
