/**
 * trajectory.h5 (src/results/trajectory-h5.ts): written from the journal, read back with h5py
 * (Debian python3-h5py under /usr/bin/python3, which launch/setup.sh installs), every field equal to
 * the records it came from, float64 bit for bit. Also: the tolerant journal reader, the end-of-run file
 * and `export` on a killed run's journal.
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGeneration, encodeHeader } from '../../src/results/journal-codec.js';
import { Recorder, type GenerationRecord } from '../../src/experiment/recorder.js';
import type { ParamSpec } from '../../src/core/space.js';
import { Journal, readJournal } from '../../src/results/journal.js';
import { TrajectoryError, writeTrajectory } from '../../src/results/trajectory-h5.js';
import { runMain } from '../helpers/run-main.js';

const PYTHON = '/usr/bin/python3';
const tmp = mkdtempSync(join(tmpdir(), 'l2l-h5-'));

/** Dumps every attribute and dataset as JSON: floats as the hex of their little-endian bytes (bit-exact, NaN and -inf included). */
const DUMP_PY = String.raw`
import json, sys
import h5py, numpy as np

def value(a):
    a = np.asarray(a)
    if a.dtype.kind == 'f':
        return {'hex': a.astype('<f8').tobytes().hex()}
    if a.dtype.kind in 'OSU':
        return [x.decode('utf-8') if isinstance(x, bytes) else str(x) for x in a.reshape(-1).tolist()] if a.ndim else (a.item().decode('utf-8') if isinstance(a.item(), bytes) else a.item())
    return a.tolist()

out = {'attrs': {}, 'datasets': {}}
with h5py.File(sys.argv[1], 'r') as f:
    for k, v in f.attrs.items():
        out['attrs'][k] = value(v)
    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            data = obj.asstr()[()] if h5py.check_string_dtype(obj.dtype) else obj[()]
            out['datasets'][name] = {'dtype': obj.dtype.str, 'shape': list(obj.shape), 'maxshape': [m for m in obj.maxshape],
                                     'chunks': list(obj.chunks) if obj.chunks else None, 'data': value(data)}
    f.visititems(visit)
print(json.dumps(out))
`;
const dumpScript = join(tmp, 'dump.py');
writeFileSync(dumpScript, DUMP_PY);

interface Dumped {
  attrs: Record<string, unknown>;
  datasets: Record<string, { dtype: string; shape: number[]; maxshape: Array<number | null>; chunks: number[] | null; data: unknown }>;
}

/** h5py must be there: a missing one fails the test with what to do, never skips it. */
function h5pyMissing(): string | null {
  const r = spawnSync(PYTHON, ['-c', 'import h5py'], { encoding: 'utf8' });
  return r.status === 0 ? null : `python3-h5py is missing (${PYTHON} -c 'import h5py' failed: ${(r.stderr || r.error?.message || '').trim().split('\n').at(-1)}); run launch/setup.sh, which installs it (CI does)`;
}

function dump(file: string): Dumped {
  const r = spawnSync(PYTHON, [dumpScript, file], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`h5py could not read ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout) as Dumped;
}

const hex = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');

function concatF64(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---- a synthetic run: array parameters, 2 objectives, failures with (non-ASCII) text, outputs on some rows

const SPACE: ParamSpec[] = [
  { name: 'alpha', length: null, lower: -1, upper: 1 },
  { name: 'weights', length: 3, lower: 0, upper: 5 },
  { name: 'zeta', length: null, lower: 0, upper: 1e-3 },
];
const DIM = 5;
const NOBJ = 2;
const EXPERIMENT = {
  name: 'synthetic-ü', seed: 4294967295, optimizer: { type: 'ga', pop_size: 7 }, optimizee: { type: 'benchmark', preset: 'X' },
  stop: { generations: 5 }, dispatch: { inflight: 2 },
};

function record(generation: number, n: number, opts: { fail?: Record<number, string>; outputs?: Array<number[] | undefined>; stats: Record<string, number> }): GenerationRecord {
  const rnd = (i: number, j: number) => Math.sin(generation * 1000 + i * 37 + j * 7.1) * 10 ** ((i + j) % 7 - 3);
  const x = Float64Array.from({ length: n * DIM }, (_, k) => rnd(Math.floor(k / DIM), k % DIM));
  const fitness = Float64Array.from({ length: n * NOBJ }, (_, k) => rnd(Math.floor(k / NOBJ), 50 + (k % NOBJ)));
  const weighted = Float64Array.from({ length: n }, (_, i) => -fitness[i * NOBJ] + 0.5 * fitness[i * NOBJ + 1]);
  const status = new Uint8Array(n);
  let errors: Array<string | null> | null = null;
  for (const [row, text] of Object.entries(opts.fail ?? {})) {
    const i = Number(row);
    status[i] = 1;
    fitness[i * NOBJ] = NaN;
    fitness[i * NOBJ + 1] = NaN;
    weighted[i] = -Infinity;
    (errors ??= new Array<string | null>(n).fill(null))[i] = text;
  }
  return {
    generation, dim: DIM, nObj: NOBJ, stats: opts.stats,
    index: Int32Array.from({ length: n }, (_, i) => (i * 3 + generation) % 11),
    x, fitness, weighted, status, attempts: Uint8Array.from(status, (st, i) => (st ? 1 + ((i + generation) % 3) : 1)),
    seconds: Float64Array.from({ length: n }, (_, i) => 1e-6 * (i + 1) * Math.PI),
    started: Float64Array.from({ length: n }, (_, i) => generation + i / 3),
    rank: Int32Array.from({ length: n }, (_, i) => 1 + (i % 3)),
    seed: Uint32Array.from({ length: n }, (_, i) => (4294967295 - i * 2654435761 - generation) >>> 0),
    errors,
    outputs: opts.outputs ? opts.outputs.map((o) => (o ? Float64Array.from(o) : null)) : null,
  };
}

const RECORDS: GenerationRecord[] = [
  record(0, 7, { stats: { evaluated: 7, failures: 0, best: 1.5, sigma: 0.25 } }),
  record(1, 4, {
    fail: { 1: 'RuntimeError: simulation diverged (Δt too large, ünïcødé ✗)\n  Traceback (most recent call last):\n    File "model.py", line 3', 3: 'timeout: 日本語 text' },
    stats: { evaluated: 4, failures: 2, best: -Infinity, worst: -Infinity },
  }),
  record(2, 0, { stats: { evaluated: 0, failures: 0 } }),
  record(3, 5, {
    outputs: [[1, 2], undefined, [3, 4, 5, 6, 7], [], [NaN, -0, 8e300]],
    fail: { 4: 'x' },
    stats: { evaluated: 5, failures: 1, best: 2.25, 'a/b': 3, count: 9 },
  }),
  record(4, 2, { outputs: [undefined, [9]], stats: { evaluated: 2, failures: 0, best: 2.5, sigma: 0.125 } }),
];

function writeRun(dir: string, records: GenerationRecord[], space: ParamSpec[] = SPACE): Promise<void> {
  const rec = Recorder.open(dir, { force: true });
  rec.writeConfig({ experiment: EXPERIMENT, space, version: '9.8.7-test', ranks: 4 }, 'generational');
  for (const r of records) rec.recordGeneration(r);
  return rec.close();
}

/** The expected /individuals, /parameters and /generations of `records`, column by column. */
function expected(records: GenerationRecord[]) {
  const N = records.reduce((n, r) => n + r.index.length, 0);
  const k = Math.max(-1, ...records.flatMap((r) => (r.outputs ? r.outputs.map((o) => o?.length ?? 0) : [])));
  const outputs = new Float64Array(N * Math.max(k, 0)).fill(NaN);
  const errors: string[] = [];
  let row = 0;
  for (const r of records) {
    for (let i = 0; i < r.index.length; i++, row++) {
      errors.push(r.errors?.[i] ?? '');
      const o = r.outputs?.[i];
      if (o) outputs.set(o, row * k);
    }
  }
  const x = concatF64(records.map((r) => r.x));
  const column = (c0: number, w: number) => Float64Array.from({ length: N * w }, (_, q) => x[Math.floor(q / w) * DIM + c0 + (q % w)]);
  const statKeys: string[] = [];
  for (const r of records) for (const key of Object.keys(r.stats)) if (!statKeys.includes(key)) statKeys.push(key);
  let offset = 0;
  return {
    N, k, outputs, errors, x, statKeys,
    parameters: { alpha: column(0, 1), weights: column(1, 3), zeta: column(4, 1) },
    offsets: records.map((r) => ((offset += r.index.length), offset - r.index.length)),
  };
}

t.test('trajectory.h5 holds every field of every record, as h5py reads it', async (t) => {
  const missing = h5pyMissing();
  if (missing) return t.fail(missing);
  const dir = join(tmp, 'unit');
  await writeRun(dir, RECORDS);
  const r = await writeTrajectory(dir);
  const e = expected(RECORDS);
  t.match(r, { generations: 5, individuals: e.N, truncated: false, ignoredBytes: 0 });
  t.equal(r.bytes, statSync(join(dir, 'trajectory.h5')).size);
  t.notOk(existsSync(join(dir, '.trajectory.h5.tmp')), 'no temporary file left');

  const d = dump(join(dir, 'trajectory.h5'));
  t.same(d.attrs, {
    format: 'l2l-trajectory', version: 1, software_version: '9.8.7-test', name: 'synthetic-ü', optimizer: 'ga', optimizee: 'benchmark',
    seed: 4294967295, ranks: 4, status_names: ['ok', 'failed', 'timed-out'], mode: 'generational', experiment: d.attrs.experiment, space: d.attrs.space,
  });
  t.same(JSON.parse(d.attrs.experiment as string), EXPERIMENT, 'experiment attribute: config.json\'s experiment as JSON text');
  t.same(JSON.parse(d.attrs.space as string), SPACE, 'space attribute: config.json\'s space as JSON text');

  const ds = d.datasets;
  t.same(Object.keys(ds).sort(), [
    'generations/a_b', 'generations/best', 'generations/count', 'generations/evaluated', 'generations/failures', 'generations/generation',
    'generations/offset', 'generations/sigma', 'generations/stat_count', 'generations/worst',
    'individuals/attempts', 'individuals/error', 'individuals/fitness', 'individuals/generation', 'individuals/index', 'individuals/outputs', 'individuals/rank',
    'individuals/seconds', 'individuals/seed', 'individuals/started', 'individuals/status', 'individuals/weighted', 'individuals/x',
    'parameters/alpha', 'parameters/weights', 'parameters/zeta',
  ]);
  const N = e.N;
  const ints = (f: (r: GenerationRecord) => ArrayLike<number>) => RECORDS.flatMap((r) => Array.from(f(r)));
  const floats = (f: (r: GenerationRecord) => Float64Array) => ({ hex: hex(concatF64(RECORDS.map(f))) });
  const want: Record<string, { dtype: string; shape: number[]; data: unknown }> = {
    'individuals/generation': { dtype: '<i4', shape: [N], data: RECORDS.flatMap((r) => Array.from(r.index, () => r.generation)) },
    'individuals/index': { dtype: '<i4', shape: [N], data: ints((r) => r.index) },
    'individuals/x': { dtype: '<f8', shape: [N, DIM], data: floats((r) => r.x) },
    'individuals/fitness': { dtype: '<f8', shape: [N, NOBJ], data: floats((r) => r.fitness) },
    'individuals/weighted': { dtype: '<f8', shape: [N], data: floats((r) => r.weighted) },
    'individuals/status': { dtype: '|u1', shape: [N], data: ints((r) => r.status) },
    'individuals/attempts': { dtype: '|u1', shape: [N], data: ints((r) => r.attempts) },
    'individuals/error': { dtype: '|O', shape: [N], data: e.errors },
    'individuals/seconds': { dtype: '<f8', shape: [N], data: floats((r) => r.seconds) },
    'individuals/started': { dtype: '<f8', shape: [N], data: floats((r) => r.started) },
    'individuals/rank': { dtype: '<i4', shape: [N], data: ints((r) => r.rank) },
    'individuals/seed': { dtype: '<u4', shape: [N], data: ints((r) => r.seed) },
    'individuals/outputs': { dtype: '<f8', shape: [N, 5], data: { hex: hex(e.outputs) } },
    'parameters/alpha': { dtype: '<f8', shape: [N], data: { hex: hex(e.parameters.alpha) } },
    'parameters/weights': { dtype: '<f8', shape: [N, 3], data: { hex: hex(e.parameters.weights) } },
    'parameters/zeta': { dtype: '<f8', shape: [N], data: { hex: hex(e.parameters.zeta) } },
    'generations/generation': { dtype: '<i4', shape: [5], data: [0, 1, 2, 3, 4] },
    'generations/offset': { dtype: '<i8', shape: [5], data: e.offsets },
    'generations/count': { dtype: '<i4', shape: [5], data: RECORDS.map((r) => r.index.length) },
  };
  const statName: Record<string, string> = { 'a/b': 'a_b', count: 'stat_count' };
  for (const key of e.statKeys) {
    want[`generations/${statName[key] ?? key}`] = { dtype: '<f8', shape: [5], data: { hex: hex(Float64Array.from(RECORDS, (r) => r.stats[key] ?? NaN)) } };
  }
  for (const [name, w] of Object.entries(want)) {
    const got = ds[name];
    t.same({ dtype: got?.dtype, shape: got?.shape, data: got?.data }, w, name);
    t.equal(got?.maxshape[0], null, `${name}: resizable along its rows`);
    t.ok(got?.chunks, `${name}: chunked`);
  }
  t.same(e.errors.filter(Boolean), [
    'RuntimeError: simulation diverged (Δt too large, ünïcødé ✗)\n  Traceback (most recent call last):\n    File "model.py", line 3', 'timeout: 日本語 text', 'x',
  ], 'the error texts survive, non-ASCII included');
});

t.test('many generations written in many small blocks and chunks round-trip; no outputs, no outputs dataset', async (t) => {
  const missing = h5pyMissing();
  if (missing) return t.fail(missing);
  const dir = join(tmp, 'many');
  const records = Array.from({ length: 300 }, (_, g) => record(g, (g * 7) % 23, {
    stats: { evaluated: 1, [`s${g % 4}`]: g }, fail: g % 5 === 1 && (g * 7) % 23 > 2 ? { 2: `failed in ${g} ✓` } : {},
  }));
  await writeRun(dir, records);
  // blocks of ~15 individuals (smaller than many generations) and chunks of 2 to 8 rows: every path of the block writer
  const r = await writeTrajectory(dir, { blockBytes: 2000, chunkBytes: 64 });
  const e = expected(records);
  t.match(r, { generations: 300, individuals: e.N });
  const d = dump(join(dir, 'trajectory.h5'));
  t.notOk('individuals/outputs' in d.datasets);
  t.same(d.datasets['individuals/x'].chunks, [1, DIM]);
  t.same(d.datasets['individuals/x'].data, { hex: hex(e.x) });
  t.same(d.datasets['individuals/fitness'].data, { hex: hex(concatF64(records.map((rec) => rec.fitness))) });
  t.same(d.datasets['individuals/error'].data, e.errors);
  t.same(d.datasets['individuals/seed'].data, records.flatMap((rec) => Array.from(rec.seed)));
  t.same(d.datasets['parameters/weights'].data, { hex: hex(e.parameters.weights) });
  t.same(d.datasets['generations/offset'].data, e.offsets);
  t.same(d.datasets['generations/count'].data, records.map((rec) => rec.index.length));
  t.same(d.datasets['generations/s2'].data, { hex: hex(Float64Array.from(records, (rec, g) => (g % 4 === 2 ? g : NaN))) });
});

t.test('a steady-state journal of many one-row records round-trips, with records wider than the reader\'s window and block among them', async (t) => {
  const missing = h5pyMissing();
  if (missing) return t.fail(missing);
  const dir = join(tmp, 'steady');
  // one parameter spanning all of x (the column copy's fast path); 20,000 records of one row, some empty,
  // one of 2,000 rows (wider than the reader's 64 KiB decode window) and one of 30,000 (its x alone wider
  // than the 1 MiB read block)
  const space: ParamSpec[] = [{ name: 'coords', length: DIM, lower: -1, upper: 1 }];
  const G = 20000;
  const rows = (g: number) => (g === 7001 ? 2000 : g === 13003 ? 30000 : g % 1000 === 999 ? 0 : 1);
  const records = Array.from({ length: G }, (_, g) => {
    const n = rows(g);
    return record(g, n, {
      stats: { evaluated: n, best: g / 7, [`s${g % 3}`]: g },
      fail: n === 1 && g % 97 === 5 ? { 0: `failed ${g} ✓` } : {},
      outputs: n === 1 && g % 3 === 0 ? [Array.from({ length: g % 4 }, (_, j) => g + j / 8)] : undefined,
    });
  });
  await writeRun(dir, records, space);
  const r = await writeTrajectory(dir);
  const e = expected(records);
  t.match(r, { generations: G, individuals: e.N, truncated: false, ignoredBytes: 0 });
  t.equal(e.N, G - 20 - 2 + 2000 + 30000);
  const d = dump(join(dir, 'trajectory.h5'));
  const ds = d.datasets;
  t.same(ds['individuals/x'].shape, [e.N, DIM]);
  t.same(ds['individuals/x'].data, { hex: hex(e.x) }, 'x');
  t.same(ds['parameters/coords'].data, { hex: hex(e.x) }, '/parameters/coords: x');
  t.same(ds['individuals/fitness'].data, { hex: hex(concatF64(records.map((rec) => rec.fitness))) }, 'fitness');
  t.same(ds['individuals/weighted'].data, { hex: hex(concatF64(records.map((rec) => rec.weighted))) }, 'weighted');
  t.same(ds['individuals/started'].data, { hex: hex(concatF64(records.map((rec) => rec.started))) }, 'started');
  t.same(ds['individuals/generation'].data, records.flatMap((rec) => Array.from(rec.index, () => rec.generation)), 'generation');
  t.same(ds['individuals/index'].data, records.flatMap((rec) => Array.from(rec.index)), 'index');
  t.same(ds['individuals/seed'].data, records.flatMap((rec) => Array.from(rec.seed)), 'seed');
  t.same(ds['individuals/attempts'].data, records.flatMap((rec) => Array.from(rec.attempts)), 'attempts');
  t.same(ds['individuals/error'].data, e.errors, 'error texts');
  t.equal(e.errors.filter(Boolean).length, 206);
  t.equal(e.k, 3);
  t.same(ds['individuals/outputs'].data, { hex: hex(e.outputs) }, 'outputs, NaN-padded');
  t.same(ds['generations/generation'].data, records.map((rec) => rec.generation));
  t.same(ds['generations/count'].data, records.map((rec) => rec.index.length));
  t.same(ds['generations/offset'].data, e.offsets);
  t.same(ds['generations/best'].data, { hex: hex(Float64Array.from(records, (_, g) => g / 7)) });
  t.same(ds['generations/s1'].data, { hex: hex(Float64Array.from(records, (_, g) => (g % 3 === 1 ? g : NaN))) });

  // cut off inside the widest record, and inside a one-row record after it: the complete ones are read, the rest reported
  const full = readFileSync(join(dir, 'generations.msgpack'));
  const ends: number[] = [];
  let end = encodeHeader('generational').length;
  for (const rec of records) ends.push((end += encodeGeneration(rec).length));
  const cutDir = join(tmp, 'steady-cut');
  mkdirSync(cutDir, { recursive: true });
  const file = join(cutDir, 'generations.msgpack');
  for (const [g, into] of [[13003, 700_000], [13003, 5], [15000, 40], [G - 1, 1]]) {
    const cut = ends[g - 1] + into;
    writeFileSync(file, full.subarray(0, cut));
    const j = Journal.open(file);
    let n = 0;
    let rowsRead = 0;
    for (const raw of j.rawRecords()) {
      n++;
      rowsRead += raw.n;
    }
    t.same({ n, rowsRead, truncated: j.truncated, ignored: j.ignoredBytes }, {
      n: g, rowsRead: records.slice(0, g).reduce((m, rec) => m + rec.index.length, 0), truncated: true, ignored: into,
    }, `cut ${into} bytes into record ${g}`);
  }

  // records that are mostly error text: the reader's window boundaries fall inside strings, which come back whole
  const texts = Array.from({ length: 200 }, (_, g) => `${g}: ${'ünïcødé ✗ '.repeat(150 + (g % 50))}`);
  writeFileSync(file, Buffer.concat([encodeHeader('generational'), ...texts.map((text, g) => encodeGeneration(record(g, 1, { fail: { 0: text }, stats: {} })))]));
  const back = readJournal(file);
  t.equal(back.truncated, false);
  t.same(back.records.map((rec) => rec.errors?.[0]), texts, 'long texts across window boundaries');
});

t.test('the journal reader takes every complete record and reports a cut-off tail, wherever the cut', async (t) => {
  const dir = join(tmp, 'cuts');
  mkdirSync(dir, { recursive: true });
  const parts = [encodeHeader('generational'), ...RECORDS.map(encodeGeneration)];
  const full = Buffer.concat(parts);
  const ends = parts.map((_, i) => parts.slice(0, i + 1).reduce((n, p) => n + p.length, 0));
  const file = join(dir, 'generations.msgpack');
  let checked = 0;
  // every byte of the last two records (cuts inside a column, a string, a map), every 13th before them
  for (let cut = ends[0]; cut <= full.length; cut += cut < ends.at(-3)! ? 13 : 1) {
    writeFileSync(file, full.subarray(0, cut));
    const complete = ends.filter((e) => e <= cut).length - 1;
    const j = readJournal(file);
    const ok = j.records.length === complete && j.truncated === (cut !== ends[complete]) && j.ignoredBytes === cut - ends[complete];
    if (!ok) {
      t.fail(`cut at ${cut}: ${j.records.length} records (truncated ${j.truncated}, ${j.ignoredBytes} bytes), expected ${complete}`);
      return;
    }
    checked++;
  }
  t.pass(`every cut point (${checked}) gives exactly the complete records`);
  writeFileSync(file, full.subarray(0, ends[0] - 1));
  t.throws(() => Journal.open(file), /ends before its header/);
  writeFileSync(file, Buffer.from('not msgpack at all'));
  t.throws(() => Journal.open(file));
});

/** A small real experiment: the GA on 10-D Rastrigin, 6 generations. */
function experimentFile(): string {
  const file = join(tmp, 'exp.yaml');
  writeFileSync(file, 'name: h5e2e\nseed: 5\noptimizer: {type: ga, pop_size: 30, tourn_size: 3}\noptimizee: {type: benchmark, preset: Rastrigin10d}\nstop: {generations: 6}\n');
  return file;
}

t.test('a run writes trajectory.h5 at its end; export redoes it from a killed run\'s journal', async (t) => {
  const missing = h5pyMissing();
  if (missing) return t.fail(missing);
  const file = experimentFile();
  const out = join(tmp, 'e2e');
  const run = runMain(['run', file, '--out', out, '--quiet']);
  t.equal(run.code, 0, run.stderr);
  t.ok(existsSync(join(out, 'trajectory.h5')), 'trajectory.h5 written at the end of the run');
  const journal = readJournal(join(out, 'generations.msgpack'));
  t.equal(journal.records.length, 6);
  const d = dump(join(out, 'trajectory.h5'));
  const N = journal.records.reduce((n, r) => n + r.index.length, 0);
  t.same(d.datasets['individuals/x'].shape, [N, 10]);
  t.same(d.datasets['individuals/x'].data, { hex: hex(concatF64(journal.records.map((r) => r.x))) }, 'h5py reads /individuals/x equal to the journal');
  t.same(d.datasets['parameters/coords'].shape, [N, 10]);
  t.same(d.datasets['individuals/generation'].data, journal.records.flatMap((r) => Array.from(r.index, () => r.generation)));
  t.same(d.attrs.name, 'h5e2e');

  // a killed run: the journal's last record cut off part-way
  const killed = join(tmp, 'killed');
  mkdirSync(killed);
  for (const f of ['config.json', 'generations.msgpack']) copyFileSync(join(out, f), join(killed, f));
  const size = statSync(join(killed, 'generations.msgpack')).size;
  truncateSync(join(killed, 'generations.msgpack'), size - 37);
  const ex = runMain(['export', killed]);
  t.equal(ex.code, 0, ex.stderr);
  t.match(ex.stdout, /incomplete record \(\d+ bytes: the run was killed while writing it, or is still running\); took the 5 complete generations/);
  t.match(ex.stdout, /wrote .*trajectory\.h5: 5 generations/);
  const k = dump(join(killed, 'trajectory.h5'));
  t.same(k.datasets['generations/generation'].data, [0, 1, 2, 3, 4]);
  const N5 = journal.records.slice(0, 5).reduce((n, r) => n + r.index.length, 0);
  t.same(k.datasets['individuals/x'].data, { hex: hex(concatF64(journal.records.slice(0, 5).map((r) => r.x))) });
  t.same(k.datasets['individuals/seed'].shape, [N5]);

  const none = runMain(['export', join(tmp, 'nowhere')]);
  t.equal(none.code, 2);
  t.match(none.stderr, /error: export: .*config\.json not found/);
  t.equal(runMain(['export']).code, 2);
  t.match(runMain(['help', 'export']).stdout, /usage: node dist\/main.js export RESULTS_DIR/);
});

t.test('a trajectory that cannot be written costs that file and one line on stderr, not the run', async (t) => {
  const file = experimentFile();
  const out = join(tmp, 'blocked');
  mkdirSync(join(out, '.trajectory.h5.tmp'), { recursive: true }); // a directory where the temporary file goes
  const run = runMain(['run', file, '--out', out, '--quiet']);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stderr, /^warning: .*trajectory\.h5 not written: .*\(retry with: node dist\/main\.js export .*\)$/m);
  t.equal(run.stderr.split('\n').filter((l) => l.includes('trajectory.h5')).length, 1, 'one line');
  t.notOk(existsSync(join(out, 'trajectory.h5')));
  t.match(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')), { status: 'completed', generations: 6 });
});

t.test('a journal with no complete generation is refused', async (t) => {
  const dir = join(tmp, 'empty');
  await writeRun(dir, []);
  await t.rejects(writeTrajectory(dir), TrajectoryError);
  t.notOk(existsSync(join(dir, 'trajectory.h5')));
});

// ---- /pareto: the non-dominated set of the successful evaluations of a run with 2+ ranked objectives

/** A generation of rows with the given fitness vectors; rows in `failed` have status failed (their fitness kept, finite or not). */
function paretoRecord(generation: number, fitness: number[][], failed: number[] = []): GenerationRecord {
  const n = fitness.length;
  const nObj = fitness[0].length;
  return {
    generation, dim: 1, nObj, stats: { evaluated: n },
    index: Int32Array.from({ length: n }, (_, i) => i), x: Float64Array.from({ length: n }, (_, i) => i / 10),
    fitness: Float64Array.from(fitness.flat()), weighted: new Float64Array(n),
    status: Uint8Array.from({ length: n }, (_, i) => (failed.includes(i) ? 1 : 0)), attempts: new Uint8Array(n).fill(1),
    seconds: new Float64Array(n), started: new Float64Array(n), rank: new Int32Array(n).fill(1), seed: new Uint32Array(n),
    errors: null, outputs: null,
  };
}

const PARETO_PY = String.raw`
import json, sys
import h5py
with h5py.File(sys.argv[1], 'r') as f:
    if 'pareto' not in f:
        print(json.dumps(None))
    else:
        g = f['pareto']
        print(json.dumps({'rows': g['rows'][()].tolist(), 'dtype': g['rows'].dtype.str, 'attrs': {k: (v.tolist() if hasattr(v, 'tolist') else v) for k, v in g.attrs.items()}},
                         default=lambda b: b.decode('utf-8')))
`;
const paretoScript = join(tmp, 'pareto.py');
writeFileSync(paretoScript, PARETO_PY);

function paretoOf(file: string): { rows: number[]; dtype: string; attrs: Record<string, unknown> } | null {
  const r = spawnSync(PYTHON, [paretoScript, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`h5py could not read ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function paretoRun(name: string, records: GenerationRecord[], extra: { weights?: number[]; objectives?: string[] }): Promise<string> {
  const dir = join(tmp, name);
  const rec = Recorder.open(dir, { force: true });
  rec.writeConfig({ experiment: { ...EXPERIMENT, optimizer: { type: 'nsga2' } }, space: [{ name: 'x', length: null, lower: 0, upper: 1 }], version: 't', ranks: 1, ...extra }, 'generational');
  for (const r of records) rec.recordGeneration(r);
  await rec.close();
  await writeTrajectory(dir, { blockBytes: 64 }); // blocks of a few rows: the front is gathered across them
  return join(dir, 'trajectory.h5');
}

// weights [-1, 1]: fitness[0] minimised, fitness[1] maximised
const PARETO_RECORDS = [
  paretoRecord(0, [
    [1, 1], //     0: on the front
    [2, 3], //     1: on the front
    [0, 10], //    2: failed: would dominate every row, never counts
    [1, 1], //     3: a duplicate of row 0: neither dominates the other, both on the front
    [3, 3], //     4: dominated by row 1 (same fitness[1], larger fitness[0])
  ], [2]),
  paretoRecord(1, [
    [0.5, 0.5], // 5: on the front (the smallest fitness[0])
    [1, 0.5], //   6: dominated by row 0 (same fitness[0], smaller fitness[1])
    [2.5, 4], //   7: on the front
    [NaN, 50], //  8: status ok but a ranked component not finite: never on the front
    [4, 4], //     9: dominated by row 7
    [0.5, 0.5], // 10: a duplicate of row 5
  ]),
];

t.test('/pareto holds exactly the non-dominated successful rows of a 2-objective run, sorted by the first objective', async (t) => {
  const missing = h5pyMissing();
  if (missing) return t.fail(missing);
  const p = paretoOf(await paretoRun('pareto2', PARETO_RECORDS, { weights: [-1, 1], objectives: ['cost', 'gain'] }));
  t.same(p, {
    rows: [5, 10, 0, 3, 1, 7], dtype: '<i8',
    attrs: { objectives: ['cost', 'gain'], components: [0, 1], signs: [-1, 1], evaluations: 9 },
  });

  // the weights from the experiment when config.json has none; names fitness[j] without the optimizee's
  const cfgWeights = join(tmp, 'pareto-exp');
  const rec = Recorder.open(cfgWeights, { force: true });
  rec.writeConfig({ experiment: { ...EXPERIMENT, optimizee: { type: 'python', weights: [-2, 0.5] } }, space: [{ name: 'x', length: null, lower: 0, upper: 1 }], version: 't', ranks: 1 }, 'generational');
  for (const r of PARETO_RECORDS) rec.recordGeneration(r);
  await rec.close();
  await writeTrajectory(cfgWeights);
  t.match(paretoOf(join(cfgWeights, 'trajectory.h5')), { rows: [5, 10, 0, 3, 1, 7], attrs: { objectives: ['fitness[0]', 'fitness[1]'], signs: [-1, 1] } });

  // both maximised: another front from the same rows, row 9 (4, 4) alone (row 2 still failed, row 8 still not finite)
  t.match(paretoOf(await paretoRun('pareto-max', PARETO_RECORDS, { weights: [1, 1] })), { rows: [9], attrs: { signs: [1, 1] } });
});

t.test('/pareto: a zero weight leaves its component out; three ranked objectives; one ranked objective or unknown weights write none', async (t) => {
  const missing = h5pyMissing();
  if (missing) return t.fail(missing);
  // a middle component of weight 0 that would change the front were it ranked
  const three = PARETO_RECORDS.map((r) => paretoRecord(r.generation,
    Array.from({ length: r.index.length }, (_, i) => [r.fitness[2 * i], 100 - i, r.fitness[2 * i + 1]]), Array.from(r.status).flatMap((s, i) => (s ? [i] : []))));
  t.match(paretoOf(await paretoRun('pareto-zero', three, { weights: [-1, 0, 1] })), { rows: [5, 10, 0, 3, 1, 7], attrs: { components: [0, 2], signs: [-1, 1], objectives: ['fitness[0]', 'fitness[2]'] } });
  // all three ranked (the middle one 100 - the row's position in its generation): the duplicates 3 and 10 and
  // the rows 4, 6 and 9 fall behind rows 0, 5, 1 and 7, each as good elsewhere and better in the middle one
  t.same(paretoOf(await paretoRun('pareto-three', three, { weights: [-1, 1, 1] }))?.rows, [5, 0, 1, 7], 'three objectives');
  t.equal(paretoOf(await paretoRun('pareto-one', PARETO_RECORDS, { weights: [0, 1] })), null, 'one ranked objective: no /pareto');
  t.equal(paretoOf(await paretoRun('pareto-unknown', PARETO_RECORDS, {})), null, 'weights not recorded: no /pareto');
});
