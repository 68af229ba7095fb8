/**
 * The benchmark optimizee: the reference's FunctionGeneratorOptimizee. An individual is one array
 * parameter, `coords`, of length dims, clipped into the generator's box; the fitness is the function
 * value, minimised by the default weights [-1].
 */
import { z } from 'zod';
import type { BatchContext, BatchOutput, Optimizee, OptimizeeFactory } from '../../core/optimizee.js';
import { Space } from '../../core/space.js';
import { checkFunction, FUNCTION_NAMES, functionSpecSchema, type FunctionSpec } from './catalog.js';
import { FunctionGenerator, type NoiseConfig } from './generator.js';
import { getPreset, PRESET_NAMES, presetNameSchema } from './presets.js';
import { delayMs, delaySchema, sleepMs, type DelayConfig } from './delay.js';
import { fault, faultsSchema, isFaulty, type FaultsConfig } from './faults.js';
import { MAX_DIMS } from '../../core/limits.js';

const noiseSchema = z.strictObject({
  mean: z.number().default(0).describe('mean of the additive Gaussian noise'),
  sigma: z.number().positive().default(0.01).describe('standard deviation of the additive Gaussian noise'),
});

const boundsSchema = z
  .tuple([z.number(), z.number()])
  .refine(([lo, hi]) => lo < hi, { message: '[lower, upper] with lower < upper' });

export const benchmarkSchema = z
  .strictObject({
    preset: presetNameSchema.optional().describe(`one of ${PRESET_NAMES.join(', ')} (case-insensitive)`),
    functions: z.array(functionSpecSchema).min(1).optional().describe(`functions to sum, each { function: ${FUNCTION_NAMES.join(' | ')}, ...params }`),
    dims: z.number().int().min(1).max(MAX_DIMS).optional().describe('dimensionality, with functions'),
    noise: noiseSchema.optional().describe('additive Gaussian noise N(mean, sigma), reproducible per individual'),
    bounds: boundsSchema.optional().describe('[lower, upper] for every coordinate (default: from the functions)'),
    delay: delaySchema.optional().describe('simulated evaluation time, log-normal per individual (for scheduling benchmarks)'),
    faults: faultsSchema.optional().describe('make a fraction of the evaluations fail, chosen by seed (for testing failure handling)'),
    batched: z.boolean().default(false).describe('evaluate each message\'s rows in one call, as a batched (GPU) kernel would: the multi-instance path'),
  })
  .superRefine((cfg, ctx) => {
    // messages read as "got <input>, expected <message>", the form the CLI prints
    const issue = (path: (string | number)[], input: unknown, message: string) => ctx.addIssue({ code: 'custom', path, input, message });
    if (cfg.preset !== undefined && cfg.functions !== undefined) return issue(['preset'], cfg.preset, 'either preset or functions, not both');
    if (cfg.preset !== undefined) {
      const dims = getPreset(cfg.preset).dims;
      if (cfg.dims !== undefined && cfg.dims !== dims) issue(['dims'], cfg.dims, `no dims: preset ${cfg.preset} is ${dims}-D`);
      return;
    }
    if (cfg.functions === undefined) return issue(['preset'], undefined, `a preset (one of ${PRESET_NAMES.join(', ')}), or functions and dims`);
    if (cfg.dims === undefined) return issue(['dims'], undefined, 'dims, a positive integer, with functions');
    const dims = cfg.dims;
    cfg.functions.forEach((f, i) => {
      for (const p of checkFunction(f, dims)) issue(['functions', i, ...p.path], valueAt(f, p.path), p.message);
    });
  });

function valueAt(v: unknown, path: readonly (string | number)[]): unknown {
  return path.reduce<unknown>((o, k) => (o !== null && typeof o === 'object' ? (o as Record<string | number, unknown>)[k] : undefined), v);
}

export type BenchmarkConfig = z.output<typeof benchmarkSchema>;

export interface ResolvedBenchmark {
  dims: number;
  functions: FunctionSpec[];
  bounds?: [number, number];
  noise?: NoiseConfig;
  delay?: DelayConfig;
  faults?: FaultsConfig;
}

/** A validated config with its preset, if any, expanded into functions and dims. */
export function resolveBenchmark(cfg: BenchmarkConfig): ResolvedBenchmark {
  const base = cfg.preset !== undefined ? getPreset(cfg.preset) : { dims: cfg.dims!, functions: cfg.functions! };
  return { ...base, ...(cfg.bounds ? { bounds: cfg.bounds } : {}), ...(cfg.noise ? { noise: cfg.noise } : {}), ...(cfg.delay ? { delay: cfg.delay } : {}), ...(cfg.faults ? { faults: cfg.faults } : {}) };
}

export class BenchmarkOptimizee implements Optimizee {
  readonly space: Space;
  readonly weights: readonly number[] = [-1];
  readonly generator: FunctionGenerator;
  private readonly delay: DelayConfig | undefined;
  private readonly faults: FaultsConfig | undefined;

  constructor(cfg: ResolvedBenchmark) {
    this.delay = cfg.delay;
    this.faults = cfg.faults;
    this.generator = new FunctionGenerator(cfg.functions, cfg.dims, cfg.bounds, cfg.noise);
    const [lower, upper] = this.generator.bounds;
    this.space = new Space([{ name: 'coords', length: cfg.dims, lower, upper }]);
  }

  evaluate(x: Float64Array, ctx: { seed: number; print?: (text: string) => void }): { fitness: number[] } {
    if (x.length !== this.generator.dims) throw new RangeError(`benchmark: expected ${this.generator.dims} coordinates, got ${x.length}`);
    if (this.delay) sleepMs(delayMs(this.delay, ctx.seed));
    if (this.faults && isFaulty(this.faults, ctx.seed)) return { fitness: [fault(this.faults, ctx.seed, ctx.print)] };
    return { fitness: [this.generator.evaluate(x, ctx.seed)] };
  }
}

/** The same functions through evaluateBatch: one call per message, as a batched kernel. */
export class BatchedBenchmarkOptimizee extends BenchmarkOptimizee {
  evaluateBatch(x: Float64Array, ctx: BatchContext): BatchOutput {
    const dim = this.space.dim;
    const n = ctx.index.length;
    if (x.length !== n * dim) throw new RangeError(`benchmark: ${n} rows need ${n * dim} coordinates, got ${x.length}`);
    const fitness = new Float64Array(n);
    let errors: Array<string | null> | undefined;
    for (let i = 0; i < n; i++) {
      try {
        fitness[i] = this.evaluate(x.subarray(i * dim, (i + 1) * dim), { seed: ctx.seed[i], print: ctx.print }).fitness[0];
      } catch (err) {
        (errors ??= new Array<string | null>(n).fill(null))[i] = (err as Error).stack ?? String(err);
      }
    }
    return errors ? { fitness, errors } : { fitness };
  }
}

export const benchmarkOptimizee: OptimizeeFactory<typeof benchmarkSchema> = {
  type: 'benchmark',
  repeatable: true, // a function of the individual and its seed: nothing written, no state kept
  description: "The reference's function generator: Rastrigin, Rosenbrock, Ackley, ... and their sums, optionally noisy",
  schema: benchmarkSchema,
  create: (cfg) => (cfg.batched ? new BatchedBenchmarkOptimizee(resolveBenchmark(cfg)) : new BenchmarkOptimizee(resolveBenchmark(cfg))),
};
