import t from 'tap';
import { readFileSync } from 'node:fs';
import { generate } from '../tools/optimizer-docs.js';
import { listOptimizers } from '../src/optimizers/registry.js';

t.test('docs/optimizers.md is generated from the registry and the schemas, and up to date', async (t) => {
  const committed = readFileSync(new URL('../docs/optimizers.md', import.meta.url), 'utf8');
  t.equal(committed, generate(), 'run `npm run docs` after changing an optimizer or its page');
  for (const f of listOptimizers()) t.match(committed, new RegExp(`^## ${f.type}$`, 'm'), `${f.type} documented`);
});
