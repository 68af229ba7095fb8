/**
 * The contract of a pure optimizer core: ask/tell, seeded, no I/O, no timers, no await.
 * The optimizer actor (src/experiment) drives any core through this interface.
 */
import type { z } from 'zod';
import type { Space } from './space.js';

/**
 * The individuals to evaluate now, columnar: row k is individual index[k] (ind_idx, its position in the
 * optimizer's population) with parameters x[k*dim .. (k+1)*dim). Population methods sample whole
 * matrices; a GA re-asks only the rows that changed. The caller takes ownership of both arrays: the
 * core never changes them afterwards (rank 0 writes them to the journal after later asks; the
 * conformance suite checks it).
 */
export interface Generation {
  generation: number;
  index: Int32Array;
  /** n * dim parameters, row-major, inside the space's box. */
  x: Float64Array;
}

/** What a generation's evaluations gave, row k belonging to row k of the Generation asked (rows.ts). */
export type { Evaluations } from './rows.js';
import type { Evaluations } from './rows.js';

export interface OptimizerContext {
  space: Space;
  /**
   * Fitness weights: the core maximises dot(fitness, weights); a multi-objective core (nsga2, ibea)
   * keeps the components apart and maximises each sign(w_j) * fitness_j (a zero weight: left out).
   */
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
  /** Every evaluation of the generation last asked, row for row. */
  tell(evaluations: Evaluations): CoreStats;
  /** Reasons the algorithm itself wants to stop (converged, exhausted grid, ...); empty to go on. */
  stop(): string[];
  /** Plain data (msgpack-able) from which restore() rebuilds the exact state. */
  snapshot(): unknown;
  restore(snapshot: unknown): void;
}

/**
 * An asynchronous (steady-state) core: no generation barrier. The experiment asks for new
 * individuals whenever workers free up and tells results as they arrive, a few rows at a time, in
 * any order. `index` is then the individual's birth number, unique over the run; `generation`
 * counts ask() calls. Reproducible given the order of asks and tells, which, unlike a generational
 * run, depends on arrival times.
 */
export interface SteadyStateCore {
  readonly mode: 'steady-state';
  /** n >= 1 new individuals to evaluate (default 1). */
  ask(n?: number): Generation;
  /** Evaluated rows of earlier asks, any subset, any order. */
  tell(evaluations: Evaluations): CoreStats;
  stop(): string[];
  snapshot(): unknown;
  restore(snapshot: unknown): void;
}

export type OptimizerCore = GenerationalCore | SteadyStateCore;

export interface OptimizerFactory<S extends z.ZodType = z.ZodType> {
  type: string;
  /** One line, for `list optimizers`. */
  description: string;
  /** The paper or reference that defines the algorithm, for the docs. */
  reference?: string;
  /** Hyper-parameters with the reference's example values as defaults; unknown keys refused. */
  schema: S;
  /**
   * Hyper-parameters for a small run: the conformance suite runs every optimizer with them on a
   * shifted 4-D sphere in [-5, 5]^4 for at most 4,000 evaluations (model outputs x - 1.5, for
   * optimizers that need them); {} when the defaults do.
   */
  example: Record<string, unknown>;
  create(params: z.output<S>, ctx: OptimizerContext): OptimizerCore;
}
