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
  t.match(readFileSync(join(mpi, 'run.log'), 'utf8'), /"execution":"native".*"kernel":"(cpu|cuda)","gpu":"[^"]+"/, 'the workers run it as a native kernel, and say which and why');
});

t.test('examples/tvb-fit.yaml under mpirun -n 3 recovers the coupling and speed that made the target FC', async (t) => {
  // The target is the FC of coupling 0.5 and speed 4 mm/ms. Coupling is well identified by the FC (0.05
  // away scores 0.92-0.93, docs/tvb.md), speed much less (every other speed of a grid scores 0.93-0.94):
  // tolerances 0.05 and 0.5 mm/ms, and the fitness above 0.99, which only the neighbourhood reaches.
  const out = join(dir, 'fit');
  const r = await runMainMpi(3, ['run', join(ROOT, 'examples', 'tvb-fit.yaml'), '--out', out, '--quiet'], 600_000);
  t.equal(r.code, 0, r.stderr);
  const all = rows(out);
  t.equal(all.length, 120, '15 generations of 8');
  const best = all.reduce((a, b) => (b.fitness > a.fitness ? b : a));
  t.ok(best.fitness > 0.99, `best fitness ${best.fitness.toFixed(4)}`);
  t.ok(Math.abs(best.x[0] - 0.5) < 0.05, `coupling ${best.x[0].toFixed(4)} (target 0.5)`);
  t.ok(Math.abs(best.x[1] - 4) < 0.5, `speed ${best.x[1].toFixed(3)} mm/ms (target 4)`);
  // the assessment simulates the best individual again on rank 0, alone: the same FC, the same fitness
  const a = JSON.parse(readFileSync(join(out, 'assessment.json'), 'utf8'));
  t.equal(a.metrics.fc_correlation, best.fitness, 'the assessment gives back the best fitness exactly');
  t.equal(a.matrices.panels.length, 2);
  t.same(a.matrices.panels.map((p: { values: unknown[][] }) => [p.values.length, p.values[0].length, p.values[3][3]]), [[76, 76, null], [76, 76, null]], 'two 76 x 76 matrices, the diagonal left out');
  const rep = runMain(['report', out], 300_000);
  t.equal(rep.code, 0, rep.stderr);
  t.match(readFileSync(join(out, 'report', 'report.html'), 'utf8'), /data-figure="matrices"/, 'the report draws them');
  t.match(readFileSync(join(out, 'report', 'matrices.svg'), 'utf8'), /target FC/);
  t.match(readFileSync(join(out, 'report', 'scatter-matrix.svg'), 'utf8'), /fitness \(higher is better\) over coupling\.a x speed/, 'and the landscape over coupling x speed as explored');
});

t.test('a penalty fitness keeps its row a success and its reason in the record', async (t) => {
  // without noise the Generic 2-D oscillator settles on its fixed point: FC undefined
  const still = join(dir, 'still.yaml');
  writeFileSync(still, [
    'name: tvb-still', 'seed: 1', 'optimizer: {type: grid-search, param_grid: {coupling.a: [0, 0.02, 1]}}',
    'optimizee: {type: tvb, model: generic_2d_oscillator, duration_ms: 3000, transient_ms: 2500, target: {sc: true}, penalty: -2,',
    '  parameters: [{path: coupling.a, lower: 0, upper: 0.02}]}', 'stop: {generations: 1}',
  ].join('\n'));
  // in the worker's process, and in a simulation process of its own (the note crosses the pipe)
  for (const isolation of ['in-process', 'process']) {
    const file = join(dir, `still-${isolation}.yaml`);
    writeFileSync(file, `${readFileSync(still, 'utf8')}\nevaluation: {isolation: ${isolation}}\n`);
    const out = join(dir, `still-${isolation}`);
    const r = runMain(['run', file, '--out', out, '--quiet'], 300_000);
    t.equal(r.code, 0, r.stderr);
    const gens = decodeGenerations(readFileSync(join(out, 'generations.msgpack')));
    const notes = gens.flatMap((g) => Array.from(g.index, (_, i) => ({ status: g.status[i], fitness: g.fitness[i], note: g.errors?.[i] ?? null })));
    t.equal(notes.length, 2);
    for (const n of notes) {
      t.equal(n.status, 0, `${isolation}: a success`);
      t.equal(n.fitness, -2, `${isolation}: the penalty`);
      t.match(n.note, /^penalty -2: FC undefined: every region settled on a fixed point/, `${isolation}: the reason in the record`);
    }
  }
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
