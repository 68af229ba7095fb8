/**
 * The grid of a grid search: per parameter of the space, (lower, upper, n_steps) gives n_steps + 1
 * evenly spaced values (numpy's linspace); an array parameter gets the same values on every element;
 * the grid is the Cartesian product over all coordinates, in the space's flat order (parameters by
 * sorted name, arrays element by element) with the last coordinate varying fastest, which is the
 * order of the reference's cartesian_product over meshgrid(indexing='ij').
 *
 * What a schema cannot check (it does not know the space) is checked here, with one-line messages.
 */
import type { Space } from '../../core/space.js';

/** (lower, upper, n_steps) per parameter name. */
export type ParamGrid = Record<string, readonly [number, number, number]>;

/** Refuse grids that would not fit in memory as one generation. */
export const MAX_GRID_POINTS = 10_000_000;

/** n_steps + 1 points from lower to upper, as numpy.linspace computes them (upper exactly). */
export function linspace(lower: number, upper: number, nSteps: number): Float64Array {
  if (nSteps === 0) return Float64Array.of(lower);
  const step = (upper - lower) / nSteps;
  const v = Float64Array.from({ length: nSteps + 1 }, (_, i) => i * step + lower);
  v[nSteps] = upper;
  return v;
}

function quote(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(', ');
}

/** Every name known, every parameter gridded (as the reference requires), every grid inside its box. */
function checkNames(space: Space, grid: ParamGrid): void {
  const names = space.params.map((p) => p.name);
  const unknown = Object.keys(grid).filter((k) => !names.includes(k));
  if (unknown.length > 0) {
    throw new Error(`optimizer.param_grid: unknown parameter${unknown.length > 1 ? 's' : ''} ${quote(unknown)}; the space's parameters are ${quote(names)}`);
  }
  const missing = names.filter((k) => !(k in grid));
  if (missing.length > 0) {
    throw new Error(`optimizer.param_grid: no (lower, upper, n_steps) for ${quote(missing)}; every parameter of the space (${quote(names)}) needs one`);
  }
  for (const p of space.params) {
    const [lo, hi] = grid[p.name];
    if (lo < p.lower || hi > p.upper) {
      throw new Error(`optimizer.param_grid.${p.name}: got [${lo}, ${hi}], expected values inside the parameter's box [${p.lower}, ${p.upper}]`);
    }
  }
}

/** The grid's size, refused when above MAX_GRID_POINTS. */
function checkSize(space: Space, grid: ParamGrid): number {
  let size = 1;
  const factors: string[] = [];
  for (const p of space.params) {
    const m = grid[p.name][2] + 1;
    size *= m ** (p.length ?? 1);
    factors.push(p.length === null ? `${m}` : `${m}^${p.length}`);
  }
  if (size > MAX_GRID_POINTS) {
    const shown = size < 1e15 ? size.toLocaleString('en-US') : size.toExponential(2);
    throw new Error(`optimizer.param_grid: the grid has ${shown} points (${factors.join(' * ')}), more than the ${MAX_GRID_POINTS.toLocaleString('en-US')} one generation may hold`);
  }
  return size;
}

/** The values of every flat coordinate of the space, validated against it. */
export function gridAxes(space: Space, grid: ParamGrid): Float64Array[] {
  checkNames(space, grid);
  checkSize(space, grid);
  const axes: Float64Array[] = [];
  for (const p of space.params) {
    const values = linspace(...grid[p.name]);
    for (let j = 0; j < (p.length ?? 1); j++) axes.push(values);
  }
  return axes;
}

/** The Cartesian product of the axes, row-major, last coordinate fastest (an odometer). */
export function gridPoints(axes: readonly Float64Array[]): Float64Array {
  const dim = axes.length;
  const count = axes.reduce((n, a) => n * a.length, 1);
  const out = new Float64Array(count * dim);
  const digit = new Int32Array(dim);
  for (let k = 0; k < count; k++) {
    for (let d = 0; d < dim; d++) out[k * dim + d] = axes[d][digit[d]];
    for (let d = dim - 1; d >= 0; d--) {
      if (++digit[d] < axes[d].length) break;
      digit[d] = 0;
    }
  }
  return out;
}
