/**
 * A search distribution as plain data (for snapshots and the generation record) and its validation
 * on the way back. Every value in it is finite, so JSON and msgpack both carry it exactly. Shared by
 * cross-entropy's and FACE's snapshots.
 */
import type { Component } from './mixture-em.js';

export interface DistributionState {
  components: { weight: number; mean: number[]; /** d x d, row-major */ cov: number[] }[];
  /** Per component, the variance the last fit added to the diagonal; null for a distribution without noise. */
  noise: number[][] | null;
  /** The noise magnitude the next fit will draw with; null for a distribution without noise. */
  noise_magnitude: number | null;
}

export function encodeDistribution(comps: readonly Component[], noise: readonly Float64Array[] | null, magnitude: number | null): DistributionState {
  return {
    components: comps.map((c) => ({ weight: c.weight, mean: Array.from(c.mean), cov: Array.from(c.cov) })),
    noise: noise ? noise.map((v) => Array.from(v)) : null,
    noise_magnitude: magnitude,
  };
}

function fail(what: string): never {
  throw new TypeError(`distribution snapshot: ${what}`);
}

function finite(v: unknown, what: string, length: number): Float64Array {
  if (!Array.isArray(v) || v.length !== length) fail(`${what} must be an array of ${length} numbers`);
  return Float64Array.from(v, (e: unknown) => (typeof e === 'number' && Number.isFinite(e) ? e : fail(`${what} holds a non-finite or non-number value`)));
}

/** Rebuilds the components, checking they fit this distribution's shape (k components in dim dimensions). */
export function decodeDistribution(raw: unknown, k: number, dim: number, noisy: boolean): { components: Component[]; noise: Float64Array[] | null; magnitude: number | null } {
  const s = raw as Partial<DistributionState> | null;
  if (s === null || typeof s !== 'object' || !Array.isArray(s.components)) fail('components must be an array');
  if (s.components.length !== k) fail(`holds ${s.components.length} components but the distribution has ${k}`);
  const components = s.components.map((c, j) => {
    const weight = (c as { weight?: unknown })?.weight;
    if (typeof weight !== 'number' || !(weight >= 0 && weight <= 1)) fail(`components[${j}].weight must be a number in [0, 1]`);
    const mean = finite(c?.mean, `components[${j}].mean`, dim);
    const cov = finite(c?.cov, `components[${j}].cov`, dim * dim);
    for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) if (cov[a * dim + b] !== cov[b * dim + a]) fail(`components[${j}].cov is not symmetric`);
    return { weight, mean, cov };
  });
  if (!noisy) {
    if (s.noise !== null || s.noise_magnitude !== null) fail('a distribution without noise stores noise: null and noise_magnitude: null');
    return { components, noise: null, magnitude: null };
  }
  const m = s.noise_magnitude;
  if (typeof m !== 'number' || !(m >= 0 && Number.isFinite(m))) fail('noise_magnitude must be a finite number >= 0');
  if (!Array.isArray(s.noise) || s.noise.length !== k) fail(`noise must hold one array per component (${k})`);
  return { components, noise: s.noise.map((v, j) => finite(v, `noise[${j}]`, dim)), magnitude: m };
}
