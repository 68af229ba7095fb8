/**
 * Trajectory fingerprints: every example (and a steady-state run) with its seed, in-process and under
 * mpirun, reduced to one hash of what must never change when the program is reshaped: every
 * generation's index, parameters, fitness, weighted fitness, status and seed, in journal order, and
 * the best individual of the summary. test/fixtures/fingerprints.json holds the fingerprints main
 * gave before the evaluation contract was reshaped (issue 13); test/e2e/fingerprints.test.ts and
 * fingerprints-odd.test.ts run the same cases now (half each) and compare.
 *
 *   node --import tsx tools/fingerprints.ts            # print this tree's fingerprints as JSON
 *   node --import tsx tools/fingerprints.ts --write    # and store them as the fixture
 *
 * The journal is read here with msgpackr alone, from its documented layout (docs/results.md), so the
 * fingerprint does not depend on the program's own reader, which may move or change.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Unpackr } from 'msgpackr';
import { parse, stringify } from 'yaml';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FIXTURE = join(ROOT, 'test', 'fixtures', 'fingerprints.json');

export interface Case {
  name: string;
  /** An example file, or an experiment given inline. */
  example?: string;
  experiment?: Record<string, unknown>;
  /** Keys replaced in the experiment (a smaller budget keeps the comparison quick). */
  override?: Record<string, unknown>;
  /** Ranks under mpirun (0: in-process only, as a steady-state run is reproducible only with one worker). */
  mpiRanks: number;
}

export const CASES: Case[] = [
  { name: 'ga-rastrigin10d', example: 'examples/ga-rastrigin10d.yaml', mpiRanks: 3 },
  { name: 'meta-cross-entropy', example: 'examples/meta-cross-entropy.yaml', override: { stop: { generations: 2 } }, mpiRanks: 5 },
  { name: 'python-quadratic', example: 'examples/python-quadratic.yaml', override: { stop: { generations: 8 } }, mpiRanks: 3 },
  { name: 'python-reference-style', example: 'examples/python-reference-style.yaml', override: { stop: { generations: 8 } }, mpiRanks: 3 },
  { name: 'brian2-lif', example: 'examples/brian2-lif.yaml', override: { stop: { generations: 2 }, optimizee: { args: { neurons: 40, inputs: 80, input_rate_hz: 10, connectivity: 0.2, duration_ms: 100, target_rate_hz: 20, target_cv: 0.6 } } }, mpiRanks: 3 },
  { name: 'neuron-hh', example: 'examples/neuron-hh.yaml', override: { stop: { generations: 4 } }, mpiRanks: 3 },
  {
    name: 'steady-state',
    experiment: {
      name: 'steady-state', seed: 13,
      optimizer: { type: 'async-evolution', pop_size: 16 },
      optimizee: { type: 'benchmark', preset: 'Ackley2d', faults: { rate: 0.05 } },
      stop: { evaluations: 600 },
      // two outstanding, in one message: what { batch: 4 } gave before a steady-state run's capacity grew with the batch size
      dispatch: { batch: 2, inflight: 1 },
      evaluation: { retries: 1 },
    },
    mpiRanks: 0,
  },
  {
    name: 'enkf-linear-inverse',
    experiment: {
      name: 'enkf-linear-inverse', seed: 21,
      optimizer: { type: 'enkf', pop_size: 24 },
      optimizee: { type: 'linear-inverse' },
      stop: { generations: 6 },
    },
    mpiRanks: 3,
  },
];

interface Column {
  dtype: string;
  shape: number[];
  data: Uint8Array;
}

const TYPES: Record<string, (b: ArrayBuffer) => ArrayLike<number>> = {
  '<i4': (b) => new Int32Array(b), '<f8': (b) => new Float64Array(b), '|u1': (b) => new Uint8Array(b), '<u4': (b) => new Uint32Array(b),
};

function values(c: Column): number[] {
  const bytes = Uint8Array.prototype.slice.call(c.data);
  return Array.from(TYPES[c.dtype](bytes.buffer));
}

/** One hash of the deterministic columns of every journal record, and of the summary's best. */
export function fingerprintOf(dir: string): { hash: string; generations: number; evaluations: number; best: number | null } {
  const all = new Unpackr({ useRecords: false }).unpackMultiple(readFileSync(join(dir, 'generations.msgpack'))) as Array<Record<string, unknown>>;
  const records = all.slice(1);
  const h = createHash('sha256');
  let evaluations = 0;
  for (const r of records) {
    const row = ['index', 'x', 'fitness', 'weighted', 'status', 'seed'].map((k) => values(r[k] as Column));
    evaluations += row[0].length;
    h.update(JSON.stringify([r.generation, ...row]));
  }
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { best: { weightedFitness: number; generation: number; index: number } | null };
  h.update(JSON.stringify(summary.best ? [summary.best.weightedFitness, summary.best.generation, summary.best.index] : null));
  return { hash: h.digest('hex').slice(0, 24), generations: records.length, evaluations, best: summary.best?.weightedFitness ?? null };
}

function merged(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(base);
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && b && typeof b === 'object' && !Array.isArray(b) ? merged(b as Record<string, unknown>, v as Record<string, unknown>) : v;
  }
  return out;
}

export function experimentFile(c: Case, dir: string): string {
  const base = c.example ? (parse(readFileSync(join(ROOT, c.example), 'utf8')) as Record<string, unknown>) : c.experiment!;
  const file = join(dir, `${c.name}.yaml`);
  writeFileSync(file, stringify(merged(base, c.override ?? {})));
  return file;
}

const env = { ...process.env, NODE_DISABLE_COLORS: '1', FORCE_COLOR: '0', L2L_PROGRESS: 'none' };

/** Runs a case in-process (ranks 0) or under mpirun; returns its results directory. */
export function runCase(c: Case, dir: string, ranks: number): string {
  const out = join(dir, `${c.name}-${ranks}`);
  const file = experimentFile(c, dir);
  const main = join(ROOT, 'dist', 'main.js');
  const args = ['run', file, '--out', out, '--quiet', '--force'];
  const r = ranks === 0
    ? spawnSync(process.execPath, [main, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 600_000 })
    : spawnSync(join(ROOT, 'launch', 'mpirun.sh'), ['-n', String(ranks), process.execPath, main, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${c.name} (${ranks === 0 ? 'in-process' : `${ranks} ranks`}) exited ${r.status}: ${r.stderr}`);
  return out;
}

export interface Fingerprint {
  hash: string;
  generations: number;
  evaluations: number;
  best: number | null;
  /** The same hash under mpirun (generational runs are identical at any rank count), or null. */
  mpi: string | null;
}

export function fingerprint(c: Case, dir: string): Fingerprint {
  const local = fingerprintOf(runCase(c, dir, 0));
  const mpi = c.mpiRanks > 0 ? fingerprintOf(runCase(c, dir, c.mpiRanks)).hash : null;
  return { ...local, mpi };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const dir = mkdtempSync(join(tmpdir(), 'l2l-fingerprints-'));
  try {
    const cases: Record<string, Fingerprint> = {};
    for (const c of CASES) {
      cases[c.name] = fingerprint(c, dir);
      process.stderr.write(`${c.name}: ${JSON.stringify(cases[c.name])}\n`);
    }
    const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
    const doc = { note: 'trajectory fingerprints (tools/fingerprints.ts); regenerate only for a deliberate change of trajectories, and say why in the commit', commit, cases };
    const text = JSON.stringify(doc, null, 2) + '\n';
    if (process.argv.includes('--write')) writeFileSync(FIXTURE, text);
    process.stdout.write(text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
