// Quality benchmark: median and inter-quartile best value over seeds at a fixed evaluation budget on the
// 10-D Rastrigin, Rosenbrock and Ackley, for every registered optimizer (its variants from settings.ts),
// side by side in one run with DEAP's GA and CMA-ES and Optuna's CMA-ES and TPE (baselines.py).
//
//   node --import tsx bench/quality/run.ts [--seeds 10] [--budget 10000] [--only ga,cmaes,deap-ga] [--jobs 2]
//
// The baselines run in a child process (--jobs worker processes) while our cores run here, in-process.
// Writes bench/out/quality.json (every run) and bench/out/quality.md (the section bench/run.sh stitches
// into bench/RESULTS.md). It reports figures; it never asserts them.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { OptimizerFactory } from '../../src/core/optimizer.js';
import { BenchmarkOptimizee, benchmarkSchema, resolveBenchmark } from '../../src/optimizees/benchmark/index.js';
import { listOptimizers } from '../../src/optimizers/registry.js';
import { runOne, type RunResult } from './drive.js';
import { functionTable, targetTable, type Row, type Target } from './report.js';
import {
  BASELINE_BUDGETS, BASELINES, cmaStart, DEFAULT_BUDGET, DEFAULT_SEEDS, GA_SETTINGS, PROBLEMS, seedList, SETTINGS,
  type ProblemKey, type RunInfo, type Variant,
} from './settings.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const OUT = join(ROOT, 'bench/out');
const PYTHON = '/usr/bin/python3'; // Debian's, with python3-deap and python3-optuna (the pyenv on PATH has neither)
const BASELINES_PY = join(ROOT, 'bench/quality/baselines.py');

const { values: args } = parseArgs({
  options: {
    seeds: { type: 'string', default: String(DEFAULT_SEEDS) },
    budget: { type: 'string', default: String(DEFAULT_BUDGET) },
    only: { type: 'string' },
    jobs: { type: 'string', default: '2' },
    'max-run-seconds': { type: 'string', default: '120' },
  },
});
const seeds = seedList(Number(args.seeds));
const budget = Number(args.budget);
const only = args.only?.split(',').map((s) => s.trim()).filter((s) => s !== '');
const wanted = (name: string) => only === undefined || only.includes(name);

const problems = PROBLEMS.map((p) => {
  const opt = new BenchmarkOptimizee(resolveBenchmark(benchmarkSchema.parse({ preset: p.preset })));
  const [lo, hi] = opt.generator.bounds;
  return { ...p, lo, hi, dim: opt.space.dim, space: opt.space, fn: opt.generator.value };
});
const info = (key: ProblemKey, seed: number): RunInfo => {
  const p = problems.find((q) => q.key === key)!;
  return { problem: key, dim: p.dim, lo: p.lo, hi: p.hi, budget, seed };
};

/** Our functions and baselines.py's at one point: they must agree, or the comparison means nothing. */
function checkFunctions(): string {
  const x = Float64Array.from({ length: 10 }, (_, i) => 0.37 * (i + 1) - 1.9);
  const r = spawnSync(PYTHON, [BASELINES_PY, `--check=${Array.from(x).join(',')}`], { encoding: 'utf8' });
  if (r.status !== 0) return `function check: baselines.py failed (${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)})`;
  const theirs = JSON.parse(r.stdout) as Record<string, number>;
  const diffs = problems.map((p) => {
    const ours = p.fn(x);
    return { key: p.key, ours, rel: Math.abs(ours - theirs[p.key]) / Math.max(1, Math.abs(ours)) };
  });
  const worst = Math.max(...diffs.map((d) => d.rel));
  const at = `x_i = 0.37 i - 1.9 (i = 1..10): ${diffs.map((d) => `${d.key} ${d.ours.toPrecision(12)}`).join(', ')}`;
  return `function check (ours vs baselines.py): ${worst < 1e-12 ? 'agree' : 'DISAGREE'} to ${worst.toExponential(1)} (relative) at ${at}`;
}

/** Starts baselines.py on the wanted baselines; resolves with its JSON (or an error text) when it ends. */
function startBaselines(): Promise<{ runs: Array<RunResult & { baseline: string; function: ProblemKey; note?: string | null }>; seconds: number; jobs: number; versions: Record<string, string> } | string> {
  const names = BASELINES.filter(wanted);
  if (names.length === 0) return Promise.resolve('no baselines selected');
  const cfg = {
    baselines: names, budget, seeds,
    budgets: Object.fromEntries(Object.entries(BASELINE_BUDGETS).map(([k, v]) => [k, Math.min(v.budget, budget)])),
    ga: GA_SETTINGS,
    functions: problems.map((p) => ({
      name: p.key, lo: p.lo, hi: p.hi, dim: p.dim,
      sigma0: cmaStart(info(p.key, seeds[0])).sigma0, x0: seeds.map((s) => cmaStart(info(p.key, s)).x0),
    })),
  };
  const inPath = join(OUT, 'quality-baselines-in.json');
  const outPath = join(OUT, 'quality-baselines.json');
  writeFileSync(inPath, JSON.stringify(cfg));
  const log = openSync(join(OUT, 'quality-baselines.log'), 'w');
  const child = spawn(PYTHON, [BASELINES_PY, '--config', inPath, '--out', outPath, '--jobs', args.jobs!], { cwd: ROOT, stdio: ['ignore', log, log] });
  return new Promise((done) => {
    child.on('error', (e) => done(`baselines.py did not start: ${e.message}`));
    child.on('close', (code) => {
      if (code !== 0) return done(`baselines.py exit code ${code} (see bench/out/quality-baselines.log)`);
      done(JSON.parse(readFileSync(outPath, 'utf8')));
    });
  });
}

function variantsOf(f: OptimizerFactory): Variant[] | string {
  const s = SETTINGS[f.type];
  if (s === undefined) return [{ label: `${f.type} (factory defaults)`, params: () => ({}) }];
  return 'skip' in s ? `skipped: ${s.skip}` : s;
}

/** Every (function, seed) run of one variant, or the reason it cannot run. */
function runVariant(f: OptimizerFactory, v: Variant): Row {
  const row: Row = { label: v.label, ours: true, runs: {} };
  const probe = f.schema.safeParse(v.params(info(problems[0].key, seeds[0])));
  if (!probe.success) {
    const why = probe.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ').slice(0, 200);
    return { ...row, status: v.optional ? `not run: the factory refuses these settings (${why})` : `failed: settings refused: ${why}` };
  }
  for (const p of problems) {
    const runs: RunResult[] = [];
    for (const seed of seeds) {
      const parsed = f.schema.safeParse(v.params(info(p.key, seed)));
      runs.push(parsed.success
        ? runOne({ factory: f, params: parsed.data, space: p.space, fn: p.fn, seed, budget, inFlight: v.inFlight ?? 8, maxSeconds: Number(args['max-run-seconds']) })
        : { seed, best: NaN, evaluations: 0, seconds: 0, error: `settings refused: ${parsed.error.issues[0]?.message}` });
    }
    row.runs[p.key] = runs;
    const med = [...runs].map((r) => r.best).sort((a, b) => a - b)[runs.length >> 1];
    console.log(`  ${v.label.padEnd(34)} ${p.key.padEnd(10)} median best ${med?.toPrecision(4)}  (${runs.filter((r) => r.error).length} failed)`);
  }
  return row;
}

const BASELINE_LABEL: Record<string, string> = {
  'deap-ga': 'DEAP GA (reference settings)',
  'deap-cmaes': 'DEAP CMA-ES (no restarts)',
  'optuna-cmaes': 'Optuna CMA-ES sampler (no restarts)',
  'optuna-tpe': 'Optuna TPE sampler',
};

function baselineRows(res: Awaited<ReturnType<typeof startBaselines>>): Row[] {
  if (typeof res === 'string') return BASELINES.filter(wanted).map((b) => ({ label: BASELINE_LABEL[b], ours: false, status: `failed: ${res}`, runs: {} }));
  return BASELINES.filter(wanted).map((b) => {
    const row: Row = { label: BASELINE_LABEL[b], ours: false, runs: {} };
    if (BASELINE_BUDGETS[b] && BASELINE_BUDGETS[b].budget < budget) row.budgetNote = `budget ${BASELINE_BUDGETS[b].budget} trials: ${BASELINE_BUDGETS[b].why}`;
    for (const p of problems) {
      row.runs[p.key] = res.runs.filter((r) => r.baseline === b && r.function === p.key)
        .map((r) => ({ seed: r.seed, best: r.best ?? NaN, evaluations: r.evaluations ?? 0, seconds: r.seconds ?? 0, ...(r.note ? { stopped: r.note } : {}), ...(r.error ? { error: r.error } : {}) }));
    }
    return row;
  });
}

const TARGETS: Target[] = [
  ...problems.map((p): Target => ({ what: 'our GA at least as good as DEAP\'s GA (same settings)', problem: p.key, ours: 'ga', theirs: BASELINE_LABEL['deap-ga'], kind: 'at-least-as-good' })),
  ...(['deap-cmaes', 'optuna-cmaes'] as const).flatMap((b) => problems.map((p): Target => ({
    what: `our CMA-ES (no restarts) at least as good as ${BASELINE_LABEL[b]}`, problem: p.key, ours: 'cmaes (restarts none)', theirs: BASELINE_LABEL[b], kind: 'at-least-as-good',
  }))),
  ...(['ipop', 'bipop', 'ipop, pop_size 20'] as const).map((r): Target => ({
    what: `our CMA-ES with ${r.toUpperCase()} restarts clearly better than DEAP's CMA-ES without`, problem: 'rastrigin', ours: `cmaes (restarts ${r})`, theirs: BASELINE_LABEL['deap-cmaes'], kind: 'clearly-better',
  })),
];

/** Rows of ours that found exactly the same values on every seed and function: worth a word, not a bug per se. */
function identicalRows(rows: readonly Row[]): string[] {
  const key = (r: Row) => (r.status === undefined ? JSON.stringify(problems.map((p) => r.runs[p.key]?.map((x) => [x.best, x.evaluations]))) : undefined);
  const out: string[] = [];
  rows.forEach((a, i) => rows.slice(i + 1).forEach((b) => {
    if (a.ours && b.ours && key(a) !== undefined && key(a) === key(b)) out.push(`- ${a.label} and ${b.label} found identical values with identical evaluations on every seed and function.`);
  }));
  return out;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const t0 = Date.now();
  const load0 = loadavg();
  const factories = listOptimizers();
  console.log(`quality: registered ${factories.map((f) => f.type).join(', ')}; ${seeds.length} seeds, budget ${budget}`);
  const check = checkFunctions();
  console.log(check);
  const baselines = startBaselines();
  const rows: Row[] = [];
  for (const f of factories.filter((g) => wanted(g.type))) {
    const vs = variantsOf(f);
    if (typeof vs === 'string') rows.push({ label: f.type, ours: true, status: vs, runs: {} });
    else for (const v of vs) rows.push(runVariant(f, v));
  }
  const oursSeconds = (Date.now() - t0) / 1000;
  console.log(`quality: our optimizers done in ${oursSeconds.toFixed(0)} s; waiting for the baselines`);
  const res = await baselines;
  rows.push(...baselineRows(res));
  const total = (Date.now() - t0) / 1000;
  writeFileSync(join(OUT, 'quality.json'), JSON.stringify({ seeds, budget, rows, baselines: typeof res === 'string' ? res : { seconds: res.seconds, versions: res.versions } }, null, 1));
  writeFileSync(join(OUT, 'quality.md'), markdown(rows, factories, check, res, { total, oursSeconds, load0 }).join('\n') + '\n');
  console.log(`quality: wrote bench/out/quality.md in ${total.toFixed(0)} s`);
}

function markdown(rows: Row[], factories: readonly OptimizerFactory[], check: string, res: Awaited<ReturnType<typeof startBaselines>>, t: { total: number; oursSeconds: number; load0: number[] }): string[] {
  const py = typeof res === 'string' ? res : `${res.seconds.toFixed(0)} s in ${res.jobs} process(es), concurrently with ours; ${Object.entries(res.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`;
  const out = [
    `Best value found (minimised; the optimum is 0) over ${seeds.length} seeds (${seeds[0]}..${seeds.at(-1)}) at a budget of ${budget} evaluations, on the reference's 10-D presets`,
    'Rastrigin10d [-5,5], Rosenbrock10d [-2,2], Ackley10d [-2,2] (the project\'s own functions; the baselines use the same formulas in Python and minimise f(clip(x))).',
    'Each run stops at the budget or at the optimizer\'s own stop(); the generation that would cross the budget is evaluated only up to it and not told. "evaluations" is what the runs used; "s per run" is the median wall time of one run',
    '(ours in-process in one Node thread, the baselines at the same time in Python processes: compare times loosely). Settings: bench/quality/settings.ts.',
    '',
    `- registered optimizers: ${factories.map((f) => f.type).join(', ')}${only ? ` (this run: --only ${only.join(',')})` : ''}`,
    `- ${check}`,
    `- wall time: ${t.total.toFixed(0)} s in all; ours ${t.oursSeconds.toFixed(0)} s; baselines ${py}`,
    `- load average (1/5/15 min) at the start: ${t.load0.map((l) => l.toFixed(2)).join(' ')}; at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    `- GA settings, ours and DEAP's: ${JSON.stringify(GA_SETTINGS)}; CMA-ES (ours, DEAP's, Optuna's): x0 uniform in the box per seed, the same for all three, sigma0 = box width / 5, default population (10 in 10-D)`,
    '',
  ];
  for (const p of problems) out.push(`### ${p.preset} [${p.lo}, ${p.hi}]`, '', ...functionTable(rows, p.key), '');
  out.push('### Targets', '', ...targetTable(rows, TARGETS), '', ...identicalRows(rows), '');
  out.push('Baselines: DEAP GA = L2L\'s GeneticAlgorithmOptimizer loop (selTournament, cxBlend, mutGaussian, clip after each operator, exact duplicates mutated again with probability 0.8, touched individuals re-evaluated);',
    'DEAP CMA-ES = deap.cma.Strategy with no stop criterion (runs end at the budget, or where its update over/underflows); Optuna CMA-ES = CmaEsSampler(x0, sigma0) without restart_strategy, the study stopped when its cmaes.CMA says should_stop() (it would otherwise sample a converged distribution to the end); Optuna TPE = TPESampler() defaults.');
  return out;
}

await main();
