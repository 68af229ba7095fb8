/**
 * The snn optimizee's Python back ends (python/l2l_snn.py, in this process's embedded interpreter): the
 * same description, the same arrays, simulated in Brian2 (python3-brian, present in CI) and in NEST
 * (where `import nest` works; skipped otherwise), against the native simulator: the same mean rates
 * within sampling error (the Poisson streams differ), the classification's fitness where it does not
 * depend on the simulation, an assessment with its raster, and a one-line refusal when the simulator
 * is not there.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { snnSchema, SnnModel } from '../../src/optimizees/snn/index.js';
import { embeddedPython } from '../../src/experiment/execution/native.js';
import type { BatchContext } from '../../src/core/optimizee.js';

const control = () => ({ cancel: new Int32Array(new SharedArrayBuffer(4)), progress: new Float64Array(new SharedArrayBuffer(16)) });
const ctx = (rows: number, generation = 0): BatchContext => ({ generation, index: Int32Array.from({ length: rows }, (_, i) => i), seed: Uint32Array.from({ length: rows }, (_, i) => 7 + i), threads: 2, python: embeddedPython });
const nestThere = spawnSync('/usr/bin/python3', ['-c', 'import nest'], { encoding: 'utf8' }).status === 0;

const balanced = (backend: string, model = 'iaf_psc_exp') => snnSchema.parse({
  backend, model, duration_ms: 400,
  populations: { exc: { size: 160, v0: { uniform: [-70, -56] } }, inh: { size: 40, v0: { uniform: [-70, -56] } } },
  projections: [
    { name: 'ee', from: 'exc', to: 'exc', rule: { fixed_indegree: 16, autapses: false }, weight: 45, delay_ms: 1.5 },
    { name: 'ei', from: 'exc', to: 'inh', rule: { fixed_indegree: 16 }, weight: 45, delay_ms: 0.8 },
    { name: 'ie', from: 'inh', to: 'exc', rule: { fixed_indegree: 4 }, weight: -180, delay_ms: 1.1 },
  ],
  inputs: [{ name: 'drive', type: 'poisson', to: 'exc', rate_hz: 6000, weight: 40 }, { name: 'drive_i', type: 'poisson', to: 'inh', rate_hz: 5000, weight: 40 }],
  parameters: [{ path: 'projections.ie.weight', lower: -300, upper: 0 }, { path: 'inputs.drive.rate_hz', lower: 0, upper: 20000 }],
  objective: { rates: [{ population: 'exc', target_hz: 10 }, { population: 'inh', target_hz: 10 }] },
});

/** Rows of [ie weight, drive rate] in the space's order. */
function rowsOf(model: SnnModel, rows: Array<{ ie: number; drive: number }>): Float64Array {
  const names = model.space.params.map((p) => p.name);
  return Float64Array.from(rows.flatMap((r) => names.map((nm) => (nm === 'projections.ie.weight' ? r.ie : r.drive))));
}

for (const backend of ['brian2', 'nest'] as const) {
  const skip = backend === 'nest' && !nestThere ? 'NEST is not importable here (build NEST 3 from its public source and put its site-packages on PYTHONPATH)' : false;
  t.test(`${backend}: the rates of the native simulator, row by row, within sampling error`, { skip }, async (t) => {
    const rows = [{ ie: -180, drive: 6000 }, { ie: -60, drive: 7000 }, { ie: -250, drive: 9000 }];
    for (const shape of ['iaf_psc_exp', 'iaf_psc_alpha']) {
      const native = new SnnModel(balanced('native', shape));
      const other = new SnnModel(balanced(backend, shape));
      const a = await native.evaluateAsync(rowsOf(native, rows), ctx(rows.length), control());
      const b = await other.evaluateAsync(rowsOf(other, rows), ctx(rows.length), control());
      for (let r = 0; r < rows.length; r++) {
        for (const [p, name] of [[0, 'exc'], [1, 'inh']] as const) {
          const x = a.outputs![r]![p];
          const y = b.outputs![r]![p];
          // 0.4 s of 160 (or 40) neurons: the mean rate's Poisson error is sqrt(rate / (T N)); the
          // network amplifies it, so 6 of those and at least 3% of the rate
          const n = name === 'exc' ? 160 : 40;
          const tol = Math.max(6 * Math.sqrt(Math.max(x, 1) / (0.4 * n)), 0.03 * x);
          t.ok(Math.abs(x - y) <= tol, `${shape}, row ${r} (ie ${rows[r].ie}, drive ${rows[r].drive} Hz): ${name} ${x.toFixed(2)} Hz native, ${y.toFixed(2)} Hz ${backend} (tolerance ${tol.toFixed(2)})`);
        }
      }
      t.ok(Math.abs(b.outputs![0]![0] - b.outputs![1]![0]) > 1, `${shape}: the rows' parameters reach ${backend} (rates ${b.outputs![0]![0].toFixed(1)} and ${b.outputs![1]![0].toFixed(1)} Hz)`);
    }
  });

  t.test(`${backend}: a classification on the reservoir: its fitness where the simulation cannot matter, its assessment with a raster`, { skip }, async (t) => {
    const cfg = snnSchema.parse({
      backend, model: 'iaf_psc_alpha', duration_ms: 50,
      populations: { pixels: { size: 64, params: { t_ref: 1 } }, exc: { size: 40, v0: { uniform: [-70, -55] } }, inh: { size: 10 } },
      projections: [
        { name: 'pe', from: 'pixels', to: 'exc', rule: { fixed_indegree: 8 }, weight: 600 },
        { name: 'ee', from: 'exc', to: 'exc', rule: { fixed_indegree: 8, autapses: false }, weight: 30, delay_ms: 1.5 },
        { name: 'ie', from: 'inh', to: 'exc', rule: { fixed_indegree: 4 }, weight: -300 },
        { name: 'ei', from: 'exc', to: 'inh', rule: { fixed_indegree: 8 }, weight: 30 },
      ],
      inputs: [{ name: 'image', type: 'poisson', to: 'pixels', rate_hz: 0, weight: 1500 }],
      parameters: [{ path: 'readout.weights', lower: -1, upper: 1 }],
      objective: { classify: { input: 'image', scores: { readout: ['exc', 'inh'] }, batch: 5, test_fraction: 0.01 } },
    });
    const model = new SnnModel(cfg);
    const dim = model.space.dim;
    const r = await model.evaluateAsync(new Float64Array(2 * dim), ctx(2), control());
    t.ok(Math.abs(r.fitness[0] - 0.91) < 1e-12 && Math.abs(r.fitness[2] - 0.91) < 1e-12, 'uniform scores: 1 - MSE 0.91 for both rows');
    const x = Float64Array.from({ length: dim }, (_, i) => Math.cos(i * 0.37) * 0.5);
    const a = await model.assess!(x, { threads: 2, python: embeddedPython });
    t.equal(a.metrics.samples, 18, 'every held-out sample (1% of 1797)');
    const raster = a.raster as { steps: number[]; neurons: number[] };
    t.ok(raster.steps.length > 20, `the raster of one sample: ${raster.steps.length} spikes`);
    t.ok(raster.steps.every((s) => s >= 0 && s < 500) && raster.neurons.every((i) => i >= 0 && i < 114), 'spikes within the sample and the network');
  });
}

t.test('a back end whose simulator is not there: one line that says how to get it', { skip: nestThere ? 'NEST is importable here' : false }, async (t) => {
  t.throws(() => new SnnModel(balanced('nest')), /^backend: got "nest", but `import nest` fails in \/usr\/bin\/python3 \(ModuleNotFoundError: No module named 'nest'\): build NEST 3 from its source and put its site-packages on PYTHONPATH, or use backend: native$/);
});
