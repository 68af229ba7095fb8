/**
 * What travels between the dispatcher and a worker's evaluators: a batch of individuals and its
 * results, columnar, and the helpers every evaluator (in-process, child process, embedded Python,
 * inner experiments) fills them with.
 */
import { STATUS_CODES } from '../core/fitness.js';
import type { ResultColumns } from '../core/rows.js';
import { registerFrame } from '../runtime/frames.js';

/** A batch of individuals, columnar so it travels as a few typed arrays. */
export interface EvalBatch {
  batch: number;
  dim: number;
  /** Every individual of a batch belongs to one generation. */
  generation: number;
  index: Int32Array;
  seed: Uint32Array;
  /** n * dim parameters, row-major. */
  x: Float64Array;
}

/** A batch's results: the row type's result columns (src/core/rows.ts), and what the wire adds. */
export interface EvalResults extends ResultColumns {
  batch: number;
  /**
   * Per individual: seconds from the start of its evaluation to the sending of this reply. Rank 0
   * subtracts it from its own receive time, so start times need no synchronised clocks.
   */
  startedAgo: Float64Array;
  /** Worker busy time for the whole batch (seconds), for utilization. */
  busy: number;
  /** Per row, the worker rank that evaluated it: set by a relay, which answers for its workers. */
  ranks?: Int32Array;
}

// The two messages that carry rows travel as column frames (src/runtime/frames.ts): the msgpack
// envelope written by hand, the columns as they are in one ext. Results with a failure's text or a
// model's outputs go through msgpackr's general path.
registerFrame('eval.batch', {
  scalars: ['batch', 'dim', 'generation'],
  arrays: [['index', Int32Array], ['seed', Uint32Array], ['x', Float64Array]],
});
registerFrame('eval.results', {
  scalars: ['batch', 'nObj', 'busy'],
  arrays: [['fitness', Float64Array], ['status', Uint8Array], ['seconds', Float64Array], ['startedAgo', Float64Array], ['ranks', Int32Array, 'optional']],
  nulls: ['errors', 'outputs'],
});

/** 'eval.cancel' (dispatcher -> worker): drop this batch if not started; 'eval.cancelled' (worker -> dispatcher): dropped. */
export interface EvalCancel {
  batch: number;
}

/** Evaluates batches off the JS thread (a child process, embedded Python). */
export interface AsyncEvaluator {
  readonly nObj: number;
  evaluate(b: EvalBatch): Promise<EvalResults>;
  stop(): Promise<void>;
}

/** Results for a batch with every array allocated and nothing filled in yet. */
export function emptyResults(b: EvalBatch, nObj: number): EvalResults {
  const n = b.index.length;
  return {
    batch: b.batch, nObj, fitness: new Float64Array(n * nObj), status: new Uint8Array(n), seconds: new Float64Array(n),
    startedAgo: new Float64Array(n), errors: null, outputs: null, busy: 0,
  };
}

/** A remark on row i, which succeeded (say why its fitness is a penalty): recorded in the row's text column, its status stays ok. */
export function noteRow(out: EvalResults, i: number, note: string): void {
  out.errors ??= new Array<string | null>(out.status.length).fill(null);
  out.errors[i] = note;
}

/** Marks row i of out as failed (or timed out), with its reason. */
export function failRow(out: EvalResults, i: number, reason: string, status: number = STATUS_CODES.failed): void {
  out.status[i] = status;
  out.fitness.fill(NaN, i * out.nObj, (i + 1) * out.nObj);
  out.errors ??= new Array<string | null>(out.status.length).fill(null);
  out.errors[i] = reason;
}
