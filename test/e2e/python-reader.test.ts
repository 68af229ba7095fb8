/**
 * The results a scientist opens in Python: python/l2l_results.py (Debian python3, msgpack, numpy)
 * reads generations.msgpack back to exactly what the TypeScript reader sees.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import { ROOT, runMain } from '../helpers/run-main.js';

t.test('python reads every column of every generation identically', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'l2l-py-'));
  const file = join(dir, 'exp.yaml');
  writeFileSync(file, `name: py\nseed: 3\noptimizer: {type: ga, pop_size: 30, tourn_size: 3}\noptimizee: {type: benchmark, preset: Ackley2d}\nstop: {generations: 5}\n`);
  const out = join(dir, 'out');
  t.equal(runMain(['run', file, '--out', out, '--quiet']).code, 0);
  const py = spawnSync('/usr/bin/python3', [join(ROOT, 'python/l2l_results.py'), out, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  t.equal(py.status, 0, py.stderr);
  const fromPy = JSON.parse(py.stdout) as { summary: { seed: number }; generations: Array<Record<string, unknown>> };
  const fromTs = decodeGenerations(readFileSync(join(out, 'generations.msgpack')));
  t.equal(fromPy.summary.seed, 3);
  t.equal((fromPy as { mode?: string }).mode, 'generational', 'the journal records the run\'s mode');
  t.equal(fromPy.generations.length, 5);
  t.equal(fromTs.length, 5);
  for (const [g, ts] of fromTs.entries()) {
    const p = fromPy.generations[g];
    t.equal(p.generation, ts.generation);
    t.same(p.index, Array.from(ts.index));
    t.same((p.x as number[][]).flat(), Array.from(ts.x), `generation ${g}: parameters bit-identical`);
    t.same((p.fitness as number[][]).flat(), Array.from(ts.fitness));
    t.same(p.weighted, Array.from(ts.weighted));
    t.same(p.seed, Array.from(ts.seed));
    t.same(p.rank, Array.from(ts.rank));
    t.same(p.seconds, Array.from(ts.seconds));
    t.same(p.status_names, Array.from(ts.status, () => 'ok'));
    t.same(p.stats, ts.stats);
  }
});
