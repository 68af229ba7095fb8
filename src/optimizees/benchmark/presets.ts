/**
 * The reference's fifteen benchmark presets ("BenchmarkedFunctions"), in its order, with its parameters.
 */
import { z } from 'zod';
import type { FunctionSpec } from './catalog.js';

export interface Preset {
  dims: number;
  functions: FunctionSpec[];
}

const GAUSS_A: FunctionSpec = { function: 'gaussian', sigma: [[1.5, 0.1], [0.1, 0.3]], mean: [-1, -1] };
const GAUSS_B: FunctionSpec = { function: 'gaussian', sigma: [[0.25, 0.3], [0.3, 1]], mean: [1, 1] };
const GAUSS_C: FunctionSpec = { function: 'gaussian', sigma: [[0.5, 0.25], [0.25, 1.3]], mean: [2, -2] };

const one = (dims: number, spec: FunctionSpec): Preset => ({ dims, functions: [spec] });

/** Fresh copies each call, so a caller that edits a preset's arrays cannot change the next one. */
function presetTable(): Record<string, Preset> {
  const copy = <T>(v: T): T => structuredClone(v);
  return {
    Rastrigin2d: one(2, { function: 'rastrigin' }),
    Rastrigin10d: one(10, { function: 'rastrigin' }),
    Rosenbrock2d: one(2, { function: 'rosenbrock' }),
    Rosenbrock10d: one(10, { function: 'rosenbrock' }),
    Ackley2d: one(2, { function: 'ackley' }),
    Ackley10d: one(10, { function: 'ackley' }),
    Chasm: one(2, { function: 'chasm' }),
    Gauss2d: one(2, copy(GAUSS_A)),
    Shekel2d: one(2, { function: 'shekel', A: 'default', c: 'default' }),
    Langermann2d: one(2, { function: 'langermann', A: 'default', c: 'default' }),
    Michalewicz2d: one(2, { function: 'michalewicz', m: 'default' }),
    Permutation2d: one(2, { function: 'permutation', beta: 0.005 }),
    Easom2d: one(2, { function: 'easom' }),
    Easom10d: one(10, { function: 'easom' }),
    '3Gaussians2d': { dims: 2, functions: [GAUSS_A, GAUSS_B, GAUSS_C].map(copy) },
  };
}

export const PRESET_NAMES = Object.keys(presetTable()) as [string, ...string[]];

const byLowerName = new Map(PRESET_NAMES.map((n) => [n.toLowerCase(), n]));

/** A preset name, matched case-insensitively and returned in its canonical spelling. */
export const presetNameSchema = z.preprocess(
  (v) => (typeof v === 'string' ? (byLowerName.get(v.toLowerCase()) ?? v) : v),
  z.enum(PRESET_NAMES),
);

export function getPreset(name: string): Preset {
  const canonical = byLowerName.get(name.toLowerCase());
  if (canonical === undefined) throw new RangeError(`unknown benchmark preset '${name}'; expected one of ${PRESET_NAMES.join(', ')}`);
  return presetTable()[canonical];
}
