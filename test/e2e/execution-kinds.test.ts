/**
 * The evaluation contract takes a simulator of any execution kind without special cases: in a copy of
 * the source tree, a toy optimizee of each kind (inline, native, python, process, group) is added as a
 * developer would add one (a folder under src/optimizees and a line in the registry, nothing else; the
 * native one uses the relax kernel's addon, native/relax), the copy is compiled, and each toy runs an
 * experiment to the end, in one process and under mpirun, with the fitness its model says.
 */
import t, { type Test } from 'tap';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import { STATUS_CODES } from '../../src/core/fitness.js';
import { ROOT } from '../helpers/run-main.js';

const copy = mkdtempSync(join(tmpdir(), 'l2l-kinds-'));
const FIXTURES = join(ROOT, 'test', 'e2e', 'fixtures');

/** Each toy: its folder's index.ts, its factory's exported name, its type. */
const TOYS: Record<string, { name: string; source: string }> = {
  'toy-inline': {
    name: 'toyInline',
    source: `
import { z } from 'zod';
import type { Optimizee, OptimizeeFactory } from '../../core/optimizee.js';
import { Space } from '../../core/space.js';

const schema = z.strictObject({ dims: z.number().int().min(1).default(3) });

class Sphere implements Optimizee {
  readonly space: Space;
  readonly weights = [-1];
  constructor(dims: number) {
    this.space = new Space([{ name: 'x', length: dims, lower: -2, upper: 2 }]);
  }
  evaluate(x: Float64Array) {
    let s = 0;
    for (const v of x) s += v * v;
    return { fitness: [s] };
  }
}

export const toyInline: OptimizeeFactory<typeof schema> = {
  type: 'toy-inline', description: 'a sphere on the JS thread', schema,
  create: (cfg) => new Sphere(cfg.dims),
};
`,
  },
  'toy-native': {
    name: 'toyNative',
    source: `
import { z } from 'zod';
import type { BatchContext, EvalControl, Execution, Optimizee, OptimizeeFactory } from '../../core/optimizee.js';
import { Space } from '../../core/space.js';
import { loadRelax } from '../../native/loader.js';

const schema = z.strictObject({ dims: z.number().int().min(1).default(2), steps: z.number().int().min(1).default(200), spin_us: z.number().min(0).default(0) });
type Config = z.output<typeof schema>;

/** v relaxes to x (native/relax); the fitness is |v(T)|^2 = (1 - exp(-T/tau))^2 |x|^2. */
class Relaxing implements Optimizee {
  readonly space: Space;
  readonly weights = [-1];
  constructor(private readonly cfg: Config) {
    this.space = new Space([{ name: 'x', length: cfg.dims, lower: -2, upper: 2 }]);
  }
  async evaluateAsync(x: Float64Array, ctx: BatchContext, control: EvalControl) {
    const n = ctx.index.length;
    const dim = this.cfg.dims;
    const v = new Float64Array(n * dim);
    const r = await loadRelax().relax({ x, n, dim, steps: this.cfg.steps, dt: 0.1, tau: 5, spinMicros: this.cfg.spin_us, threads: ctx.threads }, v, control);
    const fitness = new Float64Array(n);
    for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) fitness[i] += v[i * dim + j] ** 2;
    return { fitness, unfinished: Array.from(r.finished, (f) => f === 0) };
  }
}

export const toyNative: OptimizeeFactory<typeof schema> = {
  type: 'toy-native', description: 'a relaxation kernel off the JS thread', schema,
  create: (cfg) => new Relaxing(cfg),
  execution: (): Execution => ({ kind: 'native', cancellable: true, threads: true }),
};
`,
  },
  'toy-python': {
    name: 'toyPython',
    source: `
import { z } from 'zod';
import type { Execution, Optimizee, OptimizeeFactory } from '../../core/optimizee.js';
import { Space } from '../../core/space.js';

const schema = z.strictObject({ module: z.string(), dims: z.number().int().min(1).default(3) });
type Config = z.output<typeof schema>;

class Model implements Optimizee {
  readonly space: Space;
  readonly weights = [-1];
  constructor(cfg: Config) {
    this.space = new Space([{ name: 'x', length: cfg.dims, lower: -2, upper: 2 }]);
  }
}

export const toyPython: OptimizeeFactory<typeof schema> = {
  type: 'toy-python', description: 'a Python function in the worker\\'s embedded interpreter', schema,
  create: (cfg) => new Model(cfg),
  execution(cfg): Execution {
    const load = { module: cfg.module, function: 'evaluate', args: {}, parameters: [{ name: 'x', length: cfg.dims }] };
    return {
      kind: 'python',
      python: { load, preimport: { module: cfg.module }, label: 'the toy module' },
      child: { command: '/usr/bin/python3', args: [${JSON.stringify(join(ROOT, 'python', 'l2l_child.py'))}], init: load, label: 'the toy module' },
    };
  },
};
`,
  },
  'toy-process': {
    name: 'toyProcess',
    source: `
import { z } from 'zod';
import type { Execution, Optimizee, OptimizeeFactory } from '../../core/optimizee.js';
import { Space } from '../../core/space.js';

const schema = z.strictObject({ program: z.string(), dims: z.number().int().min(1).default(3) });

class Model implements Optimizee {
  readonly space: Space;
  readonly weights = [-1];
  constructor(dims: number) {
    this.space = new Space([{ name: 'x', length: dims, lower: -2, upper: 2 }]);
  }
}

export const toyProcess: OptimizeeFactory<typeof schema> = {
  type: 'toy-process', description: 'a program of its own, in a child process of each worker', schema,
  create: (cfg) => new Model(cfg.dims),
  execution: (cfg): Execution => ({ kind: 'process', child: { command: '/usr/bin/python3', args: [cfg.program], init: {}, label: 'the toy program' } }),
};
`,
  },
  'toy-group': {
    name: 'toyGroup',
    source: `
import { z } from 'zod';
import type { Execution, Optimizee, OptimizeeFactory } from '../../core/optimizee.js';
import { Space } from '../../core/space.js';

const schema = z.strictObject({ ranks: z.number().int().min(1).default(2) });

class Model implements Optimizee {
  readonly space = new Space([{ name: 'mut_par', length: null, lower: 0.05, upper: 1 }]);
  readonly weights = [1];
}

/** Each row: a GA on the 2-D sphere with the row's mutation width, its best weighted fitness the row's fitness. */
export const toyGroup: OptimizeeFactory<typeof schema> = {
  type: 'toy-group', description: 'each row a whole inner experiment on a group of ranks', schema,
  create: () => new Model(),
  execution: (cfg): Execution => ({
    kind: 'group', ranks: cfg.ranks,
    plan: {
      runs: (x, row) => [{ dir: 'inner/' + row.generation + '-' + row.index, experiment: { name: row.name + '-inner', seed: row.seed, optimizer: { type: 'ga', pop_size: 10, mut_par: x[0] }, optimizee: { type: 'benchmark', functions: [{ function: 'sphere' }], dims: 2 }, stop: { generations: 3 } } }],
      fitness: (outcomes) => [outcomes[0].best ?? -Infinity],
      checks: () => [{ where: 'as written', experiment: { name: 'check', seed: 1, optimizer: { type: 'ga', pop_size: 10 }, optimizee: { type: 'benchmark', functions: [{ function: 'sphere' }], dims: 2 }, stop: { generations: 3 } } }],
    },
  }),
};
`,
  },
};

/** Every file under dir, relative to it. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile()).sort();
}

const env = { ...process.env, NODE_DISABLE_COLORS: '1', FORCE_COLOR: '0', L2L_PROGRESS: 'none' };

function run(args: string[], ranks = 0) {
  const main = join(copy, 'dist', 'main.js');
  const r = ranks === 0
    ? spawnSync(process.execPath, [main, ...args], { cwd: copy, env, encoding: 'utf8', timeout: 300_000 })
    : spawnSync(join(ROOT, 'launch', 'mpirun.sh'), ['-n', String(ranks), process.execPath, main, ...args], { cwd: copy, env, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function experiment(name: string, body: string): string {
  const file = join(copy, `${name}.yaml`);
  writeFileSync(file, `name: ${name}\nseed: 4\n${body}`);
  return file;
}

const journal = (out: string) => decodeGenerations(readFileSync(join(out, 'generations.msgpack')));

/** |x|^2 for each row of a journal, for the toys whose fitness is the sphere (times `scale`). */
function checkSphere(t: Test, out: string, scale = 1, tolerance = 1e-12): void {
  let rows = 0;
  for (const g of journal(out)) {
    for (let i = 0; i < g.index.length; i++, rows++) {
      const x = g.x.subarray(i * g.dim, (i + 1) * g.dim);
      const want = scale * x.reduce((s, v) => s + v * v, 0);
      if (g.status[i] !== STATUS_CODES.ok || Math.abs(g.fitness[i] - want) > tolerance * Math.max(1, want)) {
        t.fail(`${out}: row ${i} of generation ${g.generation}: fitness ${g.fitness[i]}, status ${g.status[i]}, expected ${want}`);
        return;
      }
    }
  }
  t.ok(rows > 0, `${rows} rows, each with the model's fitness`);
}

t.before(() => {
  // the tree as a developer has it: sources copied, dependencies and built addons linked
  cpSync(join(ROOT, 'src'), join(copy, 'src'), { recursive: true });
  for (const f of ['tsconfig.json', 'package.json']) cpSync(join(ROOT, f), join(copy, f));
  for (const d of ['node_modules', 'build', 'python']) symlinkSync(join(ROOT, d), join(copy, d));
  const registry = join(copy, 'src', 'optimizees', 'registry.ts');
  let text = readFileSync(registry, 'utf8');
  for (const [folder, toy] of Object.entries(TOYS)) {
    mkdirSync(join(copy, 'src', 'optimizees', folder));
    writeFileSync(join(copy, 'src', 'optimizees', folder, 'index.ts'), toy.source);
    // the one line in the registry (and its import)
    text = text.replace("import type { OptimizeeFactory } from '../core/optimizee.js';", `$&\nimport { ${toy.name} } from './${folder}/index.js';`);
    text = text.replace('const FACTORIES: readonly OptimizeeFactory[] = [', `$&\n  ${toy.name},`);
  }
  writeFileSync(registry, text);
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(copy, 'tsconfig.json')], { encoding: 'utf8' });
  if (tsc.status !== 0) throw new Error(`the copy with the toys does not compile:\n${tsc.stdout}${tsc.stderr}`);
});

t.test('adding the toys touched their folders and the registry, nothing else', async (t) => {
  const before = files(join(ROOT, 'src'));
  const after = files(join(copy, 'src'));
  const added = after.filter((f) => !before.includes(f));
  t.same(added, Object.keys(TOYS).map((folder) => join('optimizees', folder, 'index.ts')).sort(), 'one new file per toy, in its own folder');
  const changed = before.filter((f) => readFileSync(join(ROOT, 'src', f), 'utf8') !== readFileSync(join(copy, 'src', f), 'utf8'));
  t.same(changed, [join('optimizees', 'registry.ts')], 'the registry is the only file changed');
  const check = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'tools', 'check-imports.ts'), copy], { cwd: ROOT, encoding: 'utf8' });
  t.equal(check.status, 0, `the toys import only what an optimizee may: ${check.stdout}${check.stderr}`);
  t.match(relative(ROOT, copy), /l2l-kinds-/);
});

t.test('inline: on the worker\'s JS thread, in one process and under mpirun', async (t) => {
  const file = experiment('inline', 'optimizer: {type: ga, pop_size: 12}\noptimizee: {type: toy-inline}\nstop: {generations: 4}\n');
  for (const ranks of [0, 3]) {
    const out = join(copy, 'out', `inline-${ranks}`);
    const r = run(['run', file, '--out', out, '--quiet'], ranks);
    t.equal(r.code, 0, r.stderr);
    checkSphere(t, out);
  }
});

t.test('native: a kernel off the JS thread, with its cores; a cancellable one times out in-process', async (t) => {
  const factor = (1 - Math.exp(-(200 * 0.1) / 5)) ** 2;
  const file = experiment('native', 'optimizer: {type: ga, pop_size: 12}\noptimizee: {type: toy-native}\nstop: {generations: 4}\n');
  for (const ranks of [0, 3]) {
    const out = join(copy, 'out', `native-${ranks}`);
    const r = run(['run', file, '--out', out, '--quiet'], ranks);
    t.equal(r.code, 0, r.stderr);
    checkSphere(t, out, factor, 1e-10);
  }
  // a million steps of 1 ms each would take hours: timeout_seconds stops it between steps
  const slow = experiment('native-slow', 'optimizer: {type: random, pop_size: 2}\noptimizee: {type: toy-native, steps: 1000000, spin_us: 1000}\nstop: {generations: 1}\nevaluation: {timeout_seconds: 0.5}\ndispatch: {batch: 1}\n');
  const out = join(copy, 'out', 'native-slow');
  const r = run(['run', slow, '--out', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  const g = journal(out)[0];
  t.same(Array.from(g.status), [STATUS_CODES['timed-out'], STATUS_CODES['timed-out']], 'both rows timed out');
  t.match(g.errors?.[0], /^timed out after 0\.5 s per row .*stopped between steps/);
  t.ok(g.seconds[0] < 60, `stopped after ${g.seconds[0].toFixed(2)} s, not hours`);
});

t.test('python: in the embedded interpreter, and in a Python child with isolation: process', async (t) => {
  const module = join(FIXTURES, 'toy_module.py');
  for (const [ranks, isolation] of [[0, 'in-process'], [3, 'in-process'], [3, 'process']] as const) {
    const file = experiment(`python-${ranks}-${isolation}`, `optimizer: {type: ga, pop_size: 8}\noptimizee: {type: toy-python, module: ${module}}\nstop: {generations: 3}\nevaluation: {isolation: ${isolation}}\n`);
    const out = join(copy, 'out', `python-${ranks}-${isolation}`);
    const r = run(['run', file, '--out', out, '--quiet'], ranks);
    t.equal(r.code, 0, r.stderr);
    checkSphere(t, out);
    const ready = readFileSync(join(out, 'run.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'worker ready');
    t.ok(ready.length > 0 && ready.every((l) => (isolation === 'process' ? l.isolation === 'process' && typeof l.childPid === 'number' : l.execution === 'python')), `${isolation}: every worker says how it runs`);
  }
});

t.test('process: a program of its own in a child process of each worker', async (t) => {
  const program = join(FIXTURES, 'toy_program.py');
  const inProcess = experiment('process-refused', `optimizer: {type: ga, pop_size: 8}\noptimizee: {type: toy-process, program: ${program}}\nstop: {generations: 2}\n`);
  const refused = run(['run', inProcess, '--out', join(copy, 'out', 'process-refused'), '--quiet']);
  t.equal(refused.code, 2, 'without isolation: process, refused before anything runs');
  t.match(refused.stderr, /evaluation\.isolation: got "in-process", expected process: the toy-process optimizee runs in a child process/);
  const file = experiment('process', `optimizer: {type: ga, pop_size: 8}\noptimizee: {type: toy-process, program: ${program}}\nstop: {generations: 3}\nevaluation: {isolation: process}\n`);
  for (const ranks of [0, 3]) {
    const out = join(copy, 'out', `process-${ranks}`);
    const r = run(['run', file, '--out', out, '--quiet'], ranks);
    t.equal(r.code, 0, r.stderr);
    checkSphere(t, out);
  }
});

t.test('group: each row a whole inner experiment, alone and on groups of 2 ranks', async (t) => {
  const file = experiment('group', 'optimizer: {type: random, pop_size: 4}\noptimizee: {type: toy-group, ranks: 2}\nstop: {generations: 2}\n');
  const rows: number[][] = [];
  for (const ranks of [0, 5]) {
    const out = join(copy, 'out', `group-${ranks}`);
    const r = run(['run', file, '--out', out, '--quiet'], ranks);
    t.equal(r.code, 0, r.stderr);
    if (ranks === 5) t.match(r.stdout, /5 ranks: rank 0 for the outer optimizer and 2 groups of 2 ranks/, 'the layout comes from the execution, not the type');
    const gens = journal(out);
    rows.push(gens.flatMap((g) => Array.from(g.fitness)));
    for (const g of gens) {
      for (let i = 0; i < g.index.length; i++) {
        const inner = join(out, 'inner', `${g.generation}-${g.index[i]}`);
        const summary = JSON.parse(readFileSync(join(inner, 'summary.json'), 'utf8')) as { status: string; best: { weightedFitness: number } };
        t.equal(summary.status, 'completed');
        t.equal(g.fitness[i], summary.best.weightedFitness, `row ${g.generation}/${g.index[i]}: its inner run's best`);
      }
    }
  }
  t.same(rows[1], rows[0], 'the same fitness alone and on groups');
});
