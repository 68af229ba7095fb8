/**
 * The changing state of one CMA-ES run, the search distribution N(m, sigma^2 C), and the equations
 * that update it (pycma's purecma CMAES.tell; Hansen's tutorial, 2016). Coordinates are the core's
 * internal ones (the box scaled to [0, 1]^n, see core.ts); matrices are n x n, row-major.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Rng } from '../../math/rng.js';
import type { StrategyParameters } from './parameters.js';

export interface Distribution {
  mean: Float64Array;
  sigma: number;
  C: Float64Array;
  /** Evolution path for C (rank-one update). */
  pc: Float64Array;
  /** Conjugate evolution path for sigma. */
  ps: Float64Array;
  /** C = B diag(eigenvalues) B^T as of the last decomposition; column k of B is eigenvector k. */
  B: Float64Array;
  eigenvalues: Float64Array;
  /** C^(-1/2) = B diag(eigenvalues^(-1/2)) B^T, as of the last decomposition. */
  invsqrt: Float64Array;
  /** max / min eigenvalue, as of the last decomposition. */
  condition: number;
  /** counteval at the last decomposition. */
  updatedEval: number;
  countiter: number;
  counteval: number;
}

function identity(n: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) a[i * n + i] = 1;
  return a;
}

export function newDistribution(mean: Float64Array, sigma: number): Distribution {
  const n = mean.length;
  return {
    mean: mean.slice(), sigma, C: identity(n), pc: new Float64Array(n), ps: new Float64Array(n),
    B: identity(n), eigenvalues: new Float64Array(n).fill(1), invsqrt: identity(n),
    condition: 1, updatedEval: 0, countiter: 0, counteval: 0,
  };
}

/** lambda points m + sigma B D z, z ~ N(0, I), row-major; draws row by row, coordinate by coordinate. */
export function sample(d: Distribution, rng: Rng, lambda: number): Float64Array {
  const n = d.mean.length;
  const out = new Float64Array(lambda * n);
  const z = new Float64Array(n);
  for (let k = 0; k < lambda; k++) {
    for (let j = 0; j < n; j++) z[j] = d.sigma * Math.sqrt(d.eigenvalues[j]) * rng.normal();
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += d.B[i * n + j] * z[j];
      out[k * n + i] = d.mean[i] + s;
    }
  }
  return out;
}

/**
 * One generation's update, given the sampled points (row-major) and their ranking (best first):
 * every equation of purecma's tell, in its order.
 */
export function updateDistribution(d: Distribution, p: StrategyParameters, xs: Float64Array, order: ArrayLike<number>): void {
  const n = p.n;
  d.countiter += 1;
  d.counteval += order.length;
  const xold = d.mean;
  // Recombination: m <- sum_i w_i x_{i:lambda}
  const mean = new Float64Array(n);
  for (let r = 0; r < p.mu; r++) {
    const w = p.weights[r];
    const k = order[r];
    for (let i = 0; i < n; i++) mean[i] += w * xs[k * n + i];
  }
  d.mean = mean;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = mean[i] - xold[i];
  const hsig = cumulate(d, p, y);
  adaptCovariance(d, p, xs, order, xold, hsig);
  // Step size: sigma <- sigma exp(min(1, (cs / damps) (||ps||^2 / n - 1) / 2))
  const psq = d.ps.reduce((s, v) => s + v * v, 0);
  d.sigma *= Math.exp(Math.min(1, ((p.cs / p.damps) * (psq / n - 1)) / 2));
}

/** The evolution paths; returns h_sigma (1, or 0 when ps is long: then pc stalls). */
function cumulate(d: Distribution, p: StrategyParameters, y: Float64Array): number {
  const n = p.n;
  // ps <- (1 - cs) ps + sqrt(cs (2 - cs) mueff) C^(-1/2) (m - m_old) / sigma
  const csn = Math.sqrt(p.cs * (2 - p.cs) * p.mueff) / d.sigma;
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < n; j++) z += d.invsqrt[i * n + j] * y[j];
    d.ps[i] = (1 - p.cs) * d.ps[i] + csn * z;
  }
  // h_sigma: ||ps||^2 / n / (1 - (1 - cs)^(2 g)) < 2 + 4 / (n + 1), g the iterations of this run,
  // correcting for ps starting at 0
  const psq = d.ps.reduce((s, v) => s + v * v, 0);
  const hsig = psq / n / (1 - (1 - p.cs) ** (2 * d.countiter)) < 2 + 4 / (n + 1) ? 1 : 0;
  // pc <- (1 - cc) pc + h_sigma sqrt(cc (2 - cc) mueff) (m - m_old) / sigma
  const ccn = (Math.sqrt(p.cc * (2 - p.cc) * p.mueff) / d.sigma) * hsig;
  for (let i = 0; i < n; i++) d.pc[i] = (1 - p.cc) * d.pc[i] + ccn * y[i];
  return hsig;
}

/** C <- (1 - c1a - cmu sum w) C + c1 pc pc^T + cmu sum_i w_i y_i y_i^T, y_i = (x_{i:lambda} - m_old) / sigma. */
function adaptCovariance(d: Distribution, p: StrategyParameters, xs: Float64Array, order: ArrayLike<number>, xold: Float64Array, hsig: number): void {
  const n = p.n;
  const C = d.C;
  // c1a = c1 (1 - (1 - h_sigma^2) cc (2 - cc)) makes up for the variance lost when h_sigma = 0
  const c1a = p.c1 * (1 - (1 - hsig * hsig) * p.cc * (2 - p.cc));
  const decay = 1 - c1a - p.cmu; // the weights sum to 1
  for (let a = 0; a < n * n; a++) C[a] *= decay;
  // rank-one update
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) C[i * n + j] += p.c1 * d.pc[i] * d.pc[j];
  // rank-mu update
  const yk = new Float64Array(n);
  for (let r = 0; r < p.mu; r++) {
    const k = order[r];
    for (let i = 0; i < n; i++) yk[i] = xs[k * n + i] - xold[i];
    const f = (p.weights[r] * p.cmu) / (d.sigma * d.sigma);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) C[i * n + j] += f * yk[i] * yk[j];
  }
}

/**
 * Decomposes C again once lazyGapEvals evaluations have passed since the last time (purecma's
 * update_eigensystem). Returns false when C is no longer positive definite.
 */
export function updateEigensystem(d: Distribution, p: StrategyParameters): boolean {
  if (d.counteval <= d.updatedEval + p.lazyGapEvals) return true;
  const n = p.n;
  const C = d.C;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) C[i * n + j] = C[j * n + i] = (C[i * n + j] + C[j * n + i]) / 2;
  }
  const evd = new EigenvalueDecomposition(Matrix.from1DArray(n, n, C), { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix;
  const min = Math.min(...values);
  if (!(min > 0) || values.some((v) => !Number.isFinite(v))) return false;
  d.eigenvalues = Float64Array.from(values);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) d.B[i * n + k] = vectors.get(i, k);
  d.condition = Math.max(...values) / min;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += (d.B[i * n + k] * d.B[j * n + k]) / Math.sqrt(values[k]);
      d.invsqrt[i * n + j] = d.invsqrt[j * n + i] = s;
    }
  }
  d.updatedEval = d.counteval;
  return true;
}
