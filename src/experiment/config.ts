/**
 * The experiment file's schema. The top level is checked here; the optimizer's and optimizee's own
 * keys are checked by the schema each registered factory declares (see resolveExperiment in src/cli).
 */
import { z } from 'zod';

export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const stopSchema = z
  .strictObject({
    generations: z.number().int().min(1).optional().describe('stop after this many generations'),
    evaluations: z.number().int().min(1).optional().describe('stop once this many evaluations are done (the generation in progress completes)'),
    target: z.number().optional().describe('stop once the best weighted fitness (the maximised quantity) reaches this value'),
    seconds: z.number().positive().optional().describe('stop after this many seconds of wall time (checked between generations)'),
  })
  .refine((s) => s.generations !== undefined || s.evaluations !== undefined || s.seconds !== undefined, {
    message: 'a budget needs at least one of generations, evaluations or seconds (target alone may never be reached)',
  });

export const dispatchSchema = z.strictObject({
  inflight: z.number().int().min(1).max(64).default(2).describe('batches in flight per worker rank, to hide message latency'),
  batch_seconds: z.number().positive().max(60).default(0.01).describe('aim for batches that take about this long to evaluate (a whole number of evaluations: an evaluation over half this long goes one per message). A generation of evaluations alike in time goes out in larger batches while many of its rows are left, up to 25 times this, shrinking to this at its end (docs/scaling.md, Hiding latency)'),
  max_batch: z.number().int().min(1).max(65536).default(4096).describe('most individuals in one message'),
  batch: z.number().int().min(1).max(65536).optional().describe('fixed individuals per message (multi-instance mode: the width of a batched kernel, n_inner_params); overrides the adaptive size'),
  steal: z.boolean().default(true).describe("when a worker has nothing left to do while another still holds a batch it has not started (the end of a generation, of a run), that batch is given to the idle worker and withdrawn from the other; an evaluation may then run twice, so only for optimizees whose evaluations are repeatable (write nothing, keep no state: the registry says which); false: never"),
  fan_out: z.union([z.number().int().min(0).max(1_000_000), z.enum(['node', 'auto'])]).default('auto')
    .describe("hierarchical dispatch: worker ranks per relay, a sub-coordinator that takes work in bulk from rank 0 and farms it out to its group (docs/scaling.md). 0: flat, rank 0 serves every worker; n: groups of a relay and n workers; 'node': one relay per host; 'auto': flat below 256 workers, else one relay per host (or groups of about sqrt(workers) on one host)"),
});

export const evaluationSchema = z
  .strictObject({
    isolation: z.enum(['in-process', 'process']).default('in-process').describe("'in-process': the optimizee runs inside the worker rank (fastest); 'process': in a child process of the worker rank, so a crash (segmentation fault, abort), a hang past timeout_seconds or a blow-up past memory_mb kills only the child, which is restarted, and the evaluation fails with the reason"),
    timeout_seconds: z.number().positive().optional().describe('per individual: a simulation running longer is stopped and fails as timed out (needs isolation: process, except for the python optimizee, whose embedded interpreter raises a timeout inside the simulation)'),
    memory_mb: z.number().int().min(16).optional().describe('per child process: the address-space limit, past which the simulation fails (needs isolation: process)'),
    retries: z.number().int().min(0).max(10).default(0).describe('a failed or timed-out evaluation is tried again up to this many times (on any worker) before the failure counts'),
    retry_seed: z.enum(['fresh', 'same']).default('fresh').describe("'fresh': each retry gets a new seed derived from (seed, generation, index, attempt); 'same': the individual's seed again"),
    on_failure: z.enum(['drop', 'penalty']).default('drop').describe("after the last try: 'drop': the optimizer is told the evaluation failed and leaves it out of its update (or ranks it last, see docs/optimizers.md); 'penalty': it is told the penalty fitness instead, as if the simulation had returned it"),
    penalty: z.array(z.number()).min(1).optional().describe('the fitness vector told for a failure with on_failure: penalty (one value per objective)'),
  })
  .superRefine((e, ctx) => {
    const issue = (path: string, input: unknown, message: string) => ctx.addIssue({ code: 'custom', path: [path], input, message });
    if (e.isolation === 'in-process' && e.memory_mb !== undefined) issue('memory_mb', e.memory_mb, 'no memory limit with isolation: in-process; set isolation: process');
    if (e.on_failure === 'penalty' && e.penalty === undefined) issue('penalty', undefined, 'a penalty fitness vector with on_failure: penalty');
    if (e.on_failure === 'drop' && e.penalty !== undefined) issue('penalty', e.penalty, 'no penalty with on_failure: drop (set on_failure: penalty to use it)');
  });

export const checkpointSchema = z.strictObject({
  every_generations: z.number().int().min(1).max(1_000_000).default(1).describe('generational optimizers: a checkpoint after this many generations'),
  every_evaluations: z.number().int().min(1).max(1_000_000_000).default(1000).describe('asynchronous optimizers: a checkpoint after this many evaluations'),
  every_seconds: z.number().positive().default(60).describe('and at least this often (checked when results are told)'),
  min_seconds: z.number().min(0).default(1).describe('but not more often than this (each checkpoint is fsynced; in between, the event log keeps every result, so a resume still continues from the last generation); 0: strictly every generation'),
});

export const experimentSchema = z.strictObject({
  name: z.string().regex(NAME_PATTERN, 'a name of letters, digits, ".", "_" or "-", starting with a letter or digit').describe('the experiment\'s name; results go to results/<name> unless --out'),
  seed: z.number().int().min(0).max(2 ** 32 - 1).optional().describe('experiment seed; chosen at random and recorded when absent'),
  optimizer: z.looseObject({ type: z.string() }).describe('{type, ...hyper-parameters}: the optimizer (docs/optimizers.md)'),
  optimizee: z.looseObject({ type: z.string() }).describe('{type, weights?, ...settings}: the model to optimize (below)'),
  stop: stopSchema.describe('the budget: at least one of generations, evaluations, seconds; the run ends at the first reached'),
  dispatch: dispatchSchema.default({ inflight: 2, batch_seconds: 0.01, max_batch: 4096, steal: true, fan_out: 'auto' }).describe('how individuals are farmed out to the worker ranks'),
  evaluation: evaluationSchema.default({ isolation: 'in-process', retries: 0, retry_seed: 'fresh', on_failure: 'drop' }).describe('where simulations run and what a failed one leads to'),
  ranks: z.number().int().min(1).optional().describe('with several experiments in one job (run A.yaml B.yaml): the ranks this one gets, its optimizer\'s included; experiments without it share the rest. Ignored when the experiment runs alone'),
  checkpoint: checkpointSchema.default({ every_generations: 1, every_evaluations: 1000, every_seconds: 60, min_seconds: 1 }).describe('how often the run saves what --resume continues from; between checkpoints every result is in the event log, so nothing is lost either way'),
});

export type ExperimentFile = z.output<typeof experimentSchema>;
export type StopConfig = z.output<typeof stopSchema>;
export type DispatchConfig = z.output<typeof dispatchSchema>;
export type CheckpointConfig = z.output<typeof checkpointSchema>;
export type EvaluationConfig = z.output<typeof evaluationSchema>;

/** The configuration after validation and defaults: what is recorded and sent to every rank. */
export interface ResolvedExperiment {
  name: string;
  seed: number;
  optimizer: { type: string } & Record<string, unknown>;
  optimizee: { type: string; weights?: number[] } & Record<string, unknown>;
  stop: StopConfig;
  dispatch: DispatchConfig;
  evaluation: EvaluationConfig;
  checkpoint: CheckpointConfig;
}
