/**
 * The function generator: a sum of benchmark functions over one box, with optional additive noise.
 */
import { Rng } from '../../math/rng.js';
import { buildFunction, functionBounds, type FunctionSpec } from './catalog.js';
import type { BenchFn } from './functions.js';

export interface NoiseConfig {
  mean: number;
  sigma: number;
}

/**
 * The box of a sum, as the reference computes it: the lowest of the functions' lower bounds and the
 * highest of their upper bounds (the union, not the intersection, so every summand's optimum is inside).
 */
export function sumBounds(functions: readonly FunctionSpec[], dims: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const f of functions) {
    const [l, h] = functionBounds(f, dims);
    lo = Math.min(lo, l);
    hi = Math.max(hi, h);
  }
  return [lo, hi];
}

export class FunctionGenerator {
  readonly bounds: [number, number];
  /** The noise-free value of the sum at x. */
  readonly value: BenchFn;

  constructor(
    readonly functions: readonly FunctionSpec[],
    readonly dims: number,
    bounds?: [number, number],
    readonly noise?: NoiseConfig,
  ) {
    if (functions.length === 0) throw new RangeError('a function generator needs at least one function');
    if (!Number.isInteger(dims) || dims < 1) throw new RangeError(`dims must be a positive integer, got ${dims}`);
    this.bounds = bounds ?? sumBounds(functions, dims);
    const fns = functions.map((f) => buildFunction(f, dims));
    this.value = fns.length === 1 ? fns[0] : sumOf(fns);
  }

  /**
   * The value plus noise N(mean, sigma), drawn from a stream keyed by the individual's seed alone,
   * so re-evaluating an individual reproduces its value on any rank. (The reference draws from one
   * generator per optimizee, so its noise depends on the order of evaluation.)
   */
  evaluate(x: Float64Array, seed: number): number {
    const v = this.value(x);
    const n = this.noise;
    return n ? v + n.mean + n.sigma * Rng.derive(seed).normal() : v;
  }
}

function sumOf(fns: readonly BenchFn[]): BenchFn {
  return (x) => {
    let s = 0;
    for (let i = 0; i < fns.length; i++) s += fns[i](x);
    return s;
  };
}
