/**
 * The gradient estimate from random steps around the current point: the least-squares slope of a
 * linear model of the fitness, through the pseudo-inverse so that fewer steps than dimensions (or
 * steps flattened onto a box face) still give the minimum-norm answer instead of failing.
 */
import { Matrix, pseudoInverse } from 'ml-matrix';

function solveLeastSquares(a: Matrix, b: ArrayLike<number>): number[] {
  return pseudoInverse(a).mmul(Matrix.columnVector(Array.from(b))).getColumn(0);
}

/**
 * g = pinv(dX) (f - f0), the reference's estimate: dX the steps actually taken (m x dim, row-major),
 * df = f - f0 the fitness differences to the current point. Exact for a linear function when dX has
 * rank dim.
 */
export function finiteDifferenceGradient(dx: Float64Array, df: ArrayLike<number>, dim: number): Float64Array {
  const m = df.length;
  if (dx.length !== m * dim) throw new RangeError(`finiteDifferenceGradient: ${dx.length / dim} steps but ${m} differences`);
  if (m === 0) return new Float64Array(dim);
  const a = new Matrix(m, dim);
  for (let k = 0; k < m; k++) for (let j = 0; j < dim; j++) a.set(k, j, dx[k * dim + j]);
  return Float64Array.from(solveLeastSquares(a, df));
}

/**
 * [c; g] = pinv([1 dX]) f, for when the current point's own evaluation failed: the offset c (its
 * unknown fitness) is fitted along with the slope g. Returns g.
 */
export function affineGradient(dx: Float64Array, f: ArrayLike<number>, dim: number): Float64Array {
  const m = f.length;
  if (dx.length !== m * dim) throw new RangeError(`affineGradient: ${dx.length / dim} steps but ${m} values`);
  if (m === 0) return new Float64Array(dim);
  const a = new Matrix(m, dim + 1);
  for (let k = 0; k < m; k++) {
    a.set(k, 0, 1);
    for (let j = 0; j < dim; j++) a.set(k, j + 1, dx[k * dim + j]);
  }
  return Float64Array.from(solveLeastSquares(a, f).slice(1));
}
