/**
 * The import-direction check (tools/check-imports.ts): the real tree passes, and imports planted in a
 * copy of src/ are reported (upward, optimizer to optimizer, optimizee to optimizee, type-only,
 * dynamic, broken) or not (allowed ones). Each planted case compares against the copy's own baseline,
 * so it tests the checker, not the state of the tree.
 */
import t from 'tap';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkImports, type Violation } from '../../tools/check-imports.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TMP = mkdtempSync(join(tmpdir(), 'l2l-check-imports-'));
t.teardown(() => rmSync(TMP, { recursive: true, force: true }));

let copies = 0;
/** A fresh copy of ROOT/src under a temp root. */
function copy(): string {
  const root = join(TMP, String(copies++));
  cpSync(join(ROOT, 'src'), join(root, 'src'), { recursive: true });
  return root;
}

/** Makes `file` exist (an empty module if the tree has none there now). */
function ensure(root: string, file: string): void {
  const path = join(root, file);
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, 'export {};\n');
}

/** Appends `code` as a new last line of `file`; returns that line's number. */
function plant(root: string, file: string, code: string): number {
  ensure(root, file);
  const path = join(root, file);
  let text = readFileSync(path, 'utf8');
  if (text.length > 0 && !text.endsWith('\n')) text += '\n';
  const line = text.split('\n').length;
  writeFileSync(path, `${text}${code}\n`);
  return line;
}

const key = (v: Violation) => JSON.stringify([v.file, v.line, v.specifier, v.message]);

/** The violations that `change` adds to a fresh copy of src/. */
function added(change: (root: string) => void): Violation[] {
  const root = copy();
  const before = new Set(checkImports(root).map(key));
  change(root);
  return checkImports(root).filter((v) => !before.has(key(v)));
}

t.test('the real tree: every import points downward', async (t) => {
  const violations = checkImports(ROOT);
  t.same(violations.map((v) => `${v.file}:${v.line}: imports ${v.target}: ${v.message}`), [],
    'run `npm run check:imports` to see where an import breaks the rule table in tools/check-imports.ts');
});

t.test('an upward import from core is reported, with file, line and rule', async (t) => {
  let line = 0;
  const found = added((root) => {
    ensure(root, 'src/experiment/coordinator.ts');
    line = plant(root, 'src/core/space.ts', "import '../experiment/coordinator.js';");
  });
  t.same(found, [{
    file: 'src/core/space.ts',
    line,
    specifier: '../experiment/coordinator.js',
    from: 'core',
    target: 'src/experiment/coordinator.ts',
    to: 'experiment',
    message: 'layer 2 (core) may not import layer 5 (experiment): core may import only src/math and src/core: dependencies point downward',
  }]);
});

t.test('an optimizer importing another optimizer is reported', async (t) => {
  let line = 0;
  const found = added((root) => {
    ensure(root, 'src/optimizers/cmaes/index.ts');
    line = plant(root, 'src/optimizers/ga/core.ts', "import { x } from '../cmaes/index.js';");
  });
  t.equal(found.length, 1);
  t.match(found[0], {
    file: 'src/optimizers/ga/core.ts', line, specifier: '../cmaes/index.js', from: 'optimizers/ga',
    target: 'src/optimizers/cmaes/index.ts', to: 'optimizers/cmaes',
    message: /^layer 2 \(optimizers\/ga\) may not import layer 2 \(optimizers\/cmaes\): an optimizer may import only its own folder, src\/optimizers\/shared, src\/core and src\/math: optimizers never import each other$/,
  });
});

t.test('an optimizee importing another optimizee is reported', async (t) => {
  let line = 0;
  const found = added((root) => {
    ensure(root, 'src/optimizees/linear-inverse/optimizee.ts');
    line = plant(root, 'src/optimizees/benchmark/optimizee.ts', "export { y } from '../linear-inverse/optimizee.js';");
  });
  t.equal(found.length, 1);
  t.match(found[0], {
    file: 'src/optimizees/benchmark/optimizee.ts', line, from: 'optimizees/benchmark', to: 'optimizees/linear-inverse',
    message: /optimizees never import each other$/,
  });
});

t.test('a type-only upward import is reported', async (t) => {
  let line = 0;
  const found = added((root) => {
    ensure(root, 'src/cli/main.ts');
    line = plant(root, 'src/runtime/clock.ts', "import type { X } from '../cli/main.js';");
  });
  t.equal(found.length, 1);
  t.match(found[0], {
    file: 'src/runtime/clock.ts', line, specifier: '../cli/main.js', from: 'runtime', to: 'cli',
    message: /^layer 3 \(runtime\) may not import layer 6 \(cli\): runtime may import only /,
  });
});

t.test('a dynamic upward import is reported', async (t) => {
  let line = 0;
  const found = added((root) => {
    ensure(root, 'src/cli/main.ts');
    line = plant(root, 'src/experiment/coordinator.ts', "export async function planted() { if (Math.random() > 2) { return (await import('../cli/main.js')); } }");
  });
  t.equal(found.length, 1);
  t.match(found[0], {
    file: 'src/experiment/coordinator.ts', line, specifier: '../cli/main.js', from: 'experiment', to: 'cli',
    message: /^layer 5 \(experiment\) may not import layer 6 \(cli\): experiment may import only /,
  });
});

t.test('a broken relative import is reported', async (t) => {
  let line = 0;
  const found = added((root) => { line = plant(root, 'src/core/space.ts', "import { z } from './no-such-file.js';"); });
  t.match(found, [{ file: 'src/core/space.ts', line, target: 'src/core/no-such-file.ts', to: '(missing)', message: /^broken import/ }]);
  t.equal(found.length, 1);
});

t.test('allowed imports are not reported', async (t) => {
  const found = added((root) => {
    ensure(root, 'src/optimizers/shared/planted.ts');
    ensure(root, 'src/optimizers/registry.ts');
    ensure(root, 'src/optimizees/registry.ts');
    ensure(root, 'src/native/mpi.ts');
    ensure(root, 'src/math/rng.ts');
    plant(root, 'src/optimizers/ga/core.ts', "import { s } from '../shared/planted.js';");
    plant(root, 'src/optimizers/ga/core.ts', "import type { r } from '../../math/rng.js';");
    plant(root, 'src/optimizers/ga/extra.ts', "export { s } from './core.js';");
    plant(root, 'src/experiment/coordinator.ts', "import { listOptimizers } from '../optimizers/registry.js';");
    plant(root, 'src/experiment/coordinator.ts', "const reg = () => import('../optimizees/registry.js');");
    plant(root, 'src/optimizees/benchmark/optimizee.ts', "import type { M } from '../../native/mpi.js';");
    plant(root, 'src/cli/main.ts', "import { o } from '../optimizers/registry.js';");
    plant(root, 'src/core/space.ts', "import { p } from 'some-package'; import('node:fs');");
  });
  t.same(found, []);
});
