/**
 * The tvb optimizee: FC and its fitness against exact cases (identical, opposite and flat series, a
 * divergence); the configuration checked against the model file (one line naming the key); a batch as
 * one multi-instance kernel call, where the individual that carries the target's own values scores
 * exactly 1 and a fixed point scores the penalty, never NaN; target FC files as text and .npy.
 */
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fcFitness, functionalConnectivity, matrixCorrelation } from '../../src/optimizees/tvb/fc.js';
import { readMatrixFile, tvbOptimizee, tvbSchema } from '../../src/optimizees/tvb/index.js';
import type { BatchContext, EvalControl } from '../../src/core/optimizee.js';

t.test('FC: identical series correlate 1, opposite -1; a flat region or a divergence is the penalty with a reason', async (t) => {
  const samples = 200, nodes = 4;
  const s = new Float64Array(samples * nodes);
  for (let k = 0; k < samples; k++) {
    const a = Math.sin(k / 7), b = Math.cos(k / 3);
    s.set([a, a, -a, b], k * nodes);
  }
  const { fc, flat } = functionalConnectivity(s, samples, nodes);
  t.same(flat, []);
  t.ok(Math.abs(fc[0 * 4 + 1] - 1) < 1e-12 && Math.abs(fc[0 * 4 + 2] + 1) < 1e-12, `r(0,1) ${fc[1]}, r(0,2) ${fc[2]}`);
  t.equal(fc[3 * 4 + 0], fc[0 * 4 + 3], 'symmetric');
  t.ok(Math.abs(matrixCorrelation(fc, fc, nodes) - 1) < 1e-12, 'a matrix correlates 1 with itself');
  const flatSeries = s.map((x, k) => (k % nodes === 3 && k >= 100 * nodes ? 0.5 : x));
  const f = fcFitness(flatSeries, samples, nodes, 100, fc, -1);
  t.equal(f.fitness, -1);
  t.match(f.reason, /FC undefined: 1 region \(3\) settled on a fixed point/);
  const nan = s.slice();
  nan[150 * nodes + 2] = NaN;
  t.match(fcFitness(nan, samples, nodes, 100, fc, -2), { fitness: -2, reason: /diverged \(a non-finite value at sample 150, region 2\)/ });
  t.match(fcFitness(s, samples, nodes, 199, fc, -1), { fitness: -1, reason: /1 samples after the transient/ });
});

const base = {
  model: 'generic_2d_oscillator', duration_ms: 400, transient_ms: 100, sample_ms: 1,
  noise: { V: 0.0001, W: 0 }, params: { I: 0 }, target: { generate: { 'coupling.a': 0.02, speed: 4 } },
  parameters: [{ path: 'coupling.a', lower: 0, upper: 0.05 }, { path: 'speed', lower: 1, upper: 10 }],
};

t.test("the kernel's FC (simulate's fc option, on its threads) is functionalConnectivity's, bit for bit, flat regions too", async (t) => {
  const { loadTvb } = await import('../../src/native/loader.js');
  const { CASES, conn76, initialState } = await import('../helpers/tvb.js');
  const { FLAT } = await import('../../src/optimizees/tvb/fc.js');
  const c = CASES[0];
  const tvb = loadTvb();
  const P = 5, N = 76;
  // instances 0-3 with noise, each its own coupling and speed; no noise and a long run: the oscillator settles (every region flat)
  for (const noisy of [true, false]) {
    const steps = noisy ? 4000 : 30000, every = 10, from = noisy ? 100 : 2500;
    const r = await tvb.simulate({
      model: c.model, nodes: N, instances: P, steps, dt: 0.1, threads: 2, connectome: conn76(), coupling: 'linear',
      speed: Float64Array.from({ length: P }, (_, p) => 3 + p / 2), coupling_params: Float64Array.from({ length: 2 * P }, (_, k) => (k % 2 === 0 ? 0.01 * (1 + k) : 0)),
      params: Float64Array.from(c.params), x0: initialState(c.cols), record: { every, state: Int32Array.of(0) },
      ...(noisy ? { noise: { nsig: Float64Array.of(1e-4, 0), seeds: Uint32Array.from({ length: P }, (_, p) => 3 + p) } } : {}),
      fc: { from, flat: FLAT },
    });
    t.equal(r.fc!.length, P * N * N);
    let same = 0, flatSame = 0, flats = 0;
    for (let p = 0; p < P; p++) {
      const want = functionalConnectivity(r.observed.subarray(p * r.samples * N, (p + 1) * r.samples * N), r.samples, N, from);
      want.fc.forEach((x, k) => (same += Object.is(x, r.fc![p * N * N + k]) ? 1 : 0));
      const flat = Array.from({ length: N }, (_, i) => i).filter((i) => r.flat![p * N + i] === 1);
      flatSame += JSON.stringify(flat) === JSON.stringify(want.flat) ? 1 : 0;
      flats += flat.length;
    }
    t.equal(same, P * N * N, `${noisy ? 'noisy' : 'settled'}: ${same} of ${P * N * N} FC entries identical`);
    t.equal(flatSame, P, 'the same flat regions');
    t.equal(flats, noisy ? 0 : P * N, noisy ? 'none flat with noise' : 'every region flat once settled');
  }
  t.throws(() => tvb.simulate({ model: c.model, nodes: N, instances: 1, steps: 100, dt: 0.1, threads: 1, connectome: conn76(), coupling: 'linear', speed: Float64Array.of(4), coupling_params: Float64Array.of(0.01, 0), params: Float64Array.from(c.params), x0: initialState(c.cols), record: { every: 10, state: Int32Array.of(0) }, fc: { from: 8, flat: FLAT } }), /fc needs at least 3 samples/);
});

t.test('the configuration is checked against the model file', async (t) => {
  const err = (over: Record<string, unknown>) => {
    const r = tvbSchema.safeParse({ ...base, ...over });
    return r.success ? 'ok' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  };
  t.equal(err({}), 'ok');
  t.match(err({ model: 'hopf' }), /model: a model of native\/tvb\/models \(one of epileptor, generic_2d_oscillator, kuramoto/);
  t.match(err({ parameters: [{ path: 'model.zeta', lower: 0, upper: 1 }] }), /parameters\.0\.path: what generic_2d_oscillator has \(one of coupling\.a/);
  t.match(err({ params: { zeta: 1 } }), /params\.zeta: a parameter of generic_2d_oscillator/);
  t.match(err({ noise: undefined, parameters: [{ path: 'noise.V', lower: 0, upper: 1 }] }), /parameters\.0\.path: a noise level of a stochastic run/);
  t.match(err({ observable: 'Q' }), /observable: a state variable of generic_2d_oscillator/);
  t.match(err({ sample_ms: 0.25 }), /sample_ms: a whole number of steps of 0\.1 ms/);
  t.match(err({ transient_ms: 399 }), /transient_ms: at most duration_ms - 3 samples/);
  t.match(err({ coupling: { kind: 'sigmoidal', b: 1 } }), /coupling\.b: a parameter of the sigmoidal coupling \(cmin, cmax, midpoint, a, sigma\)/);
  t.match(err({ coupling: { kind: 'sigmoidal' }, parameters: [{ path: 'coupling.b', lower: 0, upper: 1 }] }), /parameters\.0\.path: what generic_2d_oscillator has \(one of coupling\.cmin, coupling\.cmax, coupling\.midpoint, coupling\.a, coupling\.sigma, speed/);
  t.match(err({ bold: { tr_ms: 2.5 } }), /bold\.tr_ms: a whole number of samples of 1 ms/);
  t.match(err({ bold: { tr_ms: 150 } }), /duration_ms: at least transient_ms \+ 3 BOLD samples of 150 ms/);
  t.equal(err({ bold: { tr_ms: 100 } }), 'ok', '400 ms, 100 of them transient: 3 samples of 100 ms');
});

const ctxOf = (rows: number): BatchContext => ({ generation: 0, index: Int32Array.from({ length: rows }, (_, i) => i), seed: Uint32Array.from({ length: rows }, (_, i) => 7 + i), threads: 2 });
const control = (): EvalControl => ({ cancel: new Int32Array(1), progress: new Float64Array(2) });

t.test("a batch is one multi-instance call: the target's own values score exactly 1, the others less; a fixed point scores the penalty", async (t) => {
  const cfg = tvbSchema.parse(base);
  const model = tvbOptimizee.create(cfg);
  t.same(model.space.params.map((p) => p.name), ['coupling.a', 'speed']);
  // rows: the target's values, two others, and no noise at all... (noise is on: the last row sets a = 0)
  const x = Float64Array.of(0.02, 4, 0.005, 4, 0.02, 1.5, 0, 4);
  const r = await model.evaluateAsync!(x, ctxOf(4), control());
  t.equal(r.fitness[0], 1, "the target's own coupling and speed: FC identical, correlation 1");
  t.ok(r.fitness[1] < 1 && r.fitness[2] < 1, `other coupling ${r.fitness[1].toFixed(6)}, other speed ${r.fitness[2].toFixed(6)}`);
  t.ok(Number.isFinite(r.fitness[3]), `uncoupled: ${r.fitness[3].toFixed(4)} (noise keeps FC defined)`);
  // without noise the default oscillator settles on its fixed point: FC undefined, the penalty, the reason in the row's note
  const still = tvbOptimizee.create(tvbSchema.parse({ ...base, duration_ms: 3000, transient_ms: 2500, noise: undefined, target: { sc: true }, penalty: -3 }));
  const printed: string[] = [];
  const s = await still.evaluateAsync!(Float64Array.of(0.02, 4), { ...ctxOf(1), print: (x) => printed.push(x) }, control());
  t.equal(s.fitness[0], -3);
  t.equal(s.errors, undefined, 'the row succeeded');
  t.match(s.notes?.[0], /^penalty -3: FC undefined: every region settled on a fixed point after the transient/);
  t.notOk(r.notes?.some((note) => note !== null), 'no note where the FC is defined');
  t.equal(printed.join(''), '', 'nothing printed');
  t.match(still.describe!(), { kernel: /^(cpu|cuda)$/, gpu: /./ }, "the worker's log says which kernel it runs, and its GPU or why it has none");
});

t.test("the FC of the BOLD signal: the target's own values score exactly 1, others less; sigmoidal coupling fits too", async (t) => {
  // Montbrio-Pazo-Roxin rates into TVB's BalloonModel, 12 s, BOLD every 500 ms after 4 s: 16 samples
  const cfg = tvbSchema.parse({
    model: 'montbrio_pazo_roxin', duration_ms: 12000, transient_ms: 4000, sample_ms: 1, noise: { r: 0.0001, V: 0.0001 }, bold: { tr_ms: 500 },
    target: { generate: { 'coupling.a': 0.5, speed: 4 } }, parameters: [{ path: 'coupling.a', lower: 0, upper: 1 }, { path: 'speed', lower: 1, upper: 10 }],
  });
  const model = tvbOptimizee.create(cfg);
  const r = await model.evaluateAsync!(Float64Array.of(0.5, 4, 0.1, 4), ctxOf(2), control());
  t.equal(r.fitness[0], 1, "the target's own values");
  t.ok(r.fitness[1] < 0.99 && r.fitness[1] > -1, `coupling 0.1: ${r.fitness[1].toFixed(4)}`);
  const a = await model.assess!(Float64Array.of(0.5, 4), { threads: 2 });
  t.match(a.summary, /FC correlation 1\.0000/);
  t.match((a.matrices as { caption: string }).caption, /BOLD signal \(every 500 ms\) of r between regions after 4000 ms \(16 samples\)/);
  // sigmoidal coupling over its own a
  const sig = tvbOptimizee.create(tvbSchema.parse({ ...base, coupling: { kind: 'sigmoidal', sigma: 1 }, target: { generate: { 'coupling.a': 0.5 } }, parameters: [{ path: 'coupling.a', lower: 0, upper: 2 }] }));
  const s = await sig.evaluateAsync!(Float64Array.of(0.5, 1.5), ctxOf(2), control());
  t.equal(s.fitness[0], 1, 'sigmoidal: the target value');
  t.ok(s.fitness[1] < 1 && Number.isFinite(s.fitness[1]), `sigmoidal, a 1.5: ${s.fitness[1].toFixed(4)}`);
});

t.test('a target FC from a file: text or float64 .npy, of the connectome\'s size', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'l2l-tvb-fc-'));
  const m = Float64Array.from({ length: 9 }, (_, k) => k / 10);
  writeFileSync(join(dir, 'fc.txt'), '# a comment\n0 0.1 0.2\n0.3 0.4 0.5\n0.6 0.7 0.8\n');
  t.same(Array.from(readMatrixFile(join(dir, 'fc.txt'), 3)), Array.from(m));
  const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 3), }";
  const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const npy = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0]), Buffer.from(Uint16Array.of(padded.length).buffer), Buffer.from(padded, 'latin1'), Buffer.from(m.buffer)]);
  writeFileSync(join(dir, 'fc.npy'), npy);
  t.same(Array.from(readMatrixFile(join(dir, 'fc.npy'), 3)), Array.from(m));
  t.throws(() => readMatrixFile(join(dir, 'fc.txt'), 4), /expected 4 x 4 finite numbers/);
});

t.test("connectomes: TVB's folder and its zip (files in a subfolder) read the same; what is missing or malformed is named", async (t) => {
  const { readConnectome } = await import('../../src/optimizees/tvb/connectome.js');
  const { SYNTHETIC76 } = await import('../helpers/tvb.js');
  const { zipSync, strToU8 } = await import('fflate');
  const { readFileSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'l2l-tvb-zip-'));
  const folder = readConnectome(SYNTHETIC76);
  const files = Object.fromEntries(['weights.txt', 'tract_lengths.txt', 'centres.txt'].map((f) => [`conn76/${f}`, new Uint8Array(readFileSync(join(SYNTHETIC76, f)))]));
  writeFileSync(join(dir, 'conn76.zip'), zipSync(files));
  const zipped = readConnectome(join(dir, 'conn76.zip'));
  t.equal(zipped.nodes, 76);
  t.same(Array.from(zipped.weights), Array.from(folder.weights), 'the same weights');
  t.same(Array.from(zipped.lengths), Array.from(folder.lengths), 'the same tract lengths');
  t.same(zipped.labels, folder.labels, 'the same labels');
  writeFileSync(join(dir, 'partial.zip'), zipSync({ 'weights.txt': files['conn76/weights.txt'] }));
  t.throws(() => readConnectome(join(dir, 'partial.zip')), /partial\.zip: no tract_lengths\.txt/);
  writeFileSync(join(dir, 'ragged.zip'), zipSync({ 'weights.txt': strToU8('0 1\n1\n'), 'tract_lengths.txt': strToU8('0 1\n1 0\n') }));
  t.throws(() => readConnectome(join(dir, 'ragged.zip')), /ragged\.zip:weights\.txt: row 2 has 1 values, expected 2/);
  writeFileSync(join(dir, 'not.zip'), 'hello');
  t.throws(() => readConnectome(join(dir, 'not.zip')), /not\.zip: not a zip file/);
});
