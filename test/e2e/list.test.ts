import t from 'tap';
import { spawnSync } from 'node:child_process';
import { listOptimizees } from '../../src/optimizees/registry.js';
import { listOptimizers } from '../../src/optimizers/registry.js';
import { schemaRows } from '../../src/cli/schema-table.js';
import { ROOT, runMain, type Ran } from '../helpers/run-main.js';

/** `list` with stdout a pipe and COLUMNS set (or unset): the width it fits. */
function listAt(columns: number | undefined, what: string): Ran {
  const env: NodeJS.ProcessEnv = { ...process.env, COLUMNS: String(columns) };
  if (columns === undefined) delete env.COLUMNS;
  const r = spawnSync(process.execPath, [`${ROOT}dist/main.js`, 'list', what], { encoding: 'utf8', env });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

t.test('list optimizers shows every optimizer, every key, its default and meaning', async (t) => {
  // wide enough that nothing wraps: each key's row is one line
  const r = listAt(1000, 'optimizers');
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

t.test('list fits the width: COLUMNS when stdout is not a terminal, every key still shown', async (t) => {
  for (const columns of [80, 200]) {
    for (const [what, entries] of [['optimizers', listOptimizers()], ['optimizees', listOptimizees()]] as const) {
      const r = listAt(columns, what);
      t.equal(r.code, 0, r.stderr);
      const lines = r.stdout.split('\n');
      const long = lines.filter((l) => l.length > columns);
      t.same(long, [], `${what} at ${columns}: no line longer than ${columns}`);
      for (const f of entries) {
        t.match(r.stdout, new RegExp(`^${f.type}: `, 'm'), `${what} at ${columns}: ${f.type}`);
        for (const row of schemaRows(f.schema)) t.match(r.stdout, new RegExp(`^  ${row.key}( |$)`, 'm'), `${what} at ${columns}: ${f.type}.${row.key}`);
      }
      // the description and the meanings are all there, only wrapped
      const words = r.stdout.split(/\s+/).join(' ');
      for (const f of entries) t.ok(words.includes(f.description), `${what} at ${columns}: ${f.type}'s whole description`);
    }
  }
  const narrow = listAt(80, 'optimizers').stdout;
  t.match(narrow, /^  tourn_size  integer >= 1, <= 1000000  min\(15, pop_size\)\n      aspirants per tournament/m, 'a meaning column under 30 characters: the meaning below its key');
  const wide = listAt(200, 'optimizers').stdout;
  t.match(wide, /^  tourn_size  integer >= 1, <= 1000000  min\(15, pop_size\)  aspirants per tournament/m, 'room enough: the meaning beside it');
  const plain = listAt(undefined, 'optimizers').stdout.split('\n');
  t.ok(plain.every((l) => l.length <= 100) && plain.some((l) => l.length === 100), 'neither a terminal nor COLUMNS: 100');
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
