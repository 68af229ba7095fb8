/**
 * The rank groups of a job whose optimizee's execution is a group one (learning to learn: each
 * individual a whole inner experiment on a group of ranks; src/experiment/execution/group.ts runs them).
 *
 * Under mpirun the world is laid out as rank 0 (the outer optimizer) and groups of `optimizee.ranks`
 * consecutive ranks. Each group's first rank is an outer worker (a "leader"): for each individual it
 * receives, it runs the inner experiment as that experiment's rank 0, on its group's communicator,
 * whose other ranks ("members") serve as the inner workers of one inner experiment after another.
 * Several inner experiments thus run at once, one per group, and the groups are reused between outer
 * generations. Alone (no mpirun), inner experiments run in the process, one after another.
 *
 * Inner runs are ordinary runs in the outer results directory (config, journal, trajectory, summary,
 * run.log, checkpoints). When the outer run is resumed, an inner run of the very same inner experiment
 * that had completed is reused and one that had started resumes from its checkpoint, so resuming the
 * outer run resumes the inner runs it had in flight, inside it (src/experiment/execution/group.ts).
 */
import { executionOf } from '../core/optimizee.js';
import { getOptimizee } from '../optimizees/registry.js';
import { UsageError } from './exit-codes.js';

/** Where this process stands in a nested job. */
export type NestedRole = { kind: 'outer' } | { kind: 'leader'; group: number } | { kind: 'member'; group: number };

export interface NestedLayout {
  groupSize: number;
  groups: number;
}

/**
 * Ranks per inner experiment, from the outer experiment's raw file (null when its optimizee's execution
 * is not a group one, or the file does not validate: rank 0 then says why once MPI is up).
 */
export function innerRanks(raw: unknown): number | null {
  const o = (raw as { optimizee?: Record<string, unknown> } | null)?.optimizee;
  if (!o || typeof o.type !== 'string') return null;
  let factory;
  try {
    factory = getOptimizee(o.type);
  } catch {
    return null;
  }
  const { type: _type, weights: _weights, ...rest } = o;
  const parsed = factory.schema.safeParse(rest);
  if (!parsed.success) return null;
  const e = executionOf(factory, parsed.data as Record<string, unknown>);
  return e.kind === 'group' ? e.ranks : null;
}

/** The groups of a nested job of `worldSize` ranks; throws UsageError when they do not fit. */
export function nestedLayout(groupSize: number, worldSize: number): NestedLayout {
  const rest = worldSize - 1;
  if (rest < groupSize || rest % groupSize !== 0) {
    const fits = [1, 2, 3].map((g) => 1 + g * groupSize).join(', ');
    throw new UsageError(`a nested experiment needs rank 0 for the outer optimizer and groups of optimizee.ranks (${groupSize}) for the inner experiments: start mpirun with ${fits}... ranks, not ${worldSize}`);
  }
  return { groupSize, groups: rest / groupSize };
}

export function nestedRole(layout: NestedLayout, worldRank: number): NestedRole {
  if (worldRank === 0) return { kind: 'outer' };
  const group = Math.floor((worldRank - 1) / layout.groupSize);
  return (worldRank - 1) % layout.groupSize === 0 ? { kind: 'leader', group } : { kind: 'member', group };
}
