/**
 * The contract of an optimizee model, as hosted by a worker's optimizee actor.
 */
import type { z } from 'zod';
import type { Space } from './space.js';

export interface EvalContext {
  generation: number;
  index: number;
  /** Per-individual seed derived from (experiment seed, generation, index): use it for any noise. */
  seed: number;
}

export interface EvalOutput {
  fitness: ArrayLike<number>;
  outputs?: Float64Array;
}

export interface Optimizee {
  readonly space: Space;
  /** Default fitness weights (maximise dot(fitness, weights)). */
  readonly weights: readonly number[];
  evaluate(x: Float64Array, ctx: EvalContext): EvalOutput;
}

export interface OptimizeeFactory<S extends z.ZodType = z.ZodType> {
  type: string;
  description: string;
  schema: S;
  create(config: z.output<S>): Optimizee;
}
