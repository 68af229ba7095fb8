/**
 * Fuzzing the experiment loader (fast-check): whatever a file holds, loading it either gives a
 * resolved experiment or a ConfigError naming the file (one line per problem), never another
 * exception, a stack trace or a hang.
 */
import t from 'tap';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, readExperimentFile, resolveExperiment } from '../../src/cli/load-config.js';
import { listOptimizers } from '../../src/optimizers/registry.js';

const FILE = 'fuzz.yaml';

/** Loads `raw`; returns 'ok' or the error message, and fails the property on anything but a ConfigError. */
function load(raw: unknown): string {
  try {
    resolveExperiment(raw, FILE);
    return 'ok';
  } catch (err) {
    if (!(err instanceof ConfigError)) throw new Error(`not a ConfigError: ${(err as Error)?.stack ?? String(err)}`);
    if (!err.message.startsWith(`${FILE}: `)) throw new Error(`does not name the file: ${err.message}`);
    // several problems: a summary line that counts the others, then one indented line each
    const [first, ...more] = err.message.split('\n');
    const counted = Number(/ \(and (\d+) more problems?\)$/.exec(first)?.[1] ?? 0);
    if (counted !== more.length || more.some((l) => !l.startsWith('  '))) throw new Error(`not a summary line and one indented line per further problem: ${err.message}`);
    if (/\bat .*\.(js|ts):\d+/.test(err.message)) throw new Error(`a stack trace: ${err.message}`);
    return err.message;
  }
}

const base = () => ({
  name: 'fuzz',
  seed: 3,
  optimizer: { type: 'ga', pop_size: 20 },
  optimizee: { type: 'benchmark', preset: 'Rastrigin2d' },
  stop: { generations: 3 },
});

type Json = Record<string, unknown>;

/** Every path to a value inside a plain JSON object. */
function paths(v: unknown, prefix: string[] = []): string[][] {
  if (v === null || typeof v !== 'object') return [prefix];
  const out: string[][] = prefix.length ? [prefix] : [];
  for (const [k, c] of Object.entries(v as Json)) out.push(...paths(c, [...prefix, k]));
  return out;
}

function setAt(o: Json, path: string[], value: unknown): void {
  let cur = o;
  for (const k of path.slice(0, -1)) cur = cur[k] as Json;
  if (value === undefined) delete cur[path.at(-1)!];
  else cur[path.at(-1)!] = value;
}

const numbers = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1e9, 1e308, -1e308, Number.NaN, Infinity, -Infinity, 2 ** 32, 0.5));
const values = fc.oneof(numbers, fc.string({ maxLength: 12 }), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }), fc.array(numbers, { maxLength: 4 }));

t.test('arbitrary JSON documents: a resolved experiment or one ConfigError line', async (t) => {
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 4 }), (raw) => void load(raw)), { numRuns: 2000 });
  t.pass('2,000 documents');
});

t.test('a valid experiment with one value replaced or removed: never anything but a ConfigError', async (t) => {
  const all = paths(base());
  fc.assert(
    fc.property(fc.constantFrom(...all), fc.oneof(values, fc.constant(undefined)), (path, value) => {
      const raw = base();
      setAt(raw, path, value);
      load(raw);
    }),
    { numRuns: 3000 },
  );
  t.pass('3,000 mutations');
});

t.test('every optimizer with random hyper-parameter values: never anything but a ConfigError', async (t) => {
  const types = listOptimizers().map((f) => f.type);
  const keys = fc.constantFrom('pop_size', 'n_iteration', 'sigma', 'sigma0', 'learning_rate', 'mut_prob', 'cx_prob', 'tourn_size', 'temperature', 'gamma', 'ensemble_size', 'n_islands', 'restarts', 'grid', 'elite_fraction', 'x0', 'pop_sise');
  fc.assert(
    fc.property(fc.constantFrom(...types), fc.dictionary(keys, values, { maxKeys: 3 }), (type, params) => {
      const raw = { ...base(), optimizer: { type, ...params }, stop: { evaluations: 50 } };
      load(raw);
    }),
    { numRuns: 1500 },
  );
  t.pass('1,500 optimizer configurations');
});

t.test('unknown and misspelt keys are refused, with a hint where one fits', async (t) => {
  fc.assert(
    fc.property(fc.constantFrom(...paths(base()).filter((p) => p.length > 1 && p.at(-1) !== 'type')), fc.constantFrom('x', 'zz'), (path, suffix) => {
      const raw = base();
      const parent = path.slice(0, -1);
      let cur = raw as Json;
      for (const k of parent) cur = cur[k] as Json;
      const key = path.at(-1)!;
      cur[key + suffix] = cur[key];
      delete cur[key];
      const msg = load(raw);
      return msg !== 'ok' && msg.includes(`${[...parent, key + suffix].join('.')}: unknown key`);
    }),
    { numRuns: 200 },
  );
  t.pass();
});

t.test('resolving is idempotent: the resolved experiment, loaded again, is itself', async (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.constantFrom(...listOptimizers().map((f) => f.type)), (seed, type) => {
      const raw = { ...base(), seed, optimizer: { type }, stop: { evaluations: 100 } };
      let first;
      try {
        first = resolveExperiment(raw, FILE);
      } catch {
        return true; // an optimizer that needs more than defaults on this problem: covered above
      }
      const again = resolveExperiment(JSON.parse(JSON.stringify(first)), FILE);
      t.same(again, first) || t.fail(type);
      return true;
    }),
    { numRuns: 100 },
  );
});

t.test('arbitrary bytes as a YAML or JSON file: parsed, or one ConfigError line, and no process warning', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'l2l-fuzz-'));
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  t.teardown(() => void process.off('warning', onWarning));
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1'))), fc.boolean(), (text, json) => {
      const file = join(dir, json ? 'x.json' : 'x.yaml');
      writeFileSync(file, text);
      try {
        load(readExperimentFile(file));
      } catch (err) {
        if (!(err instanceof ConfigError) || err.message.includes('\n')) throw err;
      }
    }),
    { numRuns: 1000 },
  );
  await new Promise((r) => setImmediate(r)); // process warnings are emitted on a later tick
  t.same(warnings.map((w) => w.message), [], 'the YAML library\'s warnings became ConfigErrors, not process warnings');
  writeFileSync(join(dir, 'tag.yaml'), 'name: !weird x\n');
  t.throws(() => readExperimentFile(join(dir, 'tag.yaml')), { message: /tag\.yaml: not valid YAML: Unresolved tag: !weird at line 1, column 7/ });
  writeFileSync(join(dir, 'directive.yaml'), '%FOO bar\n---\nname: x\n');
  t.throws(() => readExperimentFile(join(dir, 'directive.yaml')), { message: /not valid YAML: Unknown directive %FOO/ });
});
