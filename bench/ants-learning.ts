/**
 * Do spiking ant brains learn? The GA of examples/ants-snn.yaml (pop 32, cx 0.7, mut 0.7, ind_prob
 * 0.45, tournament 4; 15 ants per colony, each its own spiking network of 250 weights and 250 delays;
 * fitness: the food 2 seeded colonies return to the nest in 400 ticks, their mean) against random
 * networks with the same budget (`type: random`, 32 fresh uniform genomes per generation, so at least
 * as many evaluations as the GA, which does not re-evaluate unchanged individuals), for 5 seeds each,
 * every run through the real CLI under mpirun (dist/main.js run). Seed k sets the experiment's `seed`
 * and `colony_seed` both: the GA and random search of a seed score their networks on the same two
 * colonies, and the five seeds on five different pairs.
 *
 * Per generation: the best food returned so far in each run (from its generations.msgpack), its median
 * over the seeds, and the min and max. Draws docs/img/ants-learning.png (median lines, min-max bands)
 * and writes bench/out/ants-learning.md. Reports, never asserts.
 *
 *   node --import tsx bench/ants-learning.ts [--generations 30] [--seeds 5] [--ranks N]
 *
 * (--ranks: mpirun's -n, default the cores + 1 between 3 and 9: one worker rank per core.)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { TopLevelSpec } from 'vega-lite';
import { CONFIG, WIDTH } from '../src/report/figure-style.js';
import { renderPng, renderSvg } from '../src/report/render.js';
import { readJournal } from '../src/results/journal.js';

const ROOT = new URL('..', import.meta.url).pathname;
const { values: args } = parseArgs({
  options: { generations: { type: 'string', default: '30' }, seeds: { type: 'string', default: '5' }, ranks: { type: 'string' } },
});
const GENERATIONS = Number(args.generations);
const SEEDS = Array.from({ length: Number(args.seeds) }, (_, k) => 1 + k);
const RANKS = args.ranks ? Number(args.ranks) : Math.min(9, Math.max(3, availableParallelism() + 1));
const POP = 32;
const FIGURE = join(ROOT, 'docs', 'img', 'ants-learning.png');

const METHODS = {
  ga: `{type: ga, pop_size: ${POP}, cx_prob: 0.7, mut_prob: 0.7, ind_prob: 0.45, tourn_size: 4}`,
  random: `{type: random, pop_size: ${POP}}`,
} as const;
type Method = keyof typeof METHODS;
const LABEL: Record<Method, string> = { ga: 'GA', random: 'random networks' };

const experiment = (method: Method, seed: number) => `name: ants-learning-${method}-${seed}
seed: ${seed}
optimizer: ${METHODS[method]}
optimizee:
  type: ants
  brain: snn
  ticks: 400
  colonies: 2
  colony_seed: ${seed}
  population: 15
  parameters:
    - {path: weights, lower: -20, upper: 20}
    - {path: delays, lower: 1, upper: 7}
stop: {generations: ${GENERATIONS}}
`;

interface Run { bestSoFar: number[]; evaluations: number[]; seconds: number }

const dir = mkdtempSync(join(tmpdir(), 'l2l-ants-learning-'));
function run(method: Method, seed: number): Run {
  const file = join(dir, `${method}-${seed}.yaml`);
  const out = join(dir, `${method}-${seed}`);
  writeFileSync(file, experiment(method, seed));
  const t0 = performance.now();
  const r = spawnSync(join(ROOT, 'launch/mpirun.sh'), ['-n', String(RANKS), process.execPath, join(ROOT, 'dist/main.js'), 'run', file, '--out', out, '--quiet'], { cwd: dir, encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${method} seed ${seed} failed (exit ${r.status}): ${r.stderr || r.stdout}`);
  const { records } = readJournal(join(out, 'generations.msgpack'));
  const bestSoFar: number[] = [], evaluations: number[] = [];
  let best = -Infinity, evals = 0;
  for (const rec of records) {
    for (const w of rec.weighted) best = Math.max(best, w); // failed: -Infinity
    evals += rec.weighted.length;
    bestSoFar.push(best);
    evaluations.push(evals);
  }
  if (bestSoFar.length !== GENERATIONS) throw new Error(`${method} seed ${seed}: ${bestSoFar.length} generations recorded, expected ${GENERATIONS}`);
  console.log(`${method} seed ${seed}: best ${best} after ${evals} evaluations, ${seconds.toFixed(1)} s`);
  return { bestSoFar, evaluations, seconds };
}

const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const t0 = performance.now();
const runs: Record<Method, Run[]> = { ga: [], random: [] };
for (const seed of SEEDS) for (const m of ['ga', 'random'] as const) runs[m].push(run(m, seed));
const totalSeconds = (performance.now() - t0) / 1000;
rmSync(dir, { recursive: true, force: true });

interface Point { method: string; generation: number; median: number; lo: number; hi: number; evaluations: number }
const points: Point[] = [];
for (const m of ['ga', 'random'] as const) {
  for (let g = 0; g < GENERATIONS; g++) {
    const v = runs[m].map((r) => r.bestSoFar[g]);
    points.push({ method: LABEL[m], generation: g + 1, median: median(v), lo: Math.min(...v), hi: Math.max(...v), evaluations: median(runs[m].map((r) => r.evaluations[g])) });
  }
}
const at = (m: Method, g: number) => points.find((p) => p.method === LABEL[m] && p.generation === g)!;
const last = { ga: at('ga', GENERATIONS), random: at('random', GENERATIONS) };
const gaAhead = SEEDS.filter((_, k) => runs.ga[k].bestSoFar[GENERATIONS - 1] > runs.random[k].bestSoFar[GENERATIONS - 1]).length;

// The figure: median best-so-far per generation, the min-max over the seeds shaded.
const LEGEND = { title: null, orient: 'top-left', symbolOpacity: 1, symbolStrokeWidth: 3 } as const;
const colours = { domain: [LABEL.ga, LABEL.random], range: ['#c0392b', '#1f5fa8'] };
const spec: TopLevelSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  config: CONFIG,
  title: {
    text: 'Spiking ant brains: GA against random networks',
    subtitle: [
      'best food returned so far (mean of 2 colonies, 15 ants, 400 ticks)',
      `median over ${SEEDS.length} seeds, min-max shaded; ${POP} networks per generation`,
    ],
  },
  width: WIDTH,
  height: 320,
  data: { values: points },
  encoding: {
    x: { field: 'generation', type: 'quantitative', title: 'generation', scale: { domain: [1, GENERATIONS], nice: false }, axis: { tickMinStep: 1 } },
  },
  layer: [
    { mark: { type: 'area', opacity: 0.2 }, encoding: { y: { field: 'lo', type: 'quantitative', title: 'best food returned so far (units)' }, y2: { field: 'hi' }, fill: { field: 'method', type: 'nominal', scale: colours, legend: LEGEND } } },
    { mark: { type: 'line', strokeWidth: 2.5, point: { size: 22 } }, encoding: { y: { field: 'median', type: 'quantitative' }, color: { field: 'method', type: 'nominal', scale: colours, legend: LEGEND } } },
  ],
};
mkdirSync(join(ROOT, 'docs', 'img'), { recursive: true });
writeFileSync(FIGURE, renderPng(await renderSvg(spec), 1.5));

const f = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
const lines = [
  `examples/ants-snn.yaml's GA (pop ${POP}, cx 0.7, mut 0.7, ind_prob 0.45, tournament 4) against random search (\`type: random\`, ${POP} uniform genomes per generation) on the same experiment: 15 ants per colony, each steered by its own spiking network (250 weights in [-20, 20], 250 delays in [1, 7]); fitness the food 2 colonies return in 400 ticks (their mean). ${GENERATIONS} generations, seeds ${SEEDS[0]}-${SEEDS.at(-1)} (each the experiment's \`seed\` and \`colony_seed\`: GA and random search of a seed face the same colonies). Each run through \`launch/mpirun.sh -n ${RANKS} node dist/main.js run\`; ${Math.round(totalSeconds)} s for the ${2 * SEEDS.length} runs (GA ${f(median(runs.ga.map((r) => r.seconds)))} s, random ${f(median(runs.random.map((r) => r.seconds)))} s, medians).`,
  '',
  `Best food returned so far, median over the seeds [min, max]; evaluations: the median run's count by then (the GA re-evaluates only the individuals it changed). Figure: docs/img/ants-learning.png.`,
  '',
  '| generation | GA | random networks | GA evaluations | random evaluations |',
  '|---:|---:|---:|---:|---:|',
  ...Array.from({ length: GENERATIONS }, (_, g) => {
    const a = at('ga', g + 1), b = at('random', g + 1);
    return `| ${g + 1} | ${f(a.median)} [${f(a.lo)}, ${f(a.hi)}] | ${f(b.median)} [${f(b.lo)}, ${f(b.hi)}] | ${f(a.evaluations)} | ${f(b.evaluations)} |`;
  }),
  '',
  `After ${GENERATIONS} generations: GA ${f(last.ga.median)} (median), random networks ${f(last.random.median)}; the GA ahead on ${gaAhead} of ${SEEDS.length} seeds. Per seed, GA / random: ${SEEDS.map((s, k) => `${s}: ${f(runs.ga[k].bestSoFar[GENERATIONS - 1])} / ${f(runs.random[k].bestSoFar[GENERATIONS - 1])}`).join('; ')}.`,
  '',
  '![best food returned so far per generation, GA against random networks](../docs/img/ants-learning.png)',
  '',
];
process.stdout.write(lines.join('\n') + '\n');
mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'out', 'ants-learning.md'), lines.join('\n') + '\n');
