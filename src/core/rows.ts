/**
 * The program's one row type: evaluated individuals held by column, row k of every column the same
 * individual. An optimizer core is told (a read-only view of) these rows; workers fill their result
 * columns; the dispatcher moves them; the recorder writes them to the journal; the results readers give
 * them back. Columns rather than an object per individual: population methods think in matrices, and
 * nothing on the way allocates per evaluation (docs/architecture.md, "The optimizer contract").
 */

export interface Rows {
  /** Every row of a block belongs to one generation (steady state: one ask). */
  generation: number;
  dim: number;
  nObj: number;
  /** Each row's individual: its index in the optimizer's population (steady state: its birth number). */
  index: Int32Array;
  /** n * dim parameters, row-major. */
  x: Float64Array;
  /** The seed the (last) evaluation got: derived from (experiment seed, generation, index[, try]). */
  seed: Uint32Array;
  /** n * nObj fitness values as the optimizee returned them; NaN where the evaluation failed. */
  fitness: Float64Array;
  /** dot(fitness, weights); -Infinity where the evaluation failed. */
  weighted: Float64Array;
  /** STATUS_CODES per row: 0 ok, 1 failed, 2 timed out. */
  status: Uint8Array;
  /** Tries per row: 1, or more where a failure was retried (the error text lists every try). */
  attempts: Uint8Array;
  /** Seconds each evaluation took. */
  seconds: Float64Array;
  /** When each evaluation started: seconds since the run began, on rank 0's clock. */
  started: Float64Array;
  /** The worker rank that evaluated each row (-1 before its result came). */
  rank: Int32Array;
  /** Why each row failed (null where it did not), or null when no row has a text. */
  errors: Array<string | null> | null;
  /** Model outputs per row (the EnKF needs them; null where a row gave none), or null when none did. */
  outputs: Array<Float64Array | null> | null;
}

/**
 * What an optimizer core is told: the rows of its ask, read-only, in the order it asked them whatever
 * order their results arrived in. Valid after tell() returns: keep references rather than copies.
 */
export type Evaluations = Readonly<Pick<Rows, 'generation' | 'dim' | 'nObj' | 'index' | 'x' | 'fitness' | 'weighted' | 'status' | 'outputs'>>;

/** The columns a worker's results carry for n rows of a batch (see EvalResults, ResultBatch). */
export type ResultColumns = Pick<Rows, 'nObj' | 'fitness' | 'status' | 'seconds' | 'errors' | 'outputs'>;

/** A journal record: a generation's rows (steady state: one result batch's) and its statistics. */
export interface GenerationRecord extends Rows {
  stats: Record<string, number>;
}
