/**
 * The whole stack through the real command line: `node dist/main.js run`, alone and under mpirun.
 * (test/run.sh compiles dist/ before the suite.)
 */
import t from 'tap';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMain, runMainMpi } from '../helpers/run-main.js';
import { decodeGenerations } from '../../src/results/journal-codec.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-e2e-'));

function experiment(name: string, extra = ''): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
seed: 7
optimizer: { type: ga, pop_size: 40, tourn_size: 4 }
optimizee: { type: benchmark, preset: Rastrigin10d, noise: { mean: 0, sigma: 0.01 } }
stop: { generations: 12 }
${extra}`,
  );
  return file;
}

interface Line {
  generation: number;
  individuals: { index: number[]; x: number[]; fitness: number[]; weighted: number[]; seed: number[]; status: number[]; rank: number[] };
}

function readRun(out: string) {
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  const lines: Line[] = decodeGenerations(readFileSync(join(out, 'generations.msgpack'))).map((g) => ({
    generation: g.generation,
    individuals: {
      index: Array.from(g.index), x: Array.from(g.x), fitness: Array.from(g.fitness), weighted: Array.from(g.weighted),
      seed: Array.from(g.seed), status: Array.from(g.status), rank: Array.from(g.rank),
    },
  }));
  // What must not depend on rank count: everything but timings and which rank evaluated.
  const trajectory = lines.map((l) => ({ g: l.generation, i: l.individuals.index, x: l.individuals.x, f: l.individuals.fitness, s: l.individuals.seed }));
  return { summary, lines, trajectory };
}

t.test('a run as a single process writes the summary contract', async (t) => {
  const out = join(dir, 'single');
  const r = runMain(['run', experiment('single'), '--out', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  const { summary, lines } = readRun(out);
  t.match(summary, {
    name: 'single', optimizer: 'ga', optimizee: 'benchmark', seed: 7, ranks: 1, status: 'completed',
    generations: 12, evaluations: Number, wallSeconds: Number,
    best: { fitness: [Number], weightedFitness: Number, individual: { coords: Array }, generation: Number, index: Number },
  });
  t.equal(summary.best.individual.coords.length, 10);
  t.equal(lines[0].individuals.x.length, 40 * 10);
  t.ok(lines.every((l) => l.individuals.status.every((s) => s === 0)), 'every evaluation ok');
  t.equal(summary.best.weightedFitness, -summary.best.fitness[0], 'benchmark functions are minimised (weight -1)');
  t.equal(lines.length, 12);
  t.equal(lines[0].individuals.index.length, 40, 'the first generation evaluates the whole population');
  const total = lines.reduce((n, l) => n + l.individuals.index.length, 0);
  t.equal(summary.evaluations, total, 'every evaluation is recorded');
  const bestSeen = Math.max(...lines.flatMap((l) => l.individuals.weighted));
  t.equal(summary.best.weightedFitness, bestSeen, 'best is the best recorded');
  const { generation, index, individual } = summary.best;
  const line = lines.find((l) => l.generation === generation)!;
  const row = line.individuals.index.indexOf(index);
  t.same(line.individuals.x.slice(row * 10, row * 10 + 10), individual.coords, 'the best individual is the recorded row');
});

t.test('the same seed gives the same trajectory at 1, 2 and 5 ranks, and over MPI as a singleton', async (t) => {
  const file = experiment('det');
  const runs: Record<string, ReturnType<typeof readRun>> = {};
  const one = runMain(['run', file, '--out', join(dir, 'det-1'), '--quiet']);
  t.equal(one.code, 0, one.stderr);
  runs['1'] = readRun(join(dir, 'det-1'));
  const single = runMain(['run', file, '--out', join(dir, 'det-mpi1'), '--quiet', '--transport', 'mpi']);
  t.equal(single.code, 0, single.stderr);
  runs['mpi-singleton'] = readRun(join(dir, 'det-mpi1'));
  for (const n of [2, 5]) {
    const r = await runMainMpi(n, ['run', file, '--out', join(dir, `det-${n}`), '--quiet']);
    t.equal(r.code, 0, `mpirun -n ${n}: ${r.stderr}`);
    runs[String(n)] = readRun(join(dir, `det-${n}`));
  }
  for (const k of ['mpi-singleton', '2', '5']) {
    t.same(runs[k].trajectory, runs['1'].trajectory, `trajectory at ${k} ranks equals the single-process one`);
    t.same(runs[k].summary.best, runs['1'].summary.best, `best at ${k} ranks`);
  }
  t.equal(runs['5'].summary.ranks, 5);
  const ranksUsed = new Set(runs['5'].lines.flatMap((l) => l.individuals.rank));
  t.same([...ranksUsed].sort(), [1, 2, 3, 4], 'every worker rank evaluated, rank 0 none');
  t.equal(runs['5'].summary.workers.length, 4);
});

t.test('a different seed gives a different trajectory; --seed overrides the file', async (t) => {
  const file = experiment('seeded');
  const a = runMain(['run', file, '--out', join(dir, 'seed-a'), '--quiet', '--seed', '8']);
  const b = runMain(['run', file, '--out', join(dir, 'seed-b'), '--quiet']);
  t.equal(a.code, 0);
  t.equal(b.code, 0);
  const ra = readRun(join(dir, 'seed-a'));
  t.equal(ra.summary.seed, 8);
  t.notSame(ra.trajectory[0].x, readRun(join(dir, 'seed-b')).trajectory[0].x);
});

t.test('under mpirun -n 4 the run improves the function and prints where the results went', async (t) => {
  const file = experiment('mpi4', '');
  const out = join(dir, 'mpi4');
  const r = await runMainMpi(4, ['run', file, '--out', out]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /completed: 12 generations/);
  t.match(r.stdout, new RegExp(`results: ${out}/`));
  t.match(r.stderr, /gen \d+ +evals \d+ +best/, 'progress lines on rank 0');
  const { lines } = readRun(out);
  const bestOf = (l: Line) => Math.max(...l.individuals.weighted);
  t.ok(bestOf(lines.at(-1)!) > bestOf(lines[0]), `best of last generation ${bestOf(lines.at(-1)!)} beats the first ${bestOf(lines[0])}`);
});

t.test('an existing results directory is refused without --force', async (t) => {
  const file = experiment('again');
  const out = join(dir, 'again');
  t.equal(runMain(['run', file, '--out', out, '--quiet']).code, 0);
  const r = runMain(['run', file, '--out', out, '--quiet']);
  t.equal(r.code, 2);
  t.match(r.stderr, /already holds a run.*--force/);
  t.equal(runMain(['run', file, '--out', out, '--quiet', '--force']).code, 0);
});

t.test('a JSON experiment file runs like its YAML twin', async (t) => {
  const json = join(dir, 'twin.json');
  writeFileSync(json, JSON.stringify({
    name: 'twin', seed: 7, optimizer: { type: 'ga', pop_size: 40, tourn_size: 4 },
    optimizee: { type: 'benchmark', preset: 'Rastrigin10d', noise: { mean: 0, sigma: 0.01 } }, stop: { generations: 12 },
  }));
  const a = runMain(['run', json, '--out', join(dir, 'twin-json'), '--quiet']);
  const b = runMain(['run', experiment('twin'), '--out', join(dir, 'twin-yaml'), '--quiet']);
  t.equal(a.code, 0, a.stderr);
  t.equal(b.code, 0, b.stderr);
  t.same(readRun(join(dir, 'twin-json')).trajectory, readRun(join(dir, 'twin-yaml')).trajectory);
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{"name": "x",');
  const r = runMain(['run', broken]);
  t.equal(r.code, 2);
  t.match(r.stderr, /broken\.json: not valid JSON/);
});

t.test('help on every command', async (t) => {
  for (const args of [['--help'], ['help'], ['run', '--help'], ['help', 'run']]) {
    const r = runMain(args);
    t.equal(r.code, 0, args.join(' '));
    t.match(r.stdout, /usage: node dist\/main.js/);
  }
  const bad = runMain(['frobnicate']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /unknown command 'frobnicate'/);
});
