/**
 * The cell optimizee's refusals and its feature objectives, through the whole stack: bad input (a
 * morphology that does not parse, a region that names nothing, a mechanism the catalogue lacks, Arbor
 * where the build has none) refused with one line and exit code 2 before any rank simulates; and
 * examples/cell-features.yaml (IBEA on 16 feature objectives), shortened, under mpirun -n 3, its
 * penalties noted and its Pareto front drawn; and examples/cell-fit.yaml's seed 5 (seeds 1 to 4:
 * cell.test.ts, cell-seeds.test.ts), here to keep the three files' times alike.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import { loadArbor } from '../../src/native/loader.js';
import { bestOf, CELL_FIT_EXAMPLE as example, cellFitFile, describeBest, worstError } from '../helpers/cell-fit.js';
import { ROOT } from '../helpers/mpirun.js';
import { runMain, runMainMpi } from '../helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-cell-input-'));

t.test('bad input: one line, exit code 2, before any rank simulates', async (t) => {
  const arbor = (() => {
    try {
      return loadArbor().status();
    } catch {
      return { built: false };
    }
  })();
  const cases: Array<[string, string, RegExp]> = [
    ['swc', example.replace(/  morphology:\n    sections:\n(      - .*\n)+/, `  morphology: {swc: ${join(dir, 'broken.swc')}}\n`), /morphology\.swc: .*broken\.swc:2: expected 7 numbers \(id type x y z radius parent\)/],
    ['region', example.replace('    oblique: {pas:', '    basal: {pas:'), /mechanisms\.basal: got "basal", expected a region of the morphology \(one of soma, apical, oblique\)/],
    ['mechanism', example.replace('    apical: {pas: {g: 0.00005, e: -65}}', '    apical: {kdr: {gbar: 0.01}}'), /mechanisms\.apical\.kdr: got "kdr", expected a density mechanism of NEURON's built-ins \(one of hh, pas\)/],
  ];
  if (!arbor.built) cases.push(['arbor', example.replace('backend: neuron', 'backend: arbor'), /backend: got "arbor", but this build has no Arbor: CMake found no arbor package/]);
  writeFileSync(join(dir, 'broken.swc'), '1 1 0 0 0 5 -1\n2 3 10 0 0\n');
  for (const [name, text, expected] of cases) {
    const file = join(dir, `bad-${name}.yaml`);
    writeFileSync(file, text);
    const r = await runMainMpi(3, ['run', file, '--out', join(dir, `bad-${name}`), '--quiet']);
    t.equal(r.code, 2, `${name}: exit code 2`);
    t.match(r.stderr, expected, `${name}: says what is wrong`);
    t.equal(r.stderr.split('\n').filter((l) => l.startsWith('error:')).length, 1, `${name}: one line of ours`);
    t.notMatch(r.stderr, /worker ready|gen \d/, `${name}: no rank started simulating`);
  }
});

t.test('examples/cell-features.yaml (IBEA on 16 feature objectives), shortened, under mpirun -n 3: penalties noted, a Pareto front drawn', async (t) => {
  const file = join(dir, 'features.yaml');
  writeFileSync(file, readFileSync(join(ROOT, 'examples', 'cell-features.yaml'), 'utf8').replace('pop_size: 32', 'pop_size: 16').replace('generations: 30', 'generations: 3'));
  const out = join(dir, 'features');
  const r = await runMainMpi(3, ['run', file, '--out', out, '--quiet'], 600_000);
  t.equal(r.code, 0, r.stderr);
  const gens = decodeGenerations(readFileSync(join(out, 'generations.msgpack')));
  t.same(gens.map((g) => [g.index.length, g.nObj]), [[16, 16], [16, 16], [16, 16]], '3 generations of 16, 16 objectives (2 protocols x 8 features)');
  const rows = gens.flatMap((g) => Array.from(g.index, (_, i) => ({ status: g.status[i], f: Array.from(g.fitness.subarray(i * 16, (i + 1) * 16)), note: g.errors?.[i] ?? null })));
  t.ok(rows.every((x) => x.status === 0 && x.f.every((v) => v >= 0 && v <= 250)), 'every row a success, every objective a distance in [0, 250]');
  const penalised = rows.filter((x) => x.f.includes(250));
  t.ok(penalised.length > 0, `the box's random individuals include some without a feature the target has (${penalised.length} of ${rows.length})`);
  t.ok(penalised.every((x) => /^penalty 250: (fire|hyperpolarise) [a-z_]+: /.test(x.note ?? '')), 'each says which feature was missing, and why');
  t.equal(rows.filter((x) => x.note !== null).length, penalised.length, 'and only those carry a note');
  const rep = runMain(['report', out], 300_000);
  t.equal(rep.code, 0, rep.stderr);
  const html = readFileSync(join(out, 'report', 'report.html'), 'utf8');
  for (const fig of ['pareto', 'traces', 'features']) t.match(html, new RegExp(`data-figure="${fig}"`), `the report draws ${fig}`);
});

t.test('examples/cell-fit.yaml, seed 5: within 2% in at most 3,000 evaluations', async (t) => {
  const out = join(dir, 'fit-5');
  const r = runMain(['run', cellFitFile(dir, 5), '--out', out, '--quiet'], 600_000);
  t.equal(r.code, 0, r.stderr);
  const b = bestOf(out);
  t.ok(b.evaluations <= 3000 && worstError(b.values) < 0.02, describeBest(5, b));
});
