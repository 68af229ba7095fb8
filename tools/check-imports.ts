/**
 * The import-direction check: every relative import in src/ (static, `export ... from`, `import type`
 * and dynamic `import('...')`) must point the way the rule table below allows. Dependencies point
 * downward; no optimizer imports another optimizer, no optimizee another optimizee. test/, bench/ and
 * tools/ are free to import anything; imports of packages are ignored.
 *
 *   node --import tsx tools/check-imports.ts [root]     (npm run check:imports)
 *
 * Why a short script rather than dependency-cruiser: it needs no new dependency; the rules are a dozen
 * lines of data (RULES, which docs/architecture.md can quote); and the TypeScript compiler the project
 * already pins parses imports exactly (ts.preProcessFile), type-only and dynamic ones included.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * One row per unit. `unit` is a path under the root: a folder ends in '/', `*` stands for one folder
 * name (an optimizer or optimizee), anything else is one file; a file belongs to the row with the
 * longest matching `unit`. `mayImport` lists what the unit's files may import, in the same notation;
 * 'own' is the file's own folder (the `*` it matched). Layers (docs/architecture.md): 1 math, native ·
 * 2 core, optimizers, optimizees · 3 runtime · 4 results · 5 experiment, report · 6 cli · 7 main.
 */
export interface Rule { unit: string; layer: number; mayImport: string[]; why: string }

export const RULES: Rule[] = [
  { unit: 'src/main.ts', layer: 7, mayImport: ['src/cli/'],
    why: 'src/main.ts may import only src/cli' },
  { unit: 'src/cli/', layer: 6, mayImport: ['src/math/', 'src/core/', 'src/optimizers/registry.ts', 'src/optimizees/registry.ts', 'src/native/', 'src/runtime/', 'src/results/', 'src/experiment/', 'src/report/', 'src/cli/'],
    why: 'the cli may import any layer below it, but optimizers and optimizees only through their registries' },
  { unit: 'src/report/', layer: 5, mayImport: ['src/math/', 'src/core/', 'src/results/', 'src/report/'],
    why: 'report may import only src/math, src/core, src/results and src/report: it reads results, it does not run experiments' },
  { unit: 'src/experiment/', layer: 5, mayImport: ['src/math/', 'src/core/', 'src/runtime/', 'src/results/', 'src/experiment/', 'src/optimizers/registry.ts', 'src/optimizees/registry.ts'],
    why: 'experiment may import only src/math, src/core, src/runtime, src/results, src/experiment and the two registries: optimizers and optimizees are reached through their registries' },
  { unit: 'src/results/', layer: 4, mayImport: ['src/math/', 'src/core/', 'src/runtime/', 'src/results/'],
    why: 'results (the files of a run: record types, codecs, readers) may import only src/math, src/core, src/runtime and src/results: dependencies point downward' },
  { unit: 'src/runtime/', layer: 3, mayImport: ['src/math/', 'src/core/', 'src/native/', 'src/runtime/'],
    why: 'runtime may import only src/math, src/core, src/native and src/runtime: dependencies point downward' },
  { unit: 'src/native/', layer: 1, mayImport: ['src/native/'],
    why: 'native may import only src/native: it is the facade of the C++ addon and depends on nothing else' },
  { unit: 'src/optimizees/registry.ts', layer: 2, mayImport: ['src/core/', 'src/optimizees/*/'],
    why: 'the optimizee registry may import only src/core and the optimizees' },
  { unit: 'src/optimizees/*/', layer: 2, mayImport: ['src/math/', 'src/core/', 'src/native/', 'own'],
    why: 'an optimizee may import only its own folder, src/native, src/core and src/math: optimizees never import each other' },
  { unit: 'src/optimizers/registry.ts', layer: 2, mayImport: ['src/core/', 'src/optimizers/*/'],
    why: 'the optimizer registry may import only src/core and the optimizers' },
  { unit: 'src/optimizers/shared/', layer: 2, mayImport: ['src/math/', 'src/core/', 'src/optimizers/shared/'],
    why: 'src/optimizers/shared may import only itself, src/core and src/math: it serves the optimizers, never the reverse' },
  { unit: 'src/optimizers/*/', layer: 2, mayImport: ['src/math/', 'src/core/', 'src/optimizers/shared/', 'own'],
    why: 'an optimizer may import only its own folder, src/optimizers/shared, src/core and src/math: optimizers never import each other' },
  { unit: 'src/core/', layer: 2, mayImport: ['src/math/', 'src/core/'],
    why: 'core may import only src/math and src/core: dependencies point downward' },
  { unit: 'src/math/dense.ts', layer: 1, mayImport: ['src/math/', 'src/native/'],
    why: 'src/math/dense.ts may import only src/math and src/native: its products run on the native/linalg kernels' },
  { unit: 'src/math/', layer: 1, mayImport: ['src/math/'],
    why: 'math may import only src/math: it is the bottom layer' },
];

export interface Violation {
  /** The importing file, relative to the root ('src/core/space.ts'). */
  file: string;
  /** 1-based line of the specifier. */
  line: number;
  specifier: string;
  /** The importing file's unit ('core', 'optimizers/ga'), or '(no unit)'. */
  from: string;
  /** The imported file, relative to the root (the .ts file a '.js' specifier names). */
  target: string;
  /** The imported file's unit, '(no unit)', '(missing)' or '(outside src)'. */
  to: string;
  message: string;
}

/** A pattern ('src/optimizers/*\/') as a regex; group 1 is what it matched (the unit's own prefix). */
function patternRe(pattern: string): RegExp {
  const body = pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+');
  return new RegExp(pattern.endsWith('/') ? `^(${body})` : `^(${body})$`);
}

interface Unit { rule: Rule; prefix: string; name: string }

function unitOf(file: string): Unit | undefined {
  let best: Unit | undefined;
  for (const rule of RULES) {
    const m = patternRe(rule.unit).exec(file);
    if (m && (!best || rule.unit.length > best.rule.unit.length)) {
      best = { rule, prefix: m[1]!, name: m[1]!.replace(/^src\//, '').replace(/\/$/, '').replace(/\.ts$/, '') };
    }
  }
  return best;
}

function allowed(unit: Unit, target: string): boolean {
  return unit.rule.mayImport.some((p) => (p === 'own' ? target.startsWith(unit.prefix) : patternRe(p).test(target)));
}

function sourceFiles(dir: string, rel: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = `${dir}/${name}`;
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path, `${rel}/${name}`));
    else if (/\.(c|m)?tsx?$/.test(name)) out.push(`${rel}/${name}`);
  }
  return out;
}

/** The file a relative specifier names: './x.js' is the compiled name of './x.ts'. */
function resolveSpecifier(root: string, file: string, spec: string): { target: string; exists: boolean } {
  const plain = posix.normalize(posix.join(posix.dirname(file), spec));
  const asTs = plain.replace(/\.js$/, '.ts').replace(/\.mjs$/, '.mts').replace(/\.cjs$/, '.cts').replace(/\.jsx$/, '.tsx');
  for (const candidate of [asTs, plain]) {
    const path = `${root}/${candidate}`;
    if (existsSync(path) && statSync(path).isFile()) return { target: candidate, exists: true };
  }
  return { target: asTs, exists: false };
}

export function checkImports(root: string): Violation[] {
  const violations: Violation[] = [];
  for (const file of sourceFiles(`${root}/src`, 'src')) {
    const text = readFileSync(`${root}/${file}`, 'utf8');
    const unit = unitOf(file);
    const from = unit?.name ?? '(no unit)';
    for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
      const specifier = ref.fileName;
      if (!specifier.startsWith('.')) continue;
      const line = text.slice(0, ref.pos).split('\n').length;
      const { target, exists } = resolveSpecifier(root, file, specifier);
      const report = (to: string, message: string) => violations.push({ file, line, specifier, from, target, to, message });
      if (!target.startsWith('src/')) { report('(outside src)', 'a file in src/ may import only files in src/: src/ is compiled on its own'); continue; }
      if (!exists) { report('(missing)', `broken import: no file ${target}`); continue; }
      const to = unitOf(target);
      const toLabel = to ? `layer ${to.rule.layer} (${to.name})` : `${target} (in no unit)`;
      if (!unit) { report(to?.name ?? '(no unit)', `${file} belongs to no unit of the rule table: move it into a unit or add a row for it`); continue; }
      if (!allowed(unit, target)) report(to?.name ?? '(no unit)', `layer ${unit.rule.layer} (${unit.name}) may not import ${toLabel}: ${unit.rule.why}`);
    }
  }
  return violations;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const root = resolve(process.argv[2] ?? fileURLToPath(new URL('..', import.meta.url)));
  const violations = checkImports(root);
  for (const v of violations) console.log(`${v.file}:${v.line}: imports ${v.target}: ${v.message}`);
  if (violations.length > 0) process.exit(1);
  console.log(`imports: ${sourceFiles(`${root}/src`, 'src').length} files, every import points downward`);
}
