/**
 * The cell optimizee's parts: the features of a trace against hand-computed values, the morphology from
 * the built-in description and from SWC (and a malformed SWC refused with its file and line), the
 * NEURON back end (Debian's python3-neuron, in this process's embedded interpreter) against the analytic
 * response of a passive compartment to a current step, many cells per call giving each the numbers it
 * gets alone, the Arbor back end against NEURON where this build has Arbor, and the objectives (MSE,
 * features with their penalties and notes).
 */
import t from 'tap';
import { join } from 'node:path';
import { cellSchema, CellModel } from '../../src/optimizees/cell/index.js';
import { traceFeatures } from '../../src/optimizees/cell/features.js';
import { builtinMorphology, nsegFor, swcMorphology } from '../../src/optimizees/cell/morphology.js';
import { embeddedPython } from '../../src/experiment/execution/native.js';
import { loadArbor } from '../../src/native/loader.js';
import type { BatchContext } from '../../src/core/optimizee.js';
import { ROOT } from '../helpers/mpirun.js';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'cell');
const control = () => ({ cancel: new Int32Array(1), progress: new Float64Array(2) });
const ctx = (rows: number): BatchContext => ({ generation: 0, index: Int32Array.from({ length: rows }, (_, i) => i), seed: new Uint32Array(rows), threads: 1, python: embeddedPython });

t.test('features of a hand-made trace: crossings interpolated, latency, interval, height, width, trough, rest, resistance', async (t) => {
  // 0.1 ms samples, 100 ms: rest at -70, a step from 20 to 80 ms holding -60, two triangular spikes
  // peaking at +30 that cross -20 at 30.5/31.5 ms and 50.5/51.5 ms, each followed by a trough at -75
  const dts = 0.1, n = 1001;
  const v = new Float64Array(n).fill(-70);
  for (let k = 200; k < 800; k++) v[k] = -60;
  for (const t0 of [30, 50]) {
    // linear from -60 at t0 to +30 at t0 + 1, back to -60 at t0 + 2 (crossing -20 at t0 + 4/9 and t0 + 2 - 4/9)
    for (let k = 0; k <= 20; k++) v[Math.round(t0 / dts) + k] = k <= 10 ? -60 + 9 * k : 30 - 9 * (k - 10);
    v[Math.round((t0 + 3) / dts)] = -75;
  }
  const f = traceFeatures(v, dts, { delay: 20, duration: 60, amplitude: 0.05 }, -20);
  t.equal(f.spike_count.value, 2);
  t.ok(Math.abs(f.first_spike_latency.value! - (10 + 4 / 9)) < 1e-9, `latency ${f.first_spike_latency.value} = 10 + 4/9 ms`);
  t.ok(Math.abs(f.mean_isi.value! - 20) < 1e-9, `interval ${f.mean_isi.value} = 20 ms`);
  t.equal(f.ap_height.value, 30);
  t.ok(Math.abs(f.ap_width.value! - (2 - 8 / 9)) < 1e-9, `width ${f.ap_width.value} = 2 - 8/9 ms`);
  t.equal(f.ahp_depth.value, -75);
  t.equal(f.resting_potential.value, -70);
  t.ok(Math.abs(f.input_resistance.value! - 200) < 1e-9, `(-60 - -70) mV / 0.05 nA = 200 MOhm, got ${f.input_resistance.value}`);
  const flat = traceFeatures(new Float64Array(n).fill(-65), dts, { delay: 20, duration: 60, amplitude: 0 }, -20);
  t.equal(flat.spike_count.value, 0);
  t.same([flat.first_spike_latency.missing, flat.mean_isi.missing, flat.ap_height.missing, flat.input_resistance.missing], ['no spike after the onset', 'no spike', 'no spike', 'no current injected']);
});

t.test('morphology: the built-in description and an SWC file as sections; a malformed SWC is refused with file and line', async (t) => {
  const b = builtinMorphology([
    { name: 'soma', length: 20, diameter: 20 },
    { name: 'trunk', parent: 'soma', region: 'apical', length: 300, diameter: [3, 2] },
    { name: 'branch', parent: 'trunk', region: 'apical', length: 100, diameter: 1, direction: [0, 1, 0] },
  ], 20);
  t.same(b.regions, ['soma', 'apical']);
  t.same(b.sections.map((s) => [s.name, s.region, s.parent, s.nseg]), [['soma', 0, -1, 1], ['trunk', 1, 0, 15], ['branch', 1, 1, 5]]);
  t.same(Array.from(b.sections[2].points), [320, 0, 0, 1, 320, 100, 0, 1], 'a child starts at its parent\'s end, along its direction');
  t.same([nsegFor(20, 20), nsegFor(21, 20), nsegFor(45, 20)], [1, 3, 3], 'odd compartments at most max_segment_um long');
  t.throws(() => builtinMorphology([{ name: 'soma', length: 20, diameter: 20 }, { name: 'd', parent: 'axon', length: 10, diameter: 1 }], 20), /sections\[1\]\.parent: got "axon", expected an earlier section \(one of soma\)/);

  const m = swcMorphology(join(FIXTURES, 'small.swc'), 20);
  t.same(m.regions, ['soma', 'dend', 'axon', 'apic'], 'regions by SWC type, in order of appearance');
  t.same(m.sections.map((s) => [s.name, s.parent, s.parent_end]), [['soma[0]', -1, 1], ['dend[0]', 0, 0], ['dend[1]', 1, 1], ['dend[2]', 1, 1], ['axon[0]', 0, 1], ['apic[0]', 0, 1]],
    'split at branch points and type changes; children of the soma at its nearer end');
  t.same(Array.from(m.sections[0].points), [0, 0, 0, 12, 6, 0, 0, 12, 12, 0, 0, 12], 'the soma: its chain of samples (diameter = 2 radius)');
  t.same(Array.from(m.sections[2].points.subarray(0, 4)), [-40, 5, 0, 1.2], 'a section starts at its parent\'s last sample');
  const dir = t.testdir({ 'bad.swc': '1 1 0 0 0 5 -1\n2 3 10 0 0 1 1\n3 3 20 0 zero 1 2\n', 'orphan.swc': '1 1 0 0 0 5 -1\n2 3 10 0 0 1 7\n' });
  t.throws(() => swcMorphology(join(dir, 'bad.swc'), 20), /bad\.swc:3: expected 7 numbers/);
  t.throws(() => swcMorphology(join(dir, 'orphan.swc'), 20), /orphan\.swc:2: parent 7 is not an earlier sample/);
  t.throws(() => swcMorphology(join(dir, 'none.swc'), 20), /cannot read .*none\.swc \(ENOENT\)/);
});

/** One passive compartment: a 20 x 20 um cylinder with pas, a step of `amp` nA from 10 ms for 150 ms. */
const passive = (backend: 'neuron' | 'arbor', amp = 0.01) => cellSchema.parse({
  backend,
  morphology: { sections: [{ name: 'soma', length: 20, diameter: 20 }] },
  mechanisms: { soma: { pas: { g: 1e-4, e: -65 } } },
  v_init: -65, dt: 0.025, sample_ms: 0.1,
  protocols: [{ name: 'step', tstop: 200, stimuli: [{ delay: 10, duration: 150, amplitude: amp }] }],
  target: { generate: { 'soma.pas.g': 1e-4 } },
  parameters: [{ path: 'soma.pas.g', lower: 1e-5, upper: 1e-3, log: true }],
});

t.test('NEURON: a passive compartment follows V = E + I R (1 - exp(-t / tau)) within backward Euler\'s error', async (t) => {
  const model = new CellModel(passive('neuron'));
  const [trace] = (await model.traces(Float64Array.of(-4), 1, 1, embeddedPython))[0];
  // area pi d L = 1256.6 um2; R = 1 / (g A) = 795.8 MOhm; tau = cm / g = 10 ms; I R = 7.958 mV
  const area = Math.PI * 20 * 20 * 1e-8, R = 1 / (1e-4 * area) / 1e6, tau = 10, dV = 0.01 * R;
  let worst = 0;
  for (let k = 0; k < trace.length; k++) {
    const tk = k * 0.1;
    const on = Math.min(Math.max(tk - 10, 0), 150);
    const exact = -65 + dV * (1 - Math.exp(-on / tau)) * (tk > 160 ? Math.exp(-(tk - 160) / tau) / (1 - Math.exp(-on / tau)) * (1 - Math.exp(-150 / tau)) : 1);
    worst = Math.max(worst, Math.abs(trace[k] - exact));
  }
  // implicit Euler at dt / tau = 0.0025 deviates from the exponential by at most about dV dt / tau
  // (0.02 mV), and the step switches on within one step of t = 10 ms: 0.05 mV is that with room
  t.ok(worst < 0.05, `max |V - analytic| = ${worst.toFixed(4)} mV over ${trace.length} samples (deflection ${dV.toFixed(3)} mV)`);
  const f = traceFeatures(trace, 0.1, { delay: 10, duration: 150, amplitude: 0.01 }, -20);
  t.ok(Math.abs(f.input_resistance.value! / R - 1) < 1e-3, `input resistance ${f.input_resistance.value!.toFixed(2)} MOhm, analytic ${R.toFixed(2)}`);
});

t.test('NEURON: many cells per call give each the numbers it gets alone', async (t) => {
  const cfg = cellSchema.parse({
    morphology: { sections: [{ name: 'soma', length: 20, diameter: 20 }, { name: 'dend', parent: 'soma', length: 200, diameter: 2, nseg: 5 }] },
    mechanisms: { soma: { hh: { gnabar: 0.12, gkbar: 0.036 } }, dend: { pas: { g: 5e-5, e: -65 } } },
    dt: 0.05, sample_ms: 0.1,
    protocols: [{ name: 'a', tstop: 60, stimuli: [{ delay: 10, duration: 40, amplitude: 0.3 }] }, { name: 'b', tstop: 40, stimuli: [{ delay: 5, duration: 20, amplitude: -0.1 }], record: { at: 'dend', x: 1 } }],
    target: { generate: { 'soma.hh.gnabar': 0.12 } },
    parameters: [{ path: 'soma.hh.gnabar', lower: 0.05, upper: 0.3 }, { path: 'dend.pas.g', lower: 1e-5, upper: 1e-3, log: true }],
  });
  const model = new CellModel(cfg);
  const x = Float64Array.of(-4.3, 0.12, -4, 0.08, -3.5, 0.2); // (log10 dend.pas.g, soma.hh.gnabar) x 3
  const together = await model.traces(x, 3, 1, embeddedPython);
  t.same(together.map((p) => p.map((v) => v.length)), [[601, 401], [601, 401], [601, 401]], 'per individual, per protocol: tstop / sample_ms + 1 samples');
  for (let i = 0; i < 3; i++) {
    const alone = (await model.traces(x.subarray(2 * i, 2 * i + 2), 1, 1, embeddedPython))[0];
    t.same(alone.map((v) => Array.from(v)), together[i].map((v) => Array.from(v)), `individual ${i}: the same numbers alone`);
  }
  t.not(together[0][0][400], together[2][0][400], 'the individuals\' parameters reach the cells');
  // the objectives: MSE per protocol, 0 for the target's own values
  const out = await model.evaluateAsync(Float64Array.of(Math.log10(5e-5), 0.12, -4, 0.2), ctx(2), control());
  // (10^log10(5e-5) is 5e-5 to the last bit or two)
  t.ok(out.fitness[0] < 1e-15 && out.fitness[1] < 1e-15, `the target's own values: MSE ${out.fitness[0]}, ${out.fitness[1]} (0 but for rounding)`);
  t.ok(out.fitness[2] > 0 && out.fitness[3] > 0, `another individual: MSE ${out.fitness[2].toFixed(3)}, ${out.fitness[3].toFixed(3)} mV^2`);
  t.same(model.weights, [-1, -1]);
  t.same(model.objectives, ['MSE a (mV^2)', 'MSE b (mV^2)']);
});

t.test('fitness features: z-distances, a missing feature penalised and named in the note', async (t) => {
  const cfg = cellSchema.parse({
    morphology: { sections: [{ name: 'soma', length: 20, diameter: 20 }] },
    mechanisms: { soma: { hh: { gnabar: 0.12, gkbar: 0.036 } } },
    dt: 0.05, sample_ms: 0.1,
    protocols: [{ name: 'fire', tstop: 80, stimuli: [{ delay: 10, duration: 60, amplitude: 0.1 }] }],
    target: { generate: { 'soma.hh.gnabar': 0.12 } },
    parameters: [{ path: 'soma.hh.gnabar', lower: 0.01, upper: 0.3 }],
    fitness: 'features', features: ['spike_count', 'first_spike_latency', 'ap_height'],
  });
  const model = new CellModel(cfg);
  t.same(model.objectives, ['fire spike_count (z)', 'fire first_spike_latency (z)', 'fire ap_height (z)']);
  const out = await model.evaluateAsync(Float64Array.of(0.12, 0.01), ctx(2), control());
  t.same(Array.from(out.fitness.subarray(0, 3)), [0, 0, 0], 'the target itself: every distance 0');
  t.equal(out.notes![0], null);
  // gnabar 0.01 S/cm2 cannot fire: no latency, no height
  t.same(Array.from(out.fitness.subarray(4, 6)), [250, 250], 'missing latency and height: the penalty');
  t.match(out.notes![1], /^penalty 250: fire first_spike_latency: no spike after the onset; fire ap_height: no spike$/);
  t.ok(out.fitness[3] > 0, `fewer spikes than the target: spike_count z = ${out.fitness[3]}`);
});

const arbor = (() => {
  try {
    return loadArbor().status();
  } catch (err) {
    return { built: false, reason: (err as Error).message };
  }
})();

t.test('Arbor and NEURON: the same description, the same traces within the stated tolerance', { skip: arbor.built ? false : `this build has no Arbor (${arbor.reason})` }, async (t) => {
  const fire = (backend: 'neuron' | 'arbor') => cellSchema.parse({
    backend,
    morphology: { sections: [{ name: 'soma', length: 20, diameter: 20 }, { name: 'trunk', parent: 'soma', region: 'apical', length: 200, diameter: [3, 2], nseg: 5 }, { name: 'b1', parent: 'trunk', region: 'apical', length: 100, diameter: 1.2, direction: [1, 0.5, 0], nseg: 3 }] },
    mechanisms: { soma: { hh: { gnabar: 0.12, gkbar: 0.036, gl: 0.0003, el: -54.3 } }, apical: { pas: { g: 5e-5, e: -65 } } },
    dt: 0.025, sample_ms: 0.1,
    protocols: [{ name: 'fire', tstop: 150, stimuli: [{ delay: 20, duration: 100, amplitude: 0.3 }] }, { name: 'hyper', tstop: 150, stimuli: [{ delay: 20, duration: 100, amplitude: -0.1 }] }],
    target: { generate: { 'soma.hh.gnabar': 0.12 } },
    parameters: [{ path: 'soma.hh.gnabar', lower: 0.05, upper: 0.3 }],
  });
  const [n, a] = [(await new CellModel(fire('neuron')).traces(Float64Array.of(0.12), 1, 1, embeddedPython))[0], (await new CellModel(fire('arbor')).traces(Float64Array.of(0.12), 1, 1))[0]];
  // spike times: upward crossings of -20 mV, interpolated between samples
  const times = (v: Float64Array) => {
    const out: number[] = [];
    for (let k = 1; k < v.length; k++) if (v[k - 1] < -20 && v[k] >= -20) out.push((k - 1 + (-20 - v[k - 1]) / (v[k] - v[k - 1])) * 0.1);
    return out;
  };
  const tn = times(n[0]), ta = times(a[0]);
  t.equal(ta.length, tn.length, `spike count: NEURON ${tn.length}, Arbor ${ta.length}`);
  const dt = Math.max(...tn.map((x, k) => Math.abs(x - ta[k])));
  // what is left is NEURON's hh rate tables (usetable_hh, on by default; Arbor computes the rates):
  // 0.06 ms over 8 spikes here, 0.007 ms with the tables off (docs/cell.md)
  t.ok(dt < 0.2, `every spike within 0.2 ms: max |t_NEURON - t_Arbor| ${dt.toFixed(4)} ms (NEURON ${tn.map((x) => x.toFixed(2)).join(' ')})`);
  // the hyperpolarising step, while it lasts (its end sets off a rebound spike, whose timing the
  // spike tolerance covers)
  let worst = 0;
  for (let k = 0; k <= 1200; k++) worst = Math.max(worst, Math.abs(n[1][k] - a[1][k]));
  t.ok(worst < 0.2, `subthreshold (0 to 120 ms of the hyperpolarising step): max |V_NEURON - V_Arbor| ${worst.toFixed(4)} mV < 0.2 mV`);
});

t.test('targets from CSV files: the traces a generated target has, read back, score 0; a file too short is refused', async (t) => {
  const describe = (target: Record<string, unknown>) => cellSchema.parse({
    morphology: { sections: [{ name: 'soma', length: 20, diameter: 20 }] },
    mechanisms: { soma: { hh: { gnabar: 0.12, gkbar: 0.036 } } },
    dt: 0.05, sample_ms: 0.1,
    protocols: [{ name: 'fire', tstop: 50, stimuli: [{ delay: 5, duration: 40, amplitude: 0.2 }] }, { name: 'rest', tstop: 30, stimuli: [{ delay: 5, duration: 20, amplitude: -0.05 }] }],
    target, parameters: [{ path: 'soma.hh.gnabar', lower: 0.05, upper: 0.3 }],
  });
  const generated = new CellModel(describe({ generate: { 'soma.hh.gnabar': 0.15 } }));
  const traces = (await generated.traces(Float64Array.of(0.15), 1, 1, embeddedPython))[0];
  const dir = t.testdir({});
  const csv = (v: Float64Array) => `time_ms,voltage_mV\n${Array.from(v, (x, k) => `${Number((k * 0.1).toFixed(6))},${x.toPrecision(17)}`).join('\n')}\n`;
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(dir, 'fire.csv'), csv(traces[0]));
  writeFileSync(join(dir, 'rest.csv'), csv(traces[1]));
  const fromFiles = new CellModel(describe({ traces: { fire: join(dir, 'fire.csv'), rest: join(dir, 'rest.csv') } }));
  const out = await fromFiles.evaluateAsync(Float64Array.of(0.15, 0.12), ctx(2), control());
  // (the files' times are k x 0.1 to 6 decimals, the sample times k x 0.1 in binary: the interpolation
  // weights differ from 0 by about 1e-15, so 0 up to that)
  t.ok(out.fitness[0] < 1e-20 && out.fitness[1] < 1e-20, `the values that made the files: MSE ${out.fitness[0]}, ${out.fitness[1]} on the two`);
  t.ok(out.fitness[2] > 1, `gnabar 0.12: MSE ${out.fitness[2].toFixed(2)} mV^2 on fire`);
  writeFileSync(join(dir, 'short.csv'), csv(traces[1].subarray(0, 200)));
  t.throws(() => new CellModel(describe({ traces: { fire: join(dir, 'fire.csv'), rest: join(dir, 'short.csv') } })), /target\.traces: .*short\.csv covers 0\.\.19\.9 ms, expected 0\.\.30 ms/);
  t.throws(() => cellSchema.parse({ ...describe({ generate: {} }), target: { traces: { fire: 'a.csv' } } }), /a trace for every protocol \(rest has none\)/);
});

t.test('an SWC cell on NEURON (and on Arbor where the build has it): it fires, the regions get their mechanisms', async (t) => {
  const swc = (backend: 'neuron' | 'arbor') => cellSchema.parse({
    backend,
    morphology: { swc: join(FIXTURES, 'small.swc') },
    mechanisms: { soma: { hh: {} }, axon: { hh: {} }, dend: { pas: { g: 5e-5, e: -65 } }, apic: { pas: { g: 5e-5, e: -65 } } },
    dt: 0.025, sample_ms: 0.1,
    protocols: [{ name: 'fire', tstop: 60, stimuli: [{ at: 'soma', delay: 10, duration: 40, amplitude: 0.3 }], record: { at: 'axon[0]', x: 0.5 } }],
    target: { generate: { 'apic.pas.g': 5e-5 } },
    parameters: [{ path: 'apic.pas.g', lower: 1e-5, upper: 1e-3, log: true }],
  });
  const n = (await new CellModel(swc('neuron')).traces(Float64Array.of(Math.log10(5e-5)), 1, 1, embeddedPython))[0][0];
  const count = (v: Float64Array) => traceFeatures(v, 0.1, { delay: 10, duration: 40, amplitude: 0.3 }, -20).spike_count.value!;
  t.ok(count(n) >= 2, `the axon, recorded, carries the soma's spikes: ${count(n)}`);
  if (!arbor.built) return;
  const a = (await new CellModel(swc('arbor')).traces(Float64Array.of(Math.log10(5e-5)), 1, 1))[0][0];
  t.equal(count(a), count(n), `Arbor: the same spike count (${count(a)})`);
});

t.test('the backend and names are checked when the model is built: one line each', async (t) => {
  const base = { morphology: { sections: [{ name: 'soma', length: 20, diameter: 20 }] }, mechanisms: { soma: { hh: {} } }, protocols: [{ name: 'p', tstop: 10, stimuli: [{ delay: 1, duration: 5, amplitude: 0.1 }] }], target: { generate: {} }, parameters: [{ path: 'soma.hh.gnabar', lower: 0.05, upper: 0.3 }] };
  t.throws(() => new CellModel(cellSchema.parse({ ...base, mechanisms: { dend: { pas: {} } } })), /mechanisms\.dend: got "dend", expected a region of the morphology \(one of soma\)/);
  t.throws(() => new CellModel(cellSchema.parse({ ...base, mechanisms: { soma: { nax: {} } } })), /mechanisms\.soma\.nax: got "nax", expected a density mechanism of NEURON's built-ins \(one of hh, pas\)/);
  t.throws(() => new CellModel(cellSchema.parse({ ...base, parameters: [{ path: 'soma.hh.gnabr', lower: 0.05, upper: 0.3 }] })), /hh has no parameter gnabr/);
  t.throws(() => new CellModel(cellSchema.parse({ ...base, protocols: [{ name: 'p', tstop: 10, stimuli: [{ at: 'axon', delay: 1, duration: 5, amplitude: 0.1 }] }] })), /protocols\[0\]\.stimuli\[0\]\.at: got "axon", expected a section or a region/);
  if (!arbor.built) t.throws(() => new CellModel(cellSchema.parse({ ...base, backend: 'arbor' })), /backend: got "arbor", but this build has no Arbor/);
});
