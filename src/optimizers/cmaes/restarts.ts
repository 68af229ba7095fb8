/**
 * Restart strategies: when a run's termination criteria fire, the next run starts with a new
 * population size (pycma's fmin with restarts and bipop).
 *
 * - IPOP (Auger and Hansen, CEC 2005): each restart multiplies lambda by inc_popsize.
 * - BIPOP (Hansen, GECCO BBOB workshop 2009): two interlaced regimes. Large: lambda0 inc^k, k the
 *   large runs so far, with sigma0. Small: lambda0 (inc^k)^(U^2) and sigma0 0.01^U (U uniform in
 *   [0, 1), drawn anew for each), at most half the large regime's evaluations so far per run. A small
 *   run goes next while the small regime (which is charged with the first run) has spent fewer
 *   evaluations than the large one. Only large runs count as restarts, as in pycma.
 */
import type { Rng } from '../../math/rng.js';
import { defaultMaxIter } from './parameters.js';

export type RestartMode = 'none' | 'ipop' | 'bipop';
export type Regime = 'first' | 'large' | 'small';

/** The restart bookkeeping over the whole optimization. */
export interface RestartBook {
  /** Runs finished. */
  runs: number;
  /** Small-regime runs begun (the first run not among them). */
  smallRuns: number;
  /** Evaluations spent per regime; the first run's are charged to the small regime. */
  smallEvals: number;
  largeEvals: number;
}

export interface RestartSettings {
  mode: RestartMode;
  maxRestarts: number;
  incPopsize: number;
  n: number;
  lambda0: number;
  sigma0: number;
  /** The user's maxiter per run, or null for pycma's default for the run's lambda. */
  maxiter: number | null;
}

/** How the next run starts (its mean is chosen by the core). */
export interface RunPlan {
  regime: Regime;
  lambda: number;
  sigma0: number;
  maxiter: number;
}

export function newRestartBook(): RestartBook {
  return { runs: 0, smallRuns: 0, smallEvals: 0, largeEvals: 0 };
}

export function firstRun(s: RestartSettings): RunPlan {
  return { regime: 'first', lambda: s.lambda0, sigma0: s.sigma0, maxiter: s.maxiter ?? defaultMaxIter(s.n, s.lambda0) };
}

/** Charges a finished run's evaluations to its regime. */
export function recordRun(book: RestartBook, regime: Regime, evals: number): void {
  book.runs += 1;
  if (regime === 'large') book.largeEvals += evals;
  else book.smallEvals += evals;
}

/** Restarts made so far, counted as pycma counts them (small BIPOP runs are free). */
export function restartsMade(book: RestartBook): number {
  return Math.max(0, book.runs - book.smallRuns - 1);
}

/** True when no run may follow the finished ones. */
export function restartsExhausted(book: RestartBook, s: RestartSettings): boolean {
  return s.mode === 'none' || book.runs - book.smallRuns > s.maxRestarts;
}

/** The run after book.runs finished runs; rng is drawn from only for a small BIPOP run. */
export function planRestart(book: RestartBook, s: RestartSettings, rng: Rng): RunPlan {
  const maxiterFor = (lambda: number) => s.maxiter ?? defaultMaxIter(s.n, lambda);
  if (s.mode === 'bipop' && book.smallEvals < Math.max(1, book.largeEvals)) {
    book.smallRuns += 1;
    const sigma0 = s.sigma0 * 0.01 ** rng.uniform();
    const multiplier = s.incPopsize ** (book.runs - book.smallRuns);
    const lambda = Math.max(2, Math.floor(s.lambda0 * multiplier ** (rng.uniform() ** 2)));
    // Hansen 2009: a small run may spend at most half of what the large regime has spent
    const budget = Math.max(1, Math.floor((0.5 * book.largeEvals) / lambda));
    return { regime: 'small', lambda, sigma0, maxiter: Math.min(maxiterFor(lambda), budget) };
  }
  const lambda = Math.floor(s.lambda0 * s.incPopsize ** (book.runs - book.smallRuns));
  return { regime: 'large', lambda, sigma0: s.sigma0, maxiter: maxiterFor(lambda) };
}
