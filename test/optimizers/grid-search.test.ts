import t from 'tap';
import { Space } from '../../src/core/space.js';
import { gridSearchOptimizer, gridSearchSchema, linspace, type GridSearchCore } from '../../src/optimizers/grid-search/index.js';
import { getOptimizer } from '../../src/optimizers/registry.js';
import { evaluate, rowsOf } from '../helpers/columns.js';

// Declared out of order on purpose: the space flattens by sorted name, so 'a' comes before 'w'.
const space = new Space([{ name: 'w', length: 2, lower: -1, upper: 1 }, { name: 'a', length: null, lower: 0, upper: 10 }]);
const make = (paramGrid: unknown, s = space) =>
  gridSearchOptimizer.create(gridSearchSchema.parse({ param_grid: paramGrid }), { space: s, weights: [-1], seed: 1 }) as GridSearchCore;
const sphere = (x: Float64Array) => x.reduce((s, v) => s + v * v, 0);

t.test('registered as "grid-search"', async (t) => {
  t.equal(getOptimizer('grid-search'), gridSearchOptimizer);
});

t.test('linspace gives n_steps + 1 values, as numpy does', async (t) => {
  t.same(Array.from(linspace(-5, 5, 4)), [-5, -2.5, 0, 2.5, 5]);
  t.same(Array.from(linspace(0, 1, 3)), [0, 1 / 3, 2 / 3, 1]);
  t.same(Array.from(linspace(2, 7, 0)), [2], 'n_steps 0: the lower bound alone');
});

t.test('one generation holding the Cartesian product, sorted names, last coordinate fastest', async (t) => {
  const c = make({ a: [0, 10, 2], w: [-1, 1, 1] });
  const gen = c.ask();
  t.equal(gen.generation, 0);
  t.same(Array.from(gen.index), Array.from({ length: 12 }, (_, i) => i), '3 * 2^2 points, indexed 0..11');
  const rows = rowsOf(gen).map((r) => Array.from(r.x));
  t.same(rows, [
    [0, -1, -1], [0, -1, 1], [0, 1, -1], [0, 1, 1],
    [5, -1, -1], [5, -1, 1], [5, 1, -1], [5, 1, 1],
    [10, -1, -1], [10, -1, 1], [10, 1, -1], [10, 1, 1],
  ]);
  t.same(space.toIndividual(rows[6]), { a: 5, w: [1, -1] }, 'columns are a, w[0], w[1]');
});

t.test('an array parameter is gridded per element: every combination exactly once', async (t) => {
  const s = new Space([{ name: 'v', length: 3, lower: 0, upper: 1 }]);
  const rows = rowsOf(make({ v: [0, 1, 2] }, s).ask()).map((r) => Array.from(r.x).join(','));
  t.equal(rows.length, 27);
  t.equal(new Set(rows).size, 27, 'no duplicates');
  for (const e of [0, 1, 2]) {
    const counts = new Map<string, number>();
    rows.forEach((r) => counts.set(r.split(',')[e], (counts.get(r.split(',')[e]) ?? 0) + 1));
    t.same(Object.fromEntries(counts), { '0': 9, '0.5': 9, '1': 9 }, `element ${e} takes each value 9 times`);
  }
});

t.test('the conformance example grids the 4-D space x into 7^4 points', async (t) => {
  const s = new Space([{ name: 'x', length: 4, lower: -5, upper: 5 }]);
  const c = gridSearchOptimizer.create(gridSearchSchema.parse(gridSearchOptimizer.example), { space: s, weights: [-1], seed: 3 });
  const gen = c.ask();
  t.equal(gen.index.length, 2401);
  t.ok(rowsOf(gen).every(({ x }) => s.contains(x)), 'inside the box');
});

t.test('after its one tell the grid is exhausted', async (t) => {
  const c = make({ a: [0, 10, 2], w: [-1, 1, 1] });
  t.same(c.stop(), []);
  const gen = c.ask();
  const stats = c.tell(evaluate(gen, sphere, { failed: (_x, i) => i === 0 }));
  t.same(stats, { points: 12, failed: 1, best_index: 1 }, 'point 0 failed; the first best of the rest is point 1, (0,-1,1)');
  t.same(c.stop(), ['grid exhausted: 12 points evaluated']);
  t.throws(() => c.ask(), /grid is exhausted/);
  const restored = make({ a: [0, 10, 2], w: [-1, 1, 1] });
  restored.restore(JSON.parse(JSON.stringify(c.snapshot())));
  t.same(restored.stop(), ['grid exhausted: 12 points evaluated'], 'a restored core knows it is done');
  t.throws(() => restored.restore({ type: 'grid-search', version: 1, generation: 2 }), /generation: 0 or 1/);
});

t.test('tell checks the generation and that the whole grid came back', async (t) => {
  const c = make({ a: [0, 10, 2], w: [-1, 1, 1] });
  const ev = evaluate(c.ask(), sphere);
  t.throws(() => c.tell({ ...ev, generation: 1 }), /told generation 1, but generation 0/);
  t.throws(() => c.tell({ ...ev, index: ev.index.subarray(0, 5) }), /told 5 evaluations, expected the whole grid \(12\)/);
});

t.test('create refuses what the space rules out, in one line', async (t) => {
  t.throws(() => make({ a: [0, 10, 2], w: [-1, 1, 1], z: [0, 1, 1] }), { message: "optimizer.param_grid: unknown parameter 'z'; the space's parameters are 'a', 'w'" });
  t.throws(() => make({ a: [0, 10, 2] }), { message: "optimizer.param_grid: no (lower, upper, n_steps) for 'w'; every parameter of the space ('a', 'w') needs one" });
  t.throws(() => make({ a: [0, 11, 2], w: [-1, 1, 1] }), { message: "optimizer.param_grid.a: got [0, 11], expected values inside the parameter's box [0, 10]" });
  t.throws(() => make({ a: [0, 10, 2], w: [-2, 1, 1] }), /param_grid\.w: got \[-2, 1\]/);
  t.throws(() => make({ a: [0, 10, 1000], w: [-1, 1, 99] }), { message: 'optimizer.param_grid: the grid has 10,010,000 points (1001 * 100^2), more than the 10,000,000 one generation may hold' });
  t.doesNotThrow(() => make({ a: [0, 10, 999], w: [-1, 1, 99] }), 'exactly 10,000,000 points is allowed');
});

t.test('the schema refuses malformed grids', async (t) => {
  t.notOk(gridSearchSchema.safeParse({}).success, 'param_grid is required');
  t.notOk(gridSearchSchema.safeParse({ param_grid: {} }).success, 'an empty grid');
  t.notOk(gridSearchSchema.safeParse({ param_grid: { a: [1, 0, 2] } }).success, 'lower > upper');
  t.notOk(gridSearchSchema.safeParse({ param_grid: { a: [0, 1, 2.5] } }).success, 'fractional n_steps');
  t.notOk(gridSearchSchema.safeParse({ param_grid: { a: [0, 1, -1] } }).success, 'negative n_steps');
  t.notOk(gridSearchSchema.safeParse({ param_grid: { a: [0, 1] } }).success, 'two numbers');
  t.notOk(gridSearchSchema.safeParse({ param_grid: { a: [0, 1, 2] }, n_iteration: 1 }).success, 'unknown keys');
});
