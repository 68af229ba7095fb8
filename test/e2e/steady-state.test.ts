/**
 * Asynchronous steady-state evolution through the whole stack under mpirun: no generation barrier,
 * the budget met exactly, every individual evaluated and recorded once, on every worker.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import { runMain, runMainMpi } from '../helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-steady-'));

function experiment(name: string, extra: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nseed: 4\noptimizer: {type: async-evolution, pop_size: 20, n_islands: 2, migration_interval: 10}\n${extra}`);
  return file;
}

t.test('async evolution under mpirun -n 4: exact budget, each individual once, every worker busy', async (t) => {
  // batches of about one evaluation (1 ms each), so results arrive one by one, however fast the machine
  const file = experiment('async', 'optimizee: {type: benchmark, preset: Rastrigin2d, delay: {median_ms: 1, sigma: 0.5}}\nstop: {evaluations: 300}\ndispatch: {batch_seconds: 0.001}\n');
  const out = join(dir, 'async');
  const r = await runMainMpi(4, ['run', file, '--out', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  t.equal(summary.status, 'completed');
  t.equal(summary.evaluations, 300, 'the budget exactly: nothing asked beyond it');
  const recs = decodeGenerations(readFileSync(join(out, 'generations.msgpack')));
  const births = recs.flatMap((g) => Array.from(g.index)).sort((a, b) => a - b);
  t.same(births, [...Array(300).keys()], 'birth numbers 0..299, each recorded once');
  t.ok(recs.length > 300 / 8, `results told in many small batches (${recs.length} records), not generations`);
  const ranks = new Set(recs.flatMap((g) => Array.from(g.rank)));
  t.same([...ranks].sort(), [1, 2, 3], 'every worker rank evaluated');
  const values = recs.flatMap((g) => Array.from(g.weighted));
  const first = values.slice(0, 40).sort((a, b) => a - b)[20];
  t.ok(summary.best.weightedFitness > first, `best ${summary.best.weightedFitness} beats the early median ${first}`);
});

t.test('a generations budget is refused for an asynchronous optimizer', async (t) => {
  const file = experiment('refused', 'optimizee: {type: benchmark, preset: Rastrigin2d}\nstop: {generations: 10}\n');
  const r = runMain(['run', file, '--out', join(dir, 'refused'), '--quiet']);
  t.equal(r.code, 2);
  t.match(r.stderr, /stop\.generations: got 10, expected no generations budget: 'async-evolution' is asynchronous/);
});

t.test('in one process the steady-state mode works too', async (t) => {
  const file = experiment('local', 'optimizee: {type: benchmark, preset: Ackley2d}\nstop: {evaluations: 200}\n');
  const r = runMain(['run', file, '--out', join(dir, 'local'), '--quiet']);
  t.equal(r.code, 0, r.stderr);
  t.equal(JSON.parse(readFileSync(join(dir, 'local', 'summary.json'), 'utf8')).evaluations, 200);
});
