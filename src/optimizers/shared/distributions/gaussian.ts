/**
 * Multivariate Gaussian arithmetic on flat arrays: moments of a sample, a sampling factor, and the
 * log-density. Covariances are d x d, row-major Float64Arrays; decompositions come from ml-matrix.
 * Part of the search distributions that cross-entropy and FACE share.
 */
import { CholeskyDecomposition, EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Rng } from '../../../math/rng.js';

/** Sample mean and unbiased covariance (divided by n - 1, as numpy's cov); a zero covariance for one row. */
export function meanCov(rows: readonly Float64Array[], dim: number): { mean: Float64Array; cov: Float64Array } {
  const n = rows.length;
  if (n === 0) throw new RangeError('meanCov: no rows');
  const mean = new Float64Array(dim);
  for (const r of rows) for (let i = 0; i < dim; i++) mean[i] += r[i];
  for (let i = 0; i < dim; i++) mean[i] /= n;
  const cov = new Float64Array(dim * dim);
  if (n < 2) return { mean, cov };
  const c = new Float64Array(dim);
  for (const r of rows) {
    for (let i = 0; i < dim; i++) c[i] = r[i] - mean[i];
    for (let i = 0; i < dim; i++) for (let j = i; j < dim; j++) cov[i * dim + j] += c[i] * c[j];
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      cov[i * dim + j] /= n - 1;
      cov[j * dim + i] = cov[i * dim + j];
    }
  }
  return { mean, cov };
}

function toMatrix(a: Float64Array, dim: number): Matrix {
  const m = new Matrix(dim, dim);
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) m.set(i, j, a[i * dim + j]);
  return m;
}

function fromMatrix(m: Matrix, dim: number): Float64Array {
  const a = new Float64Array(dim * dim);
  for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) a[i * dim + j] = m.get(i, j);
  return a;
}

/**
 * A with A A^T = cov: the Cholesky factor when cov is positive definite (a few times faster), else
 * V diag(sqrt(l)) from the symmetric eigen-decomposition V diag(l) V^T. A fitted covariance is often
 * singular (fewer elite points than dimensions, or points clipped onto the same bound); eigenvalues
 * below zero by rounding count as zero, as numpy's SVD-based multivariate_normal treats them.
 */
export function samplingFactor(cov: Float64Array, dim: number): Float64Array {
  const chol = cholesky(cov, dim);
  if (chol) return chol.lower;
  const evd = new EigenvalueDecomposition(toMatrix(cov, dim), { assumeSymmetric: true });
  const v = evd.eigenvectorMatrix;
  const l = evd.realEigenvalues;
  const a = new Float64Array(dim * dim);
  for (let j = 0; j < dim; j++) {
    const s = Math.sqrt(Math.max(l[j], 0));
    for (let i = 0; i < dim; i++) a[i * dim + j] = v.get(i, j) * s;
  }
  return a;
}

/** out = mean + A z with z ~ N(0, I): one draw, written into out. */
export function sampleGaussianInto(mean: Float64Array, factor: Float64Array, rng: Rng, out: Float64Array, z: Float64Array): void {
  const dim = mean.length;
  for (let j = 0; j < dim; j++) z[j] = rng.normal();
  for (let i = 0; i < dim; i++) {
    let s = mean[i];
    for (let j = 0; j < dim; j++) s += factor[i * dim + j] * z[j];
    out[i] = s;
  }
}

export interface CholeskyFactor {
  /** Lower triangle L with L L^T = cov, row-major. */
  lower: Float64Array;
  logDet: number;
}

/** The Cholesky factor of a positive definite covariance, or null when it is not positive definite. */
export function cholesky(cov: Float64Array, dim: number): CholeskyFactor | null {
  const chol = new CholeskyDecomposition(toMatrix(cov, dim));
  if (!chol.isPositiveDefinite()) return null;
  const lower = fromMatrix(chol.lowerTriangularMatrix, dim);
  let logDet = 0;
  for (let i = 0; i < dim; i++) logDet += 2 * Math.log(lower[i * dim + i]);
  return Number.isFinite(logDet) ? { lower, logDet } : null;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** log N(x; mean, L L^T), by forward substitution L y = x - mean; `y` is scratch of length dim. */
export function logDensity(x: Float64Array, mean: Float64Array, f: CholeskyFactor, y: Float64Array): number {
  const dim = mean.length;
  let q = 0;
  for (let i = 0; i < dim; i++) {
    let s = x[i] - mean[i];
    for (let j = 0; j < i; j++) s -= f.lower[i * dim + j] * y[j];
    y[i] = s / f.lower[i * dim + i];
    q += y[i] * y[i];
  }
  return -0.5 * (dim * LOG_2PI + f.logDet + q);
}
