/**
 * Box constraints by repair and penalty (pycma's BoundPenalty; Hansen et al., A method for handling
 * uncertainty in evolutionary optimization..., IEEE TEC 13(1), 2009, section IV-B with its addendum).
 *
 * A sampled point outside the box is repaired (clipped) into it, and the repaired point is what is
 * evaluated, so every point asked lies in the box. The distribution is updated with the sampled,
 * unrepaired points, ranked by f(repaired) + sum_i gamma_i (repaired_i - x_i)^2 / n: the penalty
 * steers the mean back to the box while an optimum on the boundary stays reachable (the repaired
 * points sit exactly on it). The weights gamma adapt: they start at twice the typical spread of f
 * (interquartile range per unit variance) once the mean leaves the box, and grow per coordinate while
 * the mean is more than about 3 standard deviations outside.
 */
import type { Distribution } from './distribution.js';
import type { StrategyParameters } from './parameters.js';

export interface BoundPenaltyState {
  /** Per-coordinate penalty weights; null until first set (pycma's scalar 1 until then). */
  gamma: Float64Array | null;
  /** Interquartile ranges of f per unit variance, newest first (pycma's delta-f history). */
  hist: number[];
}

export function newBoundPenalty(): BoundPenaltyState {
  return { gamma: null, hist: [] };
}

export function repairInto(x: ArrayLike<number>, lo: Float64Array, hi: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < lo.length; i++) out[i] = x[i] < lo[i] ? lo[i] : x[i] > hi[i] ? hi[i] : x[i];
  return out;
}

export function isOutside(x: ArrayLike<number>, lo: Float64Array, hi: Float64Array): boolean {
  for (let i = 0; i < lo.length; i++) if (x[i] < lo[i] || x[i] > hi[i]) return true;
  return false;
}

/** sum_i gamma_i (repair(x)_i - x_i)^2 / n for the point x (a row of length n). */
export function boundPenalty(s: BoundPenaltyState, x: ArrayLike<number>, lo: Float64Array, hi: Float64Array): number {
  const n = lo.length;
  let pen = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    const d = v < lo[i] ? lo[i] - v : v > hi[i] ? v - hi[i] : 0;
    if (d !== 0) pen += (s.gamma === null ? 1 : s.gamma[i]) * d * d;
  }
  return pen / n;
}

function median(a: readonly number[]): number {
  const s = [...a].sort((p, q) => p - q);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** Records this generation's spread of f (interquartile range per unit variance), as pycma does. */
function recordSpread(s: BoundPenaltyState, f: Float64Array, meanVar: number, p: StrategyParameters): void {
  const sorted = Float64Array.from(f).sort();
  const l = 1 + sorted.length;
  const top = Math.min(sorted.length - 1, Math.floor((3 * l) / 4));
  const val = (sorted[top] - sorted[Math.floor(l / 4)]) / meanVar;
  if (Number.isFinite(val) && val > 0) s.hist.unshift(val);
  else if (val === Infinity && s.hist.length > 1) s.hist.unshift(Math.max(...s.hist));
  if (s.hist.length > 20 + (3 * p.n) / p.lambda) s.hist.pop();
}

/**
 * Updates the penalty weights before the distribution moves (pycma's BoundPenalty.update).
 * f: the generation's raw values (to minimise, +Infinity for failures); iteration: this run's
 * iteration counting from 1.
 */
export function updateBoundPenalty(
  s: BoundPenaltyState, f: Float64Array, d: Distribution, p: StrategyParameters, lo: Float64Array, hi: Float64Array, iteration: number,
): void {
  const n = p.n;
  const varis = new Float64Array(n);
  for (let i = 0; i < n; i++) varis[i] = d.sigma * d.sigma * d.C[i * n + i];
  // the mean's violation of the box, in standard deviations per coordinate
  const dmean = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const m = d.mean[i];
    dmean[i] = (m < lo[i] ? m - lo[i] : m > hi[i] ? m - hi[i] : 0) / Math.sqrt(varis[i]);
  }
  recordSpread(s, f, varis.reduce((a, v) => a + v, 0) / n, p);
  if (s.hist.length === 0) return; // no spread of f seen yet: nothing to scale the weights by
  const dfit = median(s.hist);
  const damp = Math.min(1, p.mueff / 10 / n);
  // set the weights when the mean first leaves the box (again at iteration 2, when the spread is better known)
  if (dmean.some((v) => v !== 0) && (s.gamma === null || iteration === 2)) s.gamma = new Float64Array(n).fill(2 * dfit);
  if (s.gamma === null) return;
  const margin = 3 * Math.max(1, Math.sqrt(n) / p.mueff);
  for (let i = 0; i < n; i++) {
    // raise a weight while the mean is far outside, faster than weights can fall
    const edist = Math.abs(dmean[i]) - margin;
    if (edist > 0) s.gamma[i] *= Math.exp(Math.tanh(edist / 3) / 2) ** damp;
    // lower large weights towards a common level, so that none becomes extreme
    if (s.gamma[i] > 5 * dfit) s.gamma[i] *= Math.exp(-1 / 3) ** damp;
  }
}
