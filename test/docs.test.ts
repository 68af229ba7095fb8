import t from 'tap';
import { readFileSync } from 'node:fs';
import { generate, generateExperimentFile } from '../tools/optimizer-docs.js';
import { listOptimizees } from '../src/optimizees/registry.js';
import { listOptimizers } from '../src/optimizers/registry.js';

t.test('docs/optimizers.md is generated from the registry and the schemas, and up to date', async (t) => {
  const committed = readFileSync(new URL('../docs/optimizers.md', import.meta.url), 'utf8');
  t.equal(committed, generate(), 'run `npm run docs` after changing an optimizer or its page');
  for (const f of listOptimizers()) t.match(committed, new RegExp(`^## ${f.type}$`, 'm'), `${f.type} documented`);
});

t.test('docs/experiment-file.md is generated from the config schemas, and up to date', async (t) => {
  const committed = readFileSync(new URL('../docs/experiment-file.md', import.meta.url), 'utf8');
  t.equal(committed, generateExperimentFile(), 'run `npm run docs` after changing a schema');
  for (const key of ['name', 'seed', 'optimizer', 'optimizee', 'stop', 'dispatch', 'generations', 'evaluations', 'target', 'seconds', 'inflight', 'batch']) {
    t.match(committed, new RegExp(`\\| \`${key}\` \\|`), `key ${key} documented`);
  }
  for (const f of listOptimizees()) t.match(committed, new RegExp(`^### ${f.type}$`, 'm'));
});
