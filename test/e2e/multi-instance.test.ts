/**
 * Multi-instance mode: with `dispatch.batch` and an optimizee that evaluates a whole batch in one
 * call (a GPU kernel's shape), every message carries exactly that many parameter sets, each with its
 * own fitness, and the run is the same run as one evaluated row by row.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import { runMainMpi } from '../helpers/run-main.js';

t.test('GA with batches of 64 parameter sets per message equals the row-by-row run', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'l2l-multi-'));
  const run = async (name: string, optimizee: string, dispatch: string) => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, `name: ${name}\nseed: 2\noptimizer: {type: ga, pop_size: 256, tourn_size: 4}\noptimizee: ${optimizee}\nstop: {generations: 4}\n${dispatch}`);
    const r = await runMainMpi(3, ['run', file, '--out', join(dir, name), '--quiet']);
    t.equal(r.code, 0, r.stderr);
    return decodeGenerations(readFileSync(join(dir, name, 'generations.msgpack')));
  };
  const batched = await run('batched', '{type: benchmark, preset: Ackley10d, batched: true}', 'dispatch: {batch: 64}\n');
  const rows = await run('rows', '{type: benchmark, preset: Ackley10d}', '');
  t.same(batched.map((g) => Array.from(g.fitness)), rows.map((g) => Array.from(g.fitness)), 'the same fitness values, generation by generation');
  t.same(batched.map((g) => Array.from(g.x)), rows.map((g) => Array.from(g.x)));
  // one kernel call per message: its time is shared by its rows, so seconds come in runs of 64
  const first = batched[0];
  t.equal(first.index.length, 256);
  const byRank = new Map<number, number[]>();
  first.rank.forEach((r, k) => byRank.set(r, [...(byRank.get(r) ?? []), first.seconds[k]]));
  let runs = 0;
  for (const secs of byRank.values()) {
    const distinct = new Map<number, number>();
    for (const s of secs) distinct.set(s, (distinct.get(s) ?? 0) + 1);
    for (const count of distinct.values()) {
      t.equal(count % 64, 0, 'every message carried a multiple of 64 rows');
      runs += count / 64;
    }
  }
  t.equal(runs, 4, 'generation 0: 256 rows in 4 messages of 64');
});
