/**
 * Retries, penalties and determinism with failing evaluations, through the whole stack: the same
 * individuals fail, are retried with the same seeds and end the same way at 1, 2 and 5 ranks, and a
 * run killed while retrying resumes to the same trajectory.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations, errorsMap } from '../../src/results/journal-codec.js';
import { runMain, runMainMpi } from '../helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-failpol-'));

function experiment(name: string, evaluation: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}
seed: 21
optimizer: {type: ga, pop_size: 30}
optimizee: {type: benchmark, preset: Ackley2d, faults: {rate: 0.25}}
stop: {generations: 8}
evaluation: ${evaluation}
checkpoint: {min_seconds: 0}
`);
  return file;
}

function journal(out: string) {
  return decodeGenerations(readFileSync(join(out, 'generations.msgpack'))).map((g) => ({
    generation: g.generation, index: Array.from(g.index), x: Array.from(g.x), fitness: Array.from(g.fitness), status: Array.from(g.status),
    attempts: Array.from(g.attempts), seed: Array.from(g.seed), errors: Object.fromEntries(Object.entries(errorsMap(g.errors)).map(([k, v]) => [k, v.split('\n').filter((l) => /^try |^Error/.test(l)).map((l) => l.replace(/, rank \d+\)/, ')'))])), // ranks differ
  }));
}

const RETRY = experiment('retry', '{retries: 2, retry_seed: fresh}');

t.test('fresh-seed retries: identical at 1, 2 and 5 ranks; most failures recover', async (t) => {
  const one = join(dir, 'retry-1');
  t.equal(runMain(['run', RETRY, '--out', one, '--quiet']).code, 0);
  const ref = journal(one);
  for (const n of [2, 5]) {
    const out = join(dir, `retry-${n}`);
    const r = await runMainMpi(n, ['run', RETRY, '--out', out, '--quiet']);
    t.equal(r.code, 0, r.stderr);
    t.same(journal(out), ref, `${n} ranks: the same trajectory, tries and seeds`);
  }
  const rows = ref.flatMap((g) => g.attempts.map((a, i) => ({ a, status: g.status[i], errors: g.errors[i] })));
  const retried = rows.filter((r) => r.a > 1);
  const failed = rows.filter((r) => r.status !== 0);
  t.ok(retried.length > rows.length * 0.15, `a quarter fail their first try: ${retried.length} of ${rows.length} retried`);
  t.ok(failed.length < retried.length / 4, `a fresh seed mostly avoids the fault: ${failed.length} still failed`);
  for (const f of failed) t.equal(f.a, 3, 'a final failure took all three tries');
  for (const r of retried) t.match(r.errors?.[0] ?? '', /^try 1 of 3 \(seed \d+\) failed: Error: injected fault/);
});

t.test("'same' seed: a failure determined by the seed fails every try", async (t) => {
  const out = join(dir, 'same');
  t.equal(runMain(['run', experiment('same', '{retries: 1, retry_seed: same}'), '--out', out, '--quiet']).code, 0);
  const rows = journal(out).flatMap((g) => g.attempts.map((a, i) => ({ a, status: g.status[i] })));
  const failed = rows.filter((r) => r.status !== 0);
  t.ok(failed.length > 0);
  t.ok(failed.every((r) => r.a === 2), 'two tries each');
  t.ok(rows.filter((r) => r.status === 0).every((r) => r.a === 1), 'successes needed one');
});

t.test('penalty: the optimizer is told the penalty; the record keeps the failure', async (t) => {
  const out = join(dir, 'penalty');
  t.equal(runMain(['run', experiment('penalty', '{on_failure: penalty, penalty: [1000]}'), '--out', out, '--quiet']).code, 0);
  const recs = decodeGenerations(readFileSync(join(out, 'generations.msgpack')));
  let penalised = 0;
  for (const g of recs) {
    for (let i = 0; i < g.index.length; i++) {
      if (g.status[i] === 0) continue;
      penalised++;
      t.equal(g.fitness[i], 1000);
      t.match(g.errors![i], /told the optimizer the penalty fitness \[1000\]/);
    }
  }
  t.ok(penalised > 0);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  t.equal(s.failures, penalised, 'counted as failures');
  t.ok(s.best.fitness[0] < 1000, 'never the best');
});

t.test('bad evaluation settings are refused in one line', async (t) => {
  for (const [evaluation, pattern] of [
    ['{timeout_seconds: 5}', /evaluation\.timeout_seconds: .*needs|no timeout with isolation: in-process/],
    ['{on_failure: penalty}', /evaluation\.penalty: .*a penalty fitness vector/],
    ['{on_failure: penalty, penalty: [1, 2]}', /evaluation\.penalty: got 2 values, expected one per objective \(1\)/],
    ['{retries: 11}', /evaluation\.retries/],
  ] as Array<[string, RegExp]>) {
    const r = runMain(['validate', experiment('bad', evaluation)]);
    t.equal(r.code, 2, evaluation);
    t.match(r.stderr, pattern);
    t.equal(r.stderr.trim().split('\n').length, 1);
  }
});

t.test('killed while retrying, resumed: the same trajectory', async (t) => {
  const out = join(dir, 'retry-killed');
  const killed = await runMainMpi(3, ['run', RETRY, '--out', out, '--quiet'], 120_000, { L2L_CRASH_AT: 'event:12' });
  t.not(killed.code, 0);
  const r = await runMainMpi(2, ['run', '--resume', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  t.same(journal(out), journal(join(dir, 'retry-1')));
});
