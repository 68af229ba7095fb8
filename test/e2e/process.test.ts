/**
 * The process optimizee: a program run per individual (test/fixtures/process/model.py stands in for
 * NetLogo headless or a legacy binary). Under mpirun -n 3 and in one process the same rows; parameters
 * through stdin (JSON), a CSV file or a template, fitness from stdout (JSON) or a BehaviorSpace-style
 * table's named column; and what goes wrong, each a failed row with one line that says what: a hang
 * past evaluation.timeout_seconds (the command killed with its runner, no process left behind), a
 * crash (its exit code and last stderr line, its folder kept), output that is not what was declared,
 * and no output at all.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import { ROOT } from '../helpers/mpirun.js';
import { runMain, runMainMpi } from '../helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-process-'));
const MODEL = join(ROOT, 'test', 'fixtures', 'process', 'model.py');

function experiment(name: string, mode: string, extra: string[] = [], evaluation = 'evaluation: {isolation: process}', stop = 'stop: {generations: 3}'): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [
    `name: ${name}`, 'seed: 4', 'optimizer: {type: cmaes, pop_size: 6, sigma0: 0.3}',
    'optimizee:', '  type: process', `  command: [/usr/bin/python3, ${MODEL}, ${mode.split(' ').map((a) => `'${a}'`).join(', ')}]`, `  workdir: ${join(dir, `${name}-work`)}`,
    '  parameters: [{name: x, lower: -5, upper: 5}, {name: y, lower: -5, upper: 5}]', ...extra.map((l) => `  ${l}`), evaluation, stop,
  ].join('\n'));
  return file;
}

const rows = (out: string) => decodeGenerations(readFileSync(join(out, 'generations.msgpack'))).flatMap((g) => Array.from(g.index, (index, i) => ({
  index, x: Array.from(g.x.subarray(i * g.dim, (i + 1) * g.dim)), fitness: g.fitness[i], status: g.status[i], error: g.errors?.[i] ?? null,
})));

t.test('a program per individual: JSON on stdin and stdout; the same rows under mpirun -n 3 as in one process', async (t) => {
  const file = experiment('ok', 'ok');
  const alone = join(dir, 'ok-alone');
  const a = runMain(['run', file, '--out', alone, '--quiet'], 300_000);
  t.equal(a.code, 0, a.stderr);
  const m = await runMainMpi(3, ['run', file, '--out', join(dir, 'ok-mpi'), '--quiet'], 300_000);
  t.equal(m.code, 0, m.stderr);
  const ra = rows(alone);
  t.equal(ra.length, 18);
  t.same(rows(join(dir, 'ok-mpi')), ra, 'identical rows');
  t.ok(ra.every((r) => r.status === 0 && Math.abs(r.fitness - -((r.x[0] - 1) ** 2 + (r.x[1] + 2) ** 2)) < 1e-12), 'every fitness the program\'s -(x - 1)^2 - (y + 2)^2 of that row\'s x, y');
  t.same(readdirSync(join(dir, 'ok-work')), [], 'a success leaves no folder behind');
});

t.test('a CSV file in, a BehaviorSpace-style table out (the named column\'s last value)', async (t) => {
  const file = experiment('table', 'csv-table {input} {output}', ['input: {format: csv, to: file}', 'output: {format: csv, from: file, column: food}', 'objectives: [food]']);
  const out = join(dir, 'table');
  const r = runMain(['run', file, '--out', out, '--quiet'], 300_000);
  t.equal(r.code, 0, r.stderr);
  const all = rows(out);
  t.ok(all.length === 18 && all.every((x) => x.status === 0 && Math.abs(x.fitness - (100 - (x.x[0] - 1) ** 2 - (x.x[1] + 2) ** 2)) < 1e-9), 'food at the last step, for every row');
  t.same(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).objectives, ['food']);
});

t.test('a template filled per individual', async (t) => {
  const template = join(dir, 'setup.json');
  writeFileSync(template, '{"parameters": {"x": {x}, "y": {y}}, "note": "a template"}\n');
  const file = experiment('template', 'ok', [`input: {format: template, template: ${template}}`]);
  const out = join(dir, 'template');
  const r = runMain(['run', file, '--out', out, '--quiet'], 300_000);
  t.equal(r.code, 0, r.stderr);
  t.ok(rows(out).every((x) => x.status === 0 && Math.abs(x.fitness - -((x.x[0] - 1) ** 2 + (x.x[1] + 2) ** 2)) < 1e-12), 'the values reach the program through the template');
});

t.test('what goes wrong: a hang, a crash, unreadable and missing output, each a failed row that says what', async (t) => {
  const cases: Array<[string, RegExp, number]> = [
    ['hang', /^timed out after 2 s/, 2],
    ['crash', /^python3 exited with code 3: segmentation fault \(simulated\) \(folder kept: .*crash-work\/g0-i\d+-\w+\)/, 1],
    ['garbage', /^malformed output: its stdout is not JSON with 1 fitness value \(.*\): got 'Simulation finished\. Food: lots' \(folder kept: /, 1],
    ['silent', /^malformed output: its stdout is not JSON with 1 fitness value \(.*\): got '' \(folder kept: /, 1],
  ];
  for (const [mode, expected, status] of cases) {
    const file = experiment(mode, mode, [], 'evaluation: {isolation: process, timeout_seconds: 2}', 'stop: {generations: 1}');
    const out = join(dir, mode);
    const r = await runMainMpi(3, ['run', file, '--out', out, '--quiet'], 300_000);
    t.equal(r.code, 0, `${mode}: the run completes (${r.stderr.split('\n').slice(-3).join(' | ')})`);
    const all = rows(out);
    t.equal(all.length, 6, `${mode}: 6 rows`);
    t.ok(all.every((x) => x.status === status), `${mode}: every row ${status === 2 ? 'timed out' : 'failed'}`);
    t.match(all[0].error, expected, `${mode}: says what`);
  }
  const left = spawnSync('pgrep', ['-f', `${MODEL} hang`], { encoding: 'utf8' }).stdout.trim();
  t.equal(left, '', 'no hung program left behind: the timeout killed it with its runner');
  t.ok(existsSync(join(dir, 'crash-work')), 'a failed evaluation\'s folder is kept');
});

t.test('without isolation: process, one line and exit code 2', async (t) => {
  const file = experiment('in-process', 'ok', [], 'evaluation: {isolation: in-process}');
  const r = runMain(['run', file, '--out', join(dir, 'in-process'), '--quiet']);
  t.equal(r.code, 2);
  t.match(r.stderr, /evaluation\.isolation: got "in-process", expected process: the process optimizee runs in a child process of each worker/);
});
