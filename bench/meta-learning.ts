/**
 * Learning to learn that pays off: a GA tunes the cross-entropy method's hyper-parameters (elite
 * fraction rho, smoothing, population size) for fast progress on a family of benchmark functions
 * (Rastrigin, Ackley, Michalewicz, 2-D; 300 evaluations per run), as a nested experiment under
 * mpirun (two inner experiments at a time on groups of 2 ranks). Then the tuned hyper-parameters and
 * cross-entropy's defaults are re-run on held-out seeds (10 per function, none used in tuning) and on
 * two functions outside the family (Langermann2d, Shekel2d), and
 * compared by median over the seeds of two measures: the mean best-so-far over the run (the tuned
 * objective: the area under the convergence curve) and the best fitness at the end.
 *
 * Writes bench/out/meta-learning.md. Reports, never asserts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { outcomeOf, runInner } from '../src/experiment/execution/group.js';
import { experimentOptimizee, innerMetric } from '../src/optimizees/experiment/index.js';
import { InProcessHub } from '../src/runtime/in-process-transport.js';

const ROOT = new URL('..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'l2l-meta-bench-'));
const FAMILY = ['Rastrigin2d', 'Ackley2d', 'Michalewicz2d'];
const HELD_OUT_FUNCTIONS = ['Langermann2d', 'Shekel2d'];
const SEEDS = Array.from({ length: 10 }, (_, i) => 100_001 + i);
const BUDGET = 300;

const meta = `name: meta-ce-family
seed: 2026
optimizer: {type: ga, pop_size: 20, tourn_size: 3, mut_par: 0.15}
optimizee:
  type: experiment
  ranks: 2
  metric: mean-best-so-far
  repeats: 4
  inner:
    optimizer: {type: cross-entropy}
    optimizee: {type: benchmark, preset: Rastrigin2d}
    stop: {evaluations: ${BUDGET}}
  variants:
${FAMILY.map((f) => `    - {optimizee: {preset: ${f}}}`).join('\n')}
  parameters:
    - {path: optimizer.rho, lower: 0.1, upper: 0.9}
    - {path: optimizer.smoothing, lower: 0.0, upper: 0.9}
    - {path: optimizer.pop_size, lower: 20, upper: 60, integer: true}
stop: {generations: 15}
`;
const metaFile = join(dir, 'meta.yaml');
writeFileSync(metaFile, meta);
const t0 = performance.now();
const r = spawnSync(join(ROOT, 'launch/mpirun.sh'), ['-n', '5', process.execPath, join(ROOT, 'dist/main.js'), 'run', metaFile, '--out', join(dir, 'meta'), '--quiet'], { encoding: 'utf8' });
if (r.status !== 0) throw new Error(`the nested run failed: ${r.stderr}`);
const tuneSeconds = (performance.now() - t0) / 1000;
const summary = JSON.parse(readFileSync(join(dir, 'meta', 'summary.json'), 'utf8'));
const tuned = summary.best.individual as Record<string, number>;
const tunedCe = { rho: tuned['optimizer.rho'], smoothing: tuned['optimizer.smoothing'], pop_size: Math.round(tuned['optimizer.pop_size']) };

const cfg = experimentOptimizee.schema.parse({ inner: { optimizer: { type: 'cross-entropy' }, optimizee: { type: 'benchmark' }, stop: {} }, parameters: [{ path: 'optimizer.rho', lower: 0, upper: 1 }], metric: 'mean-best-so-far' });
let runs = 0;
async function measure(fn: string, seed: number, optimizer: Record<string, unknown>): Promise<{ auc: number; best: number }> {
  const out = join(dir, 'eval', `${fn}-${seed}-${runs++}`);
  const raw = { name: 'eval', seed, optimizer: { type: 'cross-entropy', ...optimizer }, optimizee: { type: 'benchmark', preset: fn }, stop: { evaluations: BUDGET } };
  const s = await runInner(new InProcessHub(1, hostname()).transports[0], raw, out, (await import('../src/runtime/log.js')).silentLogger);
  return { auc: innerMetric(cfg, outcomeOf(s, out)), best: s.best!.weightedFitness };
}
const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const rows: string[] = [];
let wins = 0;
let cases = 0;
for (const fn of [...FAMILY, ...HELD_OUT_FUNCTIONS]) {
  const d = { auc: [] as number[], best: [] as number[] };
  const t = { auc: [] as number[], best: [] as number[] };
  for (const seed of SEEDS) {
    const a = await measure(fn, seed, {});
    const b = await measure(fn, seed, tunedCe);
    d.auc.push(a.auc); d.best.push(a.best);
    t.auc.push(b.auc); t.best.push(b.best);
  }
  const better = (x: number, y: number) => (x > y ? 'tuned' : x < y ? 'defaults' : 'tie');
  const [mdA, mtA, mdB, mtB] = [median(d.auc), median(t.auc), median(d.best), median(t.best)];
  cases += 2;
  wins += Number(mtA > mdA) + Number(mtB > mdB);
  const perSeed = t.auc.filter((v, i) => v > d.auc[i]).length;
  rows.push(`| ${fn}${HELD_OUT_FUNCTIONS.includes(fn) ? ' (held-out function)' : ''} | ${mdA.toPrecision(4)} | ${mtA.toPrecision(4)} | ${better(mtA, mdA)} (tuned ahead on ${perSeed} of 10 seeds) | ${mdB.toPrecision(4)} | ${mtB.toPrecision(4)} | ${better(mtB, mdB)} |`);
}

const lines = [
  '### A GA tunes cross-entropy on a family of functions; the tuned settings against the defaults on held-out seeds',
  '',
  `Tuning: \`optimizee: {type: experiment}\`, GA (20 individuals, 15 generations) over cross-entropy's rho, smoothing and pop_size; each outer individual = ${FAMILY.length} functions x 4 seeds = ${FAMILY.length * 4} inner runs of ${BUDGET} evaluations, metric mean-best-so-far; under mpirun -n 5 (two inner experiments at a time): ${tuneSeconds.toFixed(1)} s, ${summary.evaluations} outer evaluations.`,
  '',
  `Tuned: rho ${tunedCe.rho.toFixed(3)}, smoothing ${tunedCe.smoothing.toFixed(3)}, pop_size ${tunedCe.pop_size}. Defaults: rho 0.9, smoothing 0, pop_size 50 (noisy Gaussian in both).`,
  '',
  `Held out: seeds ${SEEDS[0]}-${SEEDS.at(-1)} (tuning used others), and two functions outside the family. Median over the 10 seeds of each measure (weighted fitness: higher is better; the benchmark functions are minimised, so these are negated costs).`,
  '',
  '| function | mean best-so-far, defaults | tuned | better | best at the end, defaults | tuned | better |',
  '|---|---:|---:|---|---:|---:|---|',
  ...rows,
  '',
  `The tuned settings win ${wins} of ${cases} comparisons.`,
  '',
];
process.stdout.write(lines.join('\n') + '\n');
mkdirSync(join(ROOT, 'bench/out'), { recursive: true });
writeFileSync(join(ROOT, 'bench/out/meta-learning.md'), lines.join('\n') + '\n');
process.exit(0);
