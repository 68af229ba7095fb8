/**
 * The steps of a cross-entropy update that the plain method (cross-entropy) and FACE share: rank a generation, take
 * its elite and threshold gamma, admit non-elite rows by the annealing rule, refit the distribution.
 */
import { STATUS_CODES } from '../../../core/fitness.js';
import type { Evaluations } from '../../../core/optimizer.js';
import type { Rng } from '../../../math/rng.js';
import { row } from '../../../math/rows.js';
import type { SearchDistribution } from './search-distribution.js';

/** A failed row, or one whose weighted fitness is NaN or -Infinity, tells nothing about where to search. */
export function usable(ev: Evaluations, k: number): boolean {
  return ev.status[k] === STATUS_CODES.ok && ev.weighted[k] > -Infinity;
}

export interface Ranking {
  /** Usable rows, best (largest weighted fitness) first; ties keep row order. */
  order: number[];
  /** The largest weighted fitness of the generation; -Infinity when no row is usable. */
  best: number;
  /** gamma: the n_elite-th largest weighted fitness, unusable rows counting as -Infinity. */
  gamma: number;
  /** The best min(n_elite, usable) rows. */
  elite: number[];
  /** The remaining usable rows, best first. */
  rest: number[];
}

/** gamma_t = S_(n_elite), the elite threshold; elite = the n_elite best rows. */
export function rank(ev: Evaluations, nElite: number): Ranking {
  const order: number[] = [];
  for (let k = 0; k < ev.index.length; k++) if (usable(ev, k)) order.push(k);
  order.sort((a, b) => ev.weighted[b] - ev.weighted[a] || a - b);
  const elite = order.slice(0, nElite);
  return {
    order,
    best: order.length > 0 ? ev.weighted[order[0]] : -Infinity,
    gamma: elite.length === nElite && nElite > 0 ? ev.weighted[elite[nElite - 1]] : -Infinity,
    elite,
    rest: order.slice(nElite),
  };
}

/**
 * The reference's admission probability of a non-elite row, min(1, exp((f - gamma) / T)): a
 * simulated-annealing acceptance, so worse rows join the fit less often as T decays. T = 0 admits
 * nothing below gamma (the limit), where the reference would compute 0/0.
 */
export function admissionProbability(f: number, gamma: number, temperature: number): number {
  if (f >= gamma) return 1;
  if (!(temperature > 0)) return 0;
  return Math.exp((f - gamma) / temperature);
}

/** One Bernoulli draw per non-elite row, best first. */
export function admit(ev: Evaluations, r: Ranking, temperature: number, rng: Rng): number[] {
  return r.rest.filter((k) => rng.uniform() < admissionProbability(ev.weighted[k], r.gamma, temperature));
}

/** Fewer rows than this leave the distribution as it was: a covariance needs two points. */
export const MIN_FIT_ROWS = 2;

export interface UpdateParams {
  smoothing: number;
  temp_decay: number;
}

export interface UpdateStats {
  admitted: number;
  fitted: number;
  /** For a mixture: the EM iterations of the fit. */
  em_iterations?: number;
}

/**
 * The distribution update of one generation: elite plus admitted rows (admission only when
 * temp_decay > 0, as in the reference), fitted with smoothing. Streams: `admitRng`, `fitRng`.
 */
export function updateDistribution(
  dist: SearchDistribution, ev: Evaluations, r: Ranking, p: UpdateParams, temperature: number, admitRng: Rng, fitRng: Rng,
): UpdateStats {
  // A_t = elite U {non-elite k : u_k < min(1, exp((S_k - gamma_t) / T_t))}
  const admitted = p.temp_decay > 0 ? admit(ev, r, temperature, admitRng) : [];
  const rows = [...r.elite, ...admitted].map((k) => row(ev.x, k, ev.dim));
  if (rows.length < MIN_FIT_ROWS) return { admitted: admitted.length, fitted: 0 };
  // theta_t = s * theta_{t-1} + (1 - s) * argmax_theta sum_{k in A_t} log f(x_k; theta)
  const fit = dist.fit(rows, p.smoothing, fitRng);
  return { admitted: admitted.length, fitted: rows.length, ...(dist.components.length > 1 ? { em_iterations: fit.iterations } : {}) };
}

/** Every asked row told exactly once, for the generation in progress. */
export function checkTold(name: string, ev: Evaluations, generation: number, n: number): void {
  if (ev.generation !== generation) throw new RangeError(`${name}: told generation ${ev.generation}, but generation ${generation} is in progress`);
  if (ev.index.length !== n) throw new RangeError(`${name}: told ${ev.index.length} evaluations, but generation ${generation} asked for ${n}`);
  const seen = new Uint8Array(n);
  for (const i of ev.index) {
    if (!(i >= 0 && i < n)) throw new RangeError(`${name}: evaluation for individual ${i}, which generation ${generation} did not ask for`);
    if (seen[i]++) throw new RangeError(`${name}: individual ${i} told twice`);
  }
}

/** A number as JSON can carry it: non-finite values become strings. */
export type EncodedNumber = number | 'Infinity' | '-Infinity' | 'NaN';

export function encodeNumber(v: number): EncodedNumber {
  return Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
}

export function decodeNumber(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity' || v === '-Infinity' || v === 'NaN') return Number(v);
  throw new TypeError(`${what} must be a number or "Infinity", "-Infinity", "NaN"`);
}
