/**
 * The negative multivariate normal density, the function generator's "Gaussian".
 *
 * The reference inverts the covariance and takes its determinant on every call; here the Cholesky
 * factor is computed once, so a call is one triangular solve in a preallocated buffer.
 */
import type { BenchFn } from './functions.js';

/**
 * Lower-triangular L with sigma = L L^T, row-major, or null when sigma is not symmetric positive
 * definite (then it is no covariance and the density is undefined).
 */
export function cholesky(sigma: readonly (readonly number[])[]): Float64Array | null {
  const n = sigma.length;
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      if (Math.abs(sigma[i][j] - sigma[j][i]) > 1e-12 * (Math.abs(sigma[i][j]) + Math.abs(sigma[j][i]) + 1)) return null;
      let s = sigma[i][j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i * n + i] = Math.sqrt(s);
      } else {
        L[i * n + j] = s / L[j * n + j];
      }
    }
  }
  return L;
}

/** -N(x; mean, sigma): the deepest point, -1 / sqrt((2 pi)^d det sigma), lies at the mean. */
export function gaussian(sigma: readonly (readonly number[])[], mean: readonly number[]): BenchFn {
  const n = mean.length;
  const L = cholesky(sigma);
  if (!L || sigma.length !== n) throw new RangeError('gaussian: sigma must be a symmetric positive definite matrix of the same size as mean');
  let logDet = 0;
  for (let i = 0; i < n; i++) logDet += 2 * Math.log(L[i * n + i]);
  const peak = Math.exp(-0.5 * (n * Math.log(2 * Math.PI) + logDet));
  const mu = Float64Array.from(mean);
  const y = new Float64Array(n);
  return (x) => {
    // q = (x - mu)^T sigma^-1 (x - mu) = |y|^2 with L y = x - mu (forward substitution)
    let q = 0;
    for (let i = 0; i < n; i++) {
      let s = x[i] - mu[i];
      for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
      y[i] = s / L[i * n + i];
      q += y[i] * y[i];
    }
    return -peak * Math.exp(-0.5 * q);
  };
}
