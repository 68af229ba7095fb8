/**
 * bench/utilization: how busy 4 workers stay when evaluation times vary (log-normal, median 20 ms,
 * sigma 1): our asynchronous steady-state evolution against our generational GA, and hand-written
 * mpi4py steady-state and generational masters, interleaved in one run.
 *
 *   node --import tsx bench/utilization/run.ts [--evals 1000] [--reps 3]
 *
 * Utilization = sum of the workers' evaluation seconds / (workers x run seconds). Writes
 * bench/out/utilization.md (stitched into bench/RESULTS.md by bench/run.sh).
 *
 * Pairing: with 1,000 log-normal evaluations, how much the last few cost (the workers that finish
 * early wait for the longest) depends on the draws as much as on the scheduler. So the mpi4py steady
 * master of each repetition is given exactly the evaluation times our async run of that repetition
 * drew, in the order it dispatched them (from its journal), and the target compares the two per pair.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { readJournal } from '../../src/results/journal.js';
import { delayMs } from '../../src/optimizees/benchmark/delay.js';

const WORKERS = 4;
const MEDIAN_MS = 20;
const SIGMA = 1;
const POP = 40;

interface Outcome { variant: string; utilization: number; seconds: number; evaluations: number }

function ours(variant: 'async' | 'ga', evals: number, rep: number): Outcome {
  const optimizer = variant === 'async' ? `{type: async-evolution, pop_size: ${POP}}` : `{type: ga, pop_size: ${POP}, tourn_size: 4}`;
  const file = `bench/out/utilization-${variant}.yaml`;
  writeFileSync(file, `name: utilization-${variant}\nseed: ${rep}\noptimizer: ${optimizer}\n` +
    `optimizee: {type: benchmark, preset: Rastrigin10d, delay: {median_ms: ${MEDIAN_MS}, sigma: ${SIGMA}}}\nstop: {evaluations: ${evals}}\n` +
    'dispatch: {inflight: 2}\n');
  const out = `bench/out/utilization-${variant}`;
  rmSync(out, { recursive: true, force: true });
  const r = spawnSync('launch/mpirun.sh', ['-n', String(WORKERS + 1), 'node', 'dist/main.js', 'run', file, '--out', out, '--quiet'], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`ours (${variant}) failed: ${r.stderr}`);
  const s = JSON.parse(readFileSync(`${out}/summary.json`, 'utf8')) as { evaluations: number; timing: { evaluationSeconds: number }; workers: Array<{ busySeconds: number }> };
  const busy = s.workers.reduce((a, w) => a + w.busySeconds, 0);
  // like the mpi4py masters' clocks: first dispatch to the last result (not the shutdown after it)
  const seconds = s.timing.evaluationSeconds;
  if (variant === 'async') {
    // the evaluation times this run drew, in the order it asked for them, for the paired mpi4py run
    const delays: number[] = [];
    for (const rec of readJournal(`${out}/generations.msgpack`).records) {
      for (const seed of rec.seed) delays.push(delayMs({ median_ms: MEDIAN_MS, sigma: SIGMA }, seed) / 1000);
    }
    writeFileSync(DELAYS, JSON.stringify(delays.slice(0, evals)));
  }
  return { variant: variant === 'async' ? 'ours: async-evolution (steady state)' : `ours: ga (generational, pop ${POP})`, utilization: busy / (WORKERS * seconds), seconds, evaluations: s.evaluations };
}

/** Our async run's evaluation times (seconds, in dispatch order), for the mpi4py steady master of the same repetition. */
const DELAYS = 'bench/out/utilization-delays.json';

function mpi4py(variant: 'steady' | 'generational', evals: number): Outcome {
  const paired = variant === 'steady' ? [DELAYS] : [];
  const r = spawnSync('launch/mpirun.sh', ['-n', String(WORKERS + 1), '/usr/bin/python3', 'bench/utilization/mpi4py_masters.py', variant, String(evals), String(POP), String(MEDIAN_MS), String(SIGMA), ...paired],
    { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`mpi4py ${variant} failed: ${r.stderr}`);
  const j = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { utilization: number; seconds: number; evaluations: number };
  return { ...j, variant: `mpi4py ${variant} master${variant === 'generational' ? ` (pop ${POP})` : ''}` };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function main(): void {
  const { values } = parseArgs({ options: { evals: { type: 'string', default: '1000' }, reps: { type: 'string', default: '3' } } });
  const evals = Number(values.evals);
  mkdirSync('bench/out', { recursive: true });
  const runs: Outcome[] = [];
  for (let rep = 1; rep <= Number(values.reps); rep++) {
    for (const run of [() => ours('async', evals, rep), () => mpi4py('steady', evals), () => ours('ga', evals, rep), () => mpi4py('generational', evals)]) {
      const o = run();
      runs.push(o);
      console.log(`[utilization] rep ${rep} ${o.variant}: ${(100 * o.utilization).toFixed(1)}% in ${o.seconds.toFixed(2)} s`);
    }
  }
  const variants = [...new Set(runs.map((r) => r.variant))];
  const row = (v: string) => {
    const mine = runs.filter((r) => r.variant === v);
    const u = mine.map((r) => 100 * r.utilization);
    return { v, med: median(u), lo: Math.min(...u), hi: Math.max(...u), secs: median(mine.map((r) => r.seconds)) };
  };
  const rows = variants.map(row);
  const asyncRow = rows.find((r) => r.v.startsWith('ours: async'))!;
  const gaRow = rows.find((r) => r.v.startsWith('ours: ga'))!;
  // per repetition: ours and the mpi4py steady master on the same evaluation times
  const oursAsync = runs.filter((r) => r.variant.startsWith('ours: async'));
  const theirs = runs.filter((r) => r.variant.startsWith('mpi4py steady'));
  const diffs = oursAsync.map((o, i) => 100 * (o.utilization - theirs[i].utilization));
  const diff = median(diffs);
  const md = [
    `${WORKERS} worker ranks (+ rank 0), ${evals} evaluations per run, evaluation times log-normal (median ${MEDIAN_MS} ms, sigma ${SIGMA}),`,
    `spent blocked (Atomics.wait / time.sleep), drawn per individual from its seed; ${values.reps} runs per variant, interleaved.`,
    'The mpi4py steady master of each repetition evaluates exactly the times our async run of that repetition drew, in its',
    'dispatch order (the tail, where early workers wait for the longest evaluation, depends on the draws); the generational',
    `master draws its own (numpy, seed 1). Work stealing (dispatch.steal) is on in ours, the default.`,
    'Utilization = the workers\' evaluation seconds / (workers x seconds from the first dispatch to the last result), for ours',
    '(summary.json timing.evaluationSeconds) and for the mpi4py masters alike.',
    '',
    '| variant | utilization (median) | runs: min - max | run seconds (median) |',
    '|---|---:|---:|---:|',
    ...rows.map((r) => `| ${r.v} | ${r.med.toFixed(1)}% | ${r.lo.toFixed(1)} - ${r.hi.toFixed(1)}% | ${r.secs.toFixed(2)} |`),
    '',
    '| target | measured | status |',
    '|---|---:|---|',
    `| async evolution keeps 4 workers >= 98% busy | ${asyncRow.med.toFixed(1)}% | ${asyncRow.med >= 98 ? 'met' : 'not met'} |`,
    `| async evolution's utilization >= the mpi4py steady master's on the same evaluation times (median of the per-pair differences; pairs ${diffs.map((d) => `${d >= 0 ? '+' : ''}${d.toFixed(2)}`).join(', ')} points) | ${diff >= 0 ? '+' : ''}${diff.toFixed(2)} points | ${diff >= 0 ? 'met' : 'not met'} |`,
    `| ... against the generational GA in the same run | ${gaRow.med.toFixed(1)}% | ${asyncRow.med > gaRow.med ? 'async higher' : 'async NOT higher'} |`,
    '',
  ];
  writeFileSync('bench/out/utilization.md', md.join('\n'));
  console.log(md.join('\n'));
}

main();
