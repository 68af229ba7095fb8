/**
 * Soak: 1,000,000 trivial evaluations through the whole stack under mpirun, every individual recorded
 * and a checkpoint after every generation. Reports each rank's peak resident memory (VmHWM, sampled
 * from /proc while the job runs) at 100,000 and at 1,000,000 evaluations - memory must not grow with
 * the run - and the checkpoint write time per generation.
 *
 *   node --import tsx bench/soak.ts [--quick]
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('..', import.meta.url).pathname;
const RANKS = 4;
const quick = process.argv.includes('--quick');

interface Case {
  label: string;
  optimizer: string;
  stop: string;
  evaluations: number;
}

const million = quick ? 100_000 : 1_000_000;
const CASES: Case[] = [
  { label: 'random search, 100,000', optimizer: '{type: random, pop_size: 10000}', stop: '{generations: 10}', evaluations: 100_000 },
  { label: `random search, ${million.toLocaleString('en-US')}`, optimizer: '{type: random, pop_size: 10000}', stop: `{generations: ${million / 10_000}}`, evaluations: million },
  { label: 'async evolution, 100,000', optimizer: '{type: async-evolution, pop_size: 50}', stop: '{evaluations: 100000}', evaluations: 100_000 },
  { label: `async evolution, ${million.toLocaleString('en-US')}`, optimizer: '{type: async-evolution, pop_size: 50}', stop: `{evaluations: ${million}}`, evaluations: million },
];

/** VmHWM (peak resident set) or VmRSS (now) of a process in MiB, or null once it is gone. */
function memMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** Whether rank 0 is still optimizing (summary.json says running until the run's end, before trajectory.h5). */
function running(out: string): boolean {
  try {
    return JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')).status === 'running';
  } catch {
    return true;
  }
}

async function runCase(c: Case, dir: string) {
  const file = join(dir, 'soak.yaml');
  writeFileSync(file, `name: soak
seed: 1
optimizer: ${c.optimizer}
optimizee: {type: benchmark, functions: [{function: sphere}], dims: 10}
stop: ${c.stop}
checkpoint: {min_seconds: 0, every_evaluations: 10000}
`);
  const out = join(dir, 'out');
  rmSync(out, { recursive: true, force: true });
  const child = spawn(`${ROOT}launch/mpirun.sh`, ['-n', String(RANKS), process.execPath, `${ROOT}dist/main.js`, 'run', file, '--out', out, '--quiet'], {
    detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const peaks = new Map<number, number>(); // pid -> MiB, over the whole process life
  const during = new Map<number, number>(); // pid -> MiB, while the run optimizes
  const order: number[] = [];
  const sampler = setInterval(() => {
    const r = spawnSync('pgrep', ['-s', String(child.pid), '-f', `^${process.execPath} .*dist/main.js run`], { encoding: 'utf8' });
    const optimizing = running(out);
    for (const pid of r.stdout.trim().split('\n').filter(Boolean).map(Number)) {
      if (!order.includes(pid)) order.push(pid);
      const p = memMiB(pid, 'VmHWM');
      if (p !== null) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, p));
      const now = memMiB(pid, 'VmRSS');
      if (now !== null && optimizing) during.set(pid, Math.max(during.get(pid) ?? 0, now));
    }
  }, 50);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(sampler);
  if (code !== 0) throw new Error(`${c.label}: exit ${code}\n${stderr}`);
  const s = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  if (s.evaluations !== c.evaluations) throw new Error(`${c.label}: ${s.evaluations} evaluations, expected ${c.evaluations}`);
  const pids = [...order].sort((a, b) => a - b); // rank 0 was started first
  return {
    label: c.label,
    evaluations: s.evaluations as number,
    seconds: s.timing.runSeconds as number,
    rank0: peaks.get(pids[0]) ?? NaN,
    rank0Running: during.get(pids[0]) ?? NaN,
    workers: pids.slice(1).map((p) => peaks.get(p) ?? NaN),
    trajectorySeconds: s.timing.trajectorySeconds as number,
    checkpoints: s.checkpoints as number,
    checkpointMs: (1000 * s.timing.checkpointSeconds) / Math.max(1, s.checkpoints),
    journalMiB: statSync(join(out, 'generations.msgpack')).size / 2 ** 20,
    checkpointKiB: statSync(join(out, 'checkpoint.msgpack')).size / 1024,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'l2l-soak-'));
const rows = [];
for (const c of CASES) {
  process.stdout.write(`soak: ${c.label} ...\n`);
  const r = await runCase(c, dir);
  process.stdout.write(`  ${JSON.stringify(r)}\n`);
  rows.push(r);
}
rmSync(dir, { recursive: true, force: true });

const f = (x: number, d = 1) => x.toFixed(d);
const md = [
  `${RANKS} ranks under launch/mpirun.sh (rank 0 optimizes, 3 workers), 10-D sphere, every individual recorded in`,
  'generations.msgpack, a checkpoint (fsynced, renamed) after every generation (random search, 10,000 per generation) or',
  'every 10,000 evaluations (asynchronous evolution), trajectory.h5 written at the end. Peak resident memory is each',
  "process's VmHWM (node itself included), sampled from /proc every 50 ms until it exits; rank 0 while optimizing is",
  'its largest VmRSS sample before the final summary (that is, before trajectory.h5 is written from the journal).',
  '',
  '| run | evaluations | run s | evaluations / s | rank 0 peak MiB while optimizing | rank 0 peak MiB overall | worker peak MiB (max) | checkpoints | ms per checkpoint | checkpoint KiB | journal MiB | trajectory.h5 s |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.label} | ${r.evaluations.toLocaleString('en-US')} | ${f(r.seconds, 2)} | ${Math.round(r.evaluations / r.seconds).toLocaleString('en-US')} | ${f(r.rank0Running)} | ${f(r.rank0)} | ${f(Math.max(...r.workers))} | ${r.checkpoints} | ${f(r.checkpointMs, 2)} | ${f(r.checkpointKiB)} | ${f(r.journalMiB)} | ${f(r.trajectorySeconds, 2)} |`),
  '',
  'Bounded memory: compare the 100,000 and the 1,000,000 rows of the same optimizer (10x the evaluations).',
];
mkdirSync(join(ROOT, 'bench/out'), { recursive: true });
writeFileSync(join(ROOT, 'bench/out/soak.md'), md.join('\n') + '\n');
process.stdout.write(md.join('\n') + '\n');
