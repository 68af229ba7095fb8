/**
 * The experiment optimizee: learning to learn. An individual holds hyper-parameters of an inner
 * experiment (its optimizer's hyper-parameters, its optimizee's settings, its budget), named by their
 * path in the inner experiment (`optimizer.pop_size`); evaluating it runs that inner experiment to its
 * end on a group of ranks of its own and returns a metric of the inner run.
 *
 * This is the model only: the space, the weights, and how an individual becomes an inner experiment.
 * The worker ranks run the inner experiments (src/cli/nested.ts), each group of `ranks` ranks with
 * its own optimizer; several inner experiments run at once on disjoint groups.
 */
import { z } from 'zod';
import type { EvalOutput, Optimizee, OptimizeeFactory } from '../../core/optimizee.js';
import { Space } from '../../core/space.js';

const PATH = /^(optimizer|optimizee|stop|dispatch|evaluation)(\.[A-Za-z_][A-Za-z0-9_]*)+$/;

const parameterSchema = z.strictObject({
  path: z.string().regex(PATH, 'a path into the inner experiment, such as optimizer.pop_size or optimizee.noise').describe('the inner experiment key this parameter sets'),
  lower: z.number().refine(Number.isFinite, 'a finite number').describe('lower bound'),
  upper: z.number().refine(Number.isFinite, 'a finite number').describe('upper bound'),
  integer: z.boolean().default(false).describe('rounded to the nearest whole number (population sizes, counts)'),
});

export const METRICS = ['best', 'mean-best-so-far', 'evaluations-to-target'] as const;
export type Metric = (typeof METRICS)[number];

export const experimentOptimizeeSchema = z
  .strictObject({
    inner: z
      .looseObject({ optimizer: z.looseObject({ type: z.string() }), optimizee: z.looseObject({ type: z.string() }), stop: z.record(z.string(), z.unknown()) })
      .describe('the inner experiment, as an experiment file without name and seed (each inner run gets the outer individual\'s seed)'),
    parameters: z.array(parameterSchema).min(1).describe('what an outer individual sets in the inner experiment: {path, lower, upper, integer?}'),
    ranks: z.number().int().min(1).max(1_000_000).default(2).describe('ranks per inner experiment (its optimizer included); the job\'s ranks after rank 0 form groups of this size, and each group runs one inner experiment at a time'),
    metric: z.enum(METRICS).default('best').describe("what an inner run is worth: 'best' its best weighted fitness; 'mean-best-so-far' the mean over its evaluations of the best weighted fitness so far (the area under its convergence curve: fast and good); 'evaluations-to-target' how many evaluations it took to reach `target` (its whole budget plus one if it never did), minimised"),
    target: z.number().optional().describe("for 'evaluations-to-target': the weighted fitness to reach"),
    variants: z.array(z.record(z.string(), z.unknown())).min(1).max(1000).default([{}]).describe('a family of problems: each outer individual runs the inner experiment once per variant, with the variant merged into `inner` (e.g. {optimizee: {preset: Ackley2d}}); the metric is the mean over them'),
    repeats: z.number().int().min(1).max(1000).default(1).describe('inner runs per variant, each with a seed of its own derived from the individual\'s; the metric is the mean over all'),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.parameters.forEach((p, i) => {
      if (seen.has(p.path)) ctx.addIssue({ code: 'custom', path: ['parameters', i, 'path'], input: p.path, message: 'a path not set by another parameter' });
      seen.add(p.path);
      if (!(p.lower <= p.upper)) ctx.addIssue({ code: 'custom', path: ['parameters', i, 'upper'], input: p.upper, message: `a number >= lower (${p.lower})` });
    });
    if (c.metric === 'evaluations-to-target' && c.target === undefined) ctx.addIssue({ code: 'custom', path: ['target'], input: undefined, message: "a target weighted fitness with metric 'evaluations-to-target'" });
  });

export type ExperimentOptimizeeConfig = z.output<typeof experimentOptimizeeSchema>;

/** `over` merged into `base`: mappings key by key, anything else replaced. A new object. */
export function merged(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(base);
  const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  for (const [k, v] of Object.entries(over)) out[k] = isMap(v) && isMap(out[k]) ? merged(out[k] as Record<string, unknown>, v) : structuredClone(v);
  return out;
}

/** The inner experiment of one outer individual (for variant `variant`): the template with the individual's values set. */
export function innerExperiment(cfg: ExperimentOptimizeeConfig, space: Space, x: ArrayLike<number>, variant = 0): Record<string, unknown> {
  const inner = merged(cfg.inner as Record<string, unknown>, cfg.variants[variant] ?? {});
  const byPath = new Map(cfg.parameters.map((p) => [p.path, p]));
  // every parameter is a scalar: the k-th parameter is x[k]
  space.params.forEach((p, k) => {
    const spec = byPath.get(p.name)!;
    const value = spec.integer ? Math.round(x[k]) : x[k];
    const keys = p.name.split('.');
    let node = inner;
    for (const key of keys.slice(0, -1)) {
      if (node[key] === undefined || node[key] === null || typeof node[key] !== 'object') node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys.at(-1)!] = value;
  });
  return inner;
}

export class ExperimentOptimizee implements Optimizee {
  readonly space: Space;
  readonly weights: readonly number[];

  constructor(readonly cfg: ExperimentOptimizeeConfig) {
    this.space = new Space(cfg.parameters.map((p) => ({ name: p.path, length: null, lower: p.lower, upper: p.upper })));
    this.weights = cfg.metric === 'evaluations-to-target' ? [-1] : [1];
  }

  evaluate(): EvalOutput {
    throw new Error('an experiment optimizee is evaluated by running its inner experiment on a group of ranks (the run command does), not through this object');
  }
}

export const experimentOptimizee: OptimizeeFactory<typeof experimentOptimizeeSchema> = {
  type: 'experiment',
  description: 'Learning to learn: an individual sets hyper-parameters of an inner experiment, which runs to its end on a group of ranks; its fitness is a metric of that run',
  schema: experimentOptimizeeSchema,
  create: (cfg) => new ExperimentOptimizee(cfg),
};
