/**
 * The tvb optimizee through the whole stack (examples/tvb-fit.yaml, shortened): CMA-ES over global
 * coupling and conduction speed of a Montbrio-Pazo-Roxin network, each generation one multi-instance
 * kernel call per worker, in one process and under mpirun -n 3 (the same trajectory: a row's fitness
 * depends on its parameters only); and a configuration that names something the model lacks refused with
 * one line and exit code 2 before any rank simulates.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import { ROOT } from '../helpers/mpirun.js';
import { runMain, runMainMpi } from '../helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-tvb-'));
const file = join(dir, 'tvb.yaml');
const example = readFileSync(join(ROOT, 'examples', 'tvb-fit.yaml'), 'utf8');
// the example, shorter: 300 ms per evaluation, 3 generations of 6
writeFileSync(file, example.replace('duration_ms: 1000', 'duration_ms: 300').replace('transient_ms: 200', 'transient_ms: 100').replace('pop_size: 8', 'pop_size: 6').replace('generations: 15', 'generations: 3').replace('batch: 4', 'batch: 3'));

const rows = (out: string) => decodeGenerations(readFileSync(join(out, 'generations.msgpack'))).flatMap((g) => Array.from(g.index, (index, i) => ({
  generation: g.generation, index, x: Array.from(g.x.subarray(i * g.dim, (i + 1) * g.dim)), fitness: g.fitness[i], status: g.status[i],
})));

t.test('in one process and under mpirun -n 3: the same trajectory; every fitness a correlation', async (t) => {
  const alone = join(dir, 'alone');
  const a = runMain(['run', file, '--out', alone, '--quiet'], 300_000);
  t.equal(a.code, 0, a.stderr);
  const mpi = join(dir, 'mpi');
  const m = await runMainMpi(3, ['run', file, '--out', mpi, '--quiet'], 300_000);
  t.equal(m.code, 0, m.stderr);
  const ra = rows(alone);
  t.equal(ra.length, 18, '3 generations of 6');
  t.same(rows(mpi), ra, 'identical rows under mpirun');
  t.ok(ra.every((r) => r.status === 0 && r.fitness >= -1 && r.fitness <= 1), `every row a correlation in [-1, 1] (${ra.map((r) => r.fitness.toFixed(3)).join(' ')})`);
  const summary = JSON.parse(readFileSync(join(mpi, 'summary.json'), 'utf8'));
  t.equal(summary.status, 'completed');
  t.match(readFileSync(join(mpi, 'run.log'), 'utf8'), /"execution":"native"/, 'the workers run it as a native kernel');
});

t.test('a parameter the model does not have: one line, exit code 2, nothing simulated', async (t) => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, readFileSync(file, 'utf8').replace('path: speed,', 'path: model.zeta,'));
  const r = await runMainMpi(3, ['run', bad, '--out', join(dir, 'bad'), '--quiet']);
  t.equal(r.code, 2);
  t.match(r.stderr, /^error: .*bad\.yaml: optimizee\.parameters\.1\.path: got "model\.zeta", expected what montbrio_pazo_roxin has \(one of coupling\.a, /m);
  t.equal(r.stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1, 'one line of ours (the rest is mpirun\'s)');
  t.notMatch(r.stderr, /worker ready|gen \d/, 'no rank started simulating');
});
