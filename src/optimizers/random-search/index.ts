/**
 * Random search: every generation is pop_size points drawn uniformly from the box. The baseline
 * any optimizer must beat, and the cheapest real optimizer, which is why the dispatch benchmark
 * measures the stack with it.
 */
import { z } from 'zod';
import type { CoreStats, Evaluations, Generation, GenerationalCore, OptimizerContext, OptimizerFactory } from '../../core/optimizer.js';
import { Rng } from '../../math/rng.js';
import { MAX_POPULATION } from '../../core/limits.js';

export const randomSearchSchema = z.strictObject({
  pop_size: z.number().int().min(1).max(MAX_POPULATION).default(100).describe('points drawn per generation'),
});

export type RandomSearchParams = z.output<typeof randomSearchSchema>;

export class RandomSearchCore implements GenerationalCore {
  readonly mode = 'generational';
  private generation = 0;

  constructor(
    private readonly params: RandomSearchParams,
    private readonly ctx: OptimizerContext,
  ) {}

  ask(): Generation {
    const rng = Rng.derive(this.ctx.seed, 'random-search', this.generation);
    const { space } = this.ctx;
    const n = this.params.pop_size;
    const x = new Float64Array(n * space.dim);
    const index = new Int32Array(n);
    for (let i = 0; i < n; i++) index[i] = i;
    space.sampleRowsInto(rng, x);
    return { generation: this.generation, index, x };
  }

  tell(ev: Evaluations): CoreStats {
    if (ev.generation !== this.generation) throw new Error(`tell for generation ${ev.generation}, expected ${this.generation}`);
    if (ev.index.length !== this.params.pop_size) throw new Error(`tell with ${ev.index.length} evaluations, expected ${this.params.pop_size}`);
    this.generation++;
    return {};
  }

  stop(): string[] {
    return [];
  }

  snapshot(): { generation: number } {
    return { generation: this.generation };
  }

  restore(s: unknown): void {
    const g = (s as { generation?: unknown })?.generation;
    if (!Number.isInteger(g) || (g as number) < 0) throw new Error('random search snapshot: generation must be a non-negative integer');
    this.generation = g as number;
  }
}

export const randomSearchOptimizer: OptimizerFactory<typeof randomSearchSchema> = {
  type: 'random',
  description: 'Random search: uniform samples from the parameter box, pop_size per generation',
  reference: 'Bergstra and Bengio, Random search for hyper-parameter optimization, JMLR 13 (2012)',
  schema: randomSearchSchema,
  example: { pop_size: 50 },
  create: (params, ctx) => new RandomSearchCore(params, ctx),
};
