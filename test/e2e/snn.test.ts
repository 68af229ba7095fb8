/**
 * The snn optimizee through the whole stack: a network declared in YAML, tuned by CMA-ES, in one
 * process and under mpirun (the same trajectory: a row's result depends on its parameters and seed
 * only, not on the batch it travelled in), and a description that cannot work refused with one line
 * and exit code 2 before any rank simulates; a short reservoir run (the EnKF training a readout on
 * digits, assessed on held-out ones), the same on the Brian2 back end, and a missing dataset. The
 * two loops are test/e2e/snn-loops.test.ts.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reservoir, rows } from '../helpers/reservoir-short.js';
import { runMain, runMainMpi } from '../helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-snn-'));
const file = join(dir, 'snn.yaml');
const body = (over = '') => `name: snn-small
seed: 3
optimizer: {type: cmaes, sigma0: 0.3, pop_size: 6}
optimizee:
  type: snn
  duration_ms: 200
  populations:
    exc: {size: 160, v0: {uniform: [-70, -56]}}
    inh: {size: 40, v0: {uniform: [-70, -56]}}
  projections:
    - {name: ee, from: exc, to: exc, rule: {fixed_indegree: 16, autapses: false}, weight: 40, delay_ms: 1.5}
    - {name: ei, from: exc, to: inh, rule: {fixed_indegree: 16}, weight: 40, delay_ms: 1.5}
    - {name: ie, from: inh, to: exc, rule: {fixed_indegree: 4}, weight: -160, delay_ms: 1.5}
    - {name: ii, from: inh, to: inh, rule: {fixed_indegree: 4, autapses: false}, weight: -160, delay_ms: 1.5}
  inputs:
    - {name: drive_e, type: poisson, to: exc, rate_hz: 8000, weight: 40}
    - {name: drive_i, type: poisson, to: inh, rate_hz: 8000, weight: 40}
  parameters:
    - {path: inputs.drive_e.rate_hz, lower: 2000, upper: 16000}
    - {path: projections.ie.weight, lower: -400, upper: -40}
  objective:
    rates: [{population: exc, target_hz: 10}, {population: inh, target_hz: 15}]${over}
stop: {generations: 4}
`;
writeFileSync(file, body());


t.test('in one process and under mpirun -n 3: the same trajectory, every fitness from its rates', async (t) => {
  const alone = join(dir, 'alone');
  const a = runMain(['run', file, '--out', alone, '--quiet'], 300_000);
  t.equal(a.code, 0, a.stderr);
  const mpi = join(dir, 'mpi');
  const m = await runMainMpi(3, ['run', file, '--out', mpi, '--quiet'], 300_000);
  t.equal(m.code, 0, m.stderr);
  const ra = rows(alone);
  t.equal(ra.length, 24);
  t.same(rows(mpi), ra, 'identical rows: parameters, fitness, rates');
  for (const r of ra) {
    t.equal(r.status, 0);
    t.ok(Math.abs(r.fitness - -((r.outputs[0] - 10) ** 2 + (r.outputs[1] - 15) ** 2)) < 1e-9 * Math.max(1, Math.abs(r.fitness)), `fitness ${r.fitness.toFixed(3)} from rates ${r.outputs.map((v) => v.toFixed(2)).join(', ')}`);
  }
  const summary = JSON.parse(readFileSync(join(mpi, 'summary.json'), 'utf8'));
  t.equal(summary.status, 'completed');
  const log = readFileSync(join(mpi, 'run.log'), 'utf8');
  t.match(log, /"msg":"worker ready"/);
  t.match(log, /"execution":"native"/, 'the workers run it as a native kernel');
});

t.test('a description that cannot work: one line, exit code 2, nothing simulated', async (t) => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, body().replace('{name: ie, from: inh, to: exc,', '{name: ie, from: inh, to: out,'));
  const r = await runMainMpi(3, ['run', bad, '--out', join(dir, 'bad'), '--quiet']);
  t.equal(r.code, 2);
  t.match(r.stderr, /^error: .*bad\.yaml: optimizee\.projections\.2\.to: got "out", expected a population \(one of exc, inh\)$/m);
});

const reservoirFile = join(dir, 'reservoir.yaml');

t.test('a short reservoir run under mpirun -n 3: the EnKF trains a readout on digits, the best assessed on the held-out ones', async (t) => {
  writeFileSync(reservoirFile, reservoir());
  const out = join(dir, 'reservoir');
  const m = await runMainMpi(3, ['run', reservoirFile, '--out', out, '--quiet'], 300_000);
  t.equal(m.code, 0, m.stderr);
  const rs = rows(out);
  t.equal(rs.length, 72, '3 generations of 24 members');
  for (const r of rs) {
    t.equal(r.outputs.length, 80, 'outputs: 8 samples x 10 classes');
    // each sample's outputs are softmax - one-hot: they sum to zero
    for (let k = 0; k < 8; k++) t.ok(Math.abs(r.outputs.slice(k * 10, k * 10 + 10).reduce((a, b) => a + b, 0)) < 1e-9);
  }
  const a = JSON.parse(readFileSync(join(out, 'assessment.json'), 'utf8'));
  t.equal(a.metrics.samples, 359, 'assessed on the 359 held-out digits');
  t.ok(a.metrics.accuracy >= 0 && a.metrics.accuracy <= 1);
  t.equal(a.confusion.flat().reduce((s: number, v: number) => s + v, 0) + a.ties, 359);
  const log = readFileSync(join(out, 'run.log'), 'utf8');
  t.match(log, /on held-out data: accuracy 0\.\d{3} on 359 held-out digits samples/);
  // the report: accuracy per generation, the confusion matrix and a raster of one held-out sample
  const rep = runMain(['report', out], 300_000);
  t.equal(rep.code, 0, rep.stderr);
  const html = readFileSync(join(out, 'report', 'report.html'), 'utf8');
  for (const id of ['objectives', 'confusion', 'raster']) t.match(html, new RegExp(`data-figure="${id}"`), `the report has the ${id} figure`);
  const objectives = readFileSync(join(out, 'report', 'objectives.svg'), 'utf8');
  t.match(objectives, /accuracy/, 'the objectives figure names accuracy');
  t.match(readFileSync(join(out, 'report', 'confusion.svg'), 'utf8'), /predicted class/);
});

t.test('a reservoir whose dataset file is not there: one line, exit code 2', async (t) => {
  const bad = join(dir, 'reservoir-bad.yaml');
  writeFileSync(bad, reservoir(', file: /nonexistent/digits.csv.gz'));
  const r = await runMainMpi(3, ['run', bad, '--out', join(dir, 'reservoir-bad'), '--quiet']);
  t.equal(r.code, 2);
  t.match(r.stderr, /^error: .*reservoir-bad\.yaml: objective\.classify\.file: \/nonexistent\/digits\.csv\.gz: ENOENT/m);
});

t.test('a short reservoir run on the Brian2 back end under mpirun -n 3: the same description, Brian2 in the workers\' embedded Python', async (t) => {
  const file3 = join(dir, 'reservoir-brian2.yaml');
  writeFileSync(file3, reservoir(', test_fraction: 0.01').replace('  type: snn\n', '  type: snn\n  backend: brian2\n').replace('pop_size: 24', 'pop_size: 12').replace('dispatch: {batch: 12}', 'dispatch: {batch: 6}').replace('stop: {generations: 3}', 'stop: {generations: 2}'));
  const out = join(dir, 'reservoir-brian2');
  const m = await runMainMpi(3, ['run', file3, '--out', out, '--quiet'], 600_000);
  t.equal(m.code, 0, m.stderr);
  const rs = rows(out);
  t.equal(rs.length, 24, '2 generations of 12 members');
  t.ok(rs.every((r) => r.status === 0 && r.outputs.length === 80), 'every member evaluated: 8 samples x 10 classes');
  const log = readFileSync(join(out, 'run.log'), 'utf8');
  t.match(log, /"execution":"native".*"python":"embedded"|"python":"embedded".*"execution":"native"/, 'the workers call Brian2 in their embedded Python');
  const a = JSON.parse(readFileSync(join(out, 'assessment.json'), 'utf8'));
  t.equal(a.metrics.samples, 18, 'the best assessed on the held-out digits (1%) on rank 0, in Brian2 too');
});
