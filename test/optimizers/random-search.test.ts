import t from 'tap';
import { Space } from '../../src/core/space.js';
import { randomSearchOptimizer, randomSearchSchema } from '../../src/optimizers/random-search/index.js';
import { getOptimizer } from '../../src/optimizers/registry.js';
import { evaluate, rowsOf } from '../helpers/columns.js';

const space = new Space([{ name: 'a', length: 3, lower: -2, upper: 1 }, { name: 'b', length: null, lower: 10, upper: 20 }]);
const make = (seed: number, pop = 50) => randomSearchOptimizer.create(randomSearchSchema.parse({ pop_size: pop }), { space, weights: [-1], seed });
const sphere = (x: Float64Array) => x.reduce((s, v) => s + v * v, 0);

t.test('registered as "random"', async (t) => {
  t.equal(getOptimizer('random'), randomSearchOptimizer);
});

t.test('every generation is pop_size fresh points inside the box, covering it', async (t) => {
  const c = make(1, 2000);
  const gen = c.ask();
  t.same(Array.from(gen.index.subarray(0, 3)), [0, 1, 2]);
  t.equal(gen.x.length, 2000 * 4);
  const rows = rowsOf(gen);
  t.ok(rows.every(({ x }) => space.contains(x)), 'inside the box');
  for (let d = 0; d < 4; d++) {
    const v = rows.map(({ x }) => x[d]);
    const lo = space.lower[d], hi = space.upper[d];
    t.ok(Math.min(...v) < lo + 0.01 * (hi - lo) && Math.max(...v) > hi - 0.01 * (hi - lo), `dimension ${d} spans its bounds`);
  }
  c.tell(evaluate(gen, sphere));
  t.notSame(Array.from(c.ask().x.subarray(0, 4)), Array.from(gen.x.subarray(0, 4)), 'the next generation draws anew');
});

t.test('seeded, and a snapshot continues exactly', async (t) => {
  const a = make(5), b = make(5), other = make(6);
  const ga = a.ask();
  t.same(Array.from(b.ask().x), Array.from(ga.x));
  t.notSame(Array.from(other.ask().x), Array.from(ga.x));
  a.tell(evaluate(ga, sphere));
  const snap = JSON.parse(JSON.stringify(a.snapshot()));
  const restored = make(5);
  restored.restore(snap);
  t.same(Array.from(restored.ask().x), Array.from(a.ask().x));
  t.throws(() => restored.restore({ generation: -1 }), /non-negative integer/);
});

t.test('tell checks the generation and the count; bad hyper-parameters are refused', async (t) => {
  const c = make(1, 4);
  const gen = c.ask();
  t.throws(() => c.tell({ ...evaluate(gen, sphere), generation: 3 }), /tell for generation 3, expected 0/);
  t.throws(() => c.tell({ ...evaluate(gen, sphere), index: Int32Array.of(0) }), /tell with 1 evaluations, expected 4/);
  t.notOk(randomSearchSchema.safeParse({ pop_size: 0 }).success);
  t.notOk(randomSearchSchema.safeParse({ pop_size: 10, sigma: 1 }).success, 'unknown keys are refused');
});
