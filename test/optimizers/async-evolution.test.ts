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
