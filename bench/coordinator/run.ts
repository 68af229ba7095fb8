/**
 * bench/coordinator: what rank 0 costs and how well it hides latency, the figures docs/scaling.md
 * builds its model on. Every run goes through the whole stack (launch/mpirun.sh, dist/main.js) with
 * every individual recorded, checkpoints and the event log on (the defaults).
 *
 *   node --import tsx bench/coordinator/run.ts [--reps 3] [--quick]
 *
 * 1. Asynchronous evolution, trivial evaluations (10-D sphere), 4 ranks: evaluations/s.
 * 2. Latency hiding: 4 workers, evaluations of a fixed 10 ms and 1 ms (blocked, not spinning);
 *    efficiency = ideal wall time (evaluations x t / 4) over the measured one (first dispatch to the
 *    last result), for random search (a generation barrier every 400 or 4,000) and async evolution.
 * 3. Rank 0's cost per evaluation and per message: 2 ranks, random search with batches fixed at 1,
 *    16, 256 and 4,096 individuals; rank 0's CPU seconds (summary.rank0, every thread of the process)
 *    per evaluation, fitted as c_eval + c_msg / batch by least squares.
 * 4. Memory: rank 0's peak resident set at 10^6 and 10^7 trivial evaluations (2 ranks).
 *
 * Writes bench/out/coordinator.md (stitched into bench/RESULTS.md by bench/run.sh) and
 * bench/out/coordinator.json (every run). It reports figures; it never asserts them.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';

interface Summary {
  evaluations: number;
  timing: { runSeconds: number; evaluationSeconds: number };
  workers: Array<{ busySeconds: number }>;
  rank0?: { cpuSeconds: number; peakRssMiB: number };
  dispatch?: { batches: number };
}

interface Run { name: string; ranks: number; summary: Summary; load1: number }

const runs: Run[] = [];

function run(name: string, ranks: number, yaml: string, timeoutS = 900): Summary {
  mkdirSync('bench/out/coordinator', { recursive: true });
  const file = `bench/out/coordinator/${name}.yaml`;
  writeFileSync(file, `name: ${name}\nseed: 1\n${yaml}`);
  const out = `bench/out/coordinator/${name}`;
  rmSync(out, { recursive: true, force: true });
  const load1 = loadavg()[0];
  const r = spawnSync('bash', ['launch/mpirun.sh', '-n', String(ranks), 'node', 'dist/main.js', 'run', file, '--out', out, '--quiet'], { encoding: 'utf8', timeout: timeoutS * 1000 });
  if (r.status !== 0) throw new Error(`${name} failed (exit ${r.status}): ${r.stderr.slice(-2000)}`);
  const summary = JSON.parse(readFileSync(`${out}/summary.json`, 'utf8')) as Summary;
  runs.push({ name, ranks, summary, load1 });
  rmSync(out, { recursive: true, force: true }); // 10^7 evaluations leave ~2 GB
  return summary;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const int = (x: number) => Math.round(x).toLocaleString('en-US');
const SPHERE = 'optimizee: {type: benchmark, functions: [{function: sphere}], dims: 10}\n';

function main(): void {
  const { values } = parseArgs({ options: { reps: { type: 'string', default: '3' }, quick: { type: 'boolean', default: false } } });
  const reps = Number(values.reps);
  const quick = values.quick;
  const md: string[] = [];
  const targets: string[] = [];

  // 1. asynchronous evolution, trivial evaluations, 4 ranks
  const asyncEvals = quick ? 200_000 : 1_000_000;
  const asyncRates: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const s = run(`async-trivial-${rep}`, 4, `optimizer: {type: async-evolution, pop_size: 50}\n${SPHERE}stop: {evaluations: ${asyncEvals}}\n`);
    asyncRates.push(s.evaluations / s.timing.runSeconds);
    console.log(`[coordinator] async evolution, 4 ranks: ${int(asyncRates.at(-1)!)} evals/s`);
  }
  const asyncMed = median(asyncRates);
  md.push('### Asynchronous evolution, trivial evaluations', '',
    `async-evolution (pop_size 50) on the 10-D sphere, ${int(asyncEvals)} evaluations, 4 ranks (1 coordinator + 3 workers), ${reps} runs:`,
    `median ${int(asyncMed)} evaluations/s (runs ${asyncRates.map(int).join(', ')}), evaluations / summary timing.runSeconds.`, '');
  targets.push(`| asynchronous evolution, trivial evaluations, 4 ranks: >= 300,000 evals/s | ${int(asyncMed)} | ${asyncMed >= 300_000 ? 'met' : 'not met'} |`);

  // 2. latency hiding
  md.push('### Latency hiding (4 workers, fixed evaluation times)', '',
    '| evaluation | optimizer | evaluations | ideal s | measured s (median) | efficiency (median) | runs | mean evaluation ms | efficiency on measured evaluation times (median) |', '|---|---|---:|---:|---:|---:|---|---:|---:|');
  for (const ms of [10, 1]) {
    const evals = quick ? 2000 : ms === 10 ? 4000 : 40_000;
    const pop = ms === 10 ? 400 : 4000;
    for (const [label, optimizer, stop] of [
      [`random search, pop ${pop}`, `{type: random, pop_size: ${pop}}`, `{generations: ${Math.round(evals / pop)}}`],
      ['async-evolution, pop 50', '{type: async-evolution, pop_size: 50}', `{evaluations: ${evals}}`],
    ] as const) {
      const eff: number[] = [];
      const secs: number[] = [];
      const own: number[] = [];
      const evalMs: number[] = [];
      for (let rep = 0; rep < reps; rep++) {
        const s = run(`latency-${ms}ms-${optimizer.includes('random') ? 'random' : 'async'}-${rep}`, 5,
          `optimizer: ${optimizer}\noptimizee: {type: benchmark, functions: [{function: sphere}], dims: 10, delay: {median_ms: ${ms}, sigma: 0}}\nstop: ${stop}\n`);
        const ideal = (s.evaluations * ms) / 1000 / 4;
        secs.push(s.timing.evaluationSeconds);
        eff.push(ideal / s.timing.evaluationSeconds);
        const busy = s.workers.reduce((a, w) => a + w.busySeconds, 0);
        own.push(busy / 4 / s.timing.evaluationSeconds);
        evalMs.push((1000 * busy) / s.evaluations);
      }
      const e = median(eff);
      const eo = median(own);
      const n = Math.round(evals / (label.startsWith('random') ? pop : 1)) * (label.startsWith('random') ? pop : 1);
      md.push(`| ${ms} ms | ${label} | ${int(n)} | ${((n * ms) / 4000).toFixed(2)} | ${median(secs).toFixed(2)} | ${e.toFixed(3)} | ${eff.map((x) => x.toFixed(3)).join(', ')} | ${median(evalMs).toFixed(3)} | ${eo.toFixed(3)} |`);
      targets.push(`| latency hiding, ${ms} ms evaluations on 4 workers (${label}): efficiency >= 0.97 | ${e.toFixed(3)} | ${e >= 0.97 ? 'met' : 'not met'} |`);
      targets.push(`| ... on the evaluations' measured times (the sleep's overshoot counted as evaluation) | ${eo.toFixed(3)} | ${eo >= 0.97 ? 'met' : 'not met'} |`);
      console.log(`[coordinator] latency ${ms} ms ${label}: efficiency ${e.toFixed(3)}`);
    }
    // the same fixed times through bench/utilization's mpi4py steady-state master, in the same run
    const eff: number[] = [];
    const secs: number[] = [];
    const own: number[] = [];
    const evalMs: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const r = spawnSync('bash', ['launch/mpirun.sh', '-n', '5', '/usr/bin/python3', 'bench/utilization/mpi4py_masters.py', 'steady', String(evals), '40', String(ms), '0'], { encoding: 'utf8', timeout: 600_000 });
      if (r.status !== 0) break;
      const j = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { seconds: number; evaluations: number; busy_seconds: number };
      secs.push(j.seconds);
      eff.push((j.evaluations * ms) / 1000 / 4 / j.seconds);
      own.push(j.busy_seconds / 4 / j.seconds);
      evalMs.push((1000 * j.busy_seconds) / j.evaluations);
    }
    if (eff.length) md.push(`| ${ms} ms | mpi4py steady-state master (baseline) | ${int(evals)} | ${((evals * ms) / 4000).toFixed(2)} | ${median(secs).toFixed(2)} | ${median(eff).toFixed(3)} | ${eff.map((x) => x.toFixed(3)).join(', ')} | ${median(evalMs).toFixed(3)} | ${median(own).toFixed(3)} |`);
  }
  md.push('', 'Ideal = evaluations x evaluation time / 4 workers; measured = summary timing.evaluationSeconds (first dispatch',
    'to the last result told; for mpi4py its master\'s own clock over the same span). The evaluation time is spent blocked',
    '(Atomics.wait; time.sleep in Python), and a blocked wait overshoots: alone on this machine, 1 ms waits take 1.08 ms in',
    'Node and in Python alike, 10 ms ones 10.10 ms (the kernel\'s 50 us timer slack and the wake-up), so at 1 ms no',
    'dispatcher reaches 0.97 against the nominal time. The last columns count what the evaluations actually took (the',
    'workers\' own clocks) as the ideal: what is lost between evaluations, the dispatcher\'s share.', '');

  // 3. cost per evaluation and per message
  md.push("### Rank 0's cost per evaluation and per message (2 ranks, random search, 10-D sphere)", '',
    '| batch (fixed) | evaluations | messages | rank 0 CPU s | CPU us per evaluation (median) | evals/s (median) |', '|---:|---:|---:|---:|---:|---:|');
  const fit: Array<{ batch: number; us: number }> = [];
  for (const batch of [1, 16, 256, 4096]) {
    const gens = quick ? 2 : batch === 1 ? 4 : batch === 16 ? 10 : 25;
    const us: number[] = [];
    const rates: number[] = [];
    let last: Summary | null = null;
    for (let rep = 0; rep < reps; rep++) {
      const s = run(`cost-batch${batch}-${rep}`, 2, `optimizer: {type: random, pop_size: 20000}\n${SPHERE}stop: {generations: ${gens}}\ndispatch: {batch: ${batch}}\n`);
      us.push((1e6 * s.rank0!.cpuSeconds) / s.evaluations);
      rates.push(s.evaluations / s.timing.runSeconds);
      last = s;
    }
    fit.push({ batch, us: median(us) });
    md.push(`| ${batch} | ${int(last!.evaluations)} | ${int(last!.dispatch?.batches ?? NaN)} | ${last!.rank0!.cpuSeconds.toFixed(2)} | ${median(us).toFixed(3)} | ${int(median(rates))} |`);
    console.log(`[coordinator] batch ${batch}: ${median(us).toFixed(3)} us CPU per evaluation on rank 0`);
  }
  // least squares of us = c_eval + c_msg / batch
  const xs = fit.map((f) => 1 / f.batch);
  const ys = fit.map((f) => f.us);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const cMsg = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  const cEval = my - cMsg * mx;
  md.push('', `Fit (least squares over the four medians): rank 0 spends **c_eval = ${cEval.toFixed(3)} us per evaluation** and`,
    `**c_msg = ${cMsg.toFixed(2)} us per message pair** (one batch out, its results back) of CPU time, every thread of the`,
    'process counted (the JS thread, the garbage collector\'s helpers, the file writes on libuv\'s pool).', '');

  // 4. memory at 10^6 and 10^7 evaluations
  md.push("### Rank 0's peak memory (2 ranks, random search, pop 20,000, 10-D sphere)", '', '| evaluations | rank 0 peak RSS (MiB) | run s |', '|---:|---:|---:|');
  const mem: Record<number, number> = {};
  for (const evals of quick ? [1e5, 1e6] : [1e6, 1e7]) {
    const s = run(`memory-${evals}`, 2, `optimizer: {type: random, pop_size: 20000}\n${SPHERE}stop: {generations: ${evals / 20000}}\n`, 1800);
    mem[evals] = s.rank0!.peakRssMiB;
    md.push(`| ${int(evals)} | ${s.rank0!.peakRssMiB.toFixed(0)} | ${s.timing.runSeconds.toFixed(1)} |`);
    console.log(`[coordinator] ${int(evals)} evaluations: rank 0 peak ${s.rank0!.peakRssMiB.toFixed(0)} MiB`);
  }
  const [small, large] = Object.keys(mem).map(Number).sort((a, b) => a - b);
  const margin = mem[large] - mem[small];
  md.push('', 'Peak resident set of rank 0 (summary.rank0.peakRssMiB, from getrusage), written after trajectory.h5.', '');
  targets.push(`| rank 0's peak at ${int(large)} evaluations within 64 MiB of its peak at ${int(small)} | +${margin.toFixed(0)} MiB | ${margin <= 64 ? 'met' : 'not met'} |`);

  md.push('### Targets (same run)', '', '| target | measured | status |', '|---|---:|---|', ...targets, '');
  mkdirSync('bench/out', { recursive: true });
  writeFileSync('bench/out/coordinator.md', md.join('\n'));
  writeFileSync('bench/out/coordinator.json', JSON.stringify({ reps, quick, cEval, cMsg, runs }, null, 2) + '\n');
  console.log(md.join('\n'));
}

main();
