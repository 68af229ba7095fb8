/**
 * The snn model: the parameter space the description's `parameters` make, and the evaluation of a
 * batch of individuals as instances of one network in one call of the native simulator (off the JS
 * thread; src/native/snn.ts). The network is built once per process (build.ts); each individual
 * only changes what a run can change per instance: weights, Poisson rates, constant currents, and
 * (from its seed) the initial potentials and the Poisson spikes.
 *
 * Fitness: -sum of weight * (rate - target)^2 over the objective's populations, so the optimizer
 * (weights [1]) drives their mean rates to the targets; the rates are the model outputs.
 */
import type { BatchContext, BatchOutput, EvalControl, Optimizee } from '../../core/optimizee.js';
import { Space, type ParamSpec } from '../../core/space.js';
import { Rng } from '../../math/rng.js';
import { loadSnn } from '../../native/loader.js';
import type { SnnNetwork, SnnRunOptions } from '../../native/snn.js';
import { buildNetwork, type BuiltNetwork } from './build.js';
import { NEURON_DEFAULTS, type SnnConfig } from './schema.js';

/** How one parameter of the space applies to a run: its offset in x and what it sets. */
interface Setter {
  offset: number;
  kind: 'weight' | 'weights' | 'rate' | 'current';
  lo: number;
  hi: number;
  /** weight: the projection's weights were drawn, so the parameter scales them. */
  scales: boolean;
}

export class SnnModel implements Optimizee {
  readonly space: Space;
  readonly weights = [1];
  readonly built: BuiltNetwork;
  private readonly setters: Setter[];
  private network: SnnNetwork | null = null;

  constructor(private readonly cfg: SnnConfig) {
    this.built = buildNetwork(cfg);
    const specs: ParamSpec[] = cfg.parameters.map((p) => {
      const [kind, name, what] = p.path.split('.');
      const length = kind === 'projections' && what === 'weights' ? this.built.projections.get(name)!.hi - this.built.projections.get(name)!.lo : null;
      if (length === 0) throw new RangeError(`parameter ${p.path}: projection ${name} has no synapses`);
      return { name: p.path, length, lower: p.lower, upper: p.upper };
    });
    this.space = new Space(specs);
    let offset = 0;
    this.setters = this.space.params.map((p) => {
      const [kind, name, what] = p.name.split('.');
      const s: Setter = { offset, kind: 'rate', lo: 0, hi: 0, scales: false };
      offset += p.length ?? 1;
      if (kind === 'projections') {
        const r = this.built.projections.get(name)!;
        return { ...s, kind: what === 'weights' ? 'weights' : 'weight', lo: r.lo, hi: r.hi, scales: r.drawn };
      }
      if (kind === 'inputs') return { ...s, kind: 'rate', ...this.built.poisson.byInput.get(name)! };
      return { ...s, kind: 'current', ...this.built.populations.get(name)! };
    });
  }

  async evaluateAsync(x: Float64Array, ctx: BatchContext, control: EvalControl): Promise<BatchOutput> {
    const rows = ctx.index.length;
    const b = this.built;
    this.network ??= new (loadSnn().Network)(b.spec);
    const options: SnnRunOptions = {
      instances: rows, steps: b.steps, threads: ctx.threads, seeds: Uint32Array.from(ctx.seed),
      v0: this.initialPotentials(ctx.seed),
      ...(b.poisson.target.length ? { poisson: { target: b.poisson.target, receptor: b.poisson.receptor, weight: b.poisson.weight, rate_hz: b.poisson.rate_hz } } : {}),
      ...(b.currents.target.length ? { currents: { instance: new Int32Array(b.currents.target.length).fill(-1), ...b.currents } } : {}),
      ...(b.spikes.step.length ? { spikes: { instance: new Int32Array(b.spikes.step.length).fill(-1), ...b.spikes } } : {}),
      record: { spikes: false },
    };
    this.applyParameters(x, rows, options);
    const r = await this.network.run(options, control);
    return this.score(r.counts, r.finished, rows);
  }

  /** Each row's parameters into the run: per-instance weights, rates and currents where they set any. */
  private applyParameters(x: Float64Array, rows: number, o: SnnRunOptions): void {
    const b = this.built;
    const dim = this.space.dim;
    const m = b.spec.synapses.weight.length;
    const n = b.spec.n;
    const k = b.poisson.target.length;
    const has = (kind: Setter['kind']) => this.setters.some((s) => s.kind === kind);
    if (has('weight') || has('weights')) o.weights = repeat(b.spec.synapses.weight, rows);
    if (has('rate')) o.poisson = { ...o.poisson!, rate_hz: repeat(b.poisson.rate_hz, rows) };
    if (has('current')) o.i_e = repeat(b.spec.params.I_e, rows);
    for (let row = 0; row < rows; row++) {
      const xr = x.subarray(row * dim, (row + 1) * dim);
      for (const s of this.setters) {
        if (s.kind === 'weights') {
          o.weights!.set(xr.subarray(s.offset, s.offset + (s.hi - s.lo)), row * m + s.lo);
        } else if (s.kind === 'weight') {
          const w = o.weights!;
          for (let e = s.lo; e < s.hi; e++) w[row * m + e] = s.scales ? b.spec.synapses.weight[e] * xr[s.offset] : xr[s.offset];
        } else if (s.kind === 'rate') {
          o.poisson!.rate_hz.fill(xr[s.offset], row * k + s.lo, row * k + s.hi);
        } else {
          o.i_e!.fill(xr[s.offset], row * n + s.lo, row * n + s.hi);
        }
      }
    }
  }

  /** Initial potentials per instance, drawn from each evaluation's seed where a population gives a distribution. */
  private initialPotentials(seeds: Uint32Array): Float64Array | undefined {
    const pops = Object.entries(this.cfg.populations);
    if (pops.every(([, p]) => p.v0 === undefined)) return undefined;
    const n = this.built.spec.n;
    const v = new Float64Array(seeds.length * n);
    seeds.forEach((seed, row) => {
      const rng = Rng.derive(seed, 'snn', 'v0');
      for (const [name, p] of pops) {
        const r = this.built.populations.get(name)!;
        const el = p.params.E_L ?? NEURON_DEFAULTS.E_L;
        for (let i = r.lo; i < r.hi; i++) {
          const v0 = p.v0;
          v[row * n + i] = v0 === undefined ? el : typeof v0 === 'number' ? v0 : 'normal' in v0 ? v0.normal[0] + v0.normal[1] * rng.normal() : rng.between(v0.uniform[0], v0.uniform[1]);
        }
      }
    });
    return v;
  }

  private score(counts: Int32Array, finished: Uint8Array, rows: number): BatchOutput {
    const n = this.built.spec.n;
    const seconds = (this.built.steps * this.cfg.dt) / 1000;
    const objectives = this.cfg.objective.rates;
    const fitness = new Float64Array(rows);
    const outputs: Array<Float64Array | null> = [];
    for (let row = 0; row < rows; row++) {
      const rates = Float64Array.from(objectives, (o) => {
        const r = this.built.populations.get(o.population)!;
        let sum = 0;
        for (let i = r.lo; i < r.hi; i++) sum += counts[row * n + i];
        return sum / (r.hi - r.lo) / seconds;
      });
      fitness[row] = -objectives.reduce((s, o, i) => s + o.weight * (rates[i] - o.target_hz) ** 2, 0);
      outputs.push(rates);
    }
    return { fitness, outputs, unfinished: Array.from(finished, (f) => f === 0) };
  }
}

/** `a` repeated `times` times, end to end. */
function repeat(a: Float64Array, times: number): Float64Array {
  const out = new Float64Array(a.length * times);
  for (let k = 0; k < times; k++) out.set(a, k * a.length);
  return out;
}
