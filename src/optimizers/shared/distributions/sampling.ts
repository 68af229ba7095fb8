/**
 * Sampling a generation from a search distribution, the way the cross-entropy method and FACE (its
 * fully adaptive variant) both do: the first generation uniformly from the box, the distribution
 * fitted to it before any evaluation, later generations drawn from the distribution (clipped), and
 * the collapse test that ends a run whose distribution has shrunk onto a point.
 */
import type { Generation, OptimizerContext } from '../../../core/optimizer.js';
import { row } from '../../../math/rows.js';
import type { Rng } from '../../../math/rng.js';
import type { DistributionConfig } from './schema.js';
import { SearchDistribution } from './search-distribution.js';

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
