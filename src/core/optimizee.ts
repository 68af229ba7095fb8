/**
 * The contract of an optimizee: the model (its parameter space, its fitness weights, how it evaluates)
 * and its execution (how a worker runs it, and what that needs). The worker host runs every optimizee
 * through this contract without knowing its type (docs/architecture.md, "The evaluation contract").
 *
 * Execution kinds, a small closed set of mechanisms (not of simulators):
 *   inline   evaluate() / evaluateBatch() on the worker's JS thread (microseconds to a millisecond)
 *   native   evaluateAsync(): a kernel off the JS thread in a native addon, a Promise, cancellable
 *            between steps (native/common/long_call.h)
 *   python   a Python module in the worker's embedded CPython (python/l2l_bridge.py)
 *   process  a program of its own in a child process of the worker (frames over stdin and stdout)
 *   group    each row a whole inner experiment, run to its end on a group of ranks
 * evaluation.isolation: process moves any kind that has a child form into a child process of the
 * worker: inline and native optimizees into a Node child that builds them from the registry, python
 * ones into a Python child.
 */
import type { z } from 'zod';
import type { Space } from './space.js';

export interface EvalContext {
  generation: number;
  index: number;
  /** Per-individual seed derived from (experiment seed, generation, index): use it for any noise. */
  seed: number;
  /**
   * Where the model prints (what a simulator would write to its terminal): the worker keeps the last
   * of it with a failure's text. Absent when nobody listens.
   */
  print?: (text: string) => void;
}

export interface EvalOutput {
  fitness: ArrayLike<number>;
  outputs?: Float64Array;
  /** A remark the record keeps beside this success (see BatchOutput.notes). */
  note?: string;
}

/** Many individuals at once (a batch of rows), for models that evaluate them together (a GPU kernel). */
export interface BatchContext {
  generation: number;
  index: Int32Array;
  seed: Uint32Array;
  /** Threads the call may use (the cores this worker rank may use); 1 unless the model asked for threads. */
  threads: number;
  print?: (text: string) => void;
  /** A native execution with `python`: calls into the worker's embedded Python. */
  python?: PythonService;
}

/**
 * module.function(*args) in the embedded interpreter, off the JS thread (python/l2l_bridge.py
 * invoke()); arguments as the addon passes them (typed arrays arrive as memoryviews), bytes come back
 * as Uint8Array.
 */
export interface PythonService {
  invoke(module: string, fn: string, args: unknown[]): Promise<unknown>;
}

export interface BatchOutput {
  /** n * nObj fitness values, row-major. */
  fitness: Float64Array;
  /** Per row: null when it succeeded, else why it failed. */
  errors?: ReadonlyArray<string | null>;
  /**
   * Per row that succeeded: a remark the record keeps beside its fitness, in the row's text column (why
   * the fitness is a penalty, say); the row stays a success.
   */
  notes?: ReadonlyArray<string | null>;
  outputs?: ReadonlyArray<Float64Array | null>;
  /** Per row (native calls): true where a cancel stopped the row before it finished (it has no result). */
  unfinished?: ArrayLike<boolean | number>;
}

/**
 * Shared with a native kernel while it runs (typed arrays, so the kernel's threads read and write them
 * directly): the worker sets cancel[0] = 1 to stop it between steps (evaluation.timeout_seconds), and
 * the kernel writes its progress ([units done, units in all]).
 */
export interface EvalControl {
  readonly cancel: Int32Array;
  readonly progress: Float64Array;
}

export interface Optimizee {
  readonly space: Space;
  /** Default fitness weights (maximise dot(fitness, weights)). */
  readonly weights: readonly number[];
  /** Optional: a name per fitness value, for the report ('1 - MSE', 'accuracy'); config.json keeps them. */
  readonly objectives?: readonly string[];
  /** inline: one individual on the JS thread. */
  evaluate?(x: Float64Array, ctx: EvalContext): EvalOutput;
  /**
   * inline, optional: the whole batch in one call (x is n * dim, row-major); preferred when present.
   * With `dispatch.batch` set to the kernel's width (n_inner_params) each call gets exactly that many
   * parameter sets: the multi-instance mode of the reference's multi-GA / multi-GD.
   */
  evaluateBatch?(x: Float64Array, ctx: BatchContext): BatchOutput;
  /** native: the whole batch off the JS thread; resolves when the kernel is done (or cancelled). */
  evaluateAsync?(x: Float64Array, ctx: BatchContext, control: EvalControl): Promise<BatchOutput>;
  /**
   * Optional: the best individual of a finished run, assessed on what training never saw (held-out
   * samples); rank 0 calls it once, after the run, and writes what it returns to assessment.json.
   */
  assess?(x: Float64Array, ctx: AssessContext): Promise<Assessment>;
  /** Optional: what the worker's 'worker ready' log line says of the model on this rank (the kernel it chose, say). */
  describe?(): Record<string, unknown>;
  /** Frees what the model holds (a kernel's memory, a GPU context) when the worker is done with it. */
  dispose?(): void | Promise<void>;
}

export interface AssessContext {
  threads: number;
  /** Where the model calls Python (a native execution with `python`): rank 0's embedded interpreter. */
  python?: PythonService;
}

/** What an assessment found: a one-line summary for the log, its figures by name, and anything the report draws (JSON). */
export interface Assessment {
  summary: string;
  metrics: Record<string, number>;
  [detail: string]: unknown;
}

/** A program that evaluates in a child process of the worker, spoken to in frames (src/experiment/execution/isolation). */
export interface ChildProgram {
  command: string;
  args: string[];
  /** The fields of the 'init' frame, after `op`. */
  init: Record<string, unknown>;
  /** How messages name it: "python module 'model.py'". */
  label: string;
}

/** What embedded Python needs: the bridge's load() config, and the modules to import before MPI starts. */
export interface PythonLaunch {
  /** python/l2l_bridge.py load()'s config: module, function or class, args, parameters [{name, length}]. */
  load: Record<string, unknown>;
  /** The bridge's preimport() request, run before MPI_Init on the worker ranks (NEURON must come first). */
  preimport: Record<string, unknown>;
  label: string;
}

/** One inner run of a group execution: an experiment (a file's content, with name and seed) and its directory. */
export interface InnerRun {
  /** Relative to the outer results directory. */
  dir: string;
  experiment: Record<string, unknown>;
}

/** What an inner run gave, for the row's fitness. */
export interface InnerOutcome {
  /** Its results directory (for messages). */
  dir: string;
  /** Its best weighted fitness, or null when no evaluation succeeded. */
  best: number | null;
  /** The weighted fitness of each of its evaluations in journal order; NaN where one failed. */
  weighted: Float64Array;
  evaluations: number;
}

/** A row of a group execution: the individual, where it came from, and its seed. */
export interface GroupRow {
  /** The outer experiment's name. */
  name: string;
  generation: number;
  index: number;
  seed: number;
}

export interface GroupPlan {
  /** The inner runs one row is (one after another on the group). */
  runs(x: Float64Array, row: GroupRow): InnerRun[];
  /** The row's fitness (nObj values) from its inner runs' outcomes, in the order of runs(). */
  fitness(outcomes: InnerOutcome[], row: GroupRow): number[];
  /** Inner experiments to validate with the outer one (the box's corners, say): where, and what. */
  checks(): Array<{ where: string; experiment: Record<string, unknown> }>;
}

export type Execution =
  | { kind: 'inline' }
  | {
      kind: 'native';
      /** The kernel stops between steps when asked, so evaluation.timeout_seconds works in-process. */
      cancellable: boolean;
      /** The kernel runs on threads of its own: it is given the cores the worker rank may use. */
      threads: boolean;
      /** A GPU it uses when there is one ('optional'), or cannot run without ('required'). */
      gpu?: 'optional' | 'required';
      /**
       * The model calls functions of Python modules in the worker's embedded interpreter
       * (BatchContext.python): a simulator with a Python interface behind a model that stays in
       * TypeScript (the snn optimizee's Brian2 and NEST back ends).
       */
      python?: true;
      /**
       * With python: the bridge's preimport() request ({preimport: [module, ...]}), run before MPI_Init
       * on every rank that calls into the model's Python, rank 0 included (its assess()): NEURON must
       * be imported before MPI starts (docs/architecture.md, "Process lifetime").
       */
      preimport?: Record<string, unknown>;
    }
  | {
      kind: 'python';
      python: PythonLaunch;
      /** The same model in a child process (evaluation.isolation: process). */
      child: ChildProgram;
    }
  | { kind: 'process'; child: ChildProgram }
  | {
      kind: 'group';
      /** Ranks per inner experiment, its optimizer's included. */
      ranks: number;
      plan: GroupPlan;
    };

export type ExecutionKind = Execution['kind'];

/** A program to run once on rank 0 that prints {parameters} or {error, detail} as JSON. */
export interface SpaceQuery {
  command: string;
  args: string[];
  input: string;
  label: string;
}

export interface OptimizeeFactory<S extends z.ZodType = z.ZodType> {
  type: string;
  description: string;
  schema: S;
  /** The model, from its validated configuration (weights included, when the experiment gives them). */
  create(config: z.output<S>): Optimizee;
  /** How a worker runs it for this configuration; inline when absent. */
  execution?(config: z.output<S>): Execution;
  /** When the configuration leaves the parameter space to the model: how to ask it (rank 0, at validation). */
  spaceQuery?(config: z.output<S>): SpaceQuery | null;
  /**
   * An individual may be evaluated twice, even at once on two ranks, without harm: an evaluation
   * writes nothing, keeps no state, and its result depends on the individual and its seed alone. Work
   * stealing (dispatch.steal) is on only for such optimizees; absent: not repeatable.
   */
  readonly repeatable?: boolean;
}

const INLINE: Execution = { kind: 'inline' };

/** The factory's execution for a validated configuration. */
export function executionOf(factory: OptimizeeFactory, config: Record<string, unknown>): Execution {
  return factory.execution?.(config) ?? INLINE;
}

/** Whether an execution can run in a child process of the worker (evaluation.isolation: process). */
export function isolable(e: Execution): boolean {
  return e.kind !== 'group';
}

/** Whether the model calls into the embedded Python (BatchContext.python, AssessContext.python). */
export function callsPython(e: Execution): boolean {
  return e.kind === 'native' && e.python === true;
}

/** Whether evaluation.timeout_seconds can stop an evaluation of this execution without a child process. */
export function cancellableInProcess(e: Execution): boolean {
  return e.kind === 'python' || (e.kind === 'native' && e.cancellable);
}
