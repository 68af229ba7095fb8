/**
 * The ants model: each individual is scored on `colonies` seeded colonies of NetLogo's Ants model, all
 * the batch's colonies in one kernel call (native/ants); its fitness is the mean food they return to
 * the nest within `ticks`.
 */
import type { AssessContext, Assessment, BatchContext, BatchOutput, EvalControl, Optimizee, PythonService } from '../../core/optimizee.js';
import { checkBackend } from '../../core/python-backend.js';
import { Space } from '../../core/space.js';
import { Rng } from '../../math/rng.js';
import type { AntsRunOptions, AntsRunResult, AntsSnnOptions } from '../../native/ants.js';
import { loadAnts } from '../../native/loader.js';
import { colonyFrames } from './frames.js';
import { antNetwork, NEST_LAYOUT } from './network.js';
import { SNN_GENES, type AntsConfig } from './schema.js';

/** Random genomes the best individual is compared with in the assessment (brain 'snn'). */
const RANDOM_NETWORKS = 32;

export class AntsModel implements Optimizee {
  readonly space: Space;
  readonly weights = [1];
  readonly objectives = ['food returned'];
  /** The networks run in NEST (snn.backend nest), in lockstep with the world. */
  private readonly nest: boolean;

  constructor(private readonly cfg: AntsConfig) {
    this.nest = cfg.brain === 'snn' && cfg.snn.backend === 'nest';
    if (this.nest) checkBackend('nest');
    const genes = (path: string) => (path === 'weights' || path === 'delays' ? SNN_GENES : null);
    this.space = new Space(cfg.parameters.map((p) => ({ name: p.path, length: genes(p.path), lower: p.lower, upper: p.upper })));
  }

  /** Where parameter `name` starts in an individual, or -1. */
  private offset(name: string): number {
    let k = 0;
    for (const p of this.space.params) {
      if (p.name === name) return k;
      k += p.length ?? 1;
    }
    return -1;
  }

  /**
   * brain 'snn': the n individuals' genomes, weights as they are, delays rounded to whole steps in
   * [1, 7] (the reference's np.round and clip), or the configured delay when they do not evolve.
   */
  private genomes(x: Float64Array, n: number): AntsSnnOptions {
    const dim = this.space.dim, w0 = this.offset('weights'), d0 = this.offset('delays');
    const weights = new Float64Array(n * SNN_GENES), delays = new Int32Array(n * SNN_GENES);
    for (let i = 0; i < n; i++) {
      weights.set(x.subarray(i * dim + w0, i * dim + w0 + SNN_GENES), i * SNN_GENES);
      for (let g = 0; g < SNN_GENES; g++) delays[i * SNN_GENES + g] = d0 < 0 ? this.cfg.snn.delay : Math.min(7, Math.max(1, Math.round(x[i * dim + d0 + g])));
    }
    const { delay: _fixed, backend: _where, ...drive } = this.cfg.snn;
    return { ...drive, weights, delays };
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
      const d = this.offset(name);
      return d < 0 ? this.cfg[name] : Float64Array.from({ length: n * C }, (_, k) => x[Math.floor(k / C) * dim + d]);
    };
    return {
      instances: n * C, ticks: this.cfg.ticks, seeds: Uint32Array.from(seeds.flat()), threads,
      population: this.cfg.population, diffusion_rate: rate('diffusion_rate'), evaporation_rate: rate('evaporation_rate'),
      max_pxcor: this.cfg.max_pxcor, brain: this.cfg.brain,
      ...(this.cfg.brain === 'snn' ? { snn: this.genomes(x, n) } : {}),
    };
  }

  /**
   * The colonies with their ants' networks in NEST (python/l2l_ants_nest.py), world and networks in
   * lockstep: per tick the world's sensors go to NEST, NEST runs the tick's steps, the motors' spike
   * counts come back and the world moves the ants (native/ants Colonies: the world of run()'s brain
   * 'snn', so only the networks' simulator differs).
   */
  private async lockstep(options: AntsRunOptions, python: PythonService | undefined): Promise<Pick<AntsRunResult, 'returned' | 'picked' | 'finished'>> {
    if (!python) throw new Error('snn.backend nest: this process has no embedded Python to run NEST in');
    const { ticks, record: _record, threads: _threads, brain: _brain, snn, ...world } = options;
    const { weights, delays, ...drive } = snn!;
    const colonies = new (loadAnts().Colonies)({ ...world, snn: drive });
    const genomes = weights.length / SNN_GENES;
    const nets = Array.from({ length: genomes }, (_, g) => antNetwork(weights, delays, this.cfg.snn.weight_scale, g * SNN_GENES));
    await python.invoke('l2l_ants_nest', 'build', [nets, options.instances / genomes, this.cfg.population, ticks, {
      ...NEST_LAYOUT,
      steps_per_tick: this.cfg.snn.steps_per_tick, heartbeat_every: this.cfg.snn.heartbeat_every, input_current: this.cfg.snn.input_current,
    }]);
    for (let t = 0; t < ticks; t++) {
      const counts = (await python.invoke('l2l_ants_nest', 'tick', [colonies.sense()])) as Uint8Array;
      colonies.act(new Int32Array(counts.buffer.slice(counts.byteOffset, counts.byteOffset + counts.byteLength)));
    }
    const s = colonies.state();
    return { returned: s.returned, picked: s.picked, finished: new Uint8Array(options.instances).fill(1) };
  }

  async evaluateAsync(x: Float64Array, ctx: BatchContext, control: EvalControl): Promise<BatchOutput> {
    const n = ctx.index.length, C = this.cfg.colonies;
    const options = this.options(x, Array.from(ctx.seed, (s) => this.seeds(s)), ctx.threads);
    const r = this.nest ? await this.lockstep(options, ctx.python) : await loadAnts().run(options, control);
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
    const values = this.space.params.map((p) => {
      const k = this.offset(p.name);
      return p.length === null ? `${p.name} ${Number(x[k].toPrecision(4))}` : `${p.length} ${p.name}`;
    }).join(', ');
    const mean = Array.from(r.returned).reduce((a, b) => a + b, 0) / C;
    const stride = Math.max(1, Math.ceil(T / 500));
    const points = (trace: (t: number) => number) => Array.from({ length: Math.ceil(T / stride) }, (_, k) => [k * stride + 1, trace(k * stride)]);
    const random = this.cfg.brain === 'snn' ? await this.randomNetworks(seeds[0], ctx.threads) : null;
    return {
      summary: `best individual (${values}): ${mean.toFixed(2)} food returned on average over ${C} colonies in ${T} ticks` +
        (random ? `; ${RANDOM_NETWORKS} random networks on the same colonies: median ${random.median.toFixed(2)}, best ${random.best.toFixed(2)}` : ''),
      metrics: { food_returned: mean, ...(random ? { random_networks_median: random.median, random_networks_best: random.best } : {}) },
      colony: this.frame(r, 0),
      animation,
      series: {
        title: 'Food returned to the nest by the best individual\'s colonies',
        x: 'tick', y: 'food returned',
        lines: [
          ...Array.from({ length: C }, (_, c) => ({ name: `colony ${c + 1}`, points: points((t) => r.returned_trace![c * T + t]) })),
          ...(random ? [{ name: `random networks (median of ${RANDOM_NETWORKS})`, points: points((t) => random.trace[t]) }] : []),
        ],
      },
    };
  }

  /**
   * What learning is measured against: RANDOM_NETWORKS genomes drawn uniformly within the bounds (a
   * seeded stream, the same every time) on the best individual's colonies; per tick the median over
   * the genomes of their colonies' mean food returned, and the median and best at the end.
   */
  private async randomNetworks(seeds: number[], threads: number): Promise<{ trace: Float64Array; median: number; best: number }> {
    const K = RANDOM_NETWORKS, C = this.cfg.colonies, T = this.cfg.ticks, dim = this.space.dim;
    const rng = Rng.derive(0, 'ants', 'random networks');
    const x = Float64Array.from({ length: K * dim }, (_, k) => rng.between(this.space.lower[k % dim], this.space.upper[k % dim]));
    const r = await loadAnts().run({ ...this.options(x, Array.from({ length: K }, () => seeds), threads), record: { returned: true } });
    const median = (v: number[]) => {
      const s = [...v].sort((a, b) => a - b);
      return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    };
    const meanAt = (i: number, t: number) => {
      let sum = 0;
      for (let c = 0; c < C; c++) sum += r.returned_trace![(i * C + c) * T + t];
      return sum / C;
    };
    const trace = Float64Array.from({ length: T }, (_, t) => median(Array.from({ length: K }, (_, i) => meanAt(i, t))));
    const finals = Array.from({ length: K }, (_, i) => meanAt(i, T - 1));
    return { trace, median: median(finals), best: Math.max(...finals) };
  }
}
