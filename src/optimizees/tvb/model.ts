/**
 * The tvb model: the parameter space the experiment's `parameters` make, and the evaluation of a batch
 * of individuals as instances of one kernel call (native/tvb: each its own coupling, speed, noise and
 * model parameters), then each instance's FC against the target's (fc.ts).
 */
import { readFileSync } from 'node:fs';
import type { AssessContext, Assessment, BatchContext, BatchOutput, EvalControl, Optimizee } from '../../core/optimizee.js';
import { Space } from '../../core/space.js';
import { Rng } from '../../math/rng.js';
import { loadTvb } from '../../native/loader.js';
import { TVB_COUPLING_PARAMS, type TvbConnectome, type TvbCouplingKind, type TvbSimulateOptions } from '../../native/tvb.js';
import { BALLOON_DEFAULTS, balloonBold } from './bold.js';
import { kernelConnectome, readConnectome, type Connectome } from './connectome.js';
import { FLAT, fcFitness, functionalConnectivity } from './fc.js';
import type { ModelDecl } from './model-file.js';
import { connectomeDir, shippedModel } from './models.js';
import { COUPLING_DEFAULTS, couplingKind, type TvbConfig } from './schema.js';

/** A target FC from a file: nodes x nodes numbers as text, or a little-endian float64 .npy. */
export function readMatrixFile(file: string, nodes: number): Float64Array {
  const bytes = readFileSync(file);
  let values: Float64Array;
  if (bytes.subarray(0, 6).toString('latin1') === '\x93NUMPY') {
    // version 1: a 2-byte header length at 8, the header from 10; versions 2 and 3: 4 bytes, from 12
    const v1 = bytes[6] === 1;
    const start = v1 ? 10 : 12;
    const header = bytes.subarray(start, start + (v1 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8))).toString('latin1');
    if (!/'descr':\s*'<f8'/.test(header) || /'fortran_order':\s*True/.test(header)) throw new RangeError(`${file}: a .npy of little-endian float64 in C order is expected (header ${header.trim()})`);
    const data = bytes.subarray(start + header.length);
    values = new Float64Array(data.buffer.slice(data.byteOffset, data.byteOffset + Math.floor(data.byteLength / 8) * 8));
  } else {
    values = Float64Array.from(bytes.toString('utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter((l) => l !== '').flatMap((l) => l.split(/[\s,]+/).map(Number)));
  }
  if (values.length !== nodes * nodes || values.some((x) => !Number.isFinite(x))) throw new RangeError(`${file}: expected ${nodes} x ${nodes} finite numbers (the connectome's regions), got ${values.length} values`);
  return values;
}

type Setter = { offset: number; apply: (v: number, run: RunValues) => void };

/** What one instance runs with. */
interface RunValues {
  /** The coupling function's parameters, in TVB_COUPLING_PARAMS order. */
  coupling: Float64Array;
  speed: number;
  nsig: Float64Array;
  params: Float64Array;
}

export class TvbModel implements Optimizee {
  readonly space: Space;
  readonly weights = [1];
  readonly objectives = ['FC correlation'];
  private readonly model: ModelDecl;
  private readonly connectome: Connectome;
  private readonly kernel: TvbConnectome;
  private readonly setters: Setter[];
  private readonly x0: Float64Array;
  private readonly observable: number;
  private readonly steps: number;
  private readonly every: number;
  private readonly from: number;
  private readonly period: number;
  private readonly coupling: TvbCouplingKind;
  private target: Float64Array | null = null;
  private chosen: 'cpu' | 'cuda' | null = null;
  private gpu = '';

  constructor(private readonly cfg: TvbConfig) {
    this.model = shippedModel(cfg.model)!;
    // the kernel was generated from the model files at build time: a file added or changed since
    // would run on code that does not match it
    const m0 = this.model, built = loadTvb().models().find((b) => b.name === m0.name);
    if (!built) throw new RangeError(`tvb: model ${m0.name} (${m0.file}) is not in this build of the kernel: rebuild it (npm run build:native)`);
    if (built.state !== m0.state.length || built.cvar !== m0.cvars.length || built.params !== m0.parameters.length) {
      throw new RangeError(`tvb: model ${m0.name} (${m0.file}) has changed since the kernel was built (the build has ${built.state} state variables, ${built.cvar} coupling variables, ${built.params} parameters; the file ${m0.state.length}, ${m0.cvars.length}, ${m0.parameters.length}): rebuild it (npm run build:native)`);
    }
    this.coupling = couplingKind(cfg.coupling.kind, this.model.coupling);
    this.connectome = readConnectome(connectomeDir(cfg.connectome));
    this.kernel = kernelConnectome(this.connectome);
    const m = this.model;
    this.space = new Space(cfg.parameters.map((p) => ({ name: p.path, length: null, lower: p.lower, upper: p.upper })));
    this.setters = this.space.params.map((p, offset) => ({ offset, apply: this.setterOf(p.name) }));
    // the initial state: uniform in the model's state ranges, one draw for every individual
    const n = this.connectome.nodes;
    const rng = Rng.derive(cfg.initial_seed, 'tvb', 'x0');
    this.x0 = new Float64Array(m.state.length * n);
    m.state.forEach((s, k) => {
      for (let i = 0; i < n; i++) this.x0[k * n + i] = rng.between(s.range[0], s.range[1]);
    });
    this.observable = m.state.findIndex((s) => s.name === (cfg.observable ?? m.observables[0]));
    this.steps = Math.round(cfg.duration_ms / cfg.dt);
    this.every = Math.round(cfg.sample_ms / cfg.dt);
    // the FC's signal: the observable every sample_ms, or its BOLD every tr_ms
    this.period = cfg.bold ? cfg.bold.tr_ms : cfg.sample_ms;
    this.from = Math.ceil(cfg.transient_ms / this.period - 1e-9);
  }

  /** How a parameter path sets a run's values. */
  private setterOf(path: string): (v: number, run: RunValues) => void {
    const [kind, name] = path.split('.');
    if (kind === 'coupling') {
      const k = TVB_COUPLING_PARAMS[this.coupling].indexOf(name);
      return (v, r) => (r.coupling[k] = v);
    }
    if (path === 'speed') return (v, r) => (r.speed = v);
    const index = kind === 'noise' ? this.model.state.findIndex((s) => s.name === name) : this.model.parameters.findIndex((p) => p.name === name);
    return kind === 'noise' ? (v, r) => (r.nsig[index] = v) : (v, r) => (r.params[index] = v);
  }

  /** The run's values as configured (model defaults, then params:, coupling, speed, noise). */
  private baseValues(): RunValues {
    const m = this.model, c = this.cfg;
    const nsig = new Float64Array(m.state.length);
    if (typeof c.noise === 'number') nsig.fill(c.noise);
    else if (c.noise) {
      const perVariable = c.noise;
      m.state.forEach((s, k) => (nsig[k] = perVariable[s.name] ?? 0));
    }
    const coupling = Float64Array.from(TVB_COUPLING_PARAMS[this.coupling], (n) => (c.coupling as Record<string, number | undefined>)[n] ?? COUPLING_DEFAULTS[this.coupling][n]);
    return { coupling, speed: c.speed, nsig, params: Float64Array.from(m.parameters, (p) => c.params[p.name] ?? p.default) };
  }

  /** The engine of this rank's calls, chosen once: with device auto, the GPU where there is one. */
  private engine(): 'cpu' | 'cuda' {
    if (this.chosen) return this.chosen;
    const gpu = loadTvb().gpu();
    if (this.cfg.device === 'cuda' && gpu.devices === 0) throw new RangeError(`tvb: device cuda, but ${gpu.reason}`);
    this.chosen = this.cfg.device !== 'cpu' && gpu.devices > 0 ? 'cuda' : 'cpu';
    this.gpu = gpu.devices > 0 ? gpu.device : gpu.reason;
    return this.chosen;
  }

  /** For the worker's log: the kernel this rank runs, and its GPU or why it has none. */
  describe(): Record<string, unknown> {
    return { kernel: this.engine(), gpu: this.gpu };
  }

  /** One kernel call for these runs; the observable's series per run. */
  private async simulate(runs: RunValues[], seeds: Uint32Array, threads: number, control?: EvalControl): Promise<{ series: Float64Array[]; finished: Uint8Array; samples: number; fc?: { fc: Float64Array; flat: number[] }[] }> {
    const n = this.connectome.nodes, P = runs.length, m = this.model;
    const options: TvbSimulateOptions = {
      model: m.name, nodes: n, instances: P, steps: this.steps, dt: this.cfg.dt, threads, connectome: this.kernel,
      coupling: this.coupling, engine: this.engine(),
      speed: Float64Array.from(runs, (r) => r.speed), coupling_params: Float64Array.from(runs.flatMap((r) => Array.from(r.coupling))),
      params: Float64Array.from(runs.flatMap((r) => Array.from(r.params))), x0: this.x0,
      record: { every: this.every, state: Int32Array.of(this.observable) },
      ...(this.cfg.noise !== undefined ? { noise: { nsig: Float64Array.from(runs.flatMap((r) => Array.from(r.nsig))), seeds } } : {}),
      // the FC of the observable on the kernel's threads (O(nodes^2 samples) a run: at a GPU's pace the
      // JS thread's share otherwise); of the BOLD signal, short series, here
      ...(this.cfg.bold || Math.floor(this.steps / this.every) - this.from < 3 ? {} : { fc: { from: this.from, flat: FLAT } }),
    };
    const r = await loadTvb().simulate(options, control);
    const per = r.samples * n;
    const series = runs.map((_, p) => r.observed.subarray(p * per, (p + 1) * per));
    const bold = this.cfg.bold;
    if (!bold) {
      const fc = runs.map((_, p) => {
        const flat: number[] = [];
        for (let i = 0; i < n; i++) if (r.flat![p * n + i] === 1) flat.push(i);
        return { fc: r.fc!.subarray(p * n * n, (p + 1) * n * n), flat };
      });
      return { series, finished: r.finished, samples: r.samples, fc };
    }
    // the BOLD signal of the observable, then every tr_ms: sample j at (j + 1) tr_ms
    const every = Math.round(bold.tr_ms / this.cfg.sample_ms), samples = Math.floor(r.samples / every);
    const { tr_ms: _, ...overrides } = bold;
    const balloon = { ...BALLOON_DEFAULTS, ...overrides };
    return {
      series: series.map((x) => {
        const y = balloonBold(x, r.samples, n, this.cfg.sample_ms / 1000, balloon);
        const out = new Float64Array(samples * n);
        for (let j = 0; j < samples; j++) out.set(y.subarray(((j + 1) * every - 1) * n, (j + 1) * every * n), j * n);
        return out;
      }),
      finished: r.finished, samples,
    };
  }

  /** The target matrix: a file, the structural weights, or the FC of this configuration with the given values. */
  private async targetMatrix(threads: number): Promise<Float64Array> {
    if (this.target) return this.target;
    const t = this.cfg.target, n = this.connectome.nodes;
    if ('fc' in t) this.target = readMatrixFile(t.fc, n);
    else if ('sc' in t) this.target = this.connectome.weights;
    else {
      const run = this.baseValues();
      for (const [path, v] of Object.entries(t.generate)) this.setterOf(path)(v, run);
      const sim = await this.simulate([run], Uint32Array.of(this.cfg.noise_seed === 'individual' ? this.cfg.initial_seed : this.cfg.noise_seed), threads);
      const { fc, flat } = functionalConnectivity(sim.series[0], sim.samples, n, this.from);
      if (flat.length > 0) throw new RangeError(`target.generate: the target's own FC is undefined (${flat.length} regions settle on a fixed point): choose other values, add noise, or a shorter transient`);
      this.target = fc;
    }
    return this.target;
  }

  /**
   * The run's best individual simulated again (rank 0, after the run): its FC beside the target's, for
   * the report (assessment.json `matrices`), and the correlation between them.
   */
  async assess(x: Float64Array, ctx: AssessContext): Promise<Assessment> {
    const n = this.connectome.nodes;
    const target = await this.targetMatrix(ctx.threads);
    const run = this.baseValues();
    for (const s of this.setters) s.apply(x[s.offset], run);
    const sim = await this.simulate([run], Uint32Array.of(this.cfg.noise_seed === 'individual' ? this.cfg.initial_seed : this.cfg.noise_seed), ctx.threads);
    const f = fcFitness(sim.series[0], sim.samples, n, this.from, target, this.cfg.penalty);
    const { fc } = functionalConnectivity(sim.series[0], sim.samples, n, this.from);
    // the diagonal (1 by definition, not part of the fitness) left out, so the colours show the rest
    const rows = (m: Float64Array) => Array.from({ length: n }, (_, i) => Array.from(m.subarray(i * n, (i + 1) * n), (v, j) => (i !== j && Number.isFinite(v) ? v : null)));
    const values = this.space.params.map((p, k) => `${p.name} ${Number(x[k].toPrecision(4))}`).join(', ');
    const kind = 'sc' in this.cfg.target ? 'structural weights' : 'target FC';
    return {
      summary: `best individual (${values}): FC correlation ${f.fitness.toFixed(4)} with the ${kind}${f.reason ? ` (penalty: ${f.reason})` : ''}`,
      metrics: { fc_correlation: f.fitness },
      matrices: {
        title: `Functional connectivity of the best individual against the ${kind}`,
        caption: `Pearson correlation of ${this.cfg.bold ? `the BOLD signal (every ${this.cfg.bold.tr_ms} ms) of ` : ''}${this.model.state[this.observable].name} between regions after ${this.cfg.transient_ms} ms (${sim.samples - this.from} samples), the diagonal left blank; the fitness is the correlation of the off-diagonal entries of the two.`,
        panels: [{ name: `simulated (${values})`, values: rows(fc) }, { name: kind, values: rows(target) }],
      },
    };
  }

  async evaluateAsync(x: Float64Array, ctx: BatchContext, control: EvalControl): Promise<BatchOutput> {
    const rows = ctx.index.length, dim = this.space.dim, n = this.connectome.nodes;
    const target = await this.targetMatrix(ctx.threads);
    const runs = Array.from({ length: rows }, (_, k) => {
      const run = this.baseValues();
      for (const s of this.setters) s.apply(x[k * dim + s.offset], run);
      return run;
    });
    const seeds = this.cfg.noise_seed === 'individual' ? Uint32Array.from(ctx.seed) : new Uint32Array(rows).fill(this.cfg.noise_seed);
    const sim = await this.simulate(runs, seeds, ctx.threads, control);
    const fitness = new Float64Array(rows);
    const notes = new Array<string | null>(rows).fill(null);
    for (let k = 0; k < rows; k++) {
      const f = fcFitness(sim.series[k], sim.samples, n, this.from, target, this.cfg.penalty, sim.fc?.[k]);
      fitness[k] = f.fitness;
      if (f.reason) notes[k] = `penalty ${this.cfg.penalty}: ${f.reason}`;
    }
    return { fitness, notes, unfinished: Array.from(sim.finished, (f) => f === 0) };
  }
}
