/**
 * The termination criteria of one CMA-ES run, with pycma's names and tests (cma/evolution_strategy.py,
 * _CMAStopDict._update). Each fired criterion is a sentence naming it and the values that fired it.
 * f is the value to minimise (minus the weighted fitness); distances are in the core's internal
 * coordinates, where every box width is 1.
 */
import type { Distribution } from './distribution.js';
import type { StrategyParameters } from './parameters.js';

export interface Tolerances {
  tolfun: number;
  tolfunhist: number;
  /** In box widths. */
  tolx: number;
  /** Iterations; 0 turns the test off. */
  tolstagnation: number;
  tolconditioncov: number;
  tolfacupx: number;
  tolflatfitness: number;
  noeffectaxis: boolean;
  noeffectcoord: boolean;
  maxiter: number;
}

/** What the criteria remember of f over a run; lists newest first. */
export interface FitHistory {
  /** Best f of each recent iteration, at most 10 + 30 n / lambda of them. */
  hist: number[];
  /** Best and median f of every 5th iteration (tolstagnation's evidence), at most 20,000 each. */
  histbest: number[];
  histmedian: number[];
  /** Consecutive iterations in which the best f equalled the 75th percentile. */
  flat: number;
}

const LONG_HISTORY = 20_000;

export function newFitHistory(): FitHistory {
  return { hist: [], histbest: [], histmedian: [], flat: 0 };
}

/** Records a generation's f values, sorted ascending; iteration counts from 1. */
export function recordGeneration(h: FitHistory, sorted: Float64Array, iteration: number, p: StrategyParameters): void {
  h.hist.unshift(sorted[0]);
  if (h.hist.length > 10 + (30 * p.n) / p.lambda) h.hist.pop();
  const i = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[i] : (sorted[i - 1] + sorted[i]) / 2;
  if (iteration % 5 === 0) {
    h.histbest.unshift(sorted[0]);
    h.histmedian.unshift(median);
    if (h.histbest.length > LONG_HISTORY) {
      h.histbest.pop();
      h.histmedian.pop();
    }
  }
  h.flat = sorted[0] < sorted[Math.floor(0.75 * sorted.length)] ? 0 : h.flat + 1;
}

export interface RunView {
  d: Distribution;
  p: StrategyParameters;
  h: FitHistory;
  tol: Tolerances;
  /** This generation's f values, sorted ascending. */
  sorted: Float64Array;
  /** The run's initial step size. */
  sigma0: number;
  /** counteval when the run's best f was found. */
  bestEvals: number;
  /** Parameter units per internal unit, and the offset: x = lower + scale * internal. */
  scale: Float64Array;
  lower: Float64Array;
}

const e = (v: number) => (v === 0 ? '0' : v.toExponential(1));

function range(a: ArrayLike<number>): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < a.length; i++) {
    lo = Math.min(lo, a[i]);
    hi = Math.max(hi, a[i]);
  }
  return hi - lo;
}

function median(a: readonly number[]): number {
  const s = [...a].sort((p, q) => p - q);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** sigma sqrt(C_ii), the standard deviation of coordinate i. */
function stds(v: RunView): Float64Array {
  const n = v.p.n;
  return Float64Array.from({ length: n }, (_, i) => v.d.sigma * Math.sqrt(v.d.C[i * n + i]));
}

function tolfun(v: RunView): string | null {
  const r = Math.max(range(v.sorted), range(v.h.hist));
  return r < v.tol.tolfun ? `tolfun: range of f values ${e(r)} < ${v.tol.tolfun} over ${v.h.hist.length} generations` : null;
}

function tolfunhist(v: RunView): string | null {
  const r = range(v.h.hist);
  return v.h.hist.length > 9 && r < v.tol.tolfunhist
    ? `tolfunhist: range of the best f over the last ${v.h.hist.length} generations ${e(r)} < ${v.tol.tolfunhist}` : null;
}

function tolx(v: RunView): string | null {
  const s = stds(v);
  const largest = Math.max(...s, ...v.d.pc.map((c) => v.d.sigma * Math.abs(c)));
  return largest < v.tol.tolx
    ? `tolx: standard deviations and evolution path below ${v.tol.tolx} box widths in every coordinate (largest ${e(largest)})` : null;
}

function tolfacupx(v: RunView): string | null {
  const largest = Math.max(...stds(v));
  return largest > v.sigma0 * v.tol.tolfacupx
    ? `tolfacupx: standard deviation ${e(largest)} > ${v.tol.tolfacupx} x sigma0 (${v.sigma0}): sigma0 was far too small` : null;
}

/** pycma's test: the median and best f of the recent iterations are no better than of those before. */
function tolstagnation(v: RunView): string | null {
  const { tol, h, d, p } = v;
  if (!tol.tolstagnation) return null;
  const l = Math.max(tol.tolstagnation / 5 / 2, h.histbest.length / 10);
  if (l > d.countiter) return null;
  const k = Math.floor(l);
  const stalled = d.countiter > p.n * (5 + 100 / p.lambda)
    && (d.counteval - v.bestEvals) / p.lambda > tol.tolstagnation / 2
    && h.histbest.length > 100 && 2 * k < h.histbest.length
    && median(h.histmedian.slice(0, k)) >= median(h.histmedian.slice(k, 2 * k))
    && median(h.histbest.slice(0, k)) >= median(h.histbest.slice(k, 2 * k));
  return stalled
    ? `tolstagnation: median and best f of the last ${5 * k} generations no better than of the ${5 * k} before (tolstagnation ${tol.tolstagnation})` : null;
}

function tolconditioncov(v: RunView): string | null {
  return v.d.condition > v.tol.tolconditioncov ? `tolconditioncov: condition number of C ${e(v.d.condition)} > ${v.tol.tolconditioncov}` : null;
}

/** Coordinates whose mean, in parameter units, does not change when 0.2 standard deviations are added. */
function noeffectcoord(v: RunView): string | null {
  if (!v.tol.noeffectcoord) return null;
  const s = stds(v);
  const idx: number[] = [];
  for (let i = 0; i < v.p.n; i++) {
    const m = v.lower[i] + v.scale[i] * v.d.mean[i];
    if (m + v.scale[i] * 0.2 * s[i] === m) idx.push(i);
  }
  return idx.length ? `noeffectcoord: adding 0.2 standard deviations leaves the mean unchanged in coordinate(s) ${idx.join(', ')}` : null;
}

/** One principal axis per iteration, in turn: adding 0.1 standard deviations along it changes nothing. */
function noeffectaxis(v: RunView): string | null {
  if (!v.tol.noeffectaxis) return null;
  const { n } = v.p;
  const k = v.d.countiter % n;
  const len = 0.1 * v.d.sigma * Math.sqrt(v.d.eigenvalues[k]);
  for (let i = 0; i < n; i++) {
    const m = v.lower[i] + v.scale[i] * v.d.mean[i];
    if (m + v.scale[i] * len * v.d.B[i * n + k] !== m) return null;
  }
  return `noeffectaxis: adding 0.1 standard deviations along principal axis ${k} leaves the mean unchanged`;
}

function tolflatfitness(v: RunView): string | null {
  return v.h.flat > v.tol.tolflatfitness
    ? `tolflatfitness: best f equal to the 75th percentile for ${v.h.flat} generations (> ${v.tol.tolflatfitness})` : null;
}

function maxiter(v: RunView): string | null {
  return v.d.countiter >= v.tol.maxiter ? `maxiter: ${v.d.countiter} iterations >= ${v.tol.maxiter}` : null;
}

const CRITERIA = [maxiter, tolfacupx, tolx, tolfun, tolfunhist, tolstagnation, noeffectcoord, noeffectaxis, tolconditioncov, tolflatfitness];

/** The criteria that fire after a generation's update, in pycma's order; [] to go on. */
export function terminationReasons(v: RunView): string[] {
  const out: string[] = [];
  for (const c of CRITERIA) {
    const r = c(v);
    if (r !== null) out.push(r);
  }
  return out;
}
