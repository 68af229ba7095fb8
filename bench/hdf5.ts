/**
 * trajectory.h5: size and write time (src/results/trajectory-h5.ts) against the journal it is written
 * from. Synthetic runs written through the real Recorder (so the journal is byte for byte what a run
 * writes): 100 generations x 1,000 individuals x 10-D, the same with 32 model outputs per individual,
 * and 1,000 generations (10x the rows) to show that size and time grow linearly and memory does not.
 * Each trajectory is written by the compiled writer (dist/) in a fresh process, as `export` does: the time
 * includes loading h5wasm, and the process's peak RSS is reported; then again in this process with h5wasm
 * already loaded. Writes bench/out/hdf5.md (needs dist/ built: bench/run.sh checks).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Recorder, type GenerationRecord } from '../src/experiment/recorder.js';
import { writeTrajectory } from '../src/results/trajectory-h5.js';

const REPEATS = 3;

/** A fresh node process running the compiled writer (dist/, as `export` and the end of a run do). */
const FRESH = `const { writeTrajectory } = await import(${JSON.stringify(new URL('../dist/results/trajectory-h5.js', import.meta.url).href)});
const r = await writeTrajectory(process.argv[1]);
process.stdout.write(JSON.stringify({ ...r, maxRssMiB: process.resourceUsage().maxRSS / 1024 }) + '\\n');`;

interface Case {
  label: string;
  generations: number;
  pop: number;
  dim: number;
  outputs: number;
}

const CASES: Case[] = [
  { label: '100 gen x 1,000 x 10-D', generations: 100, pop: 1000, dim: 10, outputs: 0 },
  { label: '100 gen x 1,000 x 10-D, 32 outputs', generations: 100, pop: 1000, dim: 10, outputs: 32 },
  { label: '1,000 gen x 1,000 x 10-D', generations: 1000, pop: 1000, dim: 10, outputs: 0 },
];

/** One generation of a plausible run: 1% failures with a traceback-like error text. */
function generation(g: number, c: Case, rng: () => number): GenerationRecord {
  const n = c.pop;
  const x = Float64Array.from({ length: n * c.dim }, () => rng() * 10 - 5);
  const fitness = Float64Array.from({ length: n }, () => rng() * 100);
  const weighted = Float64Array.from(fitness, (f) => -f);
  const status = new Uint8Array(n);
  const errors: Array<string | null> = new Array<string | null>(n).fill(null);
  for (let i = 0; i < n; i += 100) {
    status[i] = 1;
    fitness[i] = NaN;
    weighted[i] = -Infinity;
    errors[i] = `RuntimeError: simulation diverged at t=${(rng() * 1000).toFixed(1)} ms\n  File "model.py", line 42, in step`;
  }
  const outputs = c.outputs ? Array.from({ length: n }, () => Float64Array.from({ length: c.outputs }, () => rng())) : null;
  return {
    generation: g, dim: c.dim, nObj: 1, stats: { evaluated: n, failures: n / 100, best: -1, median: -50, mean: -50, worst: -99 },
    index: Int32Array.from({ length: n }, (_, i) => i), x, fitness, weighted, status, attempts: new Uint8Array(n).fill(1),
    seconds: Float64Array.from({ length: n }, () => rng() * 1e-3), started: Float64Array.from({ length: n }, (_, i) => g + i * 1e-6),
    rank: Int32Array.from({ length: n }, (_, i) => 1 + (i % 15)), seed: Uint32Array.from({ length: n }, () => (rng() * 2 ** 32) >>> 0),
    errors, outputs,
  };
}

async function makeRun(dir: string, c: Case): Promise<void> {
  let s = 12345;
  const rng = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const rec = Recorder.open(dir, { force: true });
  rec.writeConfig({
    experiment: { name: 'bench-hdf5', seed: 1, optimizer: { type: 'ga' }, optimizee: { type: 'synthetic' } },
    space: [{ name: 'x', length: c.dim, lower: -5, upper: 5 }], version: 'bench', ranks: 16,
  }, 'generational');
  for (let g = 0; g < c.generations; g++) rec.recordGeneration(generation(g, c, rng));
  await rec.close();
}

const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
const fmt = (v: number, d = 2) => v.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

const rows: string[] = [];
for (const c of CASES) {
  const dir = mkdtempSync(join(tmpdir(), 'l2l-bench-h5-'));
  try {
    await makeRun(dir, c);
    const journalBytes = statSync(join(dir, 'generations.msgpack')).size;
    const runs: Array<{ seconds: number; bytes: number; individuals: number; maxRssMiB: number }> = [];
    for (let k = 0; k < REPEATS; k++) {
      const p = spawnSync(process.execPath, ['--input-type=module', '-e', FRESH, dir], { encoding: 'utf8' });
      if (p.status !== 0) throw new Error(`writing ${c.label} failed: ${p.stderr}`);
      runs.push(JSON.parse(p.stdout.trim().split('\n').at(-1)!));
    }
    // in this process too (h5wasm loaded once): the write alone
    const warm: number[] = [];
    for (let k = 0; k < REPEATS; k++) warm.push((await writeTrajectory(dir)).seconds);
    const py = spawnSync('/usr/bin/python3', ['-c', `import h5py,time; t=time.perf_counter(); f=h5py.File(${JSON.stringify(join(dir, 'trajectory.h5'))}); x=f['individuals/x'][()]; print(x.shape[0], time.perf_counter()-t)`], { encoding: 'utf8' });
    const [pyRows, pySeconds] = py.status === 0 ? py.stdout.trim().split(' ').map(Number) : [NaN, NaN];
    const n = runs[0].individuals;
    const bytes = runs[0].bytes;
    const t = median(runs.map((r) => r.seconds));
    const tw = median(warm);
    const line = `| ${c.label} | ${n.toLocaleString('en-US')} | ${fmt(journalBytes / 2 ** 20, 1)} | ${fmt(bytes / 2 ** 20, 1)} | ${fmt(bytes / n, 1)} | ` +
      `${fmt(bytes / journalBytes, 3)} | ${fmt(t)} | ${fmt(tw)} | ${Math.round(n / tw).toLocaleString('en-US')} | ${fmt(median(runs.map((r) => r.maxRssMiB)), 0)} | ` +
      `${pyRows === n ? fmt(pySeconds, 3) : 'unreadable'} |`;
    rows.push(line);
    console.log(line);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const md = [
  'trajectory.h5 written from a run\'s journal (generations.msgpack) by src/results/trajectory-h5.ts (h5wasm 0.10.3,',
  'HDF5 compiled to WebAssembly): synthetic runs written through the real Recorder, 1% failed evaluations with a',
  'two-line error text, one objective, 15 worker ranks. Uncompressed, chunked datasets; see docs/results.md.',
  '',
  `- write s (new process): \`writeTrajectory\` in a fresh node process, as \`export\` runs it (includes loading h5wasm); median of ${REPEATS}.`,
  `- write s (warm): the same in this (bench) process, h5wasm loaded already: the write alone; median of ${REPEATS}.`,
  '- individuals / s: individuals / write s (warm).',
  '- peak RSS: the fresh process\'s maximum resident memory (node and h5wasm included): bounded, not proportional to the run.',
  '- h5py read x: /usr/bin/python3 + h5py opening the file and reading all of /individuals/x.',
  '',
  '| run | individuals | journal MiB | trajectory.h5 MiB | bytes / individual | size / journal | write s (new process) | write s (warm) | individuals / s (warm) | peak RSS MiB | h5py read x s |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows,
  '',
];
writeFileSync('bench/out/hdf5.md', md.join('\n'));
