/**
 * The snn model: the parameter space the description's `parameters` make, and the evaluation of a
 * batch of individuals as instances of one network in one call of the native simulator (off the JS
 * thread; src/native/snn.ts). The network is built once per process (build.ts); each individual
 * only changes what a run can change per instance: weights, Poisson rates, constant currents, and
 * (from its seed) the initial potentials and the Poisson spikes.
 *
 * Fitness, objective `rates`: -sum of weight * (rate - target)^2 over the objective's populations, so
 * the optimizer (weights [1]) drives their mean rates to the targets; the rates are the model outputs.
 *
 * Objective `classify`: an evaluation shows the network a mini-batch of samples, one trial each (from
 * rest, the sample's features as the rates of the input's Poisson sources). A class's score is the
 * mean rate of its group of an output population, or a linear readout of populations' rates; the
 * fitness is [1 - MSE(one-hot label, softmax(scores)), accuracy] over the samples (weights [1, 0]:
 * the reference's fitness, accuracy recorded beside it), the outputs softmax - one-hot per sample. An
 * EnKF fitting those outputs to zero makes the same update as one fitting the softmax to the labels
 * (the labels are constants: they change the misfit, not the covariances). Every row of a generation
 * sees the same samples with the same input noise, so members differ only in their parameters; when
 * the parameters are readout weights alone (the network's dynamics are the same for every row) the
 * batch simulates the samples once and reads them out per row.
 */
import type { AssessContext, Assessment, BatchContext, BatchOutput, EvalControl, Optimizee } from '../../core/optimizee.js';
import { checkBackend } from '../../core/python-backend.js';
import { Space, type ParamSpec } from '../../core/space.js';
import { hashSeed, Rng } from '../../math/rng.js';
import { loadSnn } from '../../native/loader.js';
import type { SnnNetwork, SnnRunOptions, SnnRunResult } from '../../native/snn.js';
import { buildNetwork, type BuiltNetwork } from './build.js';
import { NEURON_DEFAULTS, type SnnConfig } from './schema.js';
import { loadDataset, split, type Dataset } from './data.js';

/** How one parameter of the space applies to a run: its offset in x and what it sets. */
interface Setter {
  offset: number;
  kind: 'weight' | 'weights' | 'rate' | 'current' | 'readout';
  lo: number;
  hi: number;
  /** weight: the projection's weights were drawn, so the parameter scales them. */
  scales: boolean;
}

/** What a classification needs at hand: the data, its split, where the features go, what the scores read. */
interface Classify {
  cfg: NonNullable<SnnConfig['objective']['classify']>;
  data: Dataset;
  train: Int32Array;
  test: Int32Array;
  /** The feature sources: a range of the Poisson sources, one per feature in order. */
  sources: { lo: number; hi: number };
  /** Neuron ranges the scores read: the output population's (split in classes), or the readout's populations. */
  read: Array<{ lo: number; hi: number }>;
  /** Readout features (neurons read), 0 for population scores. */
  features: number;
}

/** One evaluation of a classification, in detail: what the assessment of a trained individual shows. */
export interface ClassifyDetail {
  samples: Int32Array;
  labels: Int32Array;
  /** Per row, per sample: the predicted class (-1 where the scores tie for the top). */
  predicted: Int32Array[];
  /** Per row, per sample x classes: the softmax of the scores. */
  softmax: Float64Array[];
  fitness: Float64Array;
  /** Spikes of the first row's first sample (step, neuron), with the population ranges to draw them by. */
  raster: { steps: Int32Array; neurons: Int32Array; dt: number; populations: Array<{ name: string; lo: number; hi: number }> };
}

export class SnnModel implements Optimizee {
  readonly space: Space;
  readonly weights: number[];
  readonly objectives: string[];
  readonly built: BuiltNetwork;
  private readonly setters: Setter[];
  private readonly classify: Classify | null;
  private network: SnnNetwork | null = null;
  /** This model's network in the Python back end's cache, and whether it was sent there. */
  private readonly key = `snn-${++models}`;
  private sent = false;
  /** A classification's best individual on the held-out samples (confusion matrix, a raster of one sample). */
  readonly assess?: (x: Float64Array, ctx: AssessContext) => Promise<Assessment>;

  constructor(private readonly cfg: SnnConfig) {
    if (cfg.backend !== 'native') checkBackend(cfg.backend);
    this.built = buildNetwork(cfg);
    this.classify = cfg.objective.classify ? this.classifyOf(cfg.objective.classify) : null;
    this.weights = this.classify ? [1, 0] : [1];
    this.objectives = this.classify ? ['1 - MSE', 'accuracy'] : ['-sum of weighted squared rate errors'];
    if (this.classify) this.assess = (x, ctx) => this.assessHeldOut(x, ctx);
    const specs: ParamSpec[] = cfg.parameters.map((p) => {
      const [kind, name, what] = p.path.split('.');
      if (p.path === 'readout.weights') return { name: p.path, length: this.classify!.data.classes * (this.classify!.features + 1), lower: p.lower, upper: p.upper };
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
      if (p.name === 'readout.weights') return { ...s, kind: 'readout' };
      if (kind === 'projections') {
        const r = this.built.projections.get(name)!;
        return { ...s, kind: what === 'weights' ? 'weights' : 'weight', lo: r.lo, hi: r.hi, scales: r.drawn };
      }
      if (kind === 'inputs') return { ...s, kind: 'rate', ...this.built.poisson.byInput.get(name)! };
      return { ...s, kind: 'current', ...this.built.populations.get(name)! };
    });
  }

  private classifyOf(c: NonNullable<SnnConfig['objective']['classify']>): Classify {
    const data = loadDataset(c.data, c.file);
    const { train, test } = split(data, c.test_fraction, c.split_seed);
    if (c.split === 'test' && test.length === 0) throw new RangeError('objective.classify.split: test, but test_fraction holds out no sample');
    if (train.length === 0) throw new RangeError('objective.classify.test_fraction: no training sample left');
    const sources = this.built.poisson.byInput.get(c.input)!;
    if (sources.hi - sources.lo !== data.features) throw new RangeError(`objective.classify.input: ${c.input} has ${sources.hi - sources.lo} sources, ${c.data} ${data.features} features`);
    const read = 'population' in c.scores ? [this.built.populations.get(c.scores.population)!] : c.scores.readout.map((p) => this.built.populations.get(p)!);
    const features = 'readout' in c.scores ? read.reduce((a, r) => a + r.hi - r.lo, 0) : 0;
    return { cfg: c, data, train, test, sources, read, features };
  }

  async evaluateAsync(x: Float64Array, ctx: BatchContext, control: EvalControl): Promise<BatchOutput> {
    if (this.classify) {
      const d = await this.classifyRun(x, ctx, control);
      return { fitness: d.out.fitness, outputs: d.out.outputs, unfinished: d.out.unfinished };
    }
    const rows = ctx.index.length;
    const b = this.built;
    const options: SnnRunOptions = {
      instances: rows, steps: b.steps, threads: ctx.threads, seeds: Uint32Array.from(ctx.seed),
      v0: this.initialPotentials(ctx.seed),
      ...(b.poisson.target.length ? { poisson: { target: b.poisson.target, receptor: b.poisson.receptor, weight: b.poisson.weight, rate_hz: b.poisson.rate_hz } } : {}),
      ...(b.currents.target.length ? { currents: { instance: new Int32Array(b.currents.target.length).fill(-1), ...b.currents } } : {}),
      ...(b.spikes.step.length ? { spikes: { instance: new Int32Array(b.spikes.step.length).fill(-1), ...b.spikes } } : {}),
      record: { spikes: false },
    };
    this.applyParameters(x, rows, options);
    const r = await this.simulate(options, ctx, control);
    return this.score(r.counts, r.finished, rows);
  }

  /**
   * One run of the network: the native simulator, or the Brian2 / NEST back end in the embedded Python
   * (python/l2l_snn.py, given the same arrays; the network itself sent once per process).
   */
  private async simulate(options: SnnRunOptions, ctx: Pick<BatchContext, 'python'>, control: EvalControl): Promise<SnnRunResult> {
    const backend = this.cfg.backend;
    if (backend === 'native') {
      this.network ??= new (loadSnn().Network)(this.built.spec);
      return this.network.run(options, control);
    }
    if (!ctx.python) throw new Error(`backend ${backend}: this process has no embedded Python to run it in`);
    const r = (await ctx.python.invoke('l2l_snn', 'run', [backend, this.key, this.sent ? null : this.built.spec, options])) as { counts: Uint8Array; spikes?: Array<[Uint8Array, Uint8Array]> };
    this.sent = true;
    const ints = (u: Uint8Array) => new Int32Array(u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength));
    return {
      counts: ints(r.counts),
      spikes: (r.spikes ?? []).map(([steps, neurons]) => ({ steps: ints(steps), neurons: ints(neurons) })),
      v: new Float64Array(0), samples: 0, finished: new Uint8Array(options.instances).fill(1),
    };
  }

  private async assessHeldOut(x: Float64Array, ctx: AssessContext): Promise<Assessment> {
    const c = this.classify!;
    const control = { cancel: new Int32Array(new SharedArrayBuffer(4)), progress: new Float64Array(new SharedArrayBuffer(16)) };
    const r = await this.classifyRun(x, { generation: 0, index: Int32Array.of(0), seed: Uint32Array.of(0), threads: ctx.threads, ...(ctx.python ? { python: ctx.python } : {}) }, control, 'test');
    const d = r.detail!;
    const classes = c.data.classes;
    const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
    let ties = 0;
    d.labels.forEach((label, i) => {
      const p = d.predicted[0][i];
      if (p < 0) ties++;
      else confusion[label][p]++;
    });
    const accuracy = d.fitness[1];
    return {
      summary: `accuracy ${accuracy.toFixed(3)} on ${d.samples.length} held-out ${c.data.name} samples (1 - MSE ${d.fitness[0].toFixed(4)})`,
      metrics: { accuracy, fitness: d.fitness[0], samples: d.samples.length },
      data: { name: c.data.name, file: c.data.file, test_fraction: c.cfg.test_fraction, split_seed: c.cfg.split_seed },
      classes, confusion, ties,
      raster: { sample: d.samples[0], label: d.labels[0], predicted: d.predicted[0][0], dt: d.raster.dt, steps: Array.from(d.raster.steps), neurons: Array.from(d.raster.neurons), populations: d.raster.populations, duration_ms: this.built.steps * this.cfg.dt },
    };
  }

  /** The samples of an evaluation: generation g's window of the shuffled training set, or every held-out sample. */
  samplesOf(generation: number, which: 'train' | 'test' = this.classify!.cfg.split): Int32Array {
    const c = this.classify!;
    if (which === 'test') return c.test;
    const start = (generation * c.cfg.batch) % c.train.length;
    return Int32Array.from({ length: c.cfg.batch }, (_, k) => c.train[(start + k) % c.train.length]);
  }

  /** A classification evaluation; assessing (`which` given), also the predictions and a raster of one sample. */
  async classifyRun(x: Float64Array, ctx: BatchContext, control: EvalControl, which?: 'train' | 'test'): Promise<{ out: Required<Pick<BatchOutput, 'fitness' | 'outputs' | 'unfinished'>>; detail?: ClassifyDetail }> {
    const c = this.classify!;
    const b = this.built;
    const rows = ctx.index.length;
    const detail = which !== undefined;
    const split = which ?? c.cfg.split;
    const samples = this.samplesOf(ctx.generation, split);
    const trials = samples.length;
    // every row of a generation: the same samples, input noise and initial potentials
    const seed = hashSeed(this.cfg.network_seed, 'snn', 'input', split === 'test' ? 'test' : ctx.generation);
    const shared = this.setters.every((s) => s.kind === 'readout');
    const instances = shared ? 1 : rows;
    const k = b.poisson.target.length;
    const trialRates = new Float64Array(trials * k);
    const { lo, hi } = c.sources;
    const span = c.cfg.high_hz - c.cfg.low_hz;
    samples.forEach((sample, t) => {
      trialRates.set(b.poisson.rate_hz, t * k);
      for (let j = lo; j < hi; j++) trialRates[t * k + j] = c.cfg.low_hz + span * c.data.x[sample * c.data.features + (j - lo)];
    });
    const v0 = this.initialPotentials(new Uint32Array(instances).fill(seed));
    const options: SnnRunOptions = {
      instances, trials, steps: b.steps, threads: ctx.threads, seeds: new Uint32Array(instances).fill(seed),
      ...(v0 ? { v0 } : {}),
      poisson: { target: b.poisson.target, receptor: b.poisson.receptor, weight: b.poisson.weight, rate_hz: b.poisson.rate_hz, trial_rate_hz: trialRates },
      ...(b.currents.target.length ? { currents: { instance: new Int32Array(b.currents.target.length).fill(-1), ...b.currents } } : {}),
      ...(b.spikes.step.length ? { spikes: { instance: new Int32Array(b.spikes.step.length).fill(-1), ...b.spikes } } : {}),
      record: { spikes: detail },
    };
    if (!shared) this.applyParameters(x, rows, options);
    const r = await this.simulate(options, ctx, control);
    const n = b.spec.n;
    const classes = c.data.classes;
    const seconds = (b.steps * this.cfg.dt) / 1000;
    const dim = this.space.dim;
    const readout = this.setters.find((s) => s.kind === 'readout');
    const fitness = new Float64Array(rows * 2);
    const outputs: Float64Array[] = [];
    const predicted: Int32Array[] = [];
    const softmaxes: Float64Array[] = [];
    const z = new Float64Array(classes);
    const rate = (counts: Int32Array, base: number, i: number) => counts[base + i] / seconds;
    for (let row = 0; row < rows; row++) {
      const inst = shared ? 0 : row;
      const xr = x.subarray(row * dim, (row + 1) * dim);
      const out = new Float64Array(trials * classes);
      const pred = new Int32Array(trials);
      let se = 0;
      let right = 0;
      for (let t = 0; t < trials; t++) {
        const base = (inst * trials + t) * n;
        if ('population' in c.cfg.scores) {
          const { lo: plo, hi: phi } = c.read[0];
          const group = (phi - plo) / classes;
          for (let cl = 0; cl < classes; cl++) {
            let sum = 0;
            for (let i = plo + cl * group; i < plo + (cl + 1) * group; i++) sum += rate(r.counts, base, i);
            z[cl] = sum / group / c.cfg.softmax_scale_hz;
          }
        } else {
          const w = xr.subarray(readout!.offset, readout!.offset + classes * (c.features + 1));
          for (let cl = 0; cl < classes; cl++) {
            const wc = w.subarray(cl * (c.features + 1), (cl + 1) * (c.features + 1));
            let sum = wc[c.features];
            let f = 0;
            for (const { lo: plo, hi: phi } of c.read) for (let i = plo; i < phi; i++) sum += wc[f++] * (rate(r.counts, base, i) / c.cfg.rate_unit_hz);
            z[cl] = sum;
          }
        }
        const label = c.data.labels[samples[t]];
        const p = softmax(z);
        let top = 0;
        let tie = false;
        for (let cl = 1; cl < classes; cl++) {
          if (z[cl] > z[top]) { top = cl; tie = false; } else if (z[cl] === z[top]) tie = true;
        }
        pred[t] = tie ? -1 : top;
        if (pred[t] === label) right++;
        for (let cl = 0; cl < classes; cl++) {
          const e = p[cl] - (cl === label ? 1 : 0);
          out[t * classes + cl] = e;
          se += e * e;
        }
      }
      fitness[row * 2] = 1 - se / (trials * classes);
      fitness[row * 2 + 1] = right / trials;
      outputs.push(out);
      predicted.push(pred);
      softmaxes.push(Float64Array.from(out, (e, i) => e + (i % classes === c.data.labels[samples[Math.floor(i / classes)]] ? 1 : 0)));
    }
    const unfinished = Array.from({ length: rows }, (_, row) => r.finished[shared ? 0 : row] === 0);
    const result = { out: { fitness, outputs, unfinished } };
    if (!detail) return result;
    const populations = [...b.populations].map(([name, range]) => ({ name, ...range }));
    return {
      ...result,
      detail: {
        samples, labels: Int32Array.from(samples, (s) => c.data.labels[s]), predicted, softmax: softmaxes, fitness,
        raster: { steps: r.spikes[0].steps, neurons: r.spikes[0].neurons, dt: this.cfg.dt, populations },
      },
    };
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
        } else if (s.kind === 'current') {
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
    const objectives = this.cfg.objective.rates!;
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

let models = 0;
/** exp(z - max z), normalised. */
function softmax(z: Float64Array): Float64Array {
  let m = -Infinity;
  for (const v of z) m = Math.max(m, v);
  const e = Float64Array.from(z, (v) => Math.exp(v - m));
  let total = 0;
  for (const v of e) total += v;
  for (let i = 0; i < e.length; i++) e[i] /= total;
  return e;
}

/** `a` repeated `times` times, end to end. */
function repeat(a: Float64Array, times: number): Float64Array {
  const out = new Float64Array(a.length * times);
  for (let k = 0; k < times; k++) out.set(a, k * a.length);
  return out;
}
