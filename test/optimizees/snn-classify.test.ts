/**
 * The snn optimizee's classification objective: the digits file read as Debian's python3-sklearn
 * ships it, a seeded split, what a description must say (one line per mistake), the fitness and the
 * outputs as the reference defines them (checked where they are known exactly: a readout that scores
 * every class alike), every row of a generation shown the same samples with the same noise (a
 * readout-only batch simulates once; the same rows simulated one instance each give the same numbers),
 * and the assessment of an individual on the held-out samples.
 */
import t from 'tap';
import { loadDataset, split } from '../../src/optimizees/snn/data.js';
import { snnSchema, SnnModel } from '../../src/optimizees/snn/index.js';
import type { BatchContext } from '../../src/core/optimizee.js';

const digits = loadDataset('digits');

const reservoir = (over: Record<string, unknown> = {}, classify: Record<string, unknown> = {}, parameters?: unknown[]) => ({
  model: 'iaf_psc_alpha',
  duration_ms: 50,
  populations: { pixels: { size: 64, params: { t_ref: 1 } }, exc: { size: 40, v0: { uniform: [-70, -55] } }, inh: { size: 10 } },
  projections: [
    { name: 'pe', from: 'pixels', to: 'exc', rule: { fixed_indegree: 8 }, weight: 600 },
    { name: 'ee', from: 'exc', to: 'exc', rule: { fixed_indegree: 8, autapses: false }, weight: 30, delay_ms: 1.5 },
    { name: 'ei', from: 'exc', to: 'inh', rule: { fixed_indegree: 8 }, weight: 30 },
    { name: 'ie', from: 'inh', to: 'exc', rule: { fixed_indegree: 4 }, weight: -300 },
  ],
  inputs: [{ name: 'image', type: 'poisson', to: 'pixels', rate_hz: 0, weight: 1500 }],
  parameters: parameters ?? [{ path: 'readout.weights', lower: -1, upper: 1 }],
  objective: { classify: { input: 'image', scores: { readout: ['exc', 'inh'] }, batch: 6, ...classify } },
  ...over,
});

const control = () => ({ cancel: new Int32Array(new SharedArrayBuffer(4)), progress: new Float64Array(new SharedArrayBuffer(16)) });
const ctx = (rows: number, generation = 0): BatchContext => ({ generation, index: Int32Array.from({ length: rows }, (_, i) => i), seed: Uint32Array.from({ length: rows }, (_, i) => 100 + i), threads: 2 });

t.test("the digits: Debian's file as scikit-learn ships it, split by a seeded permutation", async (t) => {
  t.equal(digits.samples, 1797);
  t.equal(digits.features, 64);
  t.match(digits.file, /digits\.csv\.gz$/);
  t.ok(digits.x.every((v) => v >= 0 && v <= 1), 'pixels scaled to [0, 1]');
  const perClass = new Array(10).fill(0);
  for (const l of digits.labels) perClass[l]++;
  t.ok(perClass.every((c) => c >= 170 && c <= 190), `about 180 samples per class: ${perClass.join(' ')}`);
  const a = split(digits, 0.2, 1);
  t.equal(a.test.length, 359);
  t.equal(a.train.length, 1438);
  t.equal(new Set([...a.train, ...a.test]).size, 1797, 'every sample in exactly one part');
  t.same(Array.from(split(digits, 0.2, 1).test), Array.from(a.test), 'the same seed, the same split');
  t.notSame(Array.from(split(digits, 0.2, 2).test), Array.from(a.test), 'another seed, another split');
  t.throws(() => loadDataset('digits', '/nonexistent/digits.csv.gz'), /nonexistent/, 'a file that is not there is named');
});

t.test('a classification that cannot work is refused, naming the key', async (t) => {
  const problems = (cfg: unknown) => {
    const r = snnSchema.safeParse(cfg);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };
  t.same(problems(reservoir()), [], 'the reservoir is valid');
  const small = reservoir({ populations: { pixels: { size: 60 }, exc: { size: 40 }, inh: { size: 10 } } });
  t.match(problems(small).join('\n'), /objective\.classify\.input: an input into a population of 64 neurons, one per feature of digits \(pixels has 60\)/);
  t.match(problems(reservoir({}, { scores: { population: 'pixels' } }, [{ path: 'projections.ee.weight', lower: 0, upper: 50 }])).join('\n'), /objective\.classify\.scores\.population: a population whose size is a multiple of the 10 classes of digits \(pixels has 64\)/);
  t.match(problems(reservoir({}, { input: 'nope' })).join('\n'), /objective\.classify\.input: a poisson input's name \(image\)/);
  t.match(problems(reservoir({}, { scores: { readout: ['exc', 'ghost'] } })).join('\n'), /objective\.classify\.scores\.readout\.1: a population/);
  t.match(problems(reservoir({}, { scores: { readout: ['exc'] } }, [{ path: 'projections.ee.weight', lower: 0, upper: 50 }])).join('\n'), /parameters: a parameter readout\.weights/);
  t.match(problems(reservoir({}, { scores: { population: 'exc' } }, [{ path: 'readout.weights', lower: -1, upper: 1 }])).join('\n'), /readout\.weights only with objective\.classify\.scores\.readout/);
  t.match(problems(reservoir({}, {}, [{ path: 'readout.weights', lower: -1, upper: 1 }, { path: 'inputs.image.rate_hz', lower: 0, upper: 9 }])).join('\n'), /no input rates with objective\.classify/);
  const both = reservoir();
  (both.objective as Record<string, unknown>).rates = [{ population: 'exc', target_hz: 5 }];
  t.match(problems(both).join('\n'), /objective: one of rates or classify/);
});

t.test('fitness and outputs as the reference defines them: 1 - MSE(one-hot, softmax), accuracy beside it', async (t) => {
  const model = new SnnModel(snnSchema.parse(reservoir()));
  t.same(model.weights, [1, 0], 'weights [1, 0]: trained on 1 - MSE, accuracy recorded');
  const dim = model.space.dim;
  t.equal(dim, 10 * (50 + 1), 'readout: 10 classes x (50 neurons + a bias)');
  // row 0 scores every class alike (softmax 0.1 each); row 1's bias makes class 3 certain
  const x = new Float64Array(2 * dim);
  x[dim + 3 * 51 + 50] = 50;
  const r = await model.evaluateAsync(x, ctx(2), control());
  const samples = model.samplesOf(0);
  t.equal(samples.length, 6);
  const labels = Array.from(samples, (s) => digits.labels[s]);
  // uniform: per sample 9 * 0.1^2 + 0.9^2 over 10 outputs = 0.09
  t.ok(Math.abs(r.fitness[0] - 0.91) < 1e-12, `uniform scores: 1 - MSE = ${r.fitness[0]} (0.91)`);
  t.equal(r.fitness[1], 0, 'tied scores predict nothing: accuracy 0');
  const threes = labels.filter((l) => l === 3).length;
  t.ok(Math.abs(r.fitness[3] - threes / 6) < 1e-12, `certain of 3: accuracy ${r.fitness[3]} = share of 3s (${threes}/6)`);
  // certain of 3: MSE per sample = 2/10 unless the label is 3 (then 0)
  t.ok(Math.abs(r.fitness[2] - (1 - ((6 - threes) * 0.2) / 6)) < 1e-9, `certain of 3: 1 - MSE = ${r.fitness[2]}`);
  const out0 = r.outputs![0]!;
  t.equal(out0.length, 60, 'outputs: batch x classes');
  labels.forEach((l, k) => {
    for (let c = 0; c < 10; c++) t.ok(Math.abs(out0[k * 10 + c] - (0.1 - (c === l ? 1 : 0))) < 1e-12, `sample ${k}, class ${c}: softmax - one-hot`);
  });
});

t.test('every row of a generation: the same samples and noise; a readout-only batch simulates once, as if each row ran alone', async (t) => {
  // the same readout rows, once as readout-only (one shared simulation), once with a network parameter
  // set to its own value (so each row is an instance of its own): the numbers must agree
  const shared = new SnnModel(snnSchema.parse(reservoir()));
  const own = new SnnModel(snnSchema.parse(reservoir({}, {}, [{ path: 'readout.weights', lower: -1, upper: 1 }, { path: 'projections.ee.weight', lower: 0, upper: 100 }])));
  const rows = 3;
  const dim = shared.space.dim;
  const x = new Float64Array(rows * dim);
  for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 1.7) * 0.3;
  // the space orders its parameters its own way: place each by name
  const offsets = new Map<string, number>();
  let at = 0;
  for (const p of own.space.params) {
    offsets.set(p.name, at);
    at += p.length ?? 1;
  }
  const x2 = new Float64Array(rows * (dim + 1));
  for (let r = 0; r < rows; r++) {
    x2.set(x.subarray(r * dim, (r + 1) * dim), r * (dim + 1) + offsets.get('readout.weights')!);
    x2[r * (dim + 1) + offsets.get('projections.ee.weight')!] = 30;
  }
  const a = await shared.evaluateAsync(x, ctx(rows, 4), control());
  const b = await own.evaluateAsync(x2, ctx(rows, 4), control());
  t.same(Array.from(a.fitness), Array.from(b.fitness), 'the same fitness, shared or one instance per row');
  t.same(a.outputs!.map((o) => Array.from(o!)), b.outputs!.map((o) => Array.from(o!)), 'the same outputs');
  t.ok(new Set(Array.from({ length: rows }, (_, r) => a.fitness[r * 2])).size === rows, 'the rows differ by their readouts');
  // generation 4 shows the 5th window of the shuffled training samples; another generation another window
  const { train } = split(digits, 0.2, 1);
  t.same(Array.from(shared.samplesOf(4)), Array.from(train.subarray(24, 30)));
  t.notSame(Array.from(shared.samplesOf(5)), Array.from(shared.samplesOf(4)));
  const again = await shared.evaluateAsync(x, ctx(rows, 4), control());
  t.same(Array.from(again.fitness), Array.from(a.fitness), 'an evaluation is repeatable');
});

t.test('the assessment: the held-out samples, a confusion matrix, a raster of one sample', async (t) => {
  const model = new SnnModel(snnSchema.parse(reservoir()));
  t.ok(model.assess, 'a classification can be assessed');
  const x = new Float64Array(model.space.dim);
  for (let i = 0; i < x.length; i++) x[i] = Math.cos(i * 0.37) * 0.5;
  const a = await model.assess!(x, { threads: 2 });
  t.equal(a.metrics.samples, 359, 'every held-out sample');
  const confusion = a.confusion as number[][];
  const total = confusion.flat().reduce((s, v) => s + v, 0);
  t.equal(total + (a.ties as number), 359, 'the confusion matrix and the ties count every sample');
  const diagonal = confusion.reduce((s, row, i) => s + row[i], 0);
  t.ok(Math.abs(a.metrics.accuracy - diagonal / 359) < 1e-12, `accuracy ${a.metrics.accuracy.toFixed(3)} = the diagonal's share`);
  const raster = a.raster as { steps: number[]; neurons: number[]; populations: Array<{ name: string }> };
  t.ok(raster.steps.length > 0 && raster.steps.length === raster.neurons.length, `a raster of ${raster.steps.length} spikes`);
  t.same(raster.populations.map((p) => p.name), ['pixels', 'exc', 'inh']);
  t.match(a.summary, /^accuracy 0\.\d{3} on 359 held-out digits samples/);
  const rates = new SnnModel(snnSchema.parse({ ...reservoir(), objective: { rates: [{ population: 'exc', target_hz: 5 }] }, parameters: [{ path: 'projections.ee.weight', lower: 0, upper: 50 }] }));
  t.equal(rates.assess, undefined, 'a rates objective has nothing held out');
});
