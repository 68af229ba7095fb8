/**
 * Validation and defaults of an experiment, once, at the boundary: the top level, the optimizer's and
 * the optimizee's own keys (each registered factory declares its schema), and what only the
 * combination can tell (the optimizer's mode against the budget, the execution against the
 * evaluation settings, inner experiments). Every problem becomes a ConfigError whose message is one
 * line naming the key, the value received and what was expected; where the keys have several
 * problems, one such line each (the first also names the file and how many more follow, the others
 * indented below it).
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import { cancellableInProcess, executionOf, isolable, type OptimizeeFactory, type SpaceQuery } from '../core/optimizee.js';
import type { OptimizerFactory } from '../core/optimizer.js';
import { getOptimizee, listOptimizees } from '../optimizees/registry.js';
import { getOptimizer, listOptimizers } from '../optimizers/registry.js';
import { experimentSchema, type ResolvedExperiment } from './config.js';
import { didYouMean, formatIssue } from './format-issue.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Checked<T> = { ok: true; data: T } | { ok: false };

/** `value` through `schema`; each problem it finds (each unknown key its own) is added to `problems` as a line. */
function validate<S extends z.ZodType>(schema: S, value: unknown, prefix: string, problems: string[]): Checked<z.output<S>> {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return { ok: true, data: r.data };
  const issues = r.error.issues.flatMap((i): z.core.$ZodIssue[] => (i.code === 'unrecognized_keys' ? i.keys.map((k) => ({ ...i, keys: [k] })) : [i]));
  for (const line of issues.map((i) => formatIssue(i, schema, prefix))) if (!problems.includes(line)) problems.push(line);
  return { ok: false };
}

/**
 * Every problem found, as one ConfigError: the first line names the file (and how many more follow),
 * each further problem on a line of its own, indented, so that fixing a file takes one round, not one
 * per mistake.
 */
function refuse(file: string, problems: readonly string[]): never {
  const [first, ...more] = problems;
  const extra = more.length > 0 ? ` (and ${more.length} more problem${more.length > 1 ? 's' : ''})` : '';
  throw new ConfigError([`${file}: ${first}${extra}`, ...more.map((m) => `  ${m}`)].join('\n'));
}

function check<S extends z.ZodType>(schema: S, value: unknown, prefix: string, file: string): z.output<S> {
  const problems: string[] = [];
  const r = validate(schema, value, prefix, problems);
  if (!r.ok) refuse(file, problems);
  return r.data;
}

function lookup<T>(kind: string, type: string, known: string[], get: (t: string) => T, problems: string[]): T | undefined {
  if (!known.includes(type)) {
    problems.push(`${kind}.type: got ${JSON.stringify(type)}, expected one of ${known.join(', ')}${didYouMean(type, known)}`);
    return undefined;
  }
  return get(type);
}

type Section = { type: string } & Record<string, unknown>;

/** The optimizer or optimizee mapping as the file gives it, when it has a type: checked even when other keys are wrong. */
function sectionOf(raw: object, key: 'optimizer' | 'optimizee'): Section | undefined {
  const s = (raw as Record<string, unknown>)[key];
  return s !== null && typeof s === 'object' && !Array.isArray(s) && typeof (s as { type?: unknown }).type === 'string' ? (s as Section) : undefined;
}

/** Validates a parsed experiment; `seedOverride` is --seed. */
export function resolveExperiment(raw: unknown, file: string, seedOverride?: number, opts: { inner?: boolean } = {}): ResolvedExperiment {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${file}: expected a mapping of keys (name, seed, optimizer, optimizee, stop), got ${raw === null ? 'nothing' : Array.isArray(raw) ? 'a list' : typeof raw}`);
  }
  // the top level, the optimizer's and the optimizee's keys are checked together: every problem at once
  const problems: string[] = [];
  const top = validate(experimentSchema, raw, '', problems);
  const opt = sectionOf(raw, 'optimizer');
  let optimizer: OptimizerFactory | undefined;
  let optParams: Record<string, unknown> | undefined;
  if (opt) {
    const { type, ...rest } = opt;
    optimizer = lookup('optimizer', type, listOptimizers().map((f) => f.type), getOptimizer, problems);
    const r = optimizer && validate(optimizer.schema, rest, 'optimizer', problems);
    if (r?.ok) optParams = r.data as Record<string, unknown>;
  }
  const oe = sectionOf(raw, 'optimizee');
  let optimizee: OptimizeeFactory | undefined;
  let oeParams: Record<string, unknown> | undefined;
  let w: number[] | undefined;
  if (oe) {
    const { type, weights, ...rest } = oe;
    optimizee = lookup('optimizee', type, listOptimizees().map((f) => f.type), getOptimizee, problems);
    const r = optimizee && validate(optimizee.schema, rest, 'optimizee', problems);
    if (r?.ok) oeParams = r.data as Record<string, unknown>;
    if (weights !== undefined) {
      const rw = validate(z.array(z.number().refine(Number.isFinite, 'a finite number')).min(1), weights, 'optimizee.weights', problems);
      if (rw.ok) w = rw.data;
    }
  }
  if (!top.ok || !opt || !optimizer || !optParams || !oe || !optimizee || !oeParams || problems.length > 0) refuse(file, problems);
  const optType = opt.type;
  const oeType = oe.type;
  const { evaluation } = top.data;
  const execution = executionOf(optimizee, oeParams);
  if (execution.kind === 'process' && evaluation.isolation !== 'process') {
    throw new ConfigError(`${file}: evaluation.isolation: got ${JSON.stringify(evaluation.isolation)}, expected process: the ${oeType} optimizee runs in a child process of each worker (set evaluation.isolation: process)`);
  }
  if (evaluation.isolation === 'process' && !isolable(execution)) {
    throw new ConfigError(`${file}: evaluation.isolation: got "process", expected in-process: the ${oeType} optimizee runs inner experiments on groups of ranks, not in a child process`);
  }
  if (execution.kind === 'group' && opts.inner) {
    throw new ConfigError(`${file}: optimizee.type: got ${JSON.stringify(oeType)}, expected a simulation: one level of nesting (an inner experiment cannot run experiments itself)`);
  }
  const timeout = evaluation.timeout_seconds;
  if (evaluation.isolation === 'in-process' && timeout !== undefined && !cancellableInProcess(execution)) {
    throw new ConfigError(`${file}: evaluation.timeout_seconds: got ${timeout}, expected no timeout with isolation: in-process (a ${oeType} simulation inside the worker cannot be stopped); set isolation: process`);
  }
  const query = optimizee.spaceQuery?.(oeParams);
  if (query) oeParams.parameters = askSpace(query, file);

  const resolved: ResolvedExperiment = {
    name: top.data.name,
    seed: seedOverride ?? top.data.seed ?? randomInt(0, 2 ** 31),
    optimizer: { type: optType, ...optParams },
    optimizee: { type: oeType, ...oeParams, ...(w ? { weights: w } : {}) },
    stop: top.data.stop,
    dispatch: top.data.dispatch,
    evaluation,
    checkpoint: top.data.checkpoint,
  };
  // Building the model once here catches what only construction can check (data files, dimensions).
  let mode: string;
  let oeWeights: readonly number[];
  try {
    const model = optimizee.create(resolved.optimizee);
    oeWeights = model.weights;
    mode = optimizer.create(resolved.optimizer, { space: model.space, weights: w ?? model.weights, seed: resolved.seed }).mode;
  } catch (err) {
    throw new ConfigError(`${file}: ${(err as Error).message.split('\n')[0]}`, { cause: err });
  }
  if (execution.kind === 'group') checkInner(executionOf(optimizee, resolved.optimizee), file);
  const penalty = resolved.evaluation.penalty;
  if (penalty && penalty.length !== (w ?? oeWeights).length) {
    throw new ConfigError(`${file}: evaluation.penalty: got ${penalty.length} value${penalty.length === 1 ? '' : 's'}, expected one per objective (${(w ?? oeWeights).length})`);
  }
  if (mode === 'steady-state' && resolved.stop.generations !== undefined) {
    throw new ConfigError(`${file}: stop.generations: got ${resolved.stop.generations}, expected no generations budget: '${optType}' is asynchronous (no generations); use stop.evaluations or stop.seconds`);
  }
  if (mode === 'steady-state' && resolved.stop.evaluations === undefined && resolved.stop.seconds === undefined) {
    throw new ConfigError(`${file}: stop: '${optType}' is asynchronous: give stop.evaluations or stop.seconds`);
  }
  return resolved;
}

/**
 * The inner experiments a group execution runs must be valid wherever its parameters land: its plan
 * names what to resolve now (the box's corners, each variant), so a typo in the template is one line
 * here, not a failure per individual.
 */
function checkInner(execution: ReturnType<typeof executionOf>, file: string): void {
  if (execution.kind !== 'group') return;
  for (const { where, experiment } of execution.plan.checks()) {
    try {
      resolveExperiment(experiment, file, undefined, { inner: true });
    } catch (err) {
      throw new ConfigError(`${file}: optimizee.inner (${where}): ${(err as Error).message.replace(`${file}: `, '')}`, { cause: err });
    }
  }
}

/** The parameter space a model declares itself (a Python module's PARAMETERS), asked of its program. */
function askSpace(q: SpaceQuery, file: string): unknown {
  const r = spawnSync(q.command, q.args, { input: q.input, encoding: 'utf8', timeout: 120_000, maxBuffer: 16 << 20 });
  if (r.error) throw new ConfigError(`${file}: optimizee.parameters: not given, and ${q.label} could not be asked for them: ${q.command}: ${r.error.message}`);
  let reply: { parameters?: unknown; error?: string; detail?: string };
  try {
    reply = JSON.parse(r.stdout) as typeof reply;
  } catch {
    const why = r.stderr.trim().split('\n').at(-1) ?? '';
    throw new ConfigError(`${file}: optimizee.parameters: not given, and ${q.label} could not be asked for them (${q.command} exited with ${r.status ?? r.signal}${why ? `: ${why}` : ''})`);
  }
  if (reply.error !== undefined) throw new ConfigError(`${file}: optimizee.parameters: not given, and ${reply.error}`, { cause: reply.detail ? new Error(reply.detail) : undefined });
  return reply.parameters;
}
