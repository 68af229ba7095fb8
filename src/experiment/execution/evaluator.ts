/**
 * The worker's side of the evaluation contract (src/core/optimizee.ts): one Evaluator per experiment a
 * worker hosts, chosen by the optimizee's execution kind and the experiment's isolation, never by its
 * type. Every evaluator takes a batch and resolves with its results; how it gets them (on the JS
 * thread, in a kernel off it, in embedded Python, in a child process, as inner experiments on a group
 * of ranks) is its own business, and the worker host treats them all alike.
 */
import { availableParallelism } from 'node:os';
import { executionOf, type Execution, type OptimizeeFactory } from '../../core/optimizee.js';
import type { Logger } from '../../runtime/log.js';
import type { Transport } from '../../runtime/transport.js';
import type { ResolvedExperiment } from '../config.js';
import type { EvalBatch, EvalResults } from '../eval-results.js';
import { GroupEvaluator } from './group.js';
import { InlineEvaluator } from './inline.js';
import { IsolatedEvaluator } from './isolation/isolated-evaluator.js';
import { NativeEvaluator } from './native.js';
import { EmbeddedPythonEvaluator } from './python.js';

export interface Evaluator {
  /** Fitness values per evaluation. */
  readonly nObj: number;
  /** What the worker's 'worker ready' log line says about it. */
  readonly describe: Record<string, unknown>;
  /** The batch's results; a failed evaluation is data in them, never a rejection. */
  evaluate(b: EvalBatch): Promise<EvalResults>;
  /** The experiment is over: end what it started (a child process, a group's ranks, a kernel's memory). */
  stop(): Promise<void>;
}

/** What a worker rank offers an evaluator beyond the experiment. */
export interface WorkerEnvironment {
  log: Logger;
  /** A group leader's transport to its group's other ranks (group execution under mpirun); null alone. */
  group: Transport | null;
  /** The run's results directory on rank 0 (inner runs write theirs inside it). */
  outDir: string;
  /** The run continues an interrupted one: what it left (finished inner runs) may be continued. */
  resumed: boolean;
  /** Cores this rank may use (native kernels' threads). */
  threads: number;
}

/** Cores a rank may use: the machine's, shared by the ranks mpirun placed on it. */
export function threadsPerRank(env: NodeJS.ProcessEnv = process.env): number {
  const local = Number(env.OMPI_COMM_WORLD_LOCAL_SIZE ?? env.MPI_LOCALNRANKS ?? 1);
  return Math.max(1, Math.floor(availableParallelism() / (Number.isInteger(local) && local > 0 ? local : 1)));
}

/** A setup that could not start an evaluator: one line, and the detail (a traceback) when there is one. */
export class EvaluatorStartError extends Error {
  override name = 'EvaluatorStartError';
  constructor(message: string, readonly detail = '') {
    super(message);
  }
}

/** This experiment's evaluator on this worker, started and ready. */
export async function startEvaluator(experiment: ResolvedExperiment, factory: OptimizeeFactory, env: WorkerEnvironment): Promise<Evaluator> {
  const config = experiment.optimizee;
  if (experiment.evaluation?.isolation === 'process') return IsolatedEvaluator.forExperiment(experiment, factory, { log: env.log });
  const execution: Execution = executionOf(factory, config);
  const model = factory.create(config);
  const nObj = (config.weights ?? model.weights).length;
  switch (execution.kind) {
    case 'inline':
      return new InlineEvaluator(model, nObj);
    case 'native':
      return new NativeEvaluator(model, nObj, execution, { timeoutSeconds: experiment.evaluation?.timeout_seconds, threads: env.threads, log: env.log });
    case 'python':
      return EmbeddedPythonEvaluator.start(execution.python, nObj, { timeoutSeconds: experiment.evaluation?.timeout_seconds, log: env.log });
    case 'process':
      throw new EvaluatorStartError(`the ${config.type} optimizee runs in a child process: set evaluation.isolation: process`);
    case 'group':
      return new GroupEvaluator(experiment, execution, nObj, env);
  }
}
