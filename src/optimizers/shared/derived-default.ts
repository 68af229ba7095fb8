/**
 * Defaults that depend on other keys, e.g. the GA's tourn_size, min(15, pop_size). A fixed default
 * could make a valid choice of the other key invalid (pop_size 8 against a tourn_size of 15 the user
 * never wrote), so such a key is optional in the input and filled in by its schema's transform, after
 * validation, from the validated values: the resolved configuration (run --dry-run, config.json)
 * shows the number, and the docs and `list` show the rule. Shared by every optimizer with such a key
 * (ga, async-evolution, cross-entropy, face, enkf, parallel-tempering).
 */
import type { z } from 'zod';

/** `schema` as a key whose default `rule` (a formula over other keys, as the docs show it) fills in. */
export function derivedDefault<T extends z.ZodType>(schema: T, rule: string): z.ZodOptional<T> {
  return schema.optional().meta({ derivedDefault: rule });
}

/**
 * `resolved` with its keys in `shape`'s order: zod gives every other key in that order, and a key
 * filled in by a transform would otherwise come last in config.json and the dry run.
 */
export function inShapeOrder<T extends object>(shape: object, resolved: T): T {
  const from = resolved as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(shape)) if (k in from) out[k] = from[k];
  for (const k of Object.keys(from)) if (!(k in out)) out[k] = from[k];
  return out as T;
}
