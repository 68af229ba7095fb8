/**
 * trajectory.h5: the run's whole trajectory as one HDF5 file (h5py, HDFView, MATLAB, Julia read it),
 * written from the journal (generations.msgpack) and config.json of a results directory.
 *
 * The journal stays the crash-safe live record (an HDF5 file being written does not survive kill -9);
 * this file is derived from it, at the end of every run (rank 0) and on demand (`export DIR`, which
 * also works on a killed run: the journal's complete records are taken and a truncated tail ignored).
 *
 * Layout (docs/results.md, "trajectory.h5"):
 *   /            attributes format, version, software_version, name, optimizer, optimizee, seed, ranks,
 *                status_names, mode (generational or steady-state), experiment (JSON text), space (JSON text)
 *   /individuals one row per evaluated individual, journal order (N rows): generation, index, x, fitness,
 *                weighted, status, attempts, error, seconds, started, rank, seed, outputs (only when any)
 *   /parameters  one dataset per parameter of the space, columns of x: f8 [N] or f8 [N, length]
 *   /generations one row per journal record (G rows): generation, offset, count, one f8 per statistic
 *   /pareto      with 2 or more nonzero weights: rows, the non-dominated set of the successful
 *                evaluations (row indices into /individuals), and the objectives as attributes
 *
 * Memory stays bounded: two passes over the journal (the first only measures N, G, the widest outputs
 * row and the statistics' names), then chunked datasets sized once and filled in blocks of rows. It is
 * written to a temporary name and renamed, so trajectory.h5 is either complete or absent.
 *
 * Both passes read the journal's records raw (Journal.rawRecords: columns as byte views into the read
 * block) and copy the bytes straight into the row blocks, so a record costs its msgpack decode and
 * no typed array of its own: a steady-state run's journal holds one tiny record per result batch
 * (hundreds of thousands of them), where a decoded GenerationRecord's eleven fresh ArrayBuffers per
 * record were most of the time and most of the garbage.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ParamSpec } from '../core/space.js';
import { Journal, JOURNAL_FILE, type RawGenerationRecord } from './journal.js';
import { Table, TrajectoryError, type H5File, type H5Module } from './trajectory-table.js';
import { ParetoFront } from './trajectory-pareto.js';

export { TrajectoryError } from './trajectory-table.js';

export const TRAJECTORY_FILE = 'trajectory.h5';
export const TRAJECTORY_FORMAT = 'l2l-trajectory';
export const TRAJECTORY_VERSION = 1;

export interface TrajectoryResult {
  file: string;
  generations: number;
  individuals: number;
  bytes: number;
  seconds: number;
  /** The journal ended in an incomplete record (a killed run), which was left out. */
  truncated: boolean;
  /** Bytes of the journal after its last complete record. */
  ignoredBytes: number;
}

interface RunConfig {
  experiment: { name: string; seed: number; optimizer: { type: string }; optimizee: { type: string } } & Record<string, unknown>;
  space: ParamSpec[];
  version: string;
  ranks: number;
  /** The fitness weights in effect (written since the Pareto front is recorded); else the experiment's own. */
  weights?: number[];
  objectives?: string[];
}

/** What the first pass learns about the journal. */
interface Extent {
  G: number;
  N: number;
  dim: number;
  nObj: number;
  /** Widest outputs row; -1 when no generation had outputs. */
  k: number;
  stats: string[];
}

/** Sizes of one chunk and of the rows buffered between two writes (tests make them small). */
export interface TrajectoryTuning {
  /** Target bytes of one chunk of a dataset (at most 65,536 rows, at least one). Default 512 KiB. */
  chunkBytes?: number;
  /** Bytes of rows of a group buffered before they are written. Default 4 MiB (larger blocks were no faster). */
  blockBytes?: number;
}
/** Writes DIR/trajectory.h5 from DIR/generations.msgpack and DIR/config.json. */
export async function writeTrajectory(dir: string, tuning: TrajectoryTuning = {}): Promise<TrajectoryResult> {
  const sizes = { chunkBytes: tuning.chunkBytes ?? 512 << 10, blockBytes: tuning.blockBytes ?? 4 << 20 };
  const t0 = performance.now();
  dir = resolve(dir);
  const journalFile = join(dir, JOURNAL_FILE);
  const configFile = join(dir, 'config.json');
  for (const f of [configFile, journalFile]) if (!existsSync(f)) throw new TrajectoryError(`${f} not found: not a results directory`);
  let config: RunConfig;
  try {
    config = JSON.parse(readFileSync(configFile, 'utf8')) as RunConfig;
  } catch (err) {
    throw new TrajectoryError(`${configFile}: not valid JSON (${(err as Error).message})`);
  }
  const journal = Journal.open(journalFile);
  const extent = measure(journal, config);
  if (extent.G === 0) throw new TrajectoryError(`${journalFile} holds no complete generation`);
  const truncated = journal.truncated;
  const ignoredBytes = journal.ignoredBytes;

  const h5 = await import('h5wasm/node');
  const Module = await h5.ready;
  const final = join(dir, TRAJECTORY_FILE);
  const tmp = join(dir, `.${TRAJECTORY_FILE}.tmp`);
  rmSync(tmp, { force: true });
  const file = new h5.File(tmp, 'w', { libver: 'v110' }); // HDF5 >= 1.10 reads it; half the per-dataset overhead of the 1.8 format
  let open = true;
  try {
    writeAttributes(file, config, journal);
    const pareto = ParetoFront.of(config.weights ?? (config.experiment.optimizee as { weights?: unknown }).weights, config.objectives, extent.nObj, extent.N);
    const w = new Writer(Module, file, config.space, extent, sizes, pareto);
    for (const rec of journal.rawRecords(extent.G)) w.append(rec); // stops at the first pass's count: a live run may have grown
    w.finish();
    pareto?.write(file);
    open = false;
    if (file.close() < 0) throw new TrajectoryError(`closing ${tmp} failed`);
    renameSync(tmp, final);
  } catch (err) {
    if (open) {
      try {
        file.close();
      } catch {
        // already failing
      }
    }
    rmSync(tmp, { force: true });
    throw err;
  }
  return {
    file: final, generations: extent.G, individuals: extent.N, bytes: statSync(final).size,
    seconds: (performance.now() - t0) / 1000, truncated, ignoredBytes,
  };
}

function measure(journal: Journal, config: RunConfig): Extent {
  const e: Extent = { G: 0, N: 0, dim: -1, nObj: -1, k: -1, stats: [] };
  const seen = new Set<string>();
  const dim = config.space.reduce((n, p) => n + (p.length ?? 1), 0);
  for (const r of journal.rawRecords()) {
    if (r.dim !== dim) throw new TrajectoryError(`generation ${r.generation}: ${r.dim} parameters, config.json's space has ${dim}`);
    if (e.nObj >= 0 && r.nObj !== e.nObj) throw new TrajectoryError(`generation ${r.generation}: ${r.nObj} objectives, earlier generations ${e.nObj}`);
    e.dim = r.dim;
    e.nObj = r.nObj;
    e.G++;
    e.N += r.n;
    // the widest outputs row, a row being absent when all NaN (as the journal's decoder reads it)
    if (r.outputs && r.n > 0) {
      e.k = Math.max(e.k, 0);
      if (r.outputsWidth > e.k && anyRowGiven(r.outputs, r.n, r.outputsWidth)) e.k = r.outputsWidth;
    }
    if (r.stats) {
      for (const key in r.stats) {
        if (!seen.has(key)) {
          seen.add(key);
          e.stats.push(key);
        }
      }
    }
  }
  return e;
}

/** Whether any row of an [n, k] <f8 matrix has a value that is not NaN. */
function anyRowGiven(bytes: Uint8Array, n: number, k: number): boolean {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n * k; i++) if (!Number.isNaN(v.getFloat64(i * 8, true))) return true;
  return false;
}

function writeAttributes(file: H5File, config: RunConfig, journal: Journal): void {
  const exp = config.experiment;
  const str = (name: string, v: string) => file.create_attribute(name, v, null, 'S');
  str('format', TRAJECTORY_FORMAT);
  file.create_attribute('version', TRAJECTORY_VERSION, null, '<i');
  str('software_version', String(config.version));
  str('name', String(exp.name));
  str('optimizer', String(exp.optimizer.type));
  str('optimizee', String(exp.optimizee.type));
  file.create_attribute('seed', exp.seed, null, '<I');
  file.create_attribute('ranks', config.ranks, null, '<i');
  file.create_attribute('status_names', journal.header.statusNames, null, 'S');
  // what a /generations row is: a generation, or a batch of results told at once (steady state)
  str('mode', journal.header.mode ?? 'unrecorded');
  str('experiment', JSON.stringify(exp));
  str('space', JSON.stringify(config.space));
}

/** An HDF5 dataset name for a key: '/' would make a path. */
function datasetName(key: string): string {
  const s = key.replaceAll('/', '_');
  return s === '' || s === '.' ? `_${s}` : s;
}

/** Fills the three groups from the journal's records, in order. */
class Writer {
  private readonly individuals: Table;
  private readonly parameters: Table;
  private readonly generations: Table;
  private readonly statNames: Array<{ key: string; name: string }>;
  private offset = 0;

  constructor(
    Module: H5Module, file: H5File, private readonly space: ParamSpec[], private readonly e: Extent, sizes: Required<TrajectoryTuning>,
    private readonly pareto: ParetoFront | null,
  ) {
    const { N, G, dim, nObj, k } = e;
    this.individuals = new Table(Module, file, '/individuals', [
      { name: 'generation', kind: 'i4', width: null }, { name: 'index', kind: 'i4', width: null },
      { name: 'x', kind: 'f8', width: dim }, { name: 'fitness', kind: 'f8', width: nObj },
      { name: 'weighted', kind: 'f8', width: null }, { name: 'status', kind: 'u1', width: null },
      { name: 'attempts', kind: 'u1', width: null }, { name: 'error', kind: 'str', width: null }, { name: 'seconds', kind: 'f8', width: null },
      { name: 'started', kind: 'f8', width: null }, { name: 'rank', kind: 'i4', width: null },
      { name: 'seed', kind: 'u4', width: null },
      ...(k > 0 ? [{ name: 'outputs', kind: 'f8' as const, width: k }] : []),
    ], N, sizes);
    this.parameters = new Table(Module, file, '/parameters', space.map((p) => ({ name: datasetName(p.name), kind: 'f8' as const, width: p.length })), N, sizes);
    const fixed = new Set(['generation', 'offset', 'count']);
    this.statNames = e.stats.map((key) => {
      const name = datasetName(key);
      return { key, name: fixed.has(name) ? `stat_${name}` : name };
    });
    this.generations = new Table(Module, file, '/generations', [
      { name: 'generation', kind: 'i4', width: null }, { name: 'offset', kind: 'i8', width: null }, { name: 'count', kind: 'i4', width: null },
      ...this.statNames.map((s) => ({ name: s.name, kind: 'f8' as const, width: null })),
    ], G, sizes);
  }

  /** A record's rows: its columns' bytes copied into the row blocks (host byte order is little-endian, as the journal's). */
  append(r: RawGenerationRecord): void {
    const n = r.n;
    const { dim, k } = this.e;
    const ind = this.individuals;
    const at = ind.reserve(n);
    ind.col<Int32Array>('generation').fill(r.generation, at, at + n);
    ind.copy('index', at, r.index);
    ind.copy('x', at, r.x);
    ind.copy('fitness', at, r.fitness);
    ind.copy('weighted', at, r.weighted);
    ind.copy('status', at, r.status);
    ind.copy('attempts', at, r.attempts);
    ind.copy('seconds', at, r.seconds);
    ind.copy('started', at, r.started);
    ind.copy('rank', at, r.rank);
    ind.copy('seed', at, r.seed);
    this.pareto?.append(ind.col<Float64Array>('fitness'), ind.col<Uint8Array>('status'), at, n, this.offset);
    if (r.errors) {
      const errors = ind.col<string[]>('error');
      for (const row in r.errors) {
        const i = Number(row);
        if (Number.isInteger(i) && i >= 0 && i < n) errors[at + i] = String(r.errors[row]);
      }
    }
    if (k > 0) {
      const out = ind.col<Float64Array>('outputs');
      const kr = r.outputs ? r.outputsWidth : 0;
      if (kr === k) ind.copy('outputs', at, r.outputs!);
      else {
        out.fill(NaN, at * k, (at + n) * k);
        if (kr > 0) {
          // narrower rows (or wider ones, all NaN past the widest given row): NaN-padded to k
          const w = Math.min(kr, k) * 8;
          const bytes = ind.cols.get('outputs')!.bytes!;
          for (let i = 0; i < n; i++) bytes.set(r.outputs!.subarray(i * kr * 8, i * kr * 8 + w), (at + i) * k * 8);
        }
      }
    }

    // /parameters: the columns of x, from the rows just copied
    const x = ind.col<Float64Array>('x');
    const par = this.parameters;
    const pat = par.reserve(n);
    let c0 = 0;
    for (const p of this.space) {
      const w = p.length ?? 1;
      const dst = par.col<Float64Array>(datasetName(p.name));
      if (c0 === 0 && w === dim) dst.set(x.subarray(at * dim, (at + n) * dim), pat * w);
      else {
        for (let i = 0; i < n; i++) {
          const src = (at + i) * dim + c0;
          const d = (pat + i) * w;
          for (let j = 0; j < w; j++) dst[d + j] = x[src + j];
        }
      }
      c0 += w;
    }

    const gen = this.generations;
    const gat = gen.reserve(1);
    gen.col<Int32Array>('generation')[gat] = r.generation;
    gen.col<BigInt64Array>('offset')[gat] = BigInt(this.offset);
    gen.col<Int32Array>('count')[gat] = n;
    for (const s of this.statNames) {
      const v = r.stats?.[s.key];
      gen.col<Float64Array>(s.name)[gat] = typeof v === 'number' ? v : NaN;
    }
    this.offset += n;
  }

  finish(): void {
    this.individuals.done();
    this.parameters.done();
    this.generations.done();
  }
}

