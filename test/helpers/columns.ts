/** Tests' conveniences over the columnar ask/tell contract (src/core/optimizer.ts). */
import { STATUS_CODES } from '../../src/core/fitness.js';
import type { Evaluations, Generation } from '../../src/core/optimizer.js';
import { row } from '../../src/math/rows.js';

/** The rows of a generation as {index, x} objects (x a view). */
export function rowsOf(gen: Generation): Array<{ index: number; x: Float64Array }> {
  const dim = gen.index.length === 0 ? 0 : gen.x.length / gen.index.length;
  return Array.from(gen.index, (index, k) => ({ index, x: row(gen.x, k, dim) }));
}

/**
 * Evaluates every row of a generation with a single-objective function f, weight `weight`;
 * rows for which failed(x, index) is true are reported as failed (with f's value as fitness).
 */
export function evaluate(
  gen: Generation, f: (x: Float64Array) => number, opts: { weight?: number; failed?: (x: Float64Array, index: number) => boolean } = {},
): Evaluations {
  const w = opts.weight ?? -1;
  const rows = rowsOf(gen);
  const n = rows.length;
  const ev: Evaluations = {
    generation: gen.generation, dim: n === 0 ? 0 : gen.x.length / n, nObj: 1, index: gen.index, x: gen.x,
    fitness: new Float64Array(n), weighted: new Float64Array(n), status: new Uint8Array(n), outputs: null,
  };
  rows.forEach(({ index, x }, k) => {
    const bad = opts.failed?.(x, index) ?? false;
    ev.fitness[k] = f(x);
    ev.weighted[k] = bad ? -Infinity : w * ev.fitness[k];
    ev.status[k] = bad ? STATUS_CODES.failed : STATUS_CODES.ok;
  });
  return ev;
}

/** The rows of `ev` whose positions are listed, as a new Evaluations (for tests of partial tells). */
export function pick(ev: Evaluations, rows: number[]): Evaluations {
  const take = (a: Float64Array, width: number) => {
    const out = new Float64Array(rows.length * width);
    rows.forEach((k, j) => out.set(row(a, k, width), j * width));
    return out;
  };
  return {
    ...ev, index: Int32Array.from(rows, (k) => ev.index[k]), x: take(ev.x, ev.dim), fitness: take(ev.fitness, ev.nObj),
    weighted: Float64Array.from(rows, (k) => ev.weighted[k]), status: Uint8Array.from(rows, (k) => ev.status[k]),
    outputs: ev.outputs ? rows.map((k) => ev.outputs![k]) : null,
  };
}
