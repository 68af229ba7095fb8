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

/** Many individuals at once (a batch of rows), for models that evaluate them together (a GPU kernel). */
export interface BatchContext {
  generation: number;
  index: Int32Array;
  seed: Uint32Array;
}

export interface BatchOutput {
  /** n * nObj fitness values, row-major. */
  fitness: Float64Array;
  /** Per row: null when it succeeded, else why it failed. */
  errors?: ReadonlyArray<string | null>;
  outputs?: ReadonlyArray<Float64Array | null>;
}

export interface Optimizee {
  readonly space: Space;
  /** Default fitness weights (maximise dot(fitness, weights)). */
  readonly weights: readonly number[];
  evaluate(x: Float64Array, ctx: EvalContext): EvalOutput;
  /**
   * Optional: the whole batch in one call (x is n * dim, row-major). The worker prefers it when
   * present; with `dispatch.batch` set to the kernel's width (n_inner_params) each call gets exactly
   * that many parameter sets: the multi-instance mode of the reference's multi-GA / multi-GD.
   */
  evaluateBatch?(x: Float64Array, ctx: BatchContext): BatchOutput;
}

export interface OptimizeeFactory<S extends z.ZodType = z.ZodType> {
  type: string;
  description: string;
  schema: S;
  create(config: z.output<S>): Optimizee;
}
