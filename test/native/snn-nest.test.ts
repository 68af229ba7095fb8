/**
 * The native simulator against NEST 3, where NEST is importable (a NEST built from its public source,
 * its site-packages on PYTHONPATH; CI has none, and these tests are then reported as skipped): the
 * same neurons, synapses and inputs built in NEST (test/native/fixtures/snn_nest.py) give the same
 * membrane trajectories and the same spikes, and, with Poisson drive (independent random streams),
 * the same rates within sampling error.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadSnn } from '../../src/native/loader.js';
import type { SnnNetworkSpec, SnnRunOptions } from '../../src/native/snn.js';
import { snnSchema } from '../../src/optimizees/snn/index.js';
import { buildNetwork } from '../../src/optimizees/snn/build.js';
import { ROOT } from '../helpers/run-main.js';

const probe = spawnSync('/usr/bin/python3', ['-c', 'import nest, sys; sys.stdout.write("\\n" + nest.__version__)'], { encoding: 'utf8', cwd: ROOT });
const nestVersion = probe.status === 0 ? probe.stdout.trim().split('\n').at(-1)!.trim() : null;
const skip = nestVersion ? false : 'NEST is not importable here (build NEST 3 from its public source and put its site-packages on PYTHONPATH)';
const snn = loadSnn();

interface NestRun { steps: number[]; neurons: number[]; v?: number[][]; version: string }

function inNest(spec: SnnNetworkSpec, extra: Record<string, unknown>): NestRun {
  const plain = {
    n: spec.n, dt: spec.dt, model: spec.model,
    params: Object.fromEntries(Object.entries(spec.params).map(([k, v]) => [k, Array.from(v as ArrayLike<number>)])),
    synapses: Object.fromEntries(Object.entries(spec.synapses).map(([k, v]) => [k, Array.from(v as ArrayLike<number>)])),
    ...extra,
  };
  const r = spawnSync('/usr/bin/python3', [join(ROOT, 'test', 'native', 'fixtures', 'snn_nest.py')], { input: JSON.stringify(plain), encoding: 'utf8', cwd: ROOT, maxBuffer: 1 << 28, timeout: 600_000 });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as NestRun;
}

const description = (model: 'iaf_psc_exp' | 'iaf_psc_alpha') => snnSchema.parse({
  model, duration_ms: 500,
  populations: { exc: { size: 160 }, inh: { size: 40, params: { tau_m: 15, tau_syn_in: 5 } } },
  projections: [
    { name: 'ee', from: 'exc', to: 'exc', rule: { fixed_indegree: 16, autapses: false }, weight: 45, delay_ms: 1.5 },
    { name: 'ei', from: 'exc', to: 'inh', rule: { fixed_indegree: 16 }, weight: 45, delay_ms: 0.8 },
    { name: 'ie', from: 'inh', to: 'exc', rule: { fixed_indegree: 4 }, weight: -180, delay_ms: 1.1 },
    { name: 'ii', from: 'inh', to: 'inh', rule: { fixed_indegree: 4, autapses: false }, weight: -180, delay_ms: 2 },
  ],
  parameters: [{ path: 'projections.ie.weight', lower: -300, upper: 0 }],
  objective: { rates: [{ population: 'exc', target_hz: 10 }] },
});

t.test('one input spike: the membrane trajectories of NEST, both synapse shapes', { skip }, async (t) => {
  for (const model of ['exp', 'alpha'] as const) {
    const fill = (v: number) => Float64Array.of(v);
    const spec: SnnNetworkSpec = {
      n: 1, dt: 0.1, model, threshold: 'ge',
      params: { tau_m: fill(10), C_m: fill(250), tau_syn_ex: fill(2), tau_syn_in: fill(5), E_L: fill(-70), V_th: fill(1e6), V_reset: fill(-70), I_e: fill(25), ref_steps: Int32Array.of(20) },
      synapses: { pre: new Int32Array(0), post: new Int32Array(0), delay: new Int32Array(0), receptor: new Uint8Array(0), weight: new Float64Array(0) },
    };
    const ours = await new snn.Network(spec).run({ instances: 1, steps: 500, threads: 1, seeds: Uint32Array.of(1), v0: Float64Array.of(-65), record: { v: Int32Array.of(0) },
      spikes: { instance: Int32Array.of(-1, -1), step: Int32Array.of(50, 120), target: Int32Array.of(0, 0), receptor: Uint8Array.of(0, 1), weight: Float64Array.of(300, -200) } });
    const nest = inNest(spec, { steps: 500, v0: [-65], record_v: [0], spike_inputs: [[0, [50], 300], [0, [120], -200]] });
    const v = nest.v![0];
    t.equal(v.length, 500);
    let worst = 0;
    for (let k = 0; k < 500; k++) worst = Math.max(worst, Math.abs(ours.v[k] - v[k]));
    // the same exact propagators; NEST computes them its own way (propagator_stability), so rounding differs in the last digits
    t.ok(worst < 1e-9, `${model}: largest difference ${worst.toExponential(2)} mV over 50 ms (NEST ${nest.version})`);
  }
});

t.test('a network with delays and listed input spikes: the spikes of NEST, one for one', { skip }, async (t) => {
  for (const model of ['iaf_psc_exp', 'iaf_psc_alpha'] as const) {
    const b = buildNetwork(description(model));
    const n = b.spec.n;
    // every neuron gets a few strong input spikes at fixed steps (no randomness anywhere); an alpha PSC
    // carries e times the charge of an exponential one of the same peak, hence the weights
    const w = model === 'iaf_psc_exp' ? 2500 : 1400;
    const inputs: Array<[number, number[], number]> = [];
    for (let i = 0; i < n; i++) inputs.push([i, [10 + (i * 37) % 400, 20 + (i * 53) % 450, 30 + (i * 71) % 460], w]);
    const v0 = Array.from({ length: n }, (_, i) => -70 + ((i * 7919) % 150) / 10);
    const opts: SnnRunOptions = {
      instances: 1, steps: b.steps, threads: 1, seeds: Uint32Array.of(1), v0: Float64Array.from(v0),
      spikes: {
        instance: new Int32Array(inputs.length * 3).fill(-1), step: Int32Array.from(inputs.flatMap(([, s]) => s)), target: Int32Array.from(inputs.flatMap(([i]) => [i, i, i])),
        receptor: new Uint8Array(inputs.length * 3), weight: new Float64Array(inputs.length * 3).fill(w),
      },
    };
    const ours = (await new snn.Network(b.spec).run(opts)).spikes[0];
    const nest = inNest(b.spec, { steps: b.steps, v0, spike_inputs: inputs });
    let same = 0;
    while (same < ours.steps.length && same < nest.steps.length && ours.steps[same] === nest.steps[same] && ours.neurons[same] === nest.neurons[same]) same++;
    t.ok(ours.steps.length > 200, `${model}: ${ours.steps.length} spikes here, ${nest.steps.length} in NEST`);
    t.equal(same, nest.steps.length, `${model}: ${same} of NEST's ${nest.steps.length} spikes identical (step and neuron), in order`);
  }
});

t.test('Poisson drive: the rates of NEST within sampling error, driven hard and near threshold', { skip }, async (t) => {
  const cfg = description('iaf_psc_exp');
  const b = buildNetwork({ ...cfg, duration_ms: 2000 });
  const n = b.spec.n;
  const weight = 40;
  const seconds = 2;
  for (const rate of [9000, 5500]) {
    const ours = await new snn.Network(b.spec).run({ instances: 4, steps: b.steps, threads: 2, seeds: Uint32Array.of(1, 2, 3, 4),
      poisson: { target: Int32Array.from({ length: n }, (_, i) => i), receptor: new Uint8Array(n), weight: new Float64Array(n).fill(weight), rate_hz: new Float64Array(n).fill(rate) } });
    const mean = (counts: ArrayLike<number>, lo: number, hi: number) => { let s = 0; for (let i = lo; i < hi; i++) s += counts[i]; return s / (hi - lo) / seconds; };
    const runs = [0, 1, 2, 3].map((k) => mean(ours.counts.subarray(k * n, (k + 1) * n), 0, 160));
    const oursRate = runs.reduce((a, x) => a + x, 0) / 4;
    const nestRates = [1, 2, 3, 4].map((seed) => {
      const r = inNest(b.spec, { steps: b.steps, v0: new Array(n).fill(-70), seed, poisson: [[rate, weight, Array.from({ length: n }, (_, i) => i)]] });
      return r.neurons.filter((i) => i < 160).length / 160 / seconds;
    });
    const nestRate = nestRates.reduce((a, x) => a + x, 0) / 4;
    // four seeds on each side: the difference of the means within 4 standard errors of it (the seeds'
    // spread, pooled over both simulators), and never tighter than 1% of the rate
    const sd = (xs: number[], m: number) => Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
    const se = Math.sqrt((sd(runs, oursRate) ** 2 + sd(nestRates, nestRate) ** 2) / 4);
    const tolerance = Math.max(4 * se, 0.01 * nestRate);
    t.ok(oursRate > 1, `${rate} Hz drive: the excitatory neurons fire (${oursRate.toFixed(2)} Hz)`);
    t.ok(Math.abs(oursRate - nestRate) <= tolerance, `${rate} Hz drive: excitatory rate ${oursRate.toFixed(3)} Hz here (seeds ${runs.map((x) => x.toFixed(2)).join(', ')}), ${nestRate.toFixed(3)} Hz in NEST (${nestRates.map((x) => x.toFixed(2)).join(', ')}); tolerance ${tolerance.toFixed(3)}`);
  }
});
