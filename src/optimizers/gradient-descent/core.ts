/**
 * Finite-difference gradient descent, after the reference's GradientDescentOptimizer: each generation
 * evaluates n_random_steps points x + N(0, exploration_step_size^2 I) around the current point x and x
 * itself, estimates the gradient of the weighted fitness by least squares, g = pinv(dX) (f_i - f),
 * and steps up it with the variant's rule (rules.ts).
 *
 * Semantics kept from the reference: row order (the random steps, then x last); x starts at a uniform
 * sample of the box (its create_individual); every asked point and the updated x are clipped into the
 * box (its bounding function), and dX holds the steps as clipped, i.e. the points actually evaluated.
 *
 * Deviations, on purpose:
 * - Failed evaluations are left out of the fit. When x's own evaluation failed, its fitness is fitted
 *   as an unknown offset, [c; g] = pinv([1 dX]) f, so a point that fails for good cannot stall the
 *   run; with no usable step (or, x failed, fewer than two) the generation takes no step.
 * - Adam's bias correction and the stochastic noise decay count the steps actually taken, which is
 *   the reference's generation + 1 whenever no generation was skipped.
 * - AdaMax applies Kingma and Ba's first-moment bias correction, which the reference omits.
 * - No n_iteration or stop_criterion: the experiment's stop conditions decide.
 */
import type { CoreStats, Evaluations, Generation, GenerationalCore, OptimizerContext } from '../../core/optimizer.js';
import { row } from '../../math/rows.js';
import { Rng } from '../../math/rng.js';
import { distance, gatherRows, rowPositions, usable, usableIndividuals } from '../shared/evaluations.js';
import { decodeVector, encodeVector, snapshotOf, type PlainVector } from '../shared/plain-vector.js';
import { affineGradient, finiteDifferenceGradient } from './gradient.js';
import { newMoments, variantStep, type Moments } from './rules.js';
import type { GdConfig } from './schema.js';

export interface GdSnapshot {
  type: 'gradient-descent';
  version: 1;
  generation: number;
  x: PlainVector;
  m: PlainVector;
  v: PlainVector;
  t: number;
}

export class GdCore implements GenerationalCore {
  readonly mode = 'generational' as const;
  private generation = 0;
  private x: Float64Array;
  private moments: Moments;

  constructor(
    private readonly params: GdConfig,
    private readonly ctx: OptimizerContext,
  ) {
    this.x = ctx.space.sample(this.stream(0, 'init'));
    this.moments = newMoments(ctx.space.dim);
  }

  private stream(generation: number, purpose: string): Rng {
    return Rng.derive(this.ctx.seed, 'gradient-descent', generation, purpose);
  }

  /** The current point (a copy). */
  current(): Float64Array {
    return this.x.slice();
  }

  /** n_random_steps points x + N(0, h^2 I), clipped into the box, then x. Repeatable until tell(). */
  ask(): Generation {
    const { space } = this.ctx;
    const dim = space.dim;
    const n = this.params.n_random_steps;
    const rng = this.stream(this.generation, 'explore');
    const x = new Float64Array((n + 1) * dim);
    for (let k = 0; k < n; k++) {
      const xk = row(x, k, dim);
      for (let j = 0; j < dim; j++) xk[j] = this.x[j] + this.params.exploration_step_size * rng.normal();
      space.clip(xk);
    }
    x.set(this.x, n * dim);
    return { generation: this.generation, index: Int32Array.from({ length: n + 1 }, (_, i) => i), x };
  }

  tell(ev: Evaluations): CoreStats {
    const n = this.params.n_random_steps;
    const dim = this.ctx.space.dim;
    const pos = rowPositions('gradient-descent', ev, this.generation, n + 1);
    const centre = pos[n];
    const centreOk = usable(ev, centre);

    // The random steps that enter the fit: dX_i = x_i - x over the successful evaluations
    const used = usableIndividuals(ev, pos, n);
    const dx = gatherRows(ev.x, used.map((i) => pos[i]), dim);
    for (let k = 0; k < dx.length; k++) dx[k] -= this.x[k % dim];
    const f = used.map((i) => ev.weighted[pos[i]]);

    const stats: CoreStats = { used: used.length, failed: n + 1 - used.length - (centreOk ? 1 : 0) };
    if (centreOk) stats.current_fitness = ev.weighted[centre];
    if (used.length === 0 || (!centreOk && used.length < 2)) {
      this.generation++;
      return { ...stats, step_norm: 0, skipped: 1 };
    }

    // g = pinv(dX) (f_i - f)   (or [c; g] = pinv([1 dX]) f_i when f itself is unknown)
    const g = centreOk ? finiteDifferenceGradient(dx, f.map((fi) => fi - ev.weighted[centre]), dim) : affineGradient(dx, f, dim);

    // x <- clip(x + step(g)), the variant's rule
    const noise = this.stream(this.generation, 'stochastic');
    const step = variantStep(this.params, this.moments, g, () => noise.normal());
    const previous = this.x.slice();
    for (let j = 0; j < dim; j++) this.x[j] += step[j];
    this.ctx.space.clip(this.x);
    this.generation++;
    return { ...stats, gradient_norm: distance(g), step_norm: distance(this.x, previous), skipped: 0 };
  }

  stop(): string[] {
    return this.x.every(Number.isFinite) ? [] : ['diverged: the current point is no longer finite'];
  }

  snapshot(): GdSnapshot {
    const { m, v, t } = this.moments;
    return { type: 'gradient-descent', version: 1, generation: this.generation, x: encodeVector(this.x), m: encodeVector(m), v: encodeVector(v), t };
  }

  restore(raw: unknown): void {
    const s = snapshotOf(raw, 'gradient-descent', 1);
    const dim = this.ctx.space.dim;
    if (!Number.isInteger(s.t) || (s.t as number) < 0) throw new TypeError('gradient-descent snapshot: t must be a non-negative integer');
    const x = decodeVector(s.x, 'gradient-descent snapshot: x', dim);
    const m = decodeVector(s.m, 'gradient-descent snapshot: m', dim);
    const v = decodeVector(s.v, 'gradient-descent snapshot: v', dim);
    this.x = x;
    this.moments = { m, v, t: s.t as number };
    this.generation = s.generation as number;
  }
}
