/**
 * The cell model: the parameter space the experiment's `parameters` make, the cell as the back ends
 * take it (CellSpec), and the evaluation of a batch of individuals as copies of the cell in one
 * simulation (NEURON through the embedded Python, or Arbor through native/arbor), then each one's
 * traces against the target's: the mean squared voltage difference per protocol, or the distance of
 * each feature from the target's in standard deviations (features.ts).
 */
import { spawnSync } from 'node:child_process';
import type { AssessContext, Assessment, BatchContext, BatchOutput, EvalControl, Optimizee, PythonService } from '../../core/optimizee.js';
import { Space } from '../../core/space.js';
import type { CellFree, CellProtocol, CellRunOptions, CellSpec } from '../../native/arbor.js';
import { loadArbor } from '../../native/loader.js';
import { FEATURE_STD_FLOOR, FEATURE_UNITS, traceFeatures, type FeatureName, type FeatureValues } from './features.js';
import { builtinMorphology, swcMorphology, type Morphology } from './morphology.js';
import type { CellConfig } from './schema.js';
import { readTraceCsv } from './targets.js';

/** NEURON's built-in density mechanisms and their parameters (what Debian's NEURON has without compiling .mod files). */
const NEURON_CATALOGUE: Record<string, string[]> = { hh: ['gnabar', 'gkbar', 'gl', 'el'], pas: ['g', 'e'] };

let neuronChecked = false;

/** NEURON importable in this machine's /usr/bin/python3 (the embedded interpreter's), or a one-line Error that says how to get it. */
function checkNeuron(): void {
  if (neuronChecked) return;
  const r = spawnSync('/usr/bin/python3', ['-c', 'import neuron'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, NEURON_MODULE_OPTIONS: '-nogui' } });
  if (r.status !== 0) {
    const why = (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').at(-1);
    throw new Error(`backend: got "neuron", but \`import neuron\` fails in /usr/bin/python3 (${why}): install Debian's python3-neuron, or use backend: arbor where the build has Arbor`);
  }
  neuronChecked = true;
}

/** The back end's density mechanisms: NEURON's built-ins, or the default catalogue of this build's Arbor (absent: why, in one line). */
function catalogue(backend: CellConfig['backend']): Record<string, string[]> {
  if (backend === 'neuron') {
    checkNeuron();
    return NEURON_CATALOGUE;
  }
  const arbor = loadArbor();
  const status = arbor.status();
  if (!status.built) throw new RangeError(`backend: got "arbor", but ${status.reason}; or use backend: neuron`);
  return arbor.mechanisms();
}

let models = 0;

export class CellModel implements Optimizee {
  readonly space: Space;
  readonly weights: number[];
  readonly objectives: string[];
  readonly spec: CellSpec;
  readonly protocols: CellProtocol[];
  private readonly morphology: Morphology;
  private readonly free: CellFree[];
  /** For each coordinate of the space: the free property it sets, and whether it is log10 of it. */
  private readonly coords: Array<{ free: number; log: boolean }>;
  private readonly every: number;
  private readonly key = `cell-${process.pid}-${++models}`;
  private sent = false;
  private target: Float64Array[] | null = null;
  private targetFeatures: FeatureValues[] | null = null;

  constructor(private readonly cfg: CellConfig) {
    const m = cfg.morphology;
    this.morphology = 'swc' in m ? swcMorphology(m.swc, m.max_segment_um) : builtinMorphology(m.sections, m.max_segment_um);
    const { regions, sections } = this.morphology;
    const regionIndex = (name: string, where: string): number => {
      const r = regions.indexOf(name);
      if (r < 0) throw new RangeError(`${where}: got "${name}", expected a region of the morphology (one of ${regions.join(', ')})`);
      return r;
    };
    const sectionIndex = (name: string, where: string): number => {
      const s = sections.findIndex((x) => x.name === name);
      if (s >= 0) return s;
      const r = regions.indexOf(name);
      if (r >= 0) return sections.findIndex((x) => x.region === r);
      const shown = sections.length > 12 ? `${sections.slice(0, 12).map((x) => x.name).join(', ')}, ...` : sections.map((x) => x.name).join(', ');
      throw new RangeError(`${where}: got "${name}", expected a section or a region of the morphology (${shown}; regions ${regions.join(', ')})`);
    };
    const known = catalogue(cfg.backend);
    const mechanisms: CellSpec['mechanisms'] = [];
    for (const [region, mechs] of Object.entries(cfg.mechanisms)) {
      const r = regionIndex(region, `mechanisms.${region}`);
      for (const [name, params] of Object.entries(mechs)) {
        if (!known[name]) throw new RangeError(`mechanisms.${region}.${name}: got "${name}", expected a density mechanism of ${cfg.backend === 'neuron' ? "NEURON's built-ins" : "Arbor's default catalogue"} (one of ${Object.keys(known).sort().join(', ')})`);
        for (const p of Object.keys(params)) if (!known[name].includes(p)) throw new RangeError(`mechanisms.${region}.${name}.${p}: got "${p}", expected a parameter of ${name} (one of ${known[name].join(', ')})`);
        mechanisms.push({ region: r, name, params });
      }
    }
    const cm = new Float64Array(regions.length).fill(cfg.cm);
    const ra = new Float64Array(regions.length).fill(cfg.ra);
    for (const [region, props] of Object.entries(cfg.membrane)) {
      const r = regionIndex(region, `membrane.${region}`);
      if (props.cm !== undefined) cm[r] = props.cm;
      if (props.ra !== undefined) ra[r] = props.ra;
    }
    this.spec = { sections, regions, cm, ra, mechanisms, ena: cfg.ena, ek: cfg.ek, temperature: cfg.temperature, v_init: cfg.v_init, dt: cfg.dt };
    // the free properties: every path an individual or the target sets
    const paths = [...new Set([...cfg.parameters.map((p) => p.path), ...('generate' in cfg.target ? Object.keys(cfg.target.generate) : [])])];
    this.free = paths.map((path) => this.freeOf(path, regionIndex, mechanisms));
    this.space = new Space(cfg.parameters.map((p) => ({ name: p.log ? `log10(${p.path})` : p.path, length: null, lower: p.log ? Math.log10(p.lower) : p.lower, upper: p.log ? Math.log10(p.upper) : p.upper })));
    this.coords = this.space.params.map((sp) => {
      const p = cfg.parameters.find((q) => (q.log ? `log10(${q.path})` : q.path) === sp.name)!;
      return { free: paths.indexOf(p.path), log: p.log };
    });
    this.protocols = cfg.protocols.map((p, k) => ({
      tstop: p.tstop,
      stimuli: p.stimuli.map((s, j) => ({ section: sectionIndex(s.at, `protocols[${k}].stimuli[${j}].at`), x: s.x, delay: s.delay, duration: s.duration, amplitude: s.amplitude })),
      record: { section: sectionIndex(p.record.at, `protocols[${k}].record.at`), x: p.record.x },
    }));
    this.every = Math.round(cfg.sample_ms / cfg.dt);
    const P = cfg.protocols.length;
    if (cfg.fitness === 'mse') {
      this.objectives = cfg.protocols.map((p) => `MSE ${p.name} (mV^2)`);
    } else {
      this.objectives = cfg.protocols.flatMap((p) => cfg.features.map((f) => `${p.name} ${f} (z)`));
    }
    this.weights = new Array(cfg.fitness === 'mse' ? P : P * cfg.features.length).fill(-1);
    if ('traces' in cfg.target) for (const [name, file] of Object.entries(cfg.target.traces)) this.readTrace(file, cfg.protocols.findIndex((p) => p.name === name));
  }

  /** A parameter path as the back ends' free property. */
  private freeOf(path: string, regionIndex: (name: string, where: string) => number, mechanisms: CellSpec['mechanisms']): CellFree {
    const parts = path.split('.');
    const where = `parameters: path "${path}"`;
    if (parts.length === 2 && (parts[1] === 'cm' || parts[1] === 'ra')) return { region: regionIndex(parts[0], where), mechanism: null, param: parts[1] };
    if (parts.length !== 3) throw new RangeError(`${where}: expected <region>.<mechanism>.<parameter> or <region>.cm / <region>.ra`);
    const r = regionIndex(parts[0], where);
    const m = mechanisms.find((x) => x.region === r && x.name === parts[1]);
    if (!m) throw new RangeError(`${where}: region ${parts[0]} has no mechanism ${parts[1]} (it has ${mechanisms.filter((x) => x.region === r).map((x) => x.name).join(', ') || 'none'}): add it under mechanisms.${parts[0]}`);
    const known = catalogue(this.cfg.backend)[parts[1]];
    if (!known.includes(parts[2])) throw new RangeError(`${where}: ${parts[1]} has no parameter ${parts[2]} (it has ${known.join(', ')})`);
    return { region: r, mechanism: parts[1], param: parts[2] };
  }

  /** Samples of protocol p's trace. */
  private samples(p: number): number {
    return Math.floor(this.protocols[p].tstop / this.cfg.sample_ms + 1e-9) + 1;
  }

  /** A target trace from a CSV file, on this protocol's sample times. */
  private readTrace(file: string, p: number): Float64Array {
    return readTraceCsv(file, this.samples(p), this.cfg.sample_ms, this.protocols[p].tstop);
  }

  /** What the run's options say for these rows of free values. */
  private options(values: Float64Array, instances: number, threads: number): CellRunOptions {
    return { instances, free: this.free, values, protocols: this.protocols, sample_every: this.every, threads };
  }

  /** The free properties' values of each individual (x: n x dim): the coordinates, 10^ where log. */
  private valuesOf(x: Float64Array, n: number): Float64Array {
    const F = this.free.length, dim = this.space.dim;
    const out = new Float64Array(n * F);
    const base = this.baseValues();
    for (let k = 0; k < n; k++) {
      out.set(base, k * F);
      this.coords.forEach((c, d) => (out[k * F + c.free] = c.log ? 10 ** x[k * dim + d] : x[k * dim + d]));
    }
    return out;
  }

  /** The free properties as described (the mechanism's value in mechanisms:, the region's cm and ra). */
  private baseValues(): Float64Array {
    return Float64Array.from(this.free, (f) => {
      if (f.mechanism === null) return f.param === 'cm' ? this.spec.cm[f.region] : this.spec.ra[f.region];
      const v = this.spec.mechanisms.find((m) => m.region === f.region && m.name === f.mechanism)!.params[f.param];
      if (v === undefined) throw new RangeError(`mechanisms.${this.spec.regions[f.region]}.${f.mechanism}.${f.param}: not given; a parameter an individual or the target sets needs its value in the description`);
      return v;
    });
  }

  /** Simulates n instances; their traces per protocol ([instance][protocol]). */
  private async simulate(values: Float64Array, n: number, threads: number, python: PythonService | undefined, control?: EvalControl): Promise<{ traces: Float64Array[][]; finished: Uint8Array }> {
    const options = this.options(values, n, threads);
    let flat: Float64Array, finished: Uint8Array;
    if (this.cfg.backend === 'arbor') {
      const r = await loadArbor().run(this.spec, options, control);
      flat = r.traces;
      finished = r.finished;
    } else {
      if (!python) throw new Error('backend neuron: this process has no embedded Python to run NEURON in');
      const r = (await python.invoke('l2l_cell', 'run', [this.key, this.sent ? null : this.spec, options])) as { traces: Uint8Array };
      this.sent = true;
      flat = new Float64Array(r.traces.buffer.slice(r.traces.byteOffset, r.traces.byteOffset + r.traces.byteLength));
      finished = new Uint8Array(n).fill(1);
    }
    const P = this.protocols.length, lengths = this.protocols.map((_, p) => this.samples(p));
    const per = lengths.reduce((a, b) => a + b, 0);
    if (flat.length !== n * per) throw new Error(`the ${this.cfg.backend} back end returned ${flat.length} samples, expected ${n * per}`);
    const traces: Float64Array[][] = [];
    for (let i = 0; i < n; i++) {
      let at = i * per;
      const row: Float64Array[] = [];
      for (let p = 0; p < P; p++) {
        row.push(flat.subarray(at, at + lengths[p]));
        at += lengths[p];
      }
      traces.push(row);
    }
    return { traces, finished };
  }

  /** The voltage traces of n individuals (x: n x dim), [individual][protocol] (tests, benches, comparisons of back ends). */
  async traces(x: Float64Array, n: number, threads: number, python?: PythonService): Promise<Float64Array[][]> {
    return (await this.simulate(this.valuesOf(x, n), n, threads, python)).traces;
  }

  /** The target's traces (simulated once per process when generated) and their features. */
  private async targets(threads: number, python: PythonService | undefined): Promise<Float64Array[]> {
    if (this.target) return this.target;
    const t = this.cfg.target;
    if ('traces' in t) this.target = this.cfg.protocols.map((p, k) => this.readTrace(t.traces[p.name], k));
    else {
      const values = this.baseValues();
      for (const [path, v] of Object.entries(t.generate)) values[this.freeIndex(path)] = v;
      this.target = (await this.simulate(values, 1, threads, python)).traces[0];
    }
    this.targetFeatures = this.target.map((v, p) => this.featuresOf(v, p));
    return this.target;
  }

  private freeIndex(path: string): number {
    const [region, a, b] = path.split('.');
    const r = this.spec.regions.indexOf(region);
    return this.free.findIndex((f) => f.region === r && (b === undefined ? f.mechanism === null && f.param === a : f.mechanism === a && f.param === b));
  }

  private featuresOf(v: Float64Array, p: number): FeatureValues {
    const s = this.cfg.protocols[p].stimuli[0];
    return traceFeatures(v, this.cfg.sample_ms, s, this.cfg.threshold_mv);
  }

  /** The target's mean and standard deviation of a feature: measured (feature_targets), else from its trace. */
  private featureTarget(p: number, f: FeatureName): { mean: number | null; std: number; missing?: string } {
    const given = this.cfg.feature_targets[this.cfg.protocols[p].name]?.[f];
    if (given) return given;
    const tv = this.targetFeatures![p][f];
    if (tv.value === null) return { mean: null, std: 1, missing: tv.missing };
    const floor = this.cfg.feature_std.floor[f] ?? FEATURE_STD_FLOOR[f];
    return { mean: tv.value, std: Math.max(this.cfg.feature_std.relative * Math.abs(tv.value), floor) };
  }

  /** The objectives of one individual's traces, and the remarks on penalties. */
  private score(traces: Float64Array[]): { values: number[]; notes: string[] } {
    const notes: string[] = [];
    if (this.cfg.fitness === 'mse') {
      return {
        values: traces.map((v, p) => {
          const t = this.target![p];
          let s = 0;
          for (let k = 0; k < t.length; k++) s += (v[k] - t[k]) ** 2;
          return s / t.length;
        }),
        notes,
      };
    }
    const values: number[] = [];
    traces.forEach((v, p) => {
      const fv = this.featuresOf(v, p);
      const name = this.cfg.protocols[p].name;
      for (const f of this.cfg.features) {
        const target = this.featureTarget(p, f), mine = fv[f];
        if (target.mean === null && mine.value === null) values.push(0); // missing in both: they agree
        else if (target.mean === null || mine.value === null) {
          values.push(this.cfg.feature_penalty);
          notes.push(`${name} ${f}: ${mine.value === null ? mine.missing : `the target has none (${target.missing})`}`);
        } else values.push(Math.abs(mine.value - target.mean) / target.std);
      }
    });
    return { values, notes };
  }

  async evaluateAsync(x: Float64Array, ctx: BatchContext, control: EvalControl): Promise<BatchOutput> {
    const n = ctx.index.length;
    await this.targets(ctx.threads, ctx.python);
    const sim = await this.simulate(this.valuesOf(x, n), n, ctx.threads, ctx.python, control);
    const nObj = this.weights.length;
    const fitness = new Float64Array(n * nObj);
    const notes = new Array<string | null>(n).fill(null);
    for (let i = 0; i < n; i++) {
      if (!sim.finished[i]) continue;
      const s = this.score(sim.traces[i]);
      fitness.set(s.values, i * nObj);
      if (s.notes.length > 0) notes[i] = `penalty ${this.cfg.feature_penalty}: ${s.notes.join('; ')}`;
    }
    return { fitness, notes, unfinished: Array.from(sim.finished, (f) => f === 0) };
  }

  /**
   * The run's best individual simulated again (rank 0, after the run): its traces beside the target's
   * per protocol, and every feature of both (assessment.json `traces` and `features`, for the report).
   */
  async assess(x: Float64Array, ctx: AssessContext): Promise<Assessment> {
    const target = await this.targets(ctx.threads, ctx.python);
    const sim = await this.simulate(this.valuesOf(x, 1), 1, ctx.threads, ctx.python);
    const best = sim.traces[0];
    const s = this.score(best);
    const values = this.space.params.map((sp, d) => `${sp.name.replace(/^log10\((.*)\)$/, '$1')} ${Number((this.coords[d].log ? 10 ** x[d] : x[d]).toPrecision(4))}`).join(', ');
    const dts = this.cfg.sample_ms;
    // at most 4000 points per trace drawn
    const stride = Math.max(1, Math.ceil(Math.max(...target.map((t) => t.length)) / 4000));
    const thin = (v: Float64Array) => Array.from({ length: Math.ceil(v.length / stride) }, (_, k) => Number(v[k * stride].toFixed(3)));
    const features = this.cfg.protocols.flatMap((p, k) => {
      const mine = this.featuresOf(best[k], k);
      return (Object.keys(FEATURE_UNITS) as FeatureName[]).map((f) => {
        const t = this.featureTarget(k, f);
        const z = t.mean === null || mine[f].value === null ? null : Math.abs(mine[f].value! - t.mean) / t.std;
        return { protocol: p.name, feature: f, unit: FEATURE_UNITS[f], target: t.mean, std: t.mean === null ? null : t.std, best: mine[f].value, z };
      });
    });
    const metrics: Record<string, number> = {};
    this.objectives.forEach((o, k) => (metrics[o] = s.values[k]));
    const total = s.values.reduce((a, b) => a + b, 0);
    return {
      summary: `best individual (${values}): ${this.cfg.fitness === 'mse' ? 'MSE' : 'summed feature distance'} ${Number(total.toPrecision(4))}${s.notes.length > 0 ? ` (penalties: ${s.notes.join('; ')})` : ''}`,
      metrics,
      traces: {
        title: 'Voltage traces of the best individual against the target',
        caption: `The voltage at each protocol's recording site (${this.cfg.backend}), sampled every ${dts * stride} ms.`,
        dt_ms: dts * stride,
        protocols: this.cfg.protocols.map((p, k) => ({ name: p.name, target: thin(target[k]), best: thin(best[k]) })),
      },
      features,
    };
  }
}
