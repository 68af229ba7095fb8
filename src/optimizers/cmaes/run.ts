/**
 * One CMA-ES run between restarts: its plan, search distribution, boundary penalty, fitness
 * history and best point; and the record a finished run leaves behind.
 */
import { newBoundPenalty, type BoundPenaltyState } from './bounds.js';
import { newDistribution, type Distribution } from './distribution.js';
import { defaultTolStagnation, strategyParameters, type StrategyParameters } from './parameters.js';
import type { Regime, RunPlan } from './restarts.js';
import type { CmaesParams } from './schema.js';
import { newFitHistory, type FitHistory, type Tolerances } from './termination.js';

export interface RunState {
  plan: RunPlan;
  /** The optimizer's generation at which the run began. */
  startGeneration: number;
  d: Distribution;
  bounds: BoundPenaltyState;
  h: FitHistory;
  /** The run's best f (to minimise; Infinity before any success), its point in parameter units, and the run's evaluations then. */
  best: { f: number; x: Float64Array | null; evals: number };
}

export interface RunRecord {
  regime: Regime;
  lambda: number;
  sigma0: number;
  generations: number;
  evaluations: number;
  /** Best weighted fitness of the run (the maximised quantity), -Infinity when every evaluation failed. */
  best: number;
  reasons: string[];
}

export function newRun(plan: RunPlan, mean: Float64Array, startGeneration: number): RunState {
  return {
    plan, startGeneration, d: newDistribution(mean, plan.sigma0), bounds: newBoundPenalty(), h: newFitHistory(),
    best: { f: Infinity, x: null, evals: 0 },
  };
}

/** The strategy parameters and termination tolerances a run's plan implies. */
export function runSettings(plan: RunPlan, n: number, cfg: CmaesParams): { p: StrategyParameters; tol: Tolerances } {
  const p = strategyParameters(n, plan.lambda);
  const tol: Tolerances = {
    tolfun: cfg.tolfun, tolfunhist: cfg.tolfunhist, tolx: cfg.tolx,
    tolstagnation: cfg.tolstagnation ?? defaultTolStagnation(n, plan.lambda),
    tolconditioncov: cfg.tolconditioncov, tolfacupx: cfg.tolfacupx, tolflatfitness: cfg.tolflatfitness,
    noeffectaxis: cfg.noeffectaxis, noeffectcoord: cfg.noeffectcoord, maxiter: plan.maxiter,
  };
  return { p, tol };
}

export function finishedRecord(run: RunState, reasons: string[]): RunRecord {
  return {
    regime: run.plan.regime, lambda: run.plan.lambda, sigma0: run.plan.sigma0, generations: run.d.countiter,
    evaluations: run.d.counteval, best: -run.best.f, reasons,
  };
}
