/**
 * A Python simulation that raises, aborts or hangs, evaluated in child processes of the worker ranks
 * (evaluation.isolation: process) under mpirun: the run completes, every failure is recorded with its
 * reason, no evaluation is lost or evaluated twice, and a clean module gives the same results at 1 and
 * 4 ranks, and the same as in the workers' embedded Python. A module that cannot be imported is one
 * line and a non-zero exit, never a hang.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import { STATUS_CODES } from '../../src/core/fitness.js';
import { ROOT, runMain, runMainMpi } from '../helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-python-'));
const FAULTY = `${ROOT}test/e2e/python/faulty.py`;
const CLEAN = `${ROOT}test/e2e/python/clean.py`;

function experiment(name: string, body: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\n${body}`);
  return file;
}

const faulty = experiment('faulty', `seed: 21
optimizer: {type: random, pop_size: 20}
optimizee:
  type: python
  module: ${FAULTY}
  args: {scale: 2}
  parameters:
    - {name: x, lower: -2, upper: 2}
    - {name: y, lower: -1, upper: 1, length: 3}
stop: {generations: 10}
evaluation: {isolation: process, timeout_seconds: 1}
`);

const generations = (out: string) => decodeGenerations(readFileSync(join(out, 'generations.msgpack')));

t.test('mpirun -n 4: raise, abort and hang fail their evaluations only, each recorded with its reason', async (t) => {
  const out = join(dir, 'faulty');
  const t0 = performance.now();
  const r = await runMainMpi(4, ['run', faulty, '--out', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  t.comment(`200 evaluations, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  t.match(summary, { status: 'completed', evaluations: 200, generations: 10 });
  const gens = generations(out);
  t.equal(gens.length, 10);
  const seeds: number[] = [];
  for (const g of gens) {
    t.same(Array.from(g.index).sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i), `generation ${g.generation}: every index exactly once`);
    seeds.push(...g.seed);
  }
  t.same(gens.map((g) => g.generation), Array.from({ length: 10 }, (_, i) => i));
  // which individuals fail, and how, is the module's own choice from the seed: ask it
  const kinds = spawnSync('/usr/bin/python3', [FAULTY, ...seeds.map(String)], { encoding: 'utf8' }).stdout.trim().split('\n');
  t.equal(kinds.length, 200);
  const count: Record<string, number> = {};
  let k = 0;
  let failures = 0;
  for (const g of gens) {
    for (let i = 0; i < g.index.length; i++, k++) {
      const kind = kinds[k];
      count[kind] = (count[kind] ?? 0) + 1;
      const seed = g.seed[i];
      const error = g.errors?.[i] ?? undefined;
      const where = `generation ${g.generation} index ${g.index[i]} (${kind})`;
      t.ok([1, 2, 3].includes(g.rank[i]), `${where}: evaluated on a worker rank`) || t.fail(where);
      if (kind === 'ok') {
        if (g.status[i] !== STATUS_CODES.ok || error !== undefined) t.fail(`${where}: ${error}`);
        const x = g.x.subarray(i * 4, i * 4 + 4); // [x, y0, y1, y2]
        const expected = 2 * (x[0] ** 2 + x[1] ** 2 + x[2] ** 2 + x[3] ** 2);
        if (Math.abs(g.fitness[i] - expected) > 1e-12) t.fail(`${where}: fitness ${g.fitness[i]}, expected ${expected}`);
        continue;
      }
      failures++;
      if (kind === 'raise') {
        t.equal(g.status[i], STATUS_CODES.failed, where);
        t.match(error, new RegExp(`^Traceback \\(most recent call last\\):\\n[\\s\\S]*faulty\\.py[\\s\\S]*FloatingPointError: the simulation diverged \\(seed ${seed}\\)\\n[\\s\\S]*--- optimizee output during this evaluation ---\\nfaulty: diverging for seed ${seed}\\n$`), where);
      } else if (kind === 'abort') {
        t.equal(g.status[i], STATUS_CODES.failed, where);
        t.match(error, new RegExp(`^the simulation process died: killed by SIGABRT \\(abort\\)\\n--- optimizee output during this evaluation ---\\nfaulty: aborting for seed ${seed}\\n$`), where);
      } else {
        t.equal(g.status[i], STATUS_CODES['timed-out'], where);
        t.match(error, /^timed out after 1 s/, where);
        t.ok(g.seconds[i] >= 1 && g.seconds[i] < 60, `${where}: ${g.seconds[i]} s (the timeout, not the hour the module sleeps)`);
      }
      t.ok(Number.isNaN(g.fitness[i]), `${where}: no fitness`);
    }
  }
  t.ok(count.raise > 5 && count.abort > 5 && count.hang > 3, `every kind of failure happened: ${JSON.stringify(count)}`);
  t.equal(summary.failures, failures, 'the summary counts every failure');
  const log = readFileSync(join(out, 'run.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; rank: number });
  t.same(log.filter((l) => l.msg === 'worker ready').map((l) => l.rank).sort(), [1, 2, 3]);
  t.ok(log.some((l) => l.msg === 'simulation process restarted'), 'restarts are logged');
});

const clean = experiment('clean', `seed: 8
optimizer: {type: ga, pop_size: 24}
optimizee:
  type: python
  module: ${CLEAN}
  args: {offset: 0.25}
  parameters:
    - {name: x, lower: -2, upper: 2}
    - {name: y, lower: -1, upper: 1, length: 2}
stop: {generations: 5}
evaluation: {isolation: process}
`);

t.test('a clean module: the same individuals and fitness values at 1 rank and at 4', async (t) => {
  const one = join(dir, 'clean-1');
  const four = join(dir, 'clean-4');
  const r1 = runMain(['run', clean, '--out', one, '--quiet']);
  t.equal(r1.code, 0, r1.stderr);
  const r4 = await runMainMpi(4, ['run', clean, '--out', four, '--quiet']);
  t.equal(r4.code, 0, r4.stderr);
  const [a, b] = [generations(one), generations(four)];
  t.equal(a.length, 5);
  t.equal(b.length, 5);
  for (let g = 0; g < 5; g++) {
    t.same(b[g].x, a[g].x, `generation ${g}: same individuals`);
    t.same(b[g].fitness, a[g].fitness, `generation ${g}: same fitness`);
    t.ok(a[g].status.every((s) => s === 0) && b[g].status.every((s) => s === 0));
  }
  t.same(new Set(a[0].rank), new Set([0]));
  t.same([...new Set(b.flatMap((g) => [...g.rank]))].sort(), [1, 2, 3]);
  const best = JSON.parse(readFileSync(join(four, 'summary.json'), 'utf8')).best;
  t.ok(best.fitness[0] < 1, `it optimizes: best ${best.fitness[0]}`);
});

const missing = experiment('missing', `seed: 1
optimizer: {type: random, pop_size: 4}
optimizee:
  type: python
  module: ${ROOT}test/e2e/python/no-such-module.py
  parameters: [{name: x, lower: 0, upper: 1}]
stop: {generations: 1}
evaluation: {isolation: process}
`);

const MISSING_LINE = /^error: cannot import python module '.*no-such-module\.py': FileNotFoundError: no such file: .*no-such-module\.py \(worker setup, rank \d of \d on .+\)$/m;

t.test('a module that cannot be imported: one line, exit code 2, alone and under mpirun', async (t) => {
  const alone = runMain(['run', missing, '--out', join(dir, 'missing-1'), '--quiet'], 60_000);
  t.equal(alone.code, 2, alone.stderr);
  t.match(alone.stderr, MISSING_LINE);
  t.equal(alone.stderr.trim().split('\n').length, 1, 'one line');
  const t0 = performance.now();
  const mpi = await runMainMpi(3, ['run', missing, '--out', join(dir, 'missing-3'), '--quiet'], 90_000);
  t.not(mpi.code, 0, mpi.stderr);
  t.match(mpi.stderr, MISSING_LINE);
  t.equal(mpi.stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1, 'said once');
  t.notMatch(mpi.stderr, /\n\s+at /, 'no stack trace');
  t.ok(performance.now() - t0 < 60_000, 'no hang');
});

t.test('the same clean module in embedded Python (isolation: in-process) under mpirun -n 4: the same fitness as in child processes', async (t) => {
  const file = experiment('embedded', readFileSync(clean, 'utf8').replace(/^name: .*\n/, '').replace('evaluation: {isolation: process}', 'evaluation: {isolation: in-process}'));
  const out = join(dir, 'embedded-4');
  const r = await runMainMpi(4, ['run', file, '--out', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  const [child, embedded] = [generations(join(dir, 'clean-4')), generations(out)];
  t.equal(embedded.length, 5);
  for (let g = 0; g < 5; g++) {
    t.same(embedded[g].x, child[g].x, `generation ${g}: same individuals`);
    t.same(embedded[g].fitness, child[g].fitness, `generation ${g}: same fitness`);
  }
  const missingHere = experiment('missing-embedded', readFileSync(missing, 'utf8').replace(/^name: .*\n/, '').replace('evaluation: {isolation: process}', 'evaluation: {isolation: in-process}'));
  const m = runMain(['run', missingHere, '--out', join(dir, 'missing-embedded'), '--quiet']);
  t.equal(m.code, 2, m.stderr);
  t.match(m.stderr, MISSING_LINE, 'a module that cannot be imported: the same line from embedded Python');
  t.equal(m.stderr.trim().split('\n').length, 1, 'one line');
});
