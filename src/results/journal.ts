/**
 * A tolerant, streaming reader of generations.msgpack (the run's append-only journal, written by
 * src/experiment/recorder.ts). It reads the file in blocks, so memory stays bounded by a block plus
 * one record however long the run was, and it stops at a truncated last record (a run killed while
 * writing, or a run still being written) instead of failing: every complete record is returned and
 * `truncated` / `ignoredBytes` say what was left.
 *
 * The file is read into one buffer, reused (a fresh block each time left hundreds of MB of dead
 * buffers to the garbage collector), and decoded a small window at a time (DECODE_BYTES, widened only
 * for a value larger than that), never a block at once: a steady-state run writes one tiny record per
 * result batch, and an 8 MiB block of those decoded at once was some 13,000 live records (~50 heap
 * objects each) that outlived the young generation, so the old generation grew by hundreds of MB
 * between full collections; msgpackr's native string extractor also scans ahead to the end of what
 * it is given, once per decode call.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Unpackr } from 'msgpackr';
import { decodeGenerationRecord, readGenerationsHeader, type JournalHeader } from './journal-codec.js';
import { JOURNAL_FILE, type GenerationRecord } from './records.js';

export { JOURNAL_FILE } from './records.js';
export type { JournalHeader } from './journal-codec.js';

export class JournalError extends Error {
  override name = 'JournalError';
}

/** Bytes read from the file at a time (into one buffer, reused). */
const BLOCK_BYTES = 1 << 20;
/** Bytes of a block decoded at a time (more for a single larger value). */
const DECODE_BYTES = 64 << 10;

interface Incomplete extends Error {
  incomplete?: boolean;
  missingBytes?: number;
}

export class Journal {
  /** Set once records() has run to its end: whether the file ends in an incomplete record. */
  truncated = false;
  /** Bytes after the last complete record (0 unless truncated). */
  ignoredBytes = 0;
  /** Bytes of the complete records, header included. */
  completeBytes = 0;

  private constructor(readonly file: string, readonly header: JournalHeader) {}

  /** Opens a journal and checks its header (a JournalError when it has none or is not one). */
  static open(file: string): Journal {
    let header: Record<string, unknown> | undefined;
    for (const v of scan(file, {})) {
      header = v as Record<string, unknown>;
      break;
    }
    if (header === undefined) throw new JournalError(`${file}: empty, or ends before its header is complete`);
    try {
      return new Journal(file, readGenerationsHeader(header));
    } catch (err) {
      throw new JournalError(`${file}: ${(err as Error).message}`);
    }
  }

  /**
   * Every complete generation record, in file order, decoded one at a time (`limit` stops after that
   * many). After the last one, `truncated`, `ignoredBytes` and `completeBytes` describe the file.
   */
  *records(limit = Infinity): Generator<GenerationRecord, void, void> {
    yield* this.decoded(decodeGenerationRecord, limit);
  }

  /**
   * Like records(), but each record's columns as raw bytes (RawGenerationRecord): no per-column copy
   * or typed array, for a reader that copies the bytes on anyway. The bytes are views into the
   * reader's buffer, which later reads overwrite: valid only until the next record is asked for.
   */
  *rawRecords(limit = Infinity): Generator<RawGenerationRecord, void, void> {
    yield* this.decoded(rawRecord, limit);
  }

  /** The records after the header, each through `decode`; the file's tail state is set at the end. */
  private *decoded<T>(decode: (v: Record<string, unknown>) => T, limit: number): Generator<T, void, void> {
    const state = { truncated: false, ignoredBytes: 0, completeBytes: 0 };
    let first = true;
    let n = 0;
    for (const v of scan(this.file, state)) {
      if (first) {
        first = false;
        continue;
      }
      if (n >= limit) return;
      let rec: T;
      try {
        rec = decode(v as Record<string, unknown>);
      } catch (err) {
        throw new JournalError(`${this.file}: record ${n} is not a generation record (${(err as Error).message})`);
      }
      n++;
      yield rec;
    }
    this.truncated = state.truncated;
    this.ignoredBytes = state.ignoredBytes;
    this.completeBytes = state.completeBytes;
  }
}

/** A column as msgpackr decodes it: numpy dtype string, shape, raw little-endian bytes. */
interface RawColumn {
  dtype: string;
  shape: number[];
  data: Uint8Array;
}

/**
 * One generation record with its columns as raw little-endian bytes (views into the reader's block,
 * no copies), checked against the journal's layout: for a reader that copies them on (trajectory.h5),
 * at a fraction of the cost of decodeGenerationRecord's typed arrays.
 */
export interface RawGenerationRecord {
  generation: number;
  stats: Record<string, number> | undefined;
  errors: Record<string, string> | undefined;
  /** Rows (individuals). */
  n: number;
  dim: number;
  nObj: number;
  /** index <i4 [n] */
  index: Uint8Array;
  /** x <f8 [n, dim] */
  x: Uint8Array;
  /** fitness <f8 [n, nObj] */
  fitness: Uint8Array;
  weighted: Uint8Array;
  status: Uint8Array;
  attempts: Uint8Array;
  seconds: Uint8Array;
  started: Uint8Array;
  rank: Uint8Array;
  seed: Uint8Array;
  /** outputs <f8 [n, outputsWidth], NaN-padded, or null when the record has none. */
  outputs: Uint8Array | null;
  outputsWidth: number;
}

/** The raw columns of a record: [name, dtype, itemsize, width: 0 for [n], 'dim' / 'nObj' for [n, that]]. */
const RAW_COLUMNS = [
  ['index', '<i4', 4, 0], ['x', '<f8', 8, 'dim'], ['fitness', '<f8', 8, 'nObj'], ['weighted', '<f8', 8, 0],
  ['status', '|u1', 1, 0], ['attempts', '|u1', 1, 0], ['seconds', '<f8', 8, 0], ['started', '<f8', 8, 0],
  ['rank', '<i4', 4, 0], ['seed', '<u4', 4, 0],
] as const;

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

/** A record's msgpack map as a RawGenerationRecord; throws (plain Error) unless it has the journal's layout. */
function rawRecord(g: Record<string, unknown>): RawGenerationRecord {
  if (g === null || typeof g !== 'object') throw new Error('not a map');
  const col = (name: string, dtype: string, itemsize: number, rank: 1 | 2): RawColumn => {
    const c = g[name] as RawColumn | undefined;
    if (!c || typeof c !== 'object' || !(c.data instanceof Uint8Array) || !Array.isArray(c.shape)) throw new Error(`column ${name} missing or malformed`);
    if (c.dtype !== dtype) throw new Error(`column ${name}: dtype ${String(c.dtype)}, expected ${dtype}`);
    if (c.shape.length !== rank || !c.shape.every(isCount)) throw new Error(`column ${name}: shape ${JSON.stringify(c.shape)}`);
    const items = rank === 1 ? c.shape[0] : c.shape[0] * c.shape[1];
    if (c.data.byteLength !== items * itemsize) throw new Error(`column ${name}: ${c.data.byteLength} bytes for shape ${JSON.stringify(c.shape)}`);
    return c;
  };
  const x = col('x', '<f8', 8, 2);
  const f = col('fitness', '<f8', 8, 2);
  const n = x.shape[0];
  const dims = { dim: x.shape[1], nObj: f.shape[1] };
  const r = {
    generation: g.generation as number, stats: g.stats as Record<string, number> | undefined, errors: g.errors as Record<string, string> | undefined,
    n, dim: dims.dim, nObj: dims.nObj, outputs: null as Uint8Array | null, outputsWidth: -1,
  } as RawGenerationRecord;
  for (const [name, dtype, itemsize, width] of RAW_COLUMNS) {
    const c = col(name, dtype, itemsize, width === 0 ? 1 : 2);
    if (c.shape[0] !== n || (width !== 0 && c.shape[1] !== dims[width])) throw new Error(`column ${name}: shape ${JSON.stringify(c.shape)} for ${n} rows`);
    r[name] = c.data;
  }
  if (g.outputs != null) {
    const o = col('outputs', '<f8', 8, 2);
    if (o.shape[0] !== n) throw new Error(`column outputs: shape ${JSON.stringify(o.shape)} for ${n} rows`);
    r.outputs = o.data;
    r.outputsWidth = o.shape[1];
  }
  if (typeof r.generation !== 'number') throw new Error('no generation number');
  return r;
}

/** The whole journal in memory (tests and small runs): every complete record and what was left. */
export function readJournal(file: string): { header: JournalHeader; records: GenerationRecord[]; truncated: boolean; ignoredBytes: number } {
  const j = Journal.open(file);
  const records = [...j.records()];
  return { header: j.header, records, truncated: j.truncated, ignoredBytes: j.ignoredBytes };
}

/**
 * The msgpack values of a file, read in blocks and decoded a window at a time. A value cut off by the
 * end of the file ends the scan (state.truncated); any other decoding error is a JournalError naming
 * the byte offset. Binary values are Uint8Array views into the read buffer (no copies), which the
 * next read overwrites: a value is good until the generator is resumed past the window it came in,
 * so callers copy what they keep (decodeGenerationRecord does).
 */
function* scan(file: string, state: { truncated?: boolean; ignoredBytes?: number; completeBytes?: number }): Generator<unknown, void, void> {
  const unpackr = new Unpackr({ useRecords: false });
  const fd = openSync(file, 'r');
  try {
    let size = fstatSync(fd).size; // what is there now: a run still writing may append more
    let filePos = 0; // file offset just after what `buf` holds
    let base = 0; // file offset of buf[0]
    let store = new Uint8Array(0); // the read buffer; `buf` is its unread part
    let buf = store;
    let window = DECODE_BYTES; // bytes decoded per call: twice the largest value of the last window, at least DECODE_BYTES
    let need = window; // bytes wanted in `buf` before decoding
    for (;;) {
      // top the buffer up to `need` bytes (or the end of the file), a block at a time
      if (buf.length < need && filePos < size) {
        const cap = Math.min(Math.max(need, BLOCK_BYTES), buf.length + size - filePos);
        if (store.length < cap) {
          const next = new Uint8Array(cap);
          next.set(buf, 0);
          store = next;
        } else store.copyWithin(0, buf.byteOffset - store.byteOffset, buf.byteOffset - store.byteOffset + buf.length);
        const add = Math.min(size - filePos, store.length - buf.length);
        let got = 0;
        while (got < add) {
          const r = readSync(fd, store, buf.length + got, add - got, filePos + got);
          if (r === 0) break;
          got += r;
        }
        filePos += got;
        if (got < add) size = filePos; // the file shrank under us
        buf = store.subarray(0, buf.length + got);
      }
      const eof = filePos >= size;
      if (buf.length === 0) break;
      const win = buf.length > window ? buf.subarray(0, window) : buf;
      const values: unknown[] = [];
      let consumed = 0;
      let largest = 0;
      let missing = 0;
      let incomplete = false;
      try {
        unpackr.unpackMultiple(win, (value: unknown, start?: number, end?: number) => {
          values.push(value);
          consumed = end!;
          largest = Math.max(largest, end! - start!);
        });
      } catch (err) {
        const e = err as Incomplete;
        if (!e.incomplete) throw new JournalError(`${file}: unreadable msgpack at byte ${base + consumed}: ${e.message}`);
        incomplete = true;
        missing = e.missingBytes ?? 0;
      }
      state.completeBytes = base + consumed;
      for (const v of values) yield v;
      buf = buf.subarray(consumed);
      base += consumed;
      if (consumed > 0 || !incomplete) {
        window = Math.max(DECODE_BYTES, 2 * largest); // back down after a large value
        need = window;
        continue;
      }
      // not one complete value in the window
      if (win.length < buf.length) {
        window = Math.max(2 * window, win.length + missing); // a value larger than the window: widen it
        need = window;
        continue;
      }
      if (eof) {
        state.truncated = true;
        state.ignoredBytes = buf.length;
        break;
      }
      // more of the file to come: ask for enough to finish the value that was cut off
      window = Math.max(window, buf.length + Math.max(missing, 1));
      need = Math.max(window, buf.length + Math.max(missing, BLOCK_BYTES));
    }
  } finally {
    closeSync(fd);
  }
}
