/**
 * Learning to learn (src/cli/nested.ts): an outer GA tunes cross-entropy's hyper-parameters; each
 * outer individual is a whole inner experiment. Under mpirun -n 5 the inner experiments run two at
 * a time on two groups of 2 ranks; the outer trajectory and the inner records agree, two runs with
 * the same seed give the same results, and so does one process running the inner experiments itself.
 */
import t from 'tap';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import { runMain, runMainMpi } from '../helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-nested-'));
const file = join(dir, 'meta.yaml');
writeFileSync(file, `name: meta-ce
seed: 5
optimizer: {type: ga, pop_size: 6, tourn_size: 2}
optimizee:
  type: experiment
  ranks: 2
  metric: mean-best-so-far
  inner:
    optimizer: {type: cross-entropy, pop_size: 20}
    optimizee: {type: benchmark, preset: Rastrigin2d}
    stop: {evaluations: 300}
  parameters:
    - {path: optimizer.rho, lower: 0.1, upper: 0.9}
    - {path: optimizer.smoothing, lower: 0.0, upper: 0.9}
stop: {generations: 3}
`);

const journal = (out: string) => decodeGenerations(readFileSync(join(out, 'generations.msgpack')));
const outerRows = (out: string) => journal(out).flatMap((g) => Array.from(g.index, (index, i) => ({
  generation: g.generation, index, x: Array.from(g.x.subarray(i * g.dim, (i + 1) * g.dim)), fitness: g.fitness[i], rank: g.rank[i], seed: g.seed[i],
})));
const innerRows = (innerDir: string) => journal(innerDir).map((g) => ({ x: Array.from(g.x), fitness: Array.from(g.fitness) }));

t.test('mpirun -n 5: two inner experiments at a time on two groups of 2 ranks; outer and inner records agree', async (t) => {
  const out = join(dir, 'mpi-1');
  const r = await runMainMpi(5, ['run', file, '--out', out, '--quiet'], 300_000);
  t.equal(r.code, 0, r.stderr);
  t.notMatch(r.stderr, /Error|warning/i, 'nothing on stderr but progress');
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  t.match(summary, { status: 'completed', generations: 3, ranks: 3, failures: 0 }, 'the outer experiment: rank 0 and 2 group leaders');
  const rows = outerRows(out);
  t.same([...new Set(rows.map((row) => row.rank))].sort(), [1, 2], 'both groups ran inner experiments');
  t.same(readdirSync(join(out, 'inner')).sort(), rows.map((row) => `g${row.generation}-i${row.index}`).sort(), 'one inner run per outer evaluation');
  for (const row of rows) {
    const inner = join(out, 'inner', `g${row.generation}-i${row.index}`);
    const s = JSON.parse(readFileSync(join(inner, 'summary.json'), 'utf8'));
    const config = JSON.parse(readFileSync(join(inner, 'config.json'), 'utf8'));
    t.match(s, { status: 'completed', ranks: 2, evaluations: 300 }, `${inner}: completed on 2 ranks`);
    t.equal(config.experiment.seed, row.seed, 'the inner run has the outer individual\'s seed');
    // x is sorted by path: optimizer.rho, optimizer.smoothing
    t.same([config.experiment.optimizer.rho, config.experiment.optimizer.smoothing], row.x, 'the inner run has the outer individual\'s hyper-parameters');
    // its fitness is the inner run's mean best-so-far, recomputed here from the inner journal
    const weighted = journal(inner).flatMap((g) => Array.from(g.weighted));
    let best = weighted[0];
    const mean = weighted.reduce((sum, w) => sum + (best = Math.max(best, w)), 0) / weighted.length;
    t.ok(Math.abs(mean - row.fitness) <= 1e-12 * Math.abs(mean), `outer fitness ${row.fitness} = the inner run's mean best so far`);
    t.ok(existsSync(join(inner, 'trajectory.h5')) && existsSync(join(inner, 'run.log')), 'the inner run keeps its own records');
  }
});

t.test('the same seed gives the same outer and inner results: a second mpirun run, and one process', async (t) => {
  const again = join(dir, 'mpi-2');
  const r = await runMainMpi(5, ['run', file, '--out', again, '--quiet'], 300_000);
  t.equal(r.code, 0, r.stderr);
  const alone = join(dir, 'alone');
  const a = runMain(['run', file, '--out', alone, '--quiet'], 300_000);
  t.equal(a.code, 0, a.stderr);
  const first = join(dir, 'mpi-1');
  const strip = (rows: ReturnType<typeof outerRows>) => rows.map(({ rank: _rank, ...rest }) => rest);
  t.same(strip(outerRows(again)), strip(outerRows(first)), 'outer trajectory: identical across two runs');
  t.same(strip(outerRows(alone)), strip(outerRows(first)), 'outer trajectory: identical in one process');
  for (const name of readdirSync(join(first, 'inner'))) {
    t.same(innerRows(join(again, 'inner', name)), innerRows(join(first, 'inner', name)), `inner ${name}: identical`);
  }
});

t.test('killed mid-run (an inner run crashes its leader), resumed: the inner runs in flight resume inside the resumed outer run', async (t) => {
  const out = join(dir, 'killed');
  const killed = await runMainMpi(5, ['run', file, '--out', out, '--quiet'], 300_000, { L2L_CRASH_AT: 'event:100' });
  t.not(killed.code, 0, 'the job died');
  const before = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  t.not(before.status, 'completed');
  const unfinished = readdirSync(join(out, 'inner')).filter((name) => {
    const s = join(out, 'inner', name, 'summary.json');
    return !existsSync(s) || JSON.parse(readFileSync(s, 'utf8')).status !== 'completed';
  });
  t.ok(unfinished.length >= 1, `inner runs left unfinished: ${unfinished.join(', ')}`);
  const finished = readdirSync(join(out, 'inner')).filter((name) => !unfinished.includes(name));
  t.ok(finished.length >= 1, `inner runs finished before the kill: ${finished.join(', ')}`);
  const stamp = (name: string) => statSync(join(out, 'inner', name, 'summary.json')).mtimeMs;
  const before2 = new Map(finished.map((name) => [name, { mtime: stamp(name), log: readFileSync(join(out, 'inner', name, 'run.log'), 'utf8') }]));
  const r = await runMainMpi(5, ['run', '--resume', out, '--quiet'], 300_000);
  t.equal(r.code, 0, r.stderr);
  for (const [name, b] of before2) {
    t.equal(stamp(name), b.mtime, `inner ${name}: finished before the kill, reused (its summary untouched)`);
    t.equal(readFileSync(join(out, 'inner', name, 'run.log'), 'utf8'), b.log, `inner ${name}: not run again`);
  }
  for (const name of unfinished) {
    t.equal(JSON.parse(readFileSync(join(out, 'inner', name, 'summary.json'), 'utf8')).status, 'completed', `inner ${name}: unfinished at the kill, completed by the resumed run`);
  }
  const first = join(dir, 'mpi-1');
  const strip = (rows: ReturnType<typeof outerRows>) => rows.map(({ rank: _rank, ...rest }) => rest);
  t.same(strip(outerRows(out)), strip(outerRows(first)), 'the outer trajectory of an uninterrupted run');
  for (const name of readdirSync(join(first, 'inner'))) {
    t.same(innerRows(join(out, 'inner', name)), innerRows(join(first, 'inner', name)), `inner ${name}: as uninterrupted`);
  }
  const resumedInner = unfinished.filter((name) => readFileSync(join(out, 'inner', name, 'run.log'), 'utf8').includes('"msg":"run resumed"'));
  t.ok(resumedInner.length >= 1, `inner runs resumed from their checkpoints: ${resumedInner.join(', ')}`);
});

t.test('--force with a changed inner experiment: every inner run is new, as in a fresh directory', async (t) => {
  const out = join(dir, 'forced');
  const r1 = runMain(['run', file, '--out', out, '--quiet'], 300_000);
  t.equal(r1.code, 0, r1.stderr);
  const changed = join(dir, 'meta-changed.yaml');
  writeFileSync(changed, readFileSync(file, 'utf8').replace('stop: {evaluations: 300}', 'stop: {evaluations: 120}').replace('stop: {generations: 3}', 'stop: {generations: 2}'));
  const r2 = runMain(['run', changed, '--out', out, '--quiet', '--force'], 300_000);
  t.equal(r2.code, 0, r2.stderr);
  const names = readdirSync(join(out, 'inner')).sort();
  t.same(names, outerRows(out).map((row) => `g${row.generation}-i${row.index}`).sort(), 'only the inner runs of this run: none left from the earlier one');
  for (const name of names) {
    const s = JSON.parse(readFileSync(join(out, 'inner', name, 'summary.json'), 'utf8'));
    t.equal(s.evaluations, 120, `inner ${name}: the changed budget`);
  }
  const fresh = join(dir, 'forced-fresh');
  const r3 = runMain(['run', changed, '--out', fresh, '--quiet'], 300_000);
  t.equal(r3.code, 0, r3.stderr);
  const strip = (rows: ReturnType<typeof outerRows>) => rows.map(({ rank: _rank, ...rest }) => rest);
  t.same(strip(outerRows(out)), strip(outerRows(fresh)), 'the outer trajectory of the changed experiment in a fresh directory');
  t.same(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).best, JSON.parse(readFileSync(join(fresh, 'summary.json'), 'utf8')).best, 'the same best');
});

t.test('a job whose ranks do not make groups: one line, exit code 2', async (t) => {
  const r = await runMainMpi(4, ['run', file, '--out', join(dir, 'bad-layout'), '--quiet']);
  t.equal(r.code, 2);
  t.match(r.stderr, /^error: a nested experiment needs rank 0 for the outer optimizer and groups of optimizee\.ranks \(2\) for the inner experiments: start mpirun with 3, 5, 7\.\.\. ranks, not 4$/m);
});

t.test('variants and repeats: a family of inner problems per individual, the fitness their mean', async (t) => {
  const family = join(dir, 'family.yaml');
  writeFileSync(family, readFileSync(file, 'utf8')
    .replace('name: meta-ce', 'name: meta-family')
    .replace('  parameters:\n', '  repeats: 2\n  variants:\n    - {optimizee: {preset: Rastrigin2d}}\n    - {optimizee: {preset: Ackley2d}, stop: {evaluations: 200}}\n  parameters:\n')
    .replace('stop: {generations: 3}', 'stop: {generations: 1}'));
  const out = join(dir, 'family');
  const r = runMain(['run', family, '--out', out, '--quiet'], 300_000);
  t.equal(r.code, 0, r.stderr);
  for (const row of outerRows(out)) {
    const base = join(out, 'inner', `g${row.generation}-i${row.index}`);
    t.same(readdirSync(base).sort(), ['v0-r0', 'v0-r1', 'v1-r0', 'v1-r1']);
    const metrics = readdirSync(base).map((name) => {
      const inner = join(base, name);
      const config = JSON.parse(readFileSync(join(inner, 'config.json'), 'utf8')).experiment;
      t.equal(config.optimizee.preset, name.startsWith('v0') ? 'Rastrigin2d' : 'Ackley2d', `${name}: its variant`);
      t.equal(config.stop.evaluations, name.startsWith('v0') ? 300 : 200, `${name}: the variant's budget`);
      const weighted = journal(inner).flatMap((g) => Array.from(g.weighted));
      let best = weighted[0];
      return { seed: config.seed as number, mean: weighted.reduce((sum, w) => sum + (best = Math.max(best, w)), 0) / weighted.length };
    });
    t.equal(new Set(metrics.map((m) => m.seed)).size, 4, 'every inner run has a seed of its own');
    const mean = metrics.reduce((s, m) => s + m.mean, 0) / 4;
    t.ok(Math.abs(mean - row.fitness) <= 1e-9 * Math.abs(mean), `outer fitness ${row.fitness} = the mean of the 4 inner metrics`);
  }
});

t.test('report DIR lists every inner run and links its records', async (t) => {
  const out = join(dir, 'mpi-1');
  const r = runMain(['report', out]);
  t.equal(r.code, 0, r.stderr);
  const page = readFileSync(join(out, 'report', 'report.html'), 'utf8');
  t.match(page, /<section id="inner"><h2>Inner runs<\/h2>/);
  for (const name of readdirSync(join(out, 'inner'))) {
    t.ok(page.includes(`href="../inner/${name}/summary.json"`), `links inner/${name}`);
    t.ok(existsSync(join(out, 'report', '..', 'inner', name, 'summary.json')), 'the link resolves');
  }
});
