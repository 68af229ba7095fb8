/**
 * The ants model: each individual is scored on `colonies` seeded colonies of NetLogo's Ants model, all
 * the batch's colonies in one kernel call (native/ants); its fitness is the mean food they return to
 * the nest within `ticks`.
 */
import type { AssessContext, Assessment, BatchContext, BatchOutput, EvalControl, Optimizee } from '../../core/optimizee.js';
import { Space } from '../../core/space.js';
import { Rng } from '../../math/rng.js';
import type { AntsRunOptions, AntsRunResult } from '../../native/ants.js';
import { loadAnts } from '../../native/loader.js';
import { colonyFrames } from './frames.js';
import type { AntsConfig } from './schema.js';

export class AntsModel implements Optimizee {
  readonly space: Space;
  readonly weights = [1];
  readonly objectives = ['food returned'];
  /** For each coordinate of the space, the setting it is. */
  private readonly paths: string[];

  constructor(private readonly cfg: AntsConfig) {
    this.space = new Space(cfg.parameters.map((p) => ({ name: p.path, length: null, lower: p.lower, upper: p.upper })));
    this.paths = this.space.params.map((p) => p.name);
  }

  /** The seeds of an individual's colonies: the same for every individual, or from its own seed. */
  private seeds(individualSeed: number): number[] {
    const base = this.cfg.colony_seed === 'individual' ? individualSeed : this.cfg.colony_seed;
    const rng = Rng.derive(base, 'ants', 'colonies');
    return Array.from({ length: this.cfg.colonies }, () => rng.int(2 ** 32));
  }

  private options(x: Float64Array, seeds: number[][], threads: number): AntsRunOptions {
    const n = seeds.length, C = this.cfg.colonies, dim = this.space.dim;
    const rate = (name: 'diffusion_rate' | 'evaporation_rate') => {
      const d = this.paths.indexOf(name);
      return d < 0 ? this.cfg[name] : Float64Array.from({ length: n * C }, (_, k) => x[Math.floor(k / C) * dim + d]);
    };
    return {
      instances: n * C, ticks: this.cfg.ticks, seeds: Uint32Array.from(seeds.flat()), threads,
      population: this.cfg.population, diffusion_rate: rate('diffusion_rate'), evaporation_rate: rate('evaporation_rate'),
      max_pxcor: this.cfg.max_pxcor, brain: this.cfg.brain,
    };
  }

  async evaluateAsync(x: Float64Array, ctx: BatchContext, control: EvalControl): Promise<BatchOutput> {
    const n = ctx.index.length, C = this.cfg.colonies;
    const r = await loadAnts().run(this.options(x, Array.from(ctx.seed, (s) => this.seeds(s)), ctx.threads), control);
    const fitness = new Float64Array(n);
    const unfinished: boolean[] = [];
    for (let i = 0; i < n; i++) {
      let sum = 0, done = true;
      for (let c = 0; c < C; c++) {
        sum += r.returned[i * C + c];
        done = done && r.finished[i * C + c] === 1;
      }
      fitness[i] = sum / C;
      unfinished.push(!done);
    }
    return { fitness, unfinished };
  }

  /** Colony c at the end, as the report draws it: each patch's chemical and food and whether it is nest, the ants where they stand. */
  private frame(r: AntsRunResult, c: number): Record<string, unknown> {
    const f = r.final!, side = r.side, cells = side * side, P = this.cfg.population, m = this.cfg.max_pxcor;
    // patch index (m - pycor) * side + (pxcor + m), NetLogo's order
    const patches = Array.from({ length: cells }, (_, k) => ({
      x: (k % side) - m, y: m - Math.floor(k / side),
      chemical: Number(f.chemical[c * cells + k].toPrecision(3)), food: f.food[c * cells + k], nest: f.nest[k],
    })).filter((p) => p.chemical >= 0.05 || p.food > 0 || p.nest === 1);
    const ants = Array.from({ length: P }, (_, a) => ({ x: Number(f.x[c * P + a].toFixed(2)), y: Number(f.y[c * P + a].toFixed(2)), carrying: f.carrying[c * P + a] }));
    return { title: `Colony 1 of the best individual after ${this.cfg.ticks} ticks`, max_pxcor: m, returned: r.returned[c], patches, ants };
  }

  /** The best individual's colonies again (rank 0, after the run): the food returned tick by tick, per colony. */
  async assess(x: Float64Array, ctx: AssessContext): Promise<Assessment> {
    const seeds = [this.seeds(0)];
    // the first colony alone (a model of one colony per individual builds its options), for the animation's frames
    const first = new AntsModel({ ...this.cfg, colonies: 1 }).options(x, [seeds[0].slice(0, 1)], 1);
    const [r, animation] = await Promise.all([
      loadAnts().run({ ...this.options(x, seeds, ctx.threads), record: { returned: true, final: true } }),
      colonyFrames(first, this.cfg.ticks),
    ]);
    const C = this.cfg.colonies, T = this.cfg.ticks;
    const values = this.space.params.map((p, d) => `${p.name} ${Number(x[d].toPrecision(4))}`).join(', ');
    const mean = Array.from(r.returned).reduce((a, b) => a + b, 0) / C;
    const stride = Math.max(1, Math.ceil(T / 500));
    return {
      summary: `best individual (${values}): ${mean.toFixed(2)} food returned on average over ${C} colonies in ${T} ticks`,
      metrics: { food_returned: mean },
      colony: this.frame(r, 0),
      animation,
      series: {
        title: 'Food returned to the nest by the best individual\'s colonies',
        x: 'tick', y: 'food returned',
        lines: Array.from({ length: C }, (_, c) => ({ name: `colony ${c + 1}`, points: Array.from({ length: Math.ceil(T / stride) }, (_, k) => [k * stride + 1, r.returned_trace![c * T + k * stride]]) })),
      },
    };
  }
}
