import t from 'tap';
import { asyncEvolutionOptimizer, asyncEvolutionSchema } from '../../src/optimizers/async-evolution/index.js';
import { Space } from '../../src/core/space.js';
import { evaluate } from '../helpers/columns.js';

t.test('tourn_size defaults to min(3, pop_size): pop_size 2 is not refused for a key the user never wrote', async (t) => {
  const two = asyncEvolutionSchema.parse({ pop_size: 2 });
  t.equal(two.tourn_size, 2);
  t.same(Object.keys(two).slice(0, 5), ['pop_size', 'n_islands', 'migration_interval', 'n_migrants', 'tourn_size'], 'in its place among the keys');
  for (const pop_size of [3, 4, 50]) t.equal(asyncEvolutionSchema.parse({ pop_size }).tourn_size, 3, `pop_size ${pop_size}: the 3 it always was`);
  t.same(asyncEvolutionSchema.parse(JSON.parse(JSON.stringify(two))), two, 'the resolved configuration, parsed again, is itself');
  const r = asyncEvolutionSchema.safeParse({ pop_size: 2, tourn_size: 3 });
  t.match(r.error?.issues, [{ path: ['tourn_size'], message: 'at most pop_size (2)' }], 'a tourn_size given above pop_size is still refused, naming it');
  const core = asyncEvolutionOptimizer.create(two, { space: new Space([{ name: 'x', length: 2, lower: -1, upper: 1 }]), weights: [-1], seed: 1 });
  // past the two random individuals that fill the population, children come from tournaments of 2
  for (let k = 0; k < 10; k++) core.tell(evaluate(core.ask(), (x) => x[0] * x[0] + x[1] * x[1]));
  t.equal(core.ask(3).index.length, 3, 'and it runs');
});

t.test('the pending set: told out of order and in pieces, each individual once; snapshots list what is still out, and restore it', async (t) => {
  const p = asyncEvolutionSchema.parse({ pop_size: 4, n_islands: 3 });
  const space = new Space([{ name: 'x', length: 2, lower: -1, upper: 1 }]);
  const core = asyncEvolutionOptimizer.create(p, { space, weights: [-1], seed: 5 });
  const all = evaluate(core.ask(10_000), (x) => x[0] * x[0] + x[1] * x[1]); // spans three bitmap chunks
  const part = (rows: number[]) => ({
    ...all, index: Int32Array.from(rows, (k) => all.index[k]), x: Float64Array.from(rows.flatMap((k) => [all.x[2 * k], all.x[2 * k + 1]])),
    fitness: Float64Array.from(rows, (k) => all.fitness[k]), weighted: Float64Array.from(rows, (k) => all.weighted[k]), status: Uint8Array.from(rows, (k) => all.status[k]),
  });
  const told = Array.from({ length: 10_000 }, (_, k) => k).filter((k) => k % 7 !== 3 && k !== 9_999).reverse();
  t.same(core.tell(part(told)).pending, 10_000 - told.length);
  t.throws(() => core.tell(part([told[5]])), /individual \d+ was not asked, or was told before/, 'twice');
  const snap = core.snapshot() as { pending: Array<[number, number]> };
  const out = Array.from({ length: 10_000 }, (_, k) => k).filter((k) => k % 7 === 3 || k === 9_999);
  t.same(snap.pending, out.map((k) => [all.index[k], all.index[k] % 3]), 'the rest, ascending, with their islands');
  const again = asyncEvolutionOptimizer.create(p, { space, weights: [-1], seed: 5 });
  again.restore(JSON.parse(JSON.stringify(snap)));
  t.same(again.tell(part(out)).pending, 0, 'the restored core takes exactly those');
  t.throws(() => again.tell(part([0])), /was not asked, or was told before/);
  t.same(again.ask(5).x, core.ask(5).x, 'and breeds as the original would');
});
