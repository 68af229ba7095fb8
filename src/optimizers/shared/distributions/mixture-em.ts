/**
 * Maximum-likelihood fit of a mixture of full-covariance Gaussians by expectation-maximisation
 * (Dempster, Laird and Rubin 1977), the point-estimate counterpart of the reference's variational
 * BayesianGaussianMixture (see docs/optimizers/cross-entropy.md for why EM).
 *
 * Deterministic given its inputs: the first fit starts from k-means++ seeds drawn from the stream it
 * is handed plus Lloyd iterations; later fits start from the previous mixture (a warm start, which is
 * also what keeps component k the same component across generations, so smoothing can average them).
 * A fixed tolerance and iteration cap end the loop. Part of the search distributions that
 * cross-entropy and FACE share.
 */
import type { Rng } from '../../../math/rng.js';
import { cholesky, logDensity, meanCov, type CholeskyFactor } from './gaussian.js';

export interface Component {
  weight: number;
  mean: Float64Array;
  /** d x d, row-major, regularisation included. */
  cov: Float64Array;
}

/** sklearn's max_iter. */
export const EM_MAX_ITER = 100;
/** Change of the mean log-likelihood per row below which EM has converged. */
export const EM_TOL = 1e-6;
/**
 * Added to every covariance's diagonal, relative to the data's mean variance: sklearn adds an
 * absolute 1e-6, which is large or negligible depending on the parameters' units.
 */
export const REG_COVAR = 1e-6;
/** A component with fewer rows than this (summed responsibility) is dead and is seeded again. */
const DEAD_COMPONENT = 1e-8;
const LLOYD_ITER = 20;

interface EStep {
  resp: Float64Array[];
  /** Per row, log p(x): low means badly explained. */
  score: Float64Array;
  logLik: number;
}

/** Responsibilities of each component for each row (log-sum-exp for stability). */
function eStep(rows: readonly Float64Array[], comps: readonly Component[], reg: number): EStep {
  const dim = rows[0].length;
  const factors = comps.map((c) => regularisedFactor(c.cov, dim, reg));
  const y = new Float64Array(dim);
  const score = new Float64Array(rows.length);
  const resp = rows.map((x, i) => {
    const lp = comps.map((c, k) => (c.weight > 0 ? Math.log(c.weight) + logDensity(x, c.mean, factors[k], y) : -Infinity));
    const top = Math.max(...lp);
    const lse = top + Math.log(lp.reduce((s, v) => s + Math.exp(v - top), 0));
    score[i] = lse;
    return Float64Array.from(lp, (v) => Math.exp(v - lse));
  });
  return { resp, score, logLik: score.reduce((s, v) => s + v, 0) / rows.length };
}

/** Cholesky of cov + reg I, raising reg tenfold until positive definite (rounding can defeat the first). */
function regularisedFactor(cov: Float64Array, dim: number, reg: number): CholeskyFactor {
  for (let r = reg, tries = 0; tries < 30; r *= 10, tries++) {
    const c = cov.slice();
    for (let i = 0; i < dim; i++) c[i * dim + i] += r;
    const f = cholesky(c, dim);
    if (f) return f;
  }
  throw new RangeError('mixture: a covariance stays singular after regularisation');
}

/** Weights, means and covariances from responsibilities; dead components are seeded on the worst-explained rows. */
function mStep(rows: readonly Float64Array[], resp: readonly Float64Array[], score: Float64Array, reg: number, pooled: Float64Array): Component[] {
  const n = rows.length;
  const dim = rows[0].length;
  const k = resp[0].length;
  const worst = Array.from(score.keys()).sort((a, b) => score[a] - score[b] || a - b);
  let reseeded = 0;
  const comps: Component[] = [];
  for (let c = 0; c < k; c++) {
    let nk = 0;
    for (let i = 0; i < n; i++) nk += resp[i][c];
    if (nk < DEAD_COMPONENT) {
      comps.push({ weight: 1 / n, mean: rows[worst[reseeded++ % n]].slice(), cov: pooled.slice() });
      continue;
    }
    comps.push({ weight: nk / n, ...weightedMoments(rows, resp, c, nk, reg) });
  }
  const total = comps.reduce((s, c) => s + c.weight, 0);
  for (const c of comps) c.weight /= total;
  return comps;
}

function weightedMoments(rows: readonly Float64Array[], resp: readonly Float64Array[], c: number, nk: number, reg: number): { mean: Float64Array; cov: Float64Array } {
  const dim = rows[0].length;
  const mean = new Float64Array(dim);
  rows.forEach((x, i) => { for (let a = 0; a < dim; a++) mean[a] += resp[i][c] * x[a]; });
  for (let a = 0; a < dim; a++) mean[a] /= nk;
  const cov = new Float64Array(dim * dim);
  const d = new Float64Array(dim);
  rows.forEach((x, i) => {
    for (let a = 0; a < dim; a++) d[a] = x[a] - mean[a];
    for (let a = 0; a < dim; a++) for (let b = a; b < dim; b++) cov[a * dim + b] += resp[i][c] * d[a] * d[b];
  });
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) cov[b * dim + a] = cov[a * dim + b] /= nk;
    cov[a * dim + a] += reg;
  }
  return { mean, cov };
}

function dist2(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

/** k-means++ seeding (Arthur and Vassilvitskii 2007) then Lloyd's iterations; hard assignments as responsibilities. */
export function kMeansInit(rows: readonly Float64Array[], k: number, rng: Rng): { resp: Float64Array[]; score: Float64Array } {
  const n = rows.length;
  const centres = [rows[rng.int(n)].slice()];
  const d2 = rows.map((x) => dist2(x, centres[0]));
  while (centres.length < k) {
    const total = d2.reduce((s, v) => s + v, 0);
    let pick = rng.int(n);
    if (total > 0) {
      let u = rng.uniform() * total;
      pick = d2.findIndex((v) => (u -= v) < 0);
      if (pick < 0) pick = n - 1;
    }
    centres.push(rows[pick].slice());
    rows.forEach((x, i) => { d2[i] = Math.min(d2[i], dist2(x, centres[centres.length - 1])); });
  }
  const nearest = (x: Float64Array) => centres.reduce((b, c, j) => (dist2(x, c) < dist2(x, centres[b]) ? j : b), 0);
  let assign = rows.map(nearest);
  for (let it = 0; it < LLOYD_ITER; it++) {
    centres.forEach((c, j) => {
      const members = rows.filter((_, i) => assign[i] === j);
      if (members.length > 0) c.set(meanCov(members, c.length).mean);
    });
    const next = rows.map(nearest);
    if (next.every((a, i) => a === assign[i])) break;
    assign = next;
  }
  const resp = assign.map((a) => Float64Array.from({ length: k }, (_, j) => (j === a ? 1 : 0)));
  return { resp, score: Float64Array.from(rows, (x, i) => -dist2(x, centres[assign[i]])) };
}

export interface MixtureFit {
  components: Component[];
  iterations: number;
  logLik: number;
}

/**
 * EM for k components on the rows, from `start` (the previous mixture) or, when null, from k-means.
 * Rows that are all identical give k copies of that point with zero covariance (nothing to fit).
 */
export function fitMixture(rows: readonly Float64Array[], k: number, start: readonly Component[] | null, rng: Rng): MixtureFit {
  const dim = rows[0].length;
  const { mean, cov } = meanCov(rows, dim);
  let avgVar = 0;
  for (let i = 0; i < dim; i++) avgVar += cov[i * dim + i] / dim;
  if (!(avgVar > 0)) {
    const w = start?.map((c) => c.weight) ?? new Array<number>(k).fill(1 / k);
    return { components: w.map((weight) => ({ weight, mean: mean.slice(), cov: new Float64Array(dim * dim) })), iterations: 0, logLik: 0 };
  }
  const reg = REG_COVAR * avgVar;
  const pooled = cov.slice();
  for (let i = 0; i < dim; i++) pooled[i * dim + i] += reg;
  let comps: Component[];
  if (start) comps = start.map((c) => ({ weight: c.weight, mean: c.mean.slice(), cov: c.cov.slice() }));
  else {
    const init = kMeansInit(rows, k, rng);
    comps = mStep(rows, init.resp, init.score, reg, pooled);
  }
  let prev = -Infinity;
  let it = 0;
  let logLik = -Infinity;
  while (it < EM_MAX_ITER) {
    const e = eStep(rows, comps, reg);
    comps = mStep(rows, e.resp, e.score, reg, pooled);
    logLik = e.logLik;
    it++;
    if (Math.abs(logLik - prev) < EM_TOL) break;
    prev = logLik;
  }
  return { components: comps, iterations: it, logLik };
}
