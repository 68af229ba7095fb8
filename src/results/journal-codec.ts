/**
 * generations.msgpack: a stream of msgpack maps. The first is a header; then one map per generation
 * whose columns are arrays stored as {dtype, shape, data}, data being the raw little-endian bytes
 * (numpy dtype strings), so a reader needs only msgpack and numpy.frombuffer:
 *
 *   {format: 'l2l-generations', version: 3, statusNames: ['ok', 'failed', 'timed-out'], mode: 'generational' | 'steady-state'}
 *   {generation, stats: {...}, errors: {row: text},
 *    index <i4 [n], x <f8 [n, dim], fitness <f8 [n, nObj], weighted <f8 [n], status |u1 [n],
 *    attempts |u1 [n], seconds <f8 [n], started <f8 [n], rank <i4 [n], seed <u4 [n], outputs <f8 [n, k] or nil}
 *
 * outputs holds the model outputs, k the longest row's length, NaN where a row has fewer (or none).
 * errors maps a row's number to its text, for the rows that have one. The header's mode says how the
 * run was driven (a steady-state record is one result batch, a generational one a whole generation);
 * version 2 files, written before it was recorded, read with mode null.
 *
 * Encoding is a copy of the typed arrays' bytes, so recording every individual costs the optimizer
 * next to nothing (JSON text cost ~6 us per 10-D individual here; this costs well under 1).
 */
import { Packr, Unpackr } from 'msgpackr';
import { STATUS_NAMES } from '../core/fitness.js';
import type { GenerationRecord, RunMode } from './records.js';

export const GENERATIONS_FORMAT = 'l2l-generations';
export const GENERATIONS_VERSION = 3;
/** Versions this reader knows: 2 lacks the header's mode. */
const READABLE_VERSIONS = [2, 3];

export interface JournalHeader {
  format: string;
  version: number;
  statusNames: string[];
  /** null for a version 2 journal, which did not record it. */
  mode: RunMode | null;
}

// Plain msgpack (no records, no typed-array extensions) so any msgpack library reads it.
const packr = new Packr({ useRecords: false, moreTypes: false });

interface Column {
  dtype: string;
  shape: number[];
  data: Buffer;
}

function column(a: ArrayBufferView, dtype: string, shape: number[]): Column {
  return { dtype, shape, data: Buffer.from(a.buffer, a.byteOffset, a.byteLength) };
}

export function encodeHeader(mode: RunMode): Buffer {
  return packr.pack({ format: GENERATIONS_FORMAT, version: GENERATIONS_VERSION, statusNames: STATUS_NAMES, mode });
}

/** Row texts as the file keeps them: {row: text} for the rows that have one. */
export function errorsMap(errors: ReadonlyArray<string | null> | null): Record<string, string> {
  const m: Record<string, string> = {};
  errors?.forEach((e, i) => {
    if (e !== null && e !== undefined) m[i] = e;
  });
  return m;
}

/** The file's {row: text} back to a text (or null) per row; null when no row has one. */
export function errorsArray(map: Record<string, string> | undefined, n: number): Array<string | null> | null {
  if (!map) return null;
  let out: Array<string | null> | null = null;
  for (const [row, text] of Object.entries(map)) {
    const i = Number(row);
    if (Number.isInteger(i) && i >= 0 && i < n) (out ??= new Array<string | null>(n).fill(null))[i] = String(text);
  }
  return out;
}

/** A generation's record as one msgpack map (see encodeGenerationChunks). */
export function encodeGeneration(r: GenerationRecord): Buffer {
  return Buffer.concat(encodeGenerationChunks(r));
}

/**
 * A generation's record as the chunks of bytes that make its msgpack map, in order: the keys, the
 * small values and each column's header packed into short chunks, and between them each column's
 * data, which is the record's own typed array (no copy). Written with one writev, the columns are
 * read where they lie, so the caller must not change them until the write is done (rank 0 never
 * changes a row once told). Decoded, it is the map documented above.
 */
export function encodeGenerationChunks(r: GenerationRecord): Uint8Array[] {
  const n = r.index.length;
  const w = new ChunkWriter();
  w.mapHeader(14);
  w.key('generation');
  w.small(r.generation);
  w.key('stats');
  w.small(r.stats);
  w.key('errors');
  w.small(errorsMap(r.errors));
  const col = (key: string, a: ArrayBufferView, dtype: string, shape: number[]) => {
    w.key(key);
    w.mapHeader(3);
    w.key('dtype');
    w.small(dtype);
    w.key('shape');
    w.small(shape);
    w.key('data');
    w.bin(a);
  };
  col('index', r.index, '<i4', [n]);
  col('x', r.x, '<f8', [n, r.dim]);
  col('fitness', r.fitness, '<f8', [n, r.nObj]);
  col('weighted', r.weighted, '<f8', [n]);
  col('status', r.status, '|u1', [n]);
  col('attempts', r.attempts, '|u1', [n]);
  col('seconds', r.seconds, '<f8', [n]);
  col('started', r.started, '<f8', [n]);
  col('rank', r.rank, '<i4', [n]);
  col('seed', r.seed, '<u4', [n]);
  w.key('outputs');
  if (r.outputs) {
    const o = outputsColumn(r.outputs, n);
    col('', o.data, o.dtype, o.shape); // '' is not written: see below
  } else {
    w.small(null);
  }
  return w.finish();
}

/** Builds a msgpack value from small packed pieces and large raw byte runs (see encodeGenerationChunks). */
class ChunkWriter {
  private readonly chunks: Uint8Array[] = [];
  private pending: Uint8Array[] = [];

  mapHeader(entries: number): void {
    this.pending.push(entries < 16 ? Uint8Array.of(0x80 | entries) : Uint8Array.of(0xde, entries >> 8, entries & 0xff));
  }

  /** A map key (ASCII, short); the empty key is a no-op (an already written key's value follows). */
  key(k: string): void {
    if (k !== '') this.small(k);
  }

  small(v: unknown): void {
    this.pending.push(packr.pack(v));
  }

  /** msgpack bin32 of a's bytes, the bytes themselves passed through as a chunk of their own. */
  bin(a: ArrayBufferView): void {
    const h = new Uint8Array(5);
    h[0] = 0xc6;
    new DataView(h.buffer).setUint32(1, a.byteLength);
    this.pending.push(h);
    this.flush();
    this.chunks.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }

  finish(): Uint8Array[] {
    this.flush();
    return this.chunks;
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    this.chunks.push(this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending));
    this.pending = [];
  }
}

/** Model outputs as one n x k matrix, NaN-padded. */
function outputsColumn(rows: ReadonlyArray<Float64Array | null>, n: number): Column {
  let k = 0;
  for (let i = 0; i < n; i++) k = Math.max(k, rows[i]?.length ?? 0);
  const m = new Float64Array(n * k).fill(NaN);
  for (let i = 0; i < n; i++) {
    const o = rows[i];
    if (o) m.set(o, i * k);
  }
  return column(m, '<f8', [n, k]);
}

/** An outputs matrix back to rows; a row that is all NaN (none given) becomes null. */
function outputRows(c: Column | null | undefined): Array<Float64Array | null> | null {
  if (!c) return null;
  const [n, k] = c.shape;
  const m = toArray(c) as Float64Array;
  const rows: Array<Float64Array | null> = [];
  for (let i = 0; i < n; i++) {
    const row = m.slice(i * k, (i + 1) * k);
    rows.push(row.every(Number.isNaN) && k > 0 ? null : row);
  }
  return rows;
}

const ARRAYS: Record<string, new (b: ArrayBuffer) => ArrayBufferView & ArrayLike<number>> = {
  '<i4': Int32Array, '<f8': Float64Array, '|u1': Uint8Array, '<u4': Uint32Array,
};

function toArray(c: Column): ArrayLike<number> {
  const Ctor = ARRAYS[c.dtype];
  if (!Ctor) throw new Error(`generations.msgpack: unknown dtype ${c.dtype}`);
  const bytes = Uint8Array.prototype.slice.call(c.data); // aligned copy
  return new Ctor(bytes.buffer);
}

/** Reads a whole generations.msgpack (header checked): its records. */
export function decodeGenerations(file: Uint8Array): GenerationRecord[] {
  return decodeJournal(file).records;
}

/** Reads a whole generations.msgpack: its header and its records. */
export function decodeJournal(file: Uint8Array): { header: JournalHeader; records: GenerationRecord[] } {
  const [header, ...gens] = new Unpackr({ useRecords: false }).unpackMultiple(file) as Array<Record<string, unknown>>;
  return { header: readGenerationsHeader(header), records: gens.map(decodeGenerationRecord) };
}

/** `header` (the file's first msgpack value) as a header this reader knows; throws otherwise. */
export function readGenerationsHeader(header: Record<string, unknown> | undefined): JournalHeader {
  if (header?.format !== GENERATIONS_FORMAT) throw new Error('not a generations.msgpack file');
  if (!READABLE_VERSIONS.includes(header.version as number)) throw new Error(`generations.msgpack version ${String(header.version)}, this reader knows ${READABLE_VERSIONS.join(' and ')}`);
  const mode = header.mode === 'generational' || header.mode === 'steady-state' ? header.mode : null;
  if (header.version === GENERATIONS_VERSION && mode === null) throw new Error(`generations.msgpack: the header's mode is ${JSON.stringify(header.mode)}, expected generational or steady-state`);
  return { format: GENERATIONS_FORMAT, version: header.version as number, statusNames: [...(header.statusNames as string[])], mode };
}

/** One generation's msgpack map (as msgpackr unpacks it) back to a record; the arrays are copies. */
export function decodeGenerationRecord(g: Record<string, unknown>): GenerationRecord {
  const col = (k: string) => toArray(g[k] as Column);
  const x = g.x as Column;
  const f = g.fitness as Column;
  return {
    generation: g.generation as number, stats: g.stats as Record<string, number>, errors: errorsArray(g.errors as Record<string, string> | undefined, x.shape[0]),
    dim: x.shape[1], nObj: f.shape[1],
    index: col('index') as Int32Array, x: col('x') as Float64Array, fitness: col('fitness') as Float64Array,
    weighted: col('weighted') as Float64Array, status: col('status') as Uint8Array, attempts: col('attempts') as Uint8Array, seconds: col('seconds') as Float64Array,
    started: col('started') as Float64Array, rank: col('rank') as Int32Array, seed: col('seed') as Uint32Array,
    outputs: outputRows(g.outputs as Column | null),
  };
}
