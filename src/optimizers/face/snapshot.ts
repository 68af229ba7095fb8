/**
 * FACE's checkpoint as plain data. No random state and no population (streams are derived per
 * generation); the previous generation's best and gamma may be -Infinity, so they travel encoded.
 */
import { checkCounters } from '../shared/distributions/snapshot-counters.js';
import { decodeNumber, encodeNumber, type EncodedNumber } from '../shared/distributions/selection.js';
import type { DistributionState } from '../shared/distributions/state.js';

export interface FaceState {
  /** The generation in progress: asked, or about to be. */
  generation: number;
  temperature: number;
  /** The sample size of the generation in progress. */
  popSize: number;
  /** The last told generation's best and gamma, which the next one must beat. */
  previousBest: number;
  previousGamma: number;
  /** FACE's stop reason after the last tell, or null. */
  stopped: string | null;
}

export interface FaceSnapshot {
  type: 'face';
  version: 1;
  generation: number;
  temperature: number;
  pop_size: number;
  previous_best: EncodedNumber;
  previous_gamma: EncodedNumber;
  stopped: string | null;
  distribution: DistributionState;
}

export function encodeFaceSnapshot(s: FaceState, distribution: DistributionState): FaceSnapshot {
  return {
    type: 'face', version: 1, generation: s.generation, temperature: s.temperature, pop_size: s.popSize,
    previous_best: encodeNumber(s.previousBest), previous_gamma: encodeNumber(s.previousGamma), stopped: s.stopped, distribution,
  };
}

/** Checks the envelope against this run's sample-size bounds; the distribution is checked when restored. */
export function decodeFaceSnapshot(raw: unknown, minPop: number, maxPop: number): { state: FaceState; distribution: unknown } {
  const s = raw as Partial<FaceSnapshot> | null;
  if (s === null || typeof s !== 'object' || s.type !== 'face' || s.version !== 1) throw new TypeError('face snapshot: not a version-1 FACE snapshot');
  const counters = checkCounters(s, 'face');
  const n = s.pop_size;
  if (!Number.isInteger(n) || (n as number) < minPop || (n as number) > maxPop) {
    throw new TypeError(`face snapshot: pop_size ${String(n)} is outside [min_pop_size, max_pop_size] = [${minPop}, ${maxPop}]`);
  }
  if (s.stopped !== null && typeof s.stopped !== 'string') throw new TypeError('face snapshot: stopped must be a string or null');
  return {
    state: {
      ...counters, popSize: n as number, stopped: s.stopped ?? null,
      previousBest: decodeNumber(s.previous_best, 'face snapshot: previous_best'),
      previousGamma: decodeNumber(s.previous_gamma, 'face snapshot: previous_gamma'),
    },
    distribution: s.distribution,
  };
}
