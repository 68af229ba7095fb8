/**
 * Hierarchical dispatch under mpirun (dispatch.fan_out): relays take work in bulk from rank 0 and
 * farm it out to their groups. A generational run gives flat dispatch's trajectory row for row, with
 * failures retried as flat dispatch retries them; every row names the worker that evaluated it (never
 * a relay); rank 0 exchanges fewer messages; an asynchronous run meets its budget exactly.
 * 8 ranks on this machine's cores: oversubscribed, which is the point (no timing is asserted).
 */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import type { Summary } from '../../src/results/records.js';
import { runMainMpi } from '../helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-hierarchy-'));

async function run(name: string, ranks: number, body: string) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nseed: 21\n${body}`);
  const out = join(dir, name);
  const r = await runMainMpi(ranks, ['run', file, '--out', out, '--quiet']);
  return {
    r, out,
    summary: () => JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary,
    records: () => decodeGenerations(readFileSync(join(out, 'generations.msgpack'))),
    log: () => readFileSync(join(out, 'run.log'), 'utf8'),
  };
}

const GA = `optimizer: {type: ga, pop_size: 300}
optimizee: {type: benchmark, functions: [{function: rastrigin}], dims: 4, faults: {rate: 0.05}}
evaluation: {retries: 1}
stop: {generations: 4}
`;

t.test('a generational run through relays: the trajectory of flat dispatch, the worker of every row, fewer messages at rank 0', async (t) => {
  const [flat, relayed] = await Promise.all([
    run('flat', 8, `${GA}dispatch: {fan_out: 0, max_batch: 16}\n`),
    run('relayed', 8, `${GA}dispatch: {fan_out: 3, max_batch: 16}\n`),
  ]);
  t.equal(flat.r.code, 0, 'flat: exit 0') || t.comment(flat.r.stderr);
  t.equal(relayed.r.code, 0, 'through relays: exit 0') || t.comment(relayed.r.stderr);
  const [a, b] = [flat.records(), relayed.records()];
  t.equal(b.length, a.length, 'as many generations');
  const failures = a.reduce((n, g) => n + g.attempts.reduce((m, x) => m + (x > 1 ? 1 : 0), 0), 0);
  t.ok(failures > 0, `some evaluations failed and were retried (${failures}): the retry path is compared too`);
  for (let g = 0; g < a.length; g++) {
    for (const col of ['index', 'x', 'fitness', 'weighted', 'status', 'attempts', 'seed'] as const) {
      t.same(b[g][col], a[g][col], `generation ${g}: ${col} as flat`) || t.bailout();
    }
    t.same(b[g].stats, a[g].stats, `generation ${g}: statistics as flat`);
  }
  const s = relayed.summary();
  t.same(s.dispatch?.relays, [1, 5], 'two relays: ranks 1 and 5 (groups 1-4 and 5-7)');
  const rowRanks = new Set(b.flatMap((g) => Array.from(g.rank)));
  t.same([...rowRanks].sort(), [2, 3, 4, 6, 7], 'rows evaluated by the workers behind the relays, none by a relay');
  t.same(s.workers.map((w) => w.rank), [2, 3, 4, 6, 7], 'the summary lists those workers');
  t.equal(s.workers.reduce((n, w) => n + w.evaluations, 0), s.evaluations + failures, 'every try counted once, at its worker');
  t.equal(s.best?.weightedFitness, flat.summary().best?.weightedFitness, 'the same best');
  const [mf, mr] = [flat.summary().dispatch!.batches, s.dispatch!.batches];
  // relays of 3 and 2 workers take batches 3 and 2 times as large; retries of failed rows go out in small batches either way
  t.ok(mr * 1.5 <= mf, `rank 0 sent ${mr} batches through 2 relays, against ${mf} to 7 workers`);
  t.match(relayed.log(), /hierarchical dispatch: 2 relays, each serving 2-3 workers/);
  t.notMatch(flat.log(), /hierarchical dispatch/);
});

t.test('an asynchronous run through relays: the budget exactly, each individual once, by the workers', async (t) => {
  const x = await run('async', 6, `optimizer: {type: async-evolution, pop_size: 20}
optimizee: {type: benchmark, preset: Rastrigin2d, delay: {median_ms: 1, sigma: 0.5}}
stop: {evaluations: 400}
dispatch: {fan_out: 2, batch_seconds: 0.002}
`);
  t.equal(x.r.code, 0, 'exit 0') || t.comment(x.r.stderr);
  t.equal(x.summary().evaluations, 400);
  const recs = x.records();
  t.same(recs.flatMap((g) => Array.from(g.index)).sort((p, q) => p - q), [...Array(400).keys()], 'births 0..399, each recorded once');
  t.same([...new Set(recs.flatMap((g) => Array.from(g.rank)))].sort(), [2, 3, 5], 'by workers 2, 3 (relay 1) and 5 (relay 4)');
  t.same(x.summary().dispatch?.relays, [1, 4]);
});
