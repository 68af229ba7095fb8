/**
 * The EnKF through the real command line, on the linear inverse problem: model outputs travel from
 * the optimizee through the worker host to the optimizer, and the run recovers the known solution.
 * (test/run.sh compiles dist/ before the suite.)
 */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain } from '../helpers/run-main.js';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import { LinearInverseOptimizee, linearInverseSchema } from '../../src/optimizees/linear-inverse/index.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-enkf-'));

t.test('enkf on linear-inverse: `run` recovers u* and records the filter statistics', async (t) => {
  const file = join(dir, 'enkf.yaml');
  writeFileSync(
    file,
    `name: enkf-linear
seed: 3
optimizer: { type: enkf, pop_size: 40, gamma: 1.0e-6, n_batches: 2, sample_scale: 1.0e-4 }
optimizee: { type: linear-inverse, dims: 5, outputs: 10, seed: 2 }
stop: { generations: 30 }
`,
  );
  const out = join(dir, 'out');
  const r = runMain(['run', file, '--out', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  t.match(summary, { optimizer: 'enkf', optimizee: 'linear-inverse', generations: 30, evaluations: 1200, failures: 0 });
  const problem = new LinearInverseOptimizee(linearInverseSchema.parse({ dims: 5, outputs: 10, seed: 2 }));
  const u: number[] = summary.best.individual.u;
  const err = Math.max(...u.map((x, i) => Math.abs(x - problem.uTrue[i])));
  t.ok(summary.best.fitness[0] < 1e-10, `best misfit ${summary.best.fitness[0]}`);
  t.ok(err < 1e-5, `best individual within ${err.toExponential(2)} of u*`);
  const stats = decodeGenerations(readFileSync(join(out, 'generations.msgpack'))).map((g) => g.stats as Record<string, number>);
  t.match(stats[0], { used: 40, resampled: 4, batches: 2, updates: 2, misfit: Number, spread: Number });
  t.ok(stats[29].misfit < 1e-6 * stats[0].misfit, `misfit of the mean output from ${stats[0].misfit.toPrecision(3)} to ${stats[29].misfit.toPrecision(3)}`);
});
