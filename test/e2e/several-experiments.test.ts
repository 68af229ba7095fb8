/**
 * Several experiments in one MPI job: `run A.yaml B.yaml` splits the ranks into groups (a file's
 * `ranks` gives it that many, the others share the rest), and mpirun's MPMD form (A : B) does the
 * same by application context. Each experiment completes with its own results, exactly as it does
 * alone; a layout that cannot work is one line and exit code 2, before anything starts.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import { ROOT, runMain, runMainMpi } from '../helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-several-'));
const file = (name: string, text: string) => {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
};
const A = file('a.yaml', `name: exp-a
seed: 1
ranks: 2
optimizer: {type: ga, pop_size: 30}
optimizee: {type: benchmark, preset: Rastrigin2d}
stop: {generations: 20}
`);
const B = file('b.yaml', `name: exp-b
seed: 2
optimizer: {type: cmaes}
optimizee: {type: benchmark, preset: Ackley2d}
stop: {generations: 60}
`);

const summary = (out: string) => JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
const trajectory = (out: string) => decodeGenerations(readFileSync(join(out, 'generations.msgpack'))).map((g) => ({ x: Array.from(g.x), fitness: Array.from(g.fitness) }));
const ranksUsed = (out: string) => [...new Set(decodeGenerations(readFileSync(join(out, 'generations.msgpack'))).flatMap((g) => [...g.rank]))].sort();

// each experiment alone, the reference for what it must give beside another
const alone = { a: join(dir, 'alone-a'), b: join(dir, 'alone-b') };
t.before(() => {
  for (const [f, out] of [[A, alone.a], [B, alone.b]]) {
    const r = runMain(['run', f, '--out', out, '--quiet']);
    if (r.code !== 0) throw new Error(r.stderr);
  }
});

t.test('mpirun -n 5 run a.yaml b.yaml: 2 ranks and 3, both complete with their own results, as they do alone', async (t) => {
  const out = join(dir, 'shared');
  const r = await runMainMpi(5, ['run', A, B, '--out', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /^\[exp-a\] exp-a: ga on benchmark, seed 1, 2 ranks \(1 worker rank\), beside other experiments in this job$/m);
  t.match(r.stdout, /^\[exp-b\] exp-b: cmaes on benchmark, seed 2, 3 ranks \(2 worker ranks\), beside other experiments in this job$/m);
  t.match(summary(join(out, 'exp-a')), { status: 'completed', ranks: 2, generations: 20 });
  t.match(summary(join(out, 'exp-b')), { status: 'completed', ranks: 3, generations: 60 });
  t.same(ranksUsed(join(out, 'exp-a')), [1], 'exp-a: its one worker rank');
  t.same(ranksUsed(join(out, 'exp-b')), [1, 2], 'exp-b: its two worker ranks');
  t.same(trajectory(join(out, 'exp-a')), trajectory(alone.a), 'exp-a: the trajectory it has alone');
  t.same(trajectory(join(out, 'exp-b')), trajectory(alone.b), 'exp-b: the trajectory it has alone');
});

t.test("mpirun's MPMD form (-n 2 ... a.yaml : -n 3 ... b.yaml): the same", async (t) => {
  const [oa, ob] = [join(dir, 'mpmd-a'), join(dir, 'mpmd-b')];
  const r = await runMainMpi(2, ['run', A, '--out', oa, '--quiet', ':', '-n', '3', process.execPath, `${ROOT}dist/main.js`, 'run', B, '--out', ob, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  t.match(summary(oa), { status: 'completed', ranks: 2 });
  t.match(summary(ob), { status: 'completed', ranks: 3 });
  t.same(trajectory(oa), trajectory(alone.a));
  t.same(trajectory(ob), trajectory(alone.b));
});

t.test('layouts that cannot work: one line, exit code 2, nothing started', async (t) => {
  const big = file('big.yaml', readFileSync(B, 'utf8').replace('name: exp-b', 'name: exp-big\nranks: 4'));
  const twin = file('twin.yaml', readFileSync(B, 'utf8'));
  const cases: Array<[string, number, string[], RegExp]> = [
    ['too few ranks', 5, [A, big], /^error: the experiments ask for 6 ranks in all \(exp-a: 2, exp-big: 4\), and the job has 5: make them equal, or leave out one experiment's ranks to give it the rest$/m],
    ['no rank left', 2, [A, B], /^error: the experiments need at least 3 ranks \(exp-a: 2, exp-b: the rest\), and the job has 2: start mpirun with more ranks \(-n\)$/m],
    ['same name', 4, [B, twin], /^error: .*twin\.yaml: name: 'exp-b' is also the name of .*b\.yaml; experiments in one job need different names/m],
  ];
  for (const [label, n, files, pattern] of cases) {
    const r = await runMainMpi(n, ['run', ...files, '--out', join(dir, label.replace(/\W/g, '-')), '--quiet']);
    t.equal(r.code, 2, `${label}: exit code 2`);
    t.match(r.stderr, pattern, label);
    t.equal(r.stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1, `${label}: said once`);
  }
  const solo = runMain(['run', A, B, '--quiet']);
  t.equal(solo.code, 2);
  t.match(solo.stderr, /^error: run: 2 experiments run side by side under mpirun only, each on ranks of its own: launch\/mpirun\.sh -n N node dist\/main\.js run /);
});
