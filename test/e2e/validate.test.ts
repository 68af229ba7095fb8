/**
 * `validate` and `run --dry-run`: every check a run makes, nothing started; the dry run shows the
 * resolved configuration and exactly the individuals the real run evaluates first.
 */
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import { runMain, runMainMpi } from '../helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-validate-'));
const file = join(dir, 'exp.yaml');
writeFileSync(file, 'name: preview\nseed: 9\noptimizer: {type: ga, pop_size: 12, tourn_size: 3}\noptimizee: {type: benchmark, preset: Ackley2d}\nstop: {generations: 2}\n');

t.test('validate: one line either way, exit 0 or 2, nothing written', async (t) => {
  const ok = runMain(['validate', file]);
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.stdout, /^ok: .*exp\.yaml: preview: ga \(generational\) on benchmark, 2 parameters \(coords\[2\]\), budget 2 generations\n$/);
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, 'name: preview\nseed: 9\noptimizer: {type: ga, pop_size: 12, tourn_size: 30}\noptimizee: {type: benchmark, preset: Ackley2d}\nstop: {generations: 2}\n');
  const r = runMain(['validate', bad]);
  t.equal(r.code, 2);
  t.match(r.stderr, /optimizer\.tourn_size: got 30, expected at most pop_size \(12\)/);
  t.equal(r.stderr.trim().split('\n').length, 1);
  t.match(runMain(['validate', '--help']).stdout, /usage: node dist\/main.js validate/);
  t.equal(runMain(['validate']).code, 2);
  t.notOk(existsSync(join('results', 'preview')), 'no results directory');
});

t.test('run --dry-run prints the resolved config and the first generation a real run evaluates', async (t) => {
  const out = join(dir, 'out');
  const dry = runMain(['run', file, '--dry-run', '--out', out]);
  t.equal(dry.code, 0, dry.stderr);
  t.notOk(existsSync(out), 'nothing written');
  const json = dry.stdout.slice(dry.stdout.indexOf('{\n'), dry.stdout.indexOf('\n}\n') + 2);
  t.match(JSON.parse(json), { name: 'preview', seed: 9, optimizer: { type: 'ga', pop_size: 12, cx_prob: 0.5, mut_prob: 0.3 }, dispatch: { inflight: 2 } }, 'defaults filled in');
  const rows = dry.stdout.trim().split('\n').filter((l) => /^\d+\t/.test(l)).map((l) => JSON.parse(l.split('\t')[1]).coords as number[]);
  t.equal(rows.length, 10, 'the first 10 of 12 shown');
  t.equal(runMain(['run', file, '--out', out, '--quiet']).code, 0);
  const first = decodeGenerations(readFileSync(join(out, 'generations.msgpack')))[0];
  rows.forEach((coords, k) => {
    const real = Array.from(first.x.subarray(2 * k, 2 * k + 2));
    t.ok(coords.every((v, d) => Math.abs(v - real[d]) <= 1e-5 * Math.max(1, Math.abs(real[d]))), `row ${k}: ${coords} ~ ${real}`);
  });
});

t.test('a default derived from another key: the dry run shows the number, and the run uses it', async (t) => {
  const small = join(dir, 'small.yaml');
  writeFileSync(small, 'name: small\nseed: 9\noptimizer: {type: ga, pop_size: 8}\noptimizee: {type: benchmark, preset: Ackley2d}\nstop: {generations: 2}\n');
  t.equal(runMain(['validate', small]).code, 0, 'pop_size 8 without tourn_size is valid');
  const dry = runMain(['run', small, '--dry-run']);
  t.equal(dry.code, 0, dry.stderr);
  const json = JSON.parse(dry.stdout.slice(dry.stdout.indexOf('{\n'), dry.stdout.indexOf('\n}\n') + 2));
  t.match(json.optimizer, { type: 'ga', pop_size: 8, tourn_size: 8 }, 'tourn_size min(15, pop_size) = 8');
  const out = join(dir, 'small-out');
  t.equal(runMain(['run', small, '--out', out, '--quiet']).code, 0, 'and it runs');
  t.match(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')), { experiment: { optimizer: { tourn_size: 8 } } }, 'config.json records it');
});

t.test('under mpirun the dry run prints once and starts nothing', async (t) => {
  const r = await runMainMpi(3, ['run', file, '--dry-run']);
  t.equal(r.code, 0, r.stderr);
  t.equal((r.stdout.match(/^# preview: /gm) ?? []).length, 1);
});
