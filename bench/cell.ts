/**
 * The `cell` optimizee (src/optimizees/cell) on the cell of examples/cell-fit.yaml, against a plain
 * NEURON script in a standalone /usr/bin/python3 (bench/cell/neuron_own.py: the cell built once with
 * h.Section / pt3dadd / insert, then one individual per run: set its densities, each protocol with an
 * IClamp, Vector.record, h.finitialize, h.continuerun), side by side in one run. Simulations per
 * second, one simulation being one individual's evaluation: the cell on every protocol of the example,
 * and its MSE against the target. Ours: CellModel.evaluateAsync with the NEURON back end
 * (python/l2l_cell.py in this process's embedded Python: every (individual, protocol) pair one copy of
 * the cell in one NEURON simulation), 1 and 64 individuals per call; and with the Arbor back end
 * (native/arbor), 1 and 64 per call on 1 and 2 threads, where this build has Arbor. The same 64
 * individuals everywhere (uniform in the parameter box, fixed seed); every rate is the best of 3
 * repeats after a warm-up call (the machine is shared); ratio = ours / the standalone script's. Also
 * the first individual's voltages, the standalone script's against our NEURON back end's (the same
 * simulator and discretization: the same numbers expected), and its MSE against the model's fitness.
 * Reports figures, asserts nothing.
 *
 *   node --import tsx bench/cell.ts
 *
 * Writes bench/out/cell.md (the section of bench/RESULTS.md).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { BatchContext, EvalControl } from '../src/core/optimizee.js';
import { embeddedPython } from '../src/experiment/execution/native.js';
import type { CellFree, CellRunOptions } from '../src/native/arbor.js';
import { loadArbor } from '../src/native/loader.js';
import { CellModel } from '../src/optimizees/cell/model.js';
import { cellSchema, type CellConfig } from '../src/optimizees/cell/schema.js';

// the embedded interpreter starts at the first call and imports neuron in this process: no display
process.env.NEURON_MODULE_OPTIONS ??= '-nogui';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'bench', 'out');
const EXAMPLE = 'examples/cell-fit.yaml';
const REPEATS = 3;
const INDIVIDUALS = 64;

const { type: _type, ...described } = (parse(readFileSync(join(ROOT, EXAMPLE), 'utf8')) as { optimizee: Record<string, unknown> }).optimizee;
const configOf = (backend: 'neuron' | 'arbor'): CellConfig => cellSchema.parse({ ...described, backend });
const cfg = configOf('neuron');
const model = new CellModel(cfg);
const dim = model.space.dim;
const every = Math.round(cfg.sample_ms / cfg.dt);

// the individuals: coordinates uniform in the space's box (log10 where log), a fixed seed
let state = 12345;
const uniform = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const X = new Float64Array(INDIVIDUALS * dim);
for (let i = 0; i < INDIVIDUALS; i++) model.space.params.forEach((p, d) => (X[i * dim + d] = p.lower + uniform() * (p.upper - p.lower)));

// the free properties as the back ends take them: every parameter's path, then any other the target sets
const paths = [...new Set([...cfg.parameters.map((p) => p.path), ...('generate' in cfg.target ? Object.keys(cfg.target.generate) : [])])];
const free: CellFree[] = paths.map((path) => {
  const parts = path.split('.');
  const region = model.spec.regions.indexOf(parts[0]);
  return parts.length === 2 ? { region, mechanism: null, param: parts[1] } : { region, mechanism: parts[1], param: parts[2] };
});
/** A free property's value in the description (the mechanism's, or the region's cm and ra). */
const describedValue = (f: CellFree): number =>
  f.mechanism === null ? (f.param === 'cm' ? model.spec.cm[f.region] : model.spec.ra[f.region]) : model.spec.mechanisms.find((m) => m.region === f.region && m.name === f.mechanism)!.params[f.param];
/** Individual i's free values (10^ of the log coordinates; the space orders its coordinates by name, not as the file does). */
const valuesOf = (i: number): number[] =>
  paths.map((path, k) => {
    const p = cfg.parameters.find((q) => q.path === path);
    if (!p) return describedValue(free[k]);
    const d = model.space.params.findIndex((sp) => sp.name === (p.log ? `log10(${path})` : path));
    const c = X[i * dim + d];
    return p.log ? 10 ** c : c;
  });
const targetValues = paths.map((path, k) => ('generate' in cfg.target && path in cfg.target.generate ? cfg.target.generate[path] : describedValue(free[k])));

const ctx = (n: number, threads: number): BatchContext => ({ generation: 0, index: Int32Array.from({ length: n }, (_, i) => i), seed: Uint32Array.from({ length: n }, (_, i) => 1 + i), threads, python: embeddedPython });
const control = (): EvalControl => ({ cancel: new Int32Array(1), progress: new Float64Array(2) });

/** The individuals i0 .. i0+n-1 as an n x dim block. */
const rows = (i0: number, n: number) => X.subarray(i0 * dim, (i0 + n) * dim);

interface Rate { rate: number; fitness0: Float64Array }

/** Ours: every individual in calls of `perCall`, the best of REPEATS passes after a warm-up call. */
async function ours(m: CellModel, perCall: number, threads: number): Promise<Rate> {
  const nObj = m.weights.length;
  let fitness0 = new Float64Array(nObj);
  await m.evaluateAsync(rows(0, perCall), ctx(perCall, threads), control()); // warm-up: the target, the copies
  let best = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    for (let i0 = 0; i0 < INDIVIDUALS; i0 += perCall) {
      const out = await m.evaluateAsync(rows(i0, perCall), ctx(perCall, threads), control());
      if (i0 === 0) fitness0 = out.fitness.slice(0, nObj);
    }
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  return { rate: INDIVIDUALS / best, fitness0 };
}

type Baseline = { rate: number; traces0: number[][]; mse0: number[]; neuron: string } | { error: string };

/** The standalone script on the same cell and individuals (JSON on stdin, one JSON line out). */
function standalone(): Baseline {
  const spec = { ...model.spec, sections: model.spec.sections.map((s) => ({ ...s, points: Array.from(s.points) })), cm: Array.from(model.spec.cm), ra: Array.from(model.spec.ra) };
  const input = JSON.stringify({
    spec, protocols: model.protocols, sample_every: every, free, target: targetValues,
    individuals: Array.from({ length: INDIVIDUALS }, (_, i) => valuesOf(i)), repeats: REPEATS,
  });
  const r = spawnSync('/usr/bin/python3', [join(ROOT, 'bench', 'cell', 'neuron_own.py')], {
    input, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 600_000, env: { ...process.env, NEURON_MODULE_OPTIONS: '-nogui' },
  });
  try {
    const j = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '');
    return { rate: j.sims_per_second, traces0: j.traces0, mse0: j.mse0, neuron: j.neuron };
  } catch {
    return { error: (r.stderr.trim().split('\n').at(-1) || `exit ${r.status ?? r.signal}`).slice(0, 300) };
  }
}

/** The first individual's traces from a back end directly (per protocol), with the options the model sends. */
function runOptions(threads: number): CellRunOptions {
  return { instances: 1, free, values: Float64Array.from(valuesOf(0)), protocols: model.protocols, sample_every: every, threads };
}
function split(flat: Float64Array, lengths: number[]): Float64Array[] {
  let at = 0;
  return lengths.map((n) => flat.subarray(at, (at += n)));
}

/** Whether Arbor is there: its status, or why not (the addon not built at all). */
function arborStatus(): { built: boolean; version?: string; reason?: string } {
  try {
    return loadArbor().status();
  } catch (err) {
    return { built: false, reason: (err as Error).message.split('\n')[0] };
  }
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const base = standalone();
  // one model, one pool of copies at a time: every NEURON section of this process is in each simulation
  const n1 = await ours(model, 1, 1);
  const n64 = await ours(model, INDIVIDUALS, 1);
  const arbor = arborStatus();
  let arborRates: Array<{ name: string; r: Rate }> = [];
  let arborTraces: Float64Array[] | null = null;
  const lengths = model.protocols.map((p) => Math.floor(p.tstop / cfg.sample_ms + 1e-9) + 1);
  if (arbor.built) {
    const am = new CellModel(configOf('arbor'));
    for (const [perCall, threads] of [[1, 1], [INDIVIDUALS, 1], [INDIVIDUALS, 2]] as const) {
      arborRates.push({ name: `ours, Arbor back end${arbor.version ? ` (Arbor ${arbor.version})` : ''}, ${perCall === 1 ? '1 individual' : `${perCall} individuals`} per call, ${threads} thread${threads > 1 ? 's' : ''}`, r: await ours(am, perCall, threads) });
    }
    arborTraces = split((await loadArbor().run(am.spec, runOptions(1), control())).traces, lengths);
  }
  // our NEURON back end's traces of the first individual (after the timing: this call's copies join every later simulation)
  const r = (await embeddedPython.invoke('l2l_cell', 'run', ['bench-cell-check', model.spec, runOptions(1)])) as { traces: Uint8Array };
  const flat = new Float64Array(r.traces.buffer.slice(r.traces.byteOffset, r.traces.byteOffset + r.traces.byteLength));
  const neuronTraces = split(flat, lengths);

  const sections = model.spec.sections.length;
  const compartments = model.spec.sections.reduce((a, s) => a + s.nseg, 0);
  const simulated = model.protocols.reduce((a, p) => a + p.tstop, 0);
  const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const ratio = (x: number) => ('error' in base ? 'n/a' : `${(x / base.rate).toFixed(2)}x`);
  const row = (name: string, x: number) => `| ${name} | ${fmt(x)} | ${ratio(x)} |`;
  const lines = [
    `The cell of ${EXAMPLE}: ${sections} sections (a Hodgkin-Huxley soma, a passive apical trunk and two passive oblique branches), ${compartments} compartments, ${model.protocols.length} current-step protocols of ${model.protocols.map((p) => p.tstop).join(' / ')} ms (${simulated} ms simulated per simulation), dt ${cfg.dt} ms, voltage sampled every ${cfg.sample_ms} ms. One simulation: one individual's evaluation (the cell on every protocol, its MSE against the target per protocol). ${INDIVIDUALS} individuals uniform in the ${dim}-parameter box (log10 densities); each rate the best of ${REPEATS} passes over all of them, after a warm-up call. The standalone script runs each protocol as a simulation of its own; ours runs every (individual, protocol) pair as a copy of the cell in one simulation, so NEURON's per-step cost (its run loop) is paid once per call rather than once per protocol and individual; and it sets NEURON's cvode.cache_efficient(1) (the copies' nodes in contiguous arrays: the same numbers, about twice as fast for a batch), which the plain script, as a user would write it, does not.`,
    '',
    '| | simulations per second | / standalone NEURON |',
    '|---|---:|---:|',
    `| standalone NEURON ${'error' in base ? '' : `${base.neuron} `}(/usr/bin/python3, bench/cell/neuron_own.py: the cell built once, one individual per run, the protocols in turn) | ${'error' in base ? `failed: ${base.error}` : fmt(base.rate)} | |`,
    row('ours, NEURON back end (embedded Python), 1 individual per call', n1.rate),
    row(`ours, NEURON back end (embedded Python), ${INDIVIDUALS} individuals per call (${INDIVIDUALS * model.protocols.length} copies of the cell in one simulation)`, n64.rate),
    ...arborRates.map((a) => row(a.name, a.r.rate)),
    '',
    arbor.built ? '' : `Arbor back end: not measured: ${(arbor.reason ?? 'this build has no Arbor').replace(/\.+$/, '')}.`,
    '',
    'error' in base ? 'Voltages: no comparison (the standalone script failed).' : voltageCheck(base, neuronTraces, n1.fitness0, n64.fitness0),
    arborTraces ? `\nArbor against NEURON, the first individual (a different discretization: close, not equal): largest voltage difference ${maxDiff(arborTraces, neuronTraces).toFixed(3)} mV (where a spike fires, a shift of its time by hundredths of a millisecond is mV apart: test/optimizees/cell.test.ts compares spike times and the subthreshold voltage).` : '',
  ];
  const text = lines.join('\n').replace(/\n{3,}/g, '\n\n').trim() + '\n';
  writeFileSync(join(OUT, 'cell.md'), text);
  process.stdout.write(text);
}

function maxDiff(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  let m = 0;
  a.forEach((v, p) => {
    for (let k = 0; k < v.length; k++) m = Math.max(m, Math.abs(v[k] - b[p][k]));
  });
  return m;
}

/** The standalone script's first individual against ours: voltages at a few times, the whole traces, the MSE. */
function voltageCheck(base: Extract<Baseline, { rate: number }>, ours: Float64Array[], fit1: Float64Array, fit64: Float64Array): string {
  const times = [10, 25, 60, 110];
  const at = times.map((t) => Math.round(t / cfg.sample_ms));
  const shown = cfg.protocols.map((p, k) => `${p.name}: ${at.map((s, j) => `${times[j]} ms ${base.traces0[k][s].toFixed(4)} / ${ours[k][s].toFixed(4)}`).join(', ')}`).join('; ');
  const d = maxDiff(base.traces0, ours);
  const mse = Math.max(...base.mse0.map((v, p) => Math.max(Math.abs(v - fit1[p]), Math.abs(v - fit64[p])) / Math.max(Math.abs(v), 1e-300)));
  const same = d === 0 ? 'identical, every sample of every protocol' : `largest difference ${d.toExponential(2)} mV`;
  return [
    `Voltages of the first individual, standalone script / ours (NEURON back end): ${shown} (mV, at the recording site of each protocol).`,
    `Whole traces: ${same}. Its MSE per protocol, the standalone script's against our fitness (1 and ${INDIVIDUALS} per call): ${mse === 0 ? 'identical' : `largest relative difference ${mse.toExponential(2)}`} (${base.mse0.map((v) => v.toPrecision(5)).join(', ')} mV^2).`,
  ].join('\n');
}

await main();
process.exit(0);
