/**
 * Reads an experiment file (YAML or JSON), validates it once, and resolves defaults. Every problem
 * becomes a ConfigError whose message is one line naming the key, the value received and what was
 * expected.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { experimentSchema, type ResolvedExperiment } from '../experiment/config.js';
import { getOptimizee, listOptimizees } from '../optimizees/registry.js';
import { experimentOptimizee, innerExperiment } from '../optimizees/experiment/index.js';
import { isEmbedded, isExternal, type SpaceQuery } from '../optimizees/python/external.js';
import { getOptimizer, listOptimizers } from '../optimizers/registry.js';
import { didYouMean, formatIssue } from './format-issue.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function readExperimentFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`${path}: cannot read the experiment file (${code === 'ENOENT' ? 'no such file' : code ?? String(err)})`, { cause: err });
  }
  try {
    return path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    const msg = (err as Error).message.split('\n')[0];
    throw new ConfigError(`${path}: not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'}: ${msg}`, { cause: err });
  }
}

function check<S extends z.ZodType>(schema: S, value: unknown, prefix: string, file: string): z.output<S> {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const extra = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more problem${r.error.issues.length > 2 ? 's' : ''})` : '';
  throw new ConfigError(`${file}: ${formatIssue(r.error.issues[0], schema, prefix)}${extra}`);
}

function lookup<T>(kind: string, type: string, known: string[], get: (t: string) => T, file: string): T {
  if (!known.includes(type)) {
    throw new ConfigError(`${file}: ${kind}.type: got ${JSON.stringify(type)}, expected one of ${known.join(', ')}${didYouMean(type, known)}`);
  }
  return get(type);
}

/** Validates a parsed experiment; `seedOverride` is --seed. */
export function resolveExperiment(raw: unknown, file: string, seedOverride?: number): ResolvedExperiment {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(`${file}: expected a mapping of keys (name, seed, optimizer, optimizee, stop), got ${raw === null ? 'nothing' : Array.isArray(raw) ? 'a list' : typeof raw}`);
  }
  const top = check(experimentSchema, raw, '', file);
  const { type: optType, ...optRest } = top.optimizer;
  const optimizer = lookup('optimizer', optType, listOptimizers().map((f) => f.type), getOptimizer, file);
  const optParams = check(optimizer.schema, optRest, 'optimizer', file) as Record<string, unknown>;

  const { type: oeType, weights, ...oeRest } = top.optimizee as { type: string; weights?: unknown };
  const optimizee = lookup('optimizee', oeType, listOptimizees().map((f) => f.type), getOptimizee, file);
  const oeParams = check(optimizee.schema, oeRest, 'optimizee', file) as Record<string, unknown>;
  if (isExternal(optimizee) && !isEmbedded(optimizee) && top.evaluation.isolation !== 'process') {
    throw new ConfigError(`${file}: evaluation.isolation: got ${JSON.stringify(top.evaluation.isolation)}, expected process: the ${oeType} optimizee runs in a child process of each worker (set evaluation.isolation: process)`);
  }
  const timeout = top.evaluation.timeout_seconds;
  if (top.evaluation.isolation === 'in-process' && timeout !== undefined && !isEmbedded(optimizee)) {
    throw new ConfigError(`${file}: evaluation.timeout_seconds: got ${timeout}, expected no timeout with isolation: in-process (a ${oeType} simulation inside the worker cannot be stopped); set isolation: process`);
  }
  const query = isExternal(optimizee) ? optimizee.spaceQuery?.(oeParams) : null;
  if (query) oeParams.parameters = askSpace(query, file);
  const w = weights === undefined ? undefined : check(z.array(z.number().refine(Number.isFinite, 'a finite number')).min(1), weights, 'optimizee.weights', file);

  const resolved: ResolvedExperiment = {
    name: top.name,
    seed: seedOverride ?? top.seed ?? randomInt(0, 2 ** 31),
    optimizer: { type: optType, ...optParams },
    optimizee: { type: oeType, ...oeParams, ...(w ? { weights: w } : {}) },
    stop: top.stop,
    dispatch: top.dispatch,
    evaluation: top.evaluation,
    checkpoint: top.checkpoint,
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
  if (oeType === 'experiment') checkInner(resolved, file);
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
 * An experiment optimizee's inner experiment must be valid wherever its parameters land: resolved here
 * at both corners of the box (a typo in the template is one line now, not a failure per individual).
 */
function checkInner(outer: ResolvedExperiment, file: string): void {
  const cfg = experimentOptimizee.schema.parse(Object.fromEntries(Object.entries(outer.optimizee).filter(([k]) => k !== 'type' && k !== 'weights')));
  if (cfg.inner.optimizee.type === 'experiment') throw new ConfigError(`${file}: optimizee.inner.optimizee.type: got "experiment", expected a simulation: one level of nesting (an inner experiment cannot run experiments itself)`);
  const space = experimentOptimizee.create(cfg).space;
  for (let v = 0; v < cfg.variants.length; v++) {
    for (const corner of [space.lower, space.upper]) {
      try {
        resolveExperiment({ name: `${outer.name}.inner`, seed: 1, ...innerExperiment(cfg, space, corner, v) }, file);
      } catch (err) {
        const where = `with every parameter at its ${corner === space.lower ? 'lower' : 'upper'} bound${cfg.variants.length > 1 ? `, variant ${v}` : ''}`;
        throw new ConfigError(`${file}: optimizee.inner (${where}): ${(err as Error).message.replace(`${file}: `, '')}`, { cause: err });
      }
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

export function loadExperiment(path: string, seedOverride?: number): ResolvedExperiment {
  return resolveExperiment(readExperimentFile(path), path, seedOverride);
}
