/**
 * Bad input: one clear line naming the key, the value and what was expected; exit code 2; no stack
 * trace - alone and under mpirun (where every rank must end cleanly).
 */
import t from 'tap';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain, runMainMpi } from '../helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-bad-'));
const good = {
  name: 'x',
  seed: 1,
  optimizer: 'optimizer: { type: ga, pop_size: 10, tourn_size: 3 }',
  optimizee: 'optimizee: { type: benchmark, preset: Rastrigin2d }',
  stop: 'stop: { generations: 2 }',
};

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function variant(over: Partial<typeof good>): string {
  const c = { ...good, ...over };
  return `name: ${c.name}\nseed: ${c.seed}\n${c.optimizer}\n${c.optimizee}\n${c.stop}\n`;
}

const cases: Array<[string, string, RegExp]> = [
  ['missing file', '', /nope\.yaml: cannot read the experiment file \(no such file\)/],
  ['yaml syntax', 'name: [unclosed\n', /not valid YAML/],
  ['wrong type', variant({ optimizer: 'optimizer: { type: ga, pop_size: many }' }), /optimizer\.pop_size: got "many", expected a number/],
  ['out of range', variant({ optimizer: 'optimizer: { type: ga, cx_prob: 1.5 }' }), /optimizer\.cx_prob: got 1\.5, expected a number <= 1/],
  ['unknown key', variant({ optimizer: 'optimizer: { type: ga, pop_sise: 10 }' }), /optimizer\.pop_sise: unknown key \(did you mean 'pop_size'\?\)/],
  ['unknown optimizer', variant({ optimizer: 'optimizer: { type: gaa }' }), /optimizer\.type: got "gaa", expected one of .*ga.*\(did you mean 'ga'\?\)/],
  ['unknown preset', variant({ optimizee: 'optimizee: { type: benchmark, preset: Rastrigin3d }' }), /optimizee.*Rastrigin3d/],
  ['no budget', variant({ stop: 'stop: { target: 0 }' }), /stop: got \{"target":0\}, expected a budget needs at least one of generations, evaluations or seconds/],
  ['negative generations', variant({ stop: 'stop: { generations: -3 }' }), /stop\.generations: got -3, expected a number >= 1/],
  ['bad name', variant({ name: '"../escape"' }), /name: got "\.\.\/escape", expected a name of letters/],
  ['top-level typo', variant({}) + 'stpo: 3\n', /stpo: unknown key \(did you mean 'stop'\?\)/],
  ['not a mapping', '- a\n- b\n', /expected a mapping of keys/],
  ['inconsistent bounds', variant({ optimizee: 'optimizee: { type: benchmark, functions: [{function: rastrigin}], dims: 3, bounds: [1, 0] }' }), /optimizee\.bounds: got \[1,0\], expected \[lower, upper\] with lower < upper/],
  ['too large', variant({ optimizer: 'optimizer: { type: ga, pop_size: 1.0e9 }' }), /optimizer\.pop_size: got 1000000000, expected a number <= 1000000/],
  ['python module missing (embedded)', variant({ optimizee: 'optimizee: { type: python, module: x.py, parameters: [{name: a, lower: 0, upper: 1}] }' }), /cannot import python module 'x\.py': FileNotFoundError: no such file: .*x\.py \(worker setup, rank 0 of 1 on /],
  ['python class and function', variant({ optimizee: 'optimizee: { type: python, module: x.py, function: f, class: C, parameters: [{name: a, lower: 0, upper: 1}] }' }), /optimizee\.class: got "C", expected either function or class, not both/],
  ['python space undeclared', variant({ optimizee: 'optimizee: { type: python, module: x.py }' }), /optimizee\.parameters: not given, and cannot import python module 'x\.py': FileNotFoundError/],
  ['timeout without isolation', variant({}) + 'evaluation: {timeout_seconds: 3}\n', /evaluation\.timeout_seconds: got 3, expected no timeout with isolation: in-process/],
];

for (const [label, text, pattern] of cases) {
  t.test(`bad config: ${label}`, async (t) => {
    const path = label === 'missing file' ? join(dir, 'nope.yaml') : file(`${label.replace(/\W+/g, '-')}.yaml`, text);
    const r = runMain(['run', path, '--out', join(dir, 'out-' + label.replace(/\W+/g, '-')), '--quiet']);
    t.equal(r.code, 2, `exit code 2 (stderr: ${r.stderr})`);
    t.match(r.stderr, pattern);
    t.equal(r.stderr.trim().split('\n').length, 1, 'exactly one line');
    t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
}

t.test('several mistakes: every one on its own line, the first naming the file and how many follow', async (t) => {
  // three mistakes in three places: the top level, the optimizer, the budget
  const p = file('three.yaml', variant({ name: '"bad name"', optimizer: 'optimizer: { type: ga, cx_prob: 1.5 }', stop: 'stop: { generations: 0 }' }));
  for (const args of [['run', p, '--quiet'], ['validate', p]]) {
    const r = runMain(args);
    t.equal(r.code, 2, args[0]);
    const lines = r.stderr.trimEnd().split('\n');
    t.equal(lines.length, 3, `${args[0]}: three problem lines (stderr: ${r.stderr})`);
    t.match(lines[0], /^error: .*three\.yaml: name: got "bad name", expected a name of letters.* \(and 2 more problems\)$/);
    t.match(lines.slice(1).sort(), [/^  optimizer\.cx_prob: got 1\.5, expected a number <= 1$/, /^  stop\.generations: got 0, expected a number >= 1$/]);
    t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
  const two = runMain(['validate', file('two-keys.yaml', variant({ optimizer: 'optimizer: { type: ga, pop_sise: 10, cx_porb: 0.5 }' }))]);
  t.match(two.stderr, /optimizer\.pop_sise: unknown key \(did you mean 'pop_size'\?\).* \(and 1 more problem\)\n  optimizer\.cx_porb: unknown key \(did you mean 'cx_prob'\?\)/, 'each unknown key its own line');
});

t.test('bad command-line values', async (t) => {
  const p = file('ok.yaml', variant({}));
  for (const [args, pattern] of [
    [['run', p, '--seed=-1'], /--seed: got "-1", expected an integer/],
    [['run', p, '--seed', '1.5'], /--seed: got "1\.5", expected an integer/],
    [['run', p, '--seed', '-1'], /^error: run: Option '--seed' argument is ambiguous\.[^\n]*\n$/],
    [['run', p, '--transport', 'tcp'], /--transport: got "tcp"/],
    [['run'], /expected one experiment file or more, got 0/],
    [['run', p, '--bogus'], /Unknown option '--bogus'/],
  ] as Array<[string[], RegExp]>) {
    const r = runMain(args);
    t.equal(r.code, 2, args.join(' '));
    t.match(r.stderr, pattern);
  }
});

t.test('under mpirun -n 4 a bad file ends every rank with exit 2 and one message', async (t) => {
  const p = file('mpi-bad.yaml', variant({ optimizer: 'optimizer: { type: ga, mut_prob: -0.1 }' }));
  const r = await runMainMpi(4, ['run', p, '--quiet']);
  t.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trim().split('\n').filter((l) => /mut_prob/.test(l));
  t.equal(lines.length, 1, 'only rank 0 reports');
  t.notMatch(r.stderr, /exited without|MPI_ABORT|finalize/i, 'no mpirun error banner: every rank finalized');
});

t.test('an experiment path that is a directory, a results directory holding another run', async (t) => {
  const r = runMain(['run', dir, '--quiet']);
  t.equal(r.code, 2);
  t.match(r.stderr, /cannot read the experiment file \(EISDIR\)/);
  const p = file('twice.yaml', variant({ stop: 'stop: { generations: 1 }' }));
  const out = join(dir, 'twice');
  t.equal(runMain(['run', p, '--out', out, '--quiet']).code, 0);
  const again = runMain(['run', p, '--out', out, '--quiet']);
  t.equal(again.code, 2);
  t.match(again.stderr, /^error: results directory .*twice already holds a run; choose another with --out DIR or overwrite it with --force\n$/);
});

t.test('--debug adds the stack trace (and its cause) to a one-line error', async (t) => {
  const p = file('debug.yaml', variant({ optimizee: 'optimizee: { type: benchmark, preset: Rastrigin3d }' }));
  const plain = runMain(['validate', p]);
  t.equal(plain.stderr.trim().split('\n').length, 1);
  const r = runMain(['validate', p, '--debug']);
  t.equal(r.code, 2);
  t.match(r.stderr, /^error: .*Rastrigin3d[^\n]*\n[\s\S]*\n\s+at /, 'the same line, then a stack');
  const missing = runMain(['--debug', 'run', join(dir, 'absent.yaml')]);
  t.equal(missing.code, 2);
  t.match(missing.stderr, /caused by: Error: ENOENT/);
});
