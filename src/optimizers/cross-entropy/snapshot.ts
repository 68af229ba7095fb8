/**
 * The cross-entropy core's checkpoint as plain data. No random state and no population: every
 * generation's draws come from streams derived from (seed, 'cross-entropy', generation, purpose), so
 * the generation counter, the temperature and the distribution's parameters are the whole state.
 */
import type { DistributionState } from '../shared/distributions/state.js';
import { checkCounters } from '../shared/distributions/snapshot-counters.js';

export interface CeSnapshot {
  type: 'cross-entropy';
  version: 1;
  /** The generation in progress: asked, or about to be. */
  generation: number;
  temperature: number;
  distribution: DistributionState;
}

/** Checks the envelope; the distribution's own shape is checked when it is restored. */
export function decodeCeSnapshot(raw: unknown): { generation: number; temperature: number; distribution: unknown } {
  const s = raw as Partial<CeSnapshot> | null;
  if (s === null || typeof s !== 'object' || s.type !== 'cross-entropy' || s.version !== 1) {
    throw new TypeError('cross-entropy snapshot: not a version-1 cross-entropy snapshot');
  }
  return { ...checkCounters(s, 'cross-entropy'), distribution: s.distribution };
}
