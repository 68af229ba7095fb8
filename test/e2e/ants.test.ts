/**
 * The ants optimizee through the whole stack (examples/ants-netlogo.yaml, shortened): CMA-ES over
 * NetLogo's two chemical sliders, each generation's colonies one kernel call per worker; the same rows
 * in one process and under mpirun -n 3 (a colony depends on its seed and its parameters only); each
 * fitness the mean of its colonies' food returned, as the kernel gives it called directly; the best
 * assessed again (the same mean) and drawn tick by tick in the report, its first colony animated
 * (colony.gif); a path the model lacks refused with one line and exit code 2.
 */
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import { AntsModel, antsSchema } from '../../src/optimizees/ants/index.js';
import { decodeGif } from '../helpers/gif.js';
import { ROOT } from '../helpers/mpirun.js';
import { runMain, runMainMpi } from '../helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-ants-'));
const file = join(dir, 'ants.yaml');
const example = readFileSync(join(ROOT, 'examples', 'ants-netlogo.yaml'), 'utf8');
writeFileSync(file, example.replace('generations: 10', 'generations: 3').replace('ticks: 200', 'ticks: 150'));

const rows = (out: string) => decodeGenerations(readFileSync(join(out, 'generations.msgpack'))).flatMap((g) => Array.from(g.index, (index, i) => ({
  generation: g.generation, index, x: Array.from(g.x.subarray(i * g.dim, (i + 1) * g.dim)), fitness: g.fitness[i], status: g.status[i],
})));

t.test('in one process and under mpirun -n 3: the same rows, each the mean food of its colonies', async (t) => {
  const alone = join(dir, 'alone');
  const a = runMain(['run', file, '--out', alone, '--quiet'], 300_000);
  t.equal(a.code, 0, a.stderr);
  const mpi = join(dir, 'mpi');
  const m = await runMainMpi(3, ['run', file, '--out', mpi, '--quiet'], 300_000);
  t.equal(m.code, 0, m.stderr);
  const ra = rows(alone);
  t.equal(ra.length, 24, '3 generations of 8');
  t.same(rows(mpi), ra, 'identical rows under mpirun');
  t.ok(ra.every((r) => r.status === 0 && r.fitness > 0 && Number.isInteger(r.fitness * 4)), 'every fitness a mean of 4 whole counts, above 0');
  // the kernel called directly for two of the rows
  const model = new AntsModel(antsSchema.parse({ ticks: 150, colonies: 4, parameters: [{ path: 'diffusion_rate', lower: 0, upper: 99 }, { path: 'evaporation_rate', lower: 0, upper: 99 }] }));
  const picked = [ra[0], ra[ra.length - 1]];
  const direct = await model.evaluateAsync(Float64Array.from(picked.flatMap((r) => r.x)), { generation: 0, index: Int32Array.of(0, 1), seed: Uint32Array.of(0, 0), threads: 1 }, { cancel: new Int32Array(1), progress: new Float64Array(2) });
  t.same(Array.from(direct.fitness), picked.map((r) => r.fitness), 'the rows\' fitness, called directly');
  const best = ra.reduce((p, q) => (q.fitness > p.fitness ? q : p));
  const assessment = JSON.parse(readFileSync(join(mpi, 'assessment.json'), 'utf8'));
  t.equal(assessment.metrics.food_returned, best.fitness, 'the assessment gives back the best fitness');
  t.equal(assessment.series.lines.length, 4, 'a line per colony');
  const rep = runMain(['report', mpi], 300_000);
  t.equal(rep.code, 0, rep.stderr);
  const html = readFileSync(join(mpi, 'report', 'report.html'), 'utf8');
  t.match(html, /data-figure="series"/, 'the report draws them');
  t.match(html, /data-figure="colony"/, 'and a frame of a colony');
  const colony = assessment.colony as { ants: unknown[]; patches: Array<{ nest: number; food: number }>; returned: number };
  t.equal(colony.ants.length, 125, 'every ant of the colony drawn');
  t.equal(colony.patches.filter((p) => p.nest === 1).length, 69, 'the nest\'s 69 patches');
  t.equal(colony.returned, assessment.series.lines[0].points.at(-1)[1], 'the frame\'s colony is the first line\'s');
  // the colony animated: its frames in the assessment, a GIF beside the figures and in the page
  const animation = assessment.animation as { ticks: number[]; returned: number[] };
  t.equal(animation.ticks.at(-1), 150, 'the animation ends at the last tick');
  t.equal(animation.returned.at(-1), colony.returned, 'where the frame of the colony is');
  const gifFile = join(mpi, 'report', 'colony.gif');
  t.ok(existsSync(gifFile), 'colony.gif written');
  const gif = decodeGif(readFileSync(gifFile));
  t.equal(gif.version, '89a');
  t.ok(gif.images.length > 1, `an animation: ${gif.images.length} frames`);
  t.equal(gif.images.length, animation.ticks.length, 'a frame per frame of the assessment');
  t.match(html, /<figure id="fig-colony-animation"[^>]*>\n<img src="data:image\/gif;base64,/, 'and shown in the page, inline');
});

t.test('a parameter the model does not have: one line, exit code 2', async (t) => {
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, readFileSync(file, 'utf8').replace('path: evaporation_rate', 'path: population'));
  const r = runMain(['run', bad, '--out', join(dir, 'bad'), '--quiet']);
  t.equal(r.code, 2);
  t.match(r.stderr, /^error: .*bad\.yaml: optimizee\.parameters\.1\.path: .*"population"/m);
});
