/**
 * The contract of a pure optimizer core: ask/tell, seeded, no I/O, no timers, no await.
 * The optimizer actor (src/experiment) drives any core through this interface.
 */
import type { z } from 'zod';
import type { EvalStatus } from './fitness.js';
import type { Space } from './space.js';

export interface Candidate {
  /** ind_idx: position of the individual within its generation's population. */
  index: number;
  x: Float64Array;
}

export interface Generation {
  generation: number;
  /** The individuals to evaluate now, in index order (a GA re-evaluates only changed ones). */
  candidates: Candidate[];
}

export interface Evaluation {
  index: number;
  x: Float64Array;
  fitness: Float64Array;
  /** dot(fitness, weights), -Infinity for failed evaluations. */
  weighted: number;
  status: EvalStatus;
  /** Model outputs, for optimizers that need more than a fitness (EnKF). */
  outputs?: Float64Array;
}

export interface OptimizerContext {
  space: Space;
  /** Fitness weights: the core maximises dot(fitness, weights). */
  weights: readonly number[];
  /** The experiment seed; cores derive their streams from it with Rng.derive(seed, ...). */
  seed: number;
}

/** Per-generation statistics a core wants recorded beside the generic ones (best, mean, ...). */
export type CoreStats = Record<string, number>;

export interface GenerationalCore {
  readonly mode: 'generational';
  /** The next generation to evaluate. Called once per generation, alternating with tell(). */
  ask(): Generation;
  /** Every evaluation of the generation last asked, in index order. */
  tell(generation: number, evaluations: Evaluation[]): CoreStats;
  /** Reasons the algorithm itself wants to stop (converged, exhausted grid, ...); empty to go on. */
  stop(): string[];
  /** Plain data (msgpack-able) from which restore() rebuilds the exact state. */
  snapshot(): unknown;
  restore(snapshot: unknown): void;
}

export type OptimizerCore = GenerationalCore;

export interface OptimizerFactory<S extends z.ZodType = z.ZodType> {
  type: string;
  description: string;
  /** Hyper-parameters with the reference's example values as defaults. */
  schema: S;
  create(params: z.output<S>, ctx: OptimizerContext): OptimizerCore;
}
