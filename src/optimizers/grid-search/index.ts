/**
 * Grid search, after the reference framework's GridSearchOptimizer: one generation holding the whole
 * grid (grid.ts), row index = position in the grid; then stop() reports the grid exhausted.
 */
import { z } from 'zod';
import type { CoreStats, Evaluations, Generation, GenerationalCore, OptimizerFactory } from '../../core/optimizer.js';
import { STATUS_CODES } from '../../core/fitness.js';
import { gridAxes, gridPoints, MAX_GRID_POINTS } from './grid.js';

const axisSchema = z
  .tuple([z.number(), z.number(), z.number().int().min(0)])
  .refine(([lo, hi]) => lo <= hi, { message: '[lower, upper, n_steps] with lower <= upper' });

export const gridSearchSchema = z.strictObject({
  param_grid: z
    .record(z.string(), axisSchema)
    .refine((g) => Object.keys(g).length > 0, { message: 'a [lower, upper, n_steps] for every parameter of the space' })
    .describe(`parameter name -> [lower, upper, n_steps]: n_steps + 1 values each (per element for an array); every parameter; at most ${MAX_GRID_POINTS.toLocaleString('en-US')} points`),
});

export type GridSearchParams = z.output<typeof gridSearchSchema>;

export interface GridSearchSnapshot {
  type: 'grid-search';
  version: 1;
  /** 0 while the grid waits for its evaluations, 1 once it has them. */
  generation: number;
}

const WHO = 'grid-search';

export class GridSearchCore implements GenerationalCore {
  readonly mode = 'generational' as const;
  private generation = 0;
  readonly size: number;

  /** axes[d]: the values of flat coordinate d (see gridAxes). */
  constructor(private readonly axes: readonly Float64Array[]) {
    this.size = axes.reduce((n, a) => n * a.length, 1);
  }

  ask(): Generation {
    if (this.generation > 0) throw new Error(`${WHO}: the grid is exhausted; nothing more to ask`);
    return { generation: 0, index: Int32Array.from({ length: this.size }, (_, i) => i), x: gridPoints(this.axes) };
  }

  tell(ev: Evaluations): CoreStats {
    if (ev.generation !== this.generation) throw new RangeError(`${WHO}: told generation ${ev.generation}, but generation ${this.generation} is in progress`);
    if (ev.index.length !== this.size) throw new RangeError(`${WHO}: told ${ev.index.length} evaluations, expected the whole grid (${this.size})`);
    this.generation = 1;
    let failed = 0;
    let best = -1;
    for (let k = 0; k < ev.index.length; k++) {
      if (ev.status[k] !== STATUS_CODES.ok) failed++;
      else if (best < 0 || ev.weighted[k] > ev.weighted[best]) best = k;
    }
    return { points: this.size, failed, ...(best >= 0 ? { best_index: ev.index[best] } : {}) };
  }

  stop(): string[] {
    return this.generation > 0 ? [`grid exhausted: ${this.size} points evaluated`] : [];
  }

  snapshot(): GridSearchSnapshot {
    return { type: WHO, version: 1, generation: this.generation };
  }

  restore(raw: unknown): void {
    const s = raw as Partial<GridSearchSnapshot> | null;
    if (s?.type !== WHO || s.version !== 1 || (s.generation !== 0 && s.generation !== 1)) {
      throw new TypeError(`${WHO} snapshot: expected {type: 'grid-search', version: 1, generation: 0 or 1}`);
    }
    this.generation = s.generation;
  }
}

export const gridSearchOptimizer: OptimizerFactory<typeof gridSearchSchema> = {
  type: 'grid-search',
  description: 'Grid search: every point of an evenly spaced grid over each parameter, evaluated as one generation',
  reference: 'Exhaustive grid search, as in L2L\'s GridSearchOptimizer (Yegenoglu et al., Front. Comput. Neurosci. 2022); see Bergstra and Bengio, JMLR 13 (2012)',
  schema: gridSearchSchema,
  example: { param_grid: { x: [-5, 5, 6] } },
  create: (p, ctx) => new GridSearchCore(gridAxes(ctx.space, p.param_grid)),
};

export { gridAxes, gridPoints, linspace, MAX_GRID_POINTS, type ParamGrid } from './grid.js';
