/**
 * The experiment optimizee: learning to learn. An individual holds hyper-parameters of an inner
 * experiment (its optimizer's hyper-parameters, its optimizee's settings, its budget), named by their
 * path in the inner experiment (`optimizer.pop_size`); evaluating it runs that inner experiment to its
 * end on a group of ranks of its own and returns a metric of the inner run.
 *
 * Its execution is a group one: this folder says which inner runs an individual is (one per variant and
 * repeat, each with a seed of its own) and what they are worth (the metric); the worker ranks run them
 * (src/experiment/execution/group.ts), each group of `ranks` ranks with its own optimizer, several
 * groups at once.
 */
import { z } from 'zod';
import type { Execution, GroupPlan, GroupRow, InnerOutcome, InnerRun, Optimizee, OptimizeeFactory } from '../../core/optimizee.js';
import { Space } from '../../core/space.js';
import { hashSeed } from '../../math/rng.js';

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
}

/**
 * What an inner run is worth (its fitness to the outer optimizer): 'best' its best weighted fitness;
 * 'mean-best-so-far' the mean over its evaluations of the best so far (before the first success, the
 * first success's value: failing early is not paid for); 'evaluations-to-target' how many it took.
 */
export function innerMetric(cfg: ExperimentOptimizeeConfig, o: InnerOutcome): number {
  if (cfg.metric === 'best') {
    if (o.best === null) throw new Error(`the inner run in ${o.dir} has no successful evaluation`);
    return o.best;
  }
  const w = o.weighted;
  let best = -Infinity;
  if (cfg.metric === 'evaluations-to-target') {
    for (let n = 0; n < w.length; n++) {
      if (!Number.isNaN(w[n]) && w[n] > best) best = w[n];
      if (best >= cfg.target!) return n + 1;
    }
    return w.length + 1;
  }
  const first = w.find((v) => !Number.isNaN(v));
  if (first === undefined) throw new Error(`the inner run in ${o.dir} has no successful evaluation`);
  best = first;
  let sum = 0;
  for (const v of w) {
    if (!Number.isNaN(v) && v > best) best = v;
    sum += best;
  }
  return sum / w.length;
}

/** The inner runs of one outer individual, their worth, and what to validate beforehand. */
export function experimentPlan(cfg: ExperimentOptimizeeConfig): GroupPlan {
  const space = new ExperimentOptimizee(cfg).space;
  const single = cfg.variants.length === 1 && cfg.repeats === 1;
  return {
    // one inner run per variant and repeat, in g<generation>-i<index>/ (v<v>-r<r>/ when there are several)
    runs(x: Float64Array, row: GroupRow): InnerRun[] {
      const base = `inner/g${row.generation}-i${row.index}`;
      const runs: InnerRun[] = [];
      for (let v = 0; v < cfg.variants.length; v++) {
        for (let rep = 0; rep < cfg.repeats; rep++) {
          const seed = single ? row.seed : hashSeed(row.seed, 'inner', v, rep);
          const name = `${row.name}.g${row.generation}.i${row.index}${single ? '' : `.v${v}.r${rep}`}`;
          runs.push({ dir: single ? base : `${base}/v${v}-r${rep}`, experiment: { name, seed, ...innerExperiment(cfg, space, x, v) } });
        }
      }
      return runs;
    },
    // the mean of the inner runs' metrics
    fitness: (outcomes) => [outcomes.reduce((s, o) => s + innerMetric(cfg, o), 0) / outcomes.length],
    // every variant at both corners of the box: a typo in the template is one line, not a failure per individual
    checks() {
      const out: Array<{ where: string; experiment: Record<string, unknown> }> = [];
      for (let v = 0; v < cfg.variants.length; v++) {
        for (const [corner, x] of [['lower', space.lower], ['upper', space.upper]] as const) {
          out.push({
            where: `with every parameter at its ${corner} bound${cfg.variants.length > 1 ? `, variant ${v}` : ''}`,
            experiment: { name: 'inner', seed: 1, ...innerExperiment(cfg, space, x, v) },
          });
        }
      }
      return out;
    },
  };
}

export const experimentOptimizee: OptimizeeFactory<typeof experimentOptimizeeSchema> = {
  type: 'experiment',
  description: 'Learning to learn: an individual sets hyper-parameters of an inner experiment, which runs to its end on a group of ranks; its fitness is a metric of that run',
  schema: experimentOptimizeeSchema,
  create: (cfg) => new ExperimentOptimizee(cfg),
  execution: (cfg): Execution => ({ kind: 'group', ranks: cfg.ranks, plan: experimentPlan(cfg) }),
};
