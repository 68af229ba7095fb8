/**
 * The ant colonies and the reservoir in one MPI job (launch/ants-and-reservoir.sh, shortened): the
 * spiking ants' GA on 3 ranks and the reservoir's ensemble Kalman filter on the other 3, each
 * completing with its own results; the ants' rows those of the same experiment alone at another rank
 * count (sharing the job perturbs nothing), the reservoir's rows all evaluated on its own ranks.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import { ROOT, runMainMpi } from '../helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-ants-reservoir-'));
const ants = join(dir, 'ants.yaml'), reservoir = join(dir, 'reservoir.yaml');
writeFileSync(ants, `ranks: 3\n${readFileSync(join(ROOT, 'examples', 'ants-snn.yaml'), 'utf8').replace('generations: 20', 'generations: 3').replace('pop_size: 32', 'pop_size: 8').replace('ticks: 400', 'ticks: 100')}`);
writeFileSync(reservoir, readFileSync(join(ROOT, 'examples', 'reservoir-digits.yaml'), 'utf8').replace('pop_size: 1300', 'pop_size: 40').replace(/stop:[\s\S]*$/, 'stop:\n  generations: 2\n'));

const generations = (out: string) => decodeGenerations(readFileSync(join(out, 'generations.msgpack')));
const rows = (out: string) => generations(out).map((g) => ({ generation: g.generation, x: Array.from(g.x), fitness: Array.from(g.fitness) }));
const summary = (out: string) => JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));

t.test('one mpirun, two groups: the ants on 3 ranks, the reservoir on 3, each with its own results', async (t) => {
  const out = join(dir, 'job');
  const r = await runMainMpi(6, ['run', ants, reservoir, '--out', out, '--quiet'], 600_000);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /\[ants-snn\] ants-snn: ga on ants, seed 1, 3 ranks \(2 worker ranks\), beside other experiments in this job/);
  t.match(r.stdout, /\[reservoir-digits\] reservoir-digits: enkf on snn, seed 1, 3 ranks \(2 worker ranks\), beside other experiments in this job/);
  t.match(summary(join(out, 'ants-snn')), { status: 'completed', ranks: 3, generations: 3 });
  t.match(summary(join(out, 'reservoir-digits')), { status: 'completed', ranks: 3, generations: 2 });
  const used = (d: string) => [...new Set(generations(join(out, d)).flatMap((g) => [...g.rank]))].sort();
  t.same(used('ants-snn'), [1, 2], 'the ants on their group\'s worker ranks');
  t.same(used('reservoir-digits'), [1, 2], 'the reservoir on its own (ranks within its group)');
  // the ants alone, at 2 ranks: the same rows
  const alone = join(dir, 'alone');
  const a = await runMainMpi(2, ['run', ants, '--out', alone, '--quiet'], 300_000);
  t.equal(a.code, 0, a.stderr);
  t.same(rows(join(out, 'ants-snn')), rows(alone), 'the ants\' rows as alone, at another rank count');
  const reservoirRows = generations(join(out, 'reservoir-digits'));
  t.ok(reservoirRows.every((g) => g.fitness.every((f) => Number.isFinite(f))), 'every reservoir member evaluated');
});
