import t from 'tap';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nestedLayout, nestedRole, innerRanks } from '../../src/cli/nested.js';
import { innerReuse } from '../../src/experiment/execution/group.js';
import { resolveExperiment } from '../../src/experiment/resolve.js';
import { experimentOptimizee, innerExperiment, merged } from '../../src/optimizees/experiment/index.js';

t.test('rank 0 and groups of k: leaders first in each group', async (t) => {
  const l = nestedLayout(3, 7);
  t.same(l, { groupSize: 3, groups: 2 });
  t.same([0, 1, 2, 3, 4, 5, 6].map((r) => nestedRole(l, r)), [
    { kind: 'outer' }, { kind: 'leader', group: 0 }, { kind: 'member', group: 0 }, { kind: 'member', group: 0 },
    { kind: 'leader', group: 1 }, { kind: 'member', group: 1 }, { kind: 'member', group: 1 },
  ]);
  t.same(nestedLayout(1, 4), { groupSize: 1, groups: 3 }, 'groups of one: each leader runs its inner experiments alone');
  t.throws(() => nestedLayout(2, 4), /start mpirun with 3, 5, 7\.\.\. ranks, not 4/);
  t.throws(() => nestedLayout(4, 3), /not 3/);
  const nested = { type: 'experiment', inner: { optimizer: { type: 'ga' }, optimizee: { type: 'benchmark', preset: 'Rastrigin2d' }, stop: { generations: 2 } }, parameters: [{ path: 'optimizer.mut_par', lower: 0.1, upper: 1 }] };
  t.equal(innerRanks({ optimizee: { ...nested, ranks: 4 } }), 4, 'from the execution of the optimizee: a group of optimizee.ranks');
  t.equal(innerRanks({ optimizee: nested }), 2, 'the default');
  t.equal(innerRanks({ optimizee: { type: 'benchmark', preset: 'Rastrigin2d' } }), null, 'an inline optimizee: no groups');
  t.equal(innerRanks({ optimizee: { ...nested, parameters: 'wrong' } }), null, 'an invalid file: no layout (rank 0 says why once MPI is up)');
});

t.test("an outer individual's inner experiment: its values at their paths, integers rounded, the template untouched", async (t) => {
  const cfg = experimentOptimizee.schema.parse({
    inner: { optimizer: { type: 'cross-entropy', pop_size: 20 }, optimizee: { type: 'benchmark', preset: 'Rastrigin2d' }, stop: { evaluations: 100 } },
    parameters: [{ path: 'optimizer.pop_size', lower: 10, upper: 100, integer: true }, { path: 'optimizer.rho', lower: 0.1, upper: 0.9 }, { path: 'stop.evaluations', lower: 50, upper: 500, integer: true }],
  });
  const model = experimentOptimizee.create(cfg);
  t.same(model.space.params.map((p) => p.name), ['optimizer.pop_size', 'optimizer.rho', 'stop.evaluations'], 'x is in path order');
  const inner = innerExperiment(cfg, model.space, [33.6, 0.25, 120.4]);
  t.same(inner, { optimizer: { type: 'cross-entropy', pop_size: 34, rho: 0.25 }, optimizee: { type: 'benchmark', preset: 'Rastrigin2d' }, stop: { evaluations: 120 } });
  t.equal((cfg.inner.optimizer as unknown as { pop_size: number }).pop_size, 20, 'the template is not changed');
  t.same(model.weights, [1], "'best' and 'mean-best-so-far' are maximised");
  t.same(experimentOptimizee.create({ ...cfg, metric: 'evaluations-to-target', target: -1 }).weights, [-1], 'evaluations to target are minimised');
  t.throws(() => experimentOptimizee.schema.parse({ ...cfg, metric: 'evaluations-to-target' }), /target/);
  t.throws(() => experimentOptimizee.schema.parse({ ...cfg, parameters: [{ path: 'name', lower: 0, upper: 1 }] }), /a path into the inner experiment/);
});

t.test('variants merge into the template: mappings key by key, anything else replaced', async (t) => {
  t.same(merged({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, e: 2 }), { a: { b: 1, c: [3] }, d: 1, e: 2 });
  const cfg = experimentOptimizee.schema.parse({
    inner: { optimizer: { type: 'cross-entropy' }, optimizee: { type: 'benchmark', preset: 'Rastrigin2d', noise: { sigma: 1 } }, stop: { evaluations: 100 } },
    parameters: [{ path: 'optimizer.rho', lower: 0.1, upper: 0.9 }],
    variants: [{}, { optimizee: { preset: 'Ackley2d' }, stop: { evaluations: 50 } }],
  });
  const space = experimentOptimizee.create(cfg).space;
  t.same(innerExperiment(cfg, space, [0.5], 1), { optimizer: { type: 'cross-entropy', rho: 0.5 }, optimizee: { type: 'benchmark', preset: 'Ackley2d', noise: { sigma: 1 } }, stop: { evaluations: 50 } });
  t.same(innerExperiment(cfg, space, [0.5], 0).optimizee, { type: 'benchmark', preset: 'Rastrigin2d', noise: { sigma: 1 } });
});

t.test('an inner run is reused only when the outer run resumes and it ran the very same inner experiment', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'l2l-inner-reuse-'));
  const raw = { name: 'x.g0.i0', seed: 9, optimizer: { type: 'cross-entropy', pop_size: 20 }, optimizee: { type: 'benchmark', preset: 'Rastrigin2d' }, stop: { evaluations: 300 } };
  const a = resolveExperiment(raw, 'a');
  const inner = join(dir, 'g0-i0');
  mkdirSync(inner);
  // key order differs from the resolved object's: the comparison is of content
  writeFileSync(join(inner, 'config.json'), JSON.stringify({ experiment: Object.fromEntries(Object.entries(a).reverse()) }));
  writeFileSync(join(inner, 'summary.json'), JSON.stringify({ status: 'completed', evaluations: 300 }));
  t.match(innerReuse(inner, a, true), { kind: 'completed' }, 'resumed outer run, same experiment: reused');
  t.match(innerReuse(inner, a, false), { kind: 'fresh', stale: /afresh/ }, 'a fresh (or --force) outer run: never reused');
  const b = resolveExperiment({ ...raw, stop: { evaluations: 3000 } }, 'b');
  t.match(innerReuse(inner, b, true), { kind: 'fresh', stale: /another inner experiment/ }, 'a changed budget: not reused');
  const c = resolveExperiment({ ...raw, seed: 10 }, 'c');
  t.match(innerReuse(inner, c, true), { kind: 'fresh', stale: /another inner experiment/ }, 'another seed: not reused');
  writeFileSync(join(inner, 'summary.json'), JSON.stringify({ status: 'running' }));
  t.match(innerReuse(inner, a, true), { kind: 'fresh', stale: /no checkpoint/ }, 'unfinished without a checkpoint: run afresh');
  t.match(innerReuse(join(dir, 'none'), a, true), { kind: 'fresh', stale: null }, 'nothing there');
});
