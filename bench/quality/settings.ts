/**
 * Settings of the quality bench: the problems, the budget, and per optimizer type the hyper-parameters
 * chosen for 10-D problems and a 1e4-evaluation budget. An optimizer type with no entry here runs with its
 * factory's defaults. The Python baselines get their settings from here too (GA, CMA-ES start), so both
 * sides of every comparison are configured in one place.
 *
 * Scales that depend on the box are written as fractions of its width w (Rastrigin w = 10, Rosenbrock and
 * Ackley w = 4), so one setting reads the same on every function.
 */
import { Rng } from '../../src/math/rng.js';

export const DEFAULT_SEEDS = 10;
export const DEFAULT_BUDGET = 10_000;

/** The three 10-D presets of the reference's function generator. */
export const PROBLEMS = [
  { key: 'rastrigin', preset: 'Rastrigin10d' },
  { key: 'rosenbrock', preset: 'Rosenbrock10d' },
  { key: 'ackley', preset: 'Ackley10d' },
] as const;

export type ProblemKey = (typeof PROBLEMS)[number]['key'];

/** What a setting may depend on: the problem, its box, the budget and the run's seed. */
export interface RunInfo {
  problem: ProblemKey;
  dim: number;
  lo: number;
  hi: number;
  budget: number;
  seed: number;
}

/** One configuration of an optimizer to run; its label is the row's name in the tables. */
export interface Variant {
  label: string;
  params: (r: RunInfo) => Record<string, unknown>;
  /** When the factory's schema refuses these params, the row reads "not run: ..." instead of "failed". */
  optional?: boolean;
  /** For steady-state cores: evaluations kept in flight (ask 1 as each result is told), like W workers. */
  inFlight?: number;
}

export type Setting = Variant[] | { skip: string };

/** Seeds of the runs: 1..n, the same for ours and the baselines. */
export const seedList = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/**
 * CMA-ES start, shared by ours and both CMA-ES baselines: x0 uniform in the box per (problem, seed) and
 * sigma0 = w / 5. Not the box centre: Rastrigin's and Ackley's optimum is the centre, and a search
 * started there measures the start, not the optimizer.
 */
export function cmaStart(r: RunInfo): { x0: number[]; sigma0: number } {
  const rng = Rng.derive(r.seed, 'quality', 'x0', r.problem);
  return { x0: Array.from({ length: r.dim }, () => r.lo + (r.hi - r.lo) * rng.uniform()), sigma0: SIGMA0_FRACTION * (r.hi - r.lo) };
}

/** CMA-ES sigma0 as a fraction of the box width (ours takes the fraction; the baselines, w times it). */
export const SIGMA0_FRACTION = 0.2;

const w = (r: RunInfo): number => r.hi - r.lo;

/**
 * The reference GA (L2L's example values: pop 50, tournament 15, blend alpha 0.5, Gaussian sigma 1 with
 * ind_prob 0.02, cx 0.5, mut 0.3), run until the budget: about 300 generations for DEAP, which
 * re-evaluates every touched individual, and more for ours, which re-evaluates only changed ones.
 * DEAP's GA (baselines.py) uses exactly these.
 */
export const GA_SETTINGS = { pop_size: 50, cx_prob: 0.5, mut_prob: 0.3, ind_prob: 0.02, tourn_size: 15, mate_par: 0.5, mut_par: 1 };

/** Baselines run, and budgets that differ from the common one (with why, for the report). */
export const BASELINES = ['deap-ga', 'deap-cmaes', 'optuna-cmaes', 'optuna-tpe'] as const;
export const BASELINE_BUDGETS: Record<string, { budget: number; why: string }> = {
  'optuna-tpe': { budget: 500, why: "TPE's cost per trial grows with the trials (measured here: 12 s for 500, 37 s for 1,000 trials; 1e4 would take roughly half an hour per run)" },
};

const GD_VARIANTS = ['classic', 'stochastic', 'adam', 'adamax', 'rmsprop'] as const;

/**
 * At a fixed budget, the baselines refine to its end (DEAP's CMA-ES has no stop criterion); pycma's
 * default tolerances (1e-11) would end our runs early at f ~ 1e-11..1e-14. Tighter tolerances let ours
 * use the budget as they do (the no-restart variant); the other criteria (stagnation, conditioning, no
 * effect) still apply.
 */
const PRECISE = { tolfun: 1e-300, tolfunhist: 1e-300, tolx: 1e-300 };

export const SETTINGS: Record<string, Setting> = {
  ga: [{ label: 'ga', params: () => ({ ...GA_SETTINGS }) }],
  random: [{ label: 'random', params: () => ({ pop_size: 100 }) }],
  cmaes: [
    ...(['none', 'ipop', 'bipop'] as const).map((restarts) => ({
      label: `cmaes (restarts ${restarts})`,
      optional: restarts !== 'none',
      // restarts are triggered by the tolerances (a run stuck in a local minimum ends, a larger one starts),
      // so the restart variants keep pycma's defaults; without restarts, refine to the budget's end
      params: (r: RunInfo) => ({ x0: cmaStart(r).x0, sigma0: SIGMA0_FRACTION, restarts, ...(restarts === 'none' ? PRECISE : {}) }),
    })),
    // IPOP's premise (Auger & Hansen 2005) is a growing population for multimodal functions; starting
    // at 2x the default lets the 1e4 budget hold the larger runs that pay off on Rastrigin
    { label: 'cmaes (restarts ipop, pop_size 20)', optional: true, params: (r: RunInfo) => ({ x0: cmaStart(r).x0, sigma0: SIGMA0_FRACTION, restarts: 'ipop', pop_size: 20 }) },
  ],
  // elite 10 of 100, smoothing 0.5: with the reference's values (rho 0.9, noisy Gaussian) or pop 50 and
  // smoothing 0.2 the Gaussian collapses onto the first good region (probed on 5 seeds: Rastrigin 22-43
  // against 2.0 with these)
  'cross-entropy': [{ label: 'cross-entropy', params: () => ({ pop_size: 100, rho: 0.1, smoothing: 0.5, distribution: { type: 'gaussian' } }) }],
  // likewise: the defaults (20..50, smoothing 0.2) collapse within about 6,000 evaluations at Rastrigin 32
  face: [{ label: 'face', params: () => ({ min_pop_size: 100, max_pop_size: 200, n_elite: 10, smoothing: 0.5 }) }],
  // 21 evaluations per generation (10 mirrored pairs and theta)
  es: [{ label: 'es', params: (r) => ({ pop_size: 10, noise_std: 0.05 * w(r), learning_rate: 0.2 * w(r) }) }],
  // mu from the same random start as CMA-ES (its default, the box centre, is Rastrigin's and Ackley's optimum)
  nes: [{ label: 'nes', params: (r) => ({ mu: cmaStart(r).x0 }) }],
  // at least dim random steps, so the finite-difference gradient is determined
  'gradient-descent': GD_VARIANTS.map((variant) => ({
    label: `gradient-descent (${variant})`,
    params: () => ({ variant, n_random_steps: 10 }),
  })),
  // a 10-D grid cannot be dense: 2 points per axis (n_steps 1) = 1,024 points, the box's corners; 3 per axis
  // would be 59,049, six times the budget
  'grid-search': [{ label: 'grid-search (2 per axis)', params: (r) => ({ param_grid: { coords: [r.lo, r.hi, 1] } }) }],
  // 10 chains x 1,000 steps; the step is T * noisy_step, T decaying 0.995 per step (to 0.007 at the end)
  'simulated-annealing': [{
    label: 'simulated-annealing',
    params: (r) => ({ n_parallel_runs: 10, noisy_step: 0.05 * w(r), temp_decay: 0.995, n_iteration: Math.ceil(r.budget / 10) }),
  }],
  // 5 chains x 2,000 steps, the reference's five schedules and temperature bounds
  'parallel-tempering': [{ label: 'parallel-tempering', params: (r) => ({ n_parallel_runs: 5, noisy_step: 0.05 * w(r), n_iteration: Math.ceil(r.budget / 5) }) }],
  'async-evolution': [{ label: 'async-evolution (8 in flight)', inFlight: 8, params: () => ({ pop_size: 50 }) }],
  enkf: { skip: 'needs model outputs; a benchmark function gives only a fitness' },
};
