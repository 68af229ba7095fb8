/**
 * Ants steered by spiking networks through the whole stack (examples/ants-snn.yaml, shortened): the
 * GA over 500 genes per individual (250 weights, 250 delays), 15 ants per colony; the same rows under
 * mpirun -n 2 and -n 4 (a colony depends on its seed and genome only), each fitness the mean food of
 * its colonies; the best assessed again to the same mean. The schema's refusals: genes without
 * spiking brains, spiking brains without weights.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import { antsSchema } from '../../src/optimizees/ants/index.js';
import { ROOT } from '../helpers/mpirun.js';
import { runMainMpi } from '../helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-ants-snn-'));
const file = join(dir, 'ants-snn.yaml');
const example = readFileSync(join(ROOT, 'examples', 'ants-snn.yaml'), 'utf8');
writeFileSync(file, example.replace('generations: 20', 'generations: 3').replace('pop_size: 32', 'pop_size: 8').replace('ticks: 400', 'ticks: 120'));

const rows = (out: string) => decodeGenerations(readFileSync(join(out, 'generations.msgpack'))).flatMap((g) => Array.from(g.index, (index, i) => ({
  generation: g.generation, index, x: Array.from(g.x.subarray(i * g.dim, (i + 1) * g.dim)), fitness: g.fitness[i], status: g.status[i],
})));

t.test('under mpirun -n 2 and -n 4: the same rows, 500 genes each, fitness a mean of whole food counts', async (t) => {
  const two = join(dir, 'two'), four = join(dir, 'four');
  const a = await runMainMpi(2, ['run', file, '--out', two, '--quiet'], 300_000);
  t.equal(a.code, 0, a.stderr);
  const b = await runMainMpi(4, ['run', file, '--out', four, '--quiet'], 300_000);
  t.equal(b.code, 0, b.stderr);
  const ra = rows(two);
  t.equal(new Set(ra.map((r) => r.generation)).size, 3, '3 generations');
  t.equal(ra.filter((r) => r.generation === 0).length, 8, 'the first of 8 (the GA re-evaluates only the individuals it changed)');
  t.ok(ra.every((r) => r.x.length === 500), '500 genes per individual');
  t.same(rows(four), ra, 'identical rows at 4 ranks');
  t.ok(ra.every((r) => r.status === 0 && Number.isInteger(r.fitness * 2)), 'every fitness a mean of 2 whole counts');
  const best = ra.reduce((p, q) => (q.fitness > p.fitness ? q : p));
  const assessment = JSON.parse(readFileSync(join(four, 'assessment.json'), 'utf8'));
  t.equal(assessment.metrics.food_returned, best.fitness, 'the assessment gives back the best fitness');
  t.match(assessment.summary, /250 delays, 250 weights/, 'the summary names the genome, not 500 numbers');
  // what learning is measured against: random networks on the same colonies, in the metrics and the figure
  t.ok(Number.isFinite(assessment.metrics.random_networks_median) && assessment.metrics.random_networks_best >= assessment.metrics.random_networks_median, 'random networks: median and best');
  const lines = assessment.series.lines as Array<{ name: string; points: number[][] }>;
  t.same(lines.map((l) => l.name), ['colony 1', 'colony 2', 'random networks (median of 32)'], 'a line per colony, and the random networks\' median');
  t.equal(lines[2].points.at(-1)![1], assessment.metrics.random_networks_median, 'the line ends at the median');
});

t.test('the schema refuses genes without spiking brains, and spiking brains without weights', async (t) => {
  const genes = [{ path: 'weights', lower: -20, upper: 20 }];
  t.throws(() => antsSchema.parse({ parameters: genes }), /a path of brain 'snn'/);
  t.throws(() => antsSchema.parse({ brain: 'snn', parameters: [{ path: 'diffusion_rate', lower: 0, upper: 99 }] }), /with brain 'snn', a parameter with path 'weights'/);
  t.throws(() => antsSchema.parse({ brain: 'snn', parameters: [...genes, { path: 'delays', lower: 0, upper: 7 }] }), /bounds within \[1, 7\]/);
  const ok = antsSchema.parse({ brain: 'snn', parameters: genes });
  t.equal(ok.snn.steps_per_tick, 20, 'the drive\'s defaults filled in');
  t.equal(ok.snn.backend, 'native');
});
