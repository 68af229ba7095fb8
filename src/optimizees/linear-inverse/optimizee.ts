/**
 * A linear inverse problem with a known answer, the EnKF's test bed: the model G(u) = A u, the data
 * y = A u* (+ optional Gaussian noise), with A and u* generated from `seed`. An individual is `u`,
 * dims numbers in the box.
 *
 * Convention shared with the EnKF (src/optimizers/enkf): the model outputs are the residuals
 * A u - y, so the EnKF's default observations (zeros) are the right targets; the fitness is
 * |A u - y|^2, minimised (weights [-1]).
 *
 * A has independent N(0, 1/outputs) entries: with outputs well above dims its singular values lie
 * near 1 +- sqrt(dims/outputs) (Marchenko-Pastur), so the problem is well conditioned, and the
 * outputs are of the size of u. u* is uniform in the middle half of the box, away from the bounds.
 */
import { z } from 'zod';
import { Matrix, solve } from 'ml-matrix';
import type { Optimizee, OptimizeeFactory } from '../../core/optimizee.js';
import { Space } from '../../core/space.js';
import { Rng } from '../../math/rng.js';
import { MAX_DIMS } from '../../core/limits.js';

const boundsSchema = z
  .tuple([z.number(), z.number()])
  .refine(([lo, hi]) => lo < hi, { message: '[lower, upper] with lower < upper' });

export const linearInverseSchema = z.strictObject({
  dims: z.number().int().min(1).max(MAX_DIMS).default(10).describe('number of parameters u'),
  outputs: z.number().int().min(1).max(MAX_DIMS).default(20).describe('number of observations y (rows of A)'),
  seed: z.number().int().min(0).default(0).describe('seed from which A, the true u* and the noise on y are generated'),
  noise: z.number().min(0).default(0).describe('standard deviation of the Gaussian noise added to y = A u* (0: exact data)'),
  bounds: boundsSchema.default([-5, 5]).describe('[lower, upper] for every parameter'),
});

export type LinearInverseConfig = z.output<typeof linearInverseSchema>;

export class LinearInverseOptimizee implements Optimizee {
  readonly space: Space;
  readonly weights: readonly number[] = [-1];
  /** A, outputs x dims, row-major. */
  readonly A: Float64Array;
  /** The parameters the data were generated from. */
  readonly uTrue: Float64Array;
  /** The data y = A u* + noise. */
  readonly y: Float64Array;
  readonly dims: number;
  readonly outputs: number;

  constructor(cfg: LinearInverseConfig) {
    const { dims, outputs, seed, noise, bounds: [lower, upper] } = cfg;
    this.dims = dims;
    this.outputs = outputs;
    this.space = new Space([{ name: 'u', length: dims, lower, upper }]);
    const rngA = Rng.derive(seed, 'linear-inverse', 'A');
    this.A = Float64Array.from({ length: outputs * dims }, () => rngA.normal() / Math.sqrt(outputs));
    const rngU = Rng.derive(seed, 'linear-inverse', 'u');
    this.uTrue = Float64Array.from({ length: dims }, () => rngU.between(lower + (upper - lower) / 4, upper - (upper - lower) / 4));
    const rngY = Rng.derive(seed, 'linear-inverse', 'noise');
    this.y = this.model(this.uTrue).map((v) => (noise > 0 ? v + noise * rngY.normal() : v));
  }

  /** G(u) = A u. */
  model(u: ArrayLike<number>): Float64Array {
    const g = new Float64Array(this.outputs);
    for (let r = 0; r < this.outputs; r++) {
      let s = 0;
      for (let c = 0; c < this.dims; c++) s += this.A[r * this.dims + c] * u[c];
      g[r] = s;
    }
    return g;
  }

  /** The least-squares solution argmin |A u - y|: u* itself when noise is 0 and outputs >= dims. */
  leastSquares(): Float64Array {
    const a = new Matrix(this.outputs, this.dims);
    for (let r = 0; r < this.outputs; r++) for (let c = 0; c < this.dims; c++) a.set(r, c, this.A[r * this.dims + c]);
    return Float64Array.from(solve(a, Matrix.columnVector(Array.from(this.y))).getColumn(0));
  }

  evaluate(x: Float64Array): { fitness: number[]; outputs: Float64Array } {
    if (x.length !== this.dims) throw new RangeError(`linear-inverse: expected ${this.dims} parameters, got ${x.length}`);
    const residual = this.model(x);
    let sq = 0;
    for (let r = 0; r < this.outputs; r++) {
      residual[r] -= this.y[r];
      sq += residual[r] * residual[r];
    }
    return { fitness: [sq], outputs: residual };
  }
}

export const linearInverseOptimizee: OptimizeeFactory<typeof linearInverseSchema> = {
  type: 'linear-inverse',
  repeatable: true, // a function of the individual and its seed: nothing written, no state kept
  description: 'Linear inverse problem G(u) = A u with a known solution; outputs are the residuals A u - y (for the EnKF)',
  schema: linearInverseSchema,
  create: (cfg) => new LinearInverseOptimizee(cfg),
};
