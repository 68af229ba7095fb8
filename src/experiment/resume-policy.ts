/**
 * What a resumed run (run --resume DIR EXPERIMENT.yaml) may change of the experiment it continues.
 */
import type { ResolvedExperiment } from './config.js';

/**
 * Keys of the experiment a resumed run may change: the budget, how work is dispatched, how often
 * checkpoints are taken and how simulations are contained (a timeout added after a hang, say).
 * Anything else would make the resumed run a different experiment (or replay differently).
 */
export const SAFE_TO_CHANGE = ['stop', 'dispatch', 'checkpoint', 'evaluation.isolation', 'evaluation.timeout_seconds', 'evaluation.memory_mb'] as const;

/** What differs between two resolved experiments outside the safe keys, as "key: was A, now B". */
export function unsafeChanges(before: ResolvedExperiment, after: ResolvedExperiment): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (SAFE_TO_CHANGE.includes(path as (typeof SAFE_TO_CHANGE)[number])) return;
    const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (isObj(a) && isObj(b)) {
      const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
      for (const k of [...keys].sort()) walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k);
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path}: was ${JSON.stringify(a) ?? 'absent'}, now ${JSON.stringify(b) ?? 'absent'}`);
  };
  walk(before, after, '');
  return out;
}
