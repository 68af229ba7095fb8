import t from 'tap';
import { listOptimizees } from '../../src/optimizees/registry.js';
import { listOptimizers } from '../../src/optimizers/registry.js';
import { schemaRows } from '../../src/cli/schema-table.js';
import { runMain } from '../helpers/run-main.js';

t.test('list optimizers shows every optimizer, every key, its default and meaning', async (t) => {
  const r = runMain(['list', 'optimizers']);
  t.equal(r.code, 0, r.stderr);
  for (const f of listOptimizers()) {
    t.match(r.stdout, new RegExp(`^${f.type}: ${f.description.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'), f.type);
    for (const row of schemaRows(f.schema)) {
      t.ok(row.description.length > 0, `${f.type}.${row.key} has a description`);
      t.match(r.stdout, new RegExp(`^  ${row.key} .*${row.default.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'), `${f.type}.${row.key}`);
    }
  }
  t.match(r.stdout, /pop_size +integer >= 2, <= 1000000 +50 +population size/, 'the GA\'s reference default');
});

t.test('list optimizees, markdown, and bad arguments', async (t) => {
  const r = runMain(['list', 'optimizees']);
  t.equal(r.code, 0);
  for (const f of listOptimizees()) t.match(r.stdout, new RegExp(`^${f.type}: `, 'm'));
  const md = runMain(['list', 'optimizers', '--markdown']);
  t.match(md.stdout, /^### ga\n/m);
  t.match(md.stdout, /^\| `pop_size` \| integer >= 2, <= 1000000 \| 50 \| population size \|$/m);
  for (const [args, pattern] of [[['list'], /expected optimizers or optimizees/], [['list', 'cheeses'], /got "cheeses"/], [['list', 'optimizers', '--json'], /unknown option '--json'/]] as Array<[string[], RegExp]>) {
    const b = runMain(args);
    t.equal(b.code, 2);
    t.match(b.stderr, pattern);
  }
  t.match(runMain(['list', '--help']).stdout, /usage: node dist\/main.js list/);
});
