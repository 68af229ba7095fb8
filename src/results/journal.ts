/**
 * A tolerant, streaming reader of generations.msgpack (the run's append-only journal, written by
 * src/experiment/recorder.ts). It reads the file in blocks, so memory stays bounded by a block plus
 * one record however long the run was, and it stops at a truncated last record (a run killed while
 * writing, or a run still being written) instead of failing: every complete record is returned and
 * `truncated` / `ignoredBytes` say what was left.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { Unpackr } from 'msgpackr';
import { checkGenerationsHeader, decodeGenerationRecord } from '../experiment/generation-codec.js';
import type { GenerationRecord } from '../experiment/recorder.js';

export const JOURNAL_FILE = 'generations.msgpack';

export interface JournalHeader {
  format: string;
  version: number;
  statusNames: string[];
}

export class JournalError extends Error {
  override name = 'JournalError';
}

const BLOCK_BYTES = 8 << 20;

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
      checkGenerationsHeader(header);
    } catch (err) {
      throw new JournalError(`${file}: ${(err as Error).message}`);
    }
    return new Journal(file, { format: header.format, version: header.version, statusNames: [...header.statusNames] });
  }

  /**
   * Every complete generation record, in file order, decoded one at a time (`limit` stops after that
   * many). After the last one, `truncated`, `ignoredBytes` and `completeBytes` describe the file.
   */
  *records(limit = Infinity): Generator<GenerationRecord, void, void> {
    const state = { truncated: false, ignoredBytes: 0, completeBytes: 0 };
    let first = true;
    let n = 0;
    for (const v of scan(this.file, state)) {
      if (first) {
        first = false;
        continue;
      }
      if (n >= limit) return;
      let rec: GenerationRecord;
      try {
        rec = decodeGenerationRecord(v as Record<string, unknown>);
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

/** The whole journal in memory (tests and small runs): every complete record and what was left. */
export function readJournal(file: string): { header: JournalHeader; records: GenerationRecord[]; truncated: boolean; ignoredBytes: number } {
  const j = Journal.open(file);
  const records = [...j.records()];
  return { header: j.header, records, truncated: j.truncated, ignoredBytes: j.ignoredBytes };
}

/**
 * The msgpack values of a file, read in blocks. A value cut off by the end of the file ends the scan
 * (state.truncated); any other decoding error is a JournalError naming the byte offset.
 */
function* scan(file: string, state: { truncated?: boolean; ignoredBytes?: number; completeBytes?: number }): Generator<unknown, void, void> {
  const unpackr = new Unpackr({ useRecords: false });
  const fd = openSync(file, 'r');
  try {
    let size = fstatSync(fd).size; // what is there now: a run still writing may append more
    let filePos = 0; // file offset just after what `buf` holds
    let base = 0; // file offset of buf[0]
    let buf: Buffer = Buffer.alloc(0);
    let want = BLOCK_BYTES;
    for (;;) {
      // top the buffer up to `want` bytes (or the end of the file)
      if (buf.length < want && filePos < size) {
        const add = Math.min(size - filePos, Math.max(want - buf.length, BLOCK_BYTES));
        const next = Buffer.allocUnsafe(buf.length + add);
        buf.copy(next, 0);
        let got = 0;
        while (got < add) {
          const r = readSync(fd, next, buf.length + got, add - got, filePos + got);
          if (r === 0) break;
          got += r;
        }
        filePos += got;
        if (got < add) size = filePos; // the file shrank under us
        buf = next.subarray(0, buf.length + got);
      }
      const eof = filePos >= size;
      if (buf.length === 0) break;
      const values: unknown[] = [];
      let consumed = 0;
      let missing = 0;
      let incomplete = false;
      try {
        unpackr.unpackMultiple(buf, (value: unknown, _start?: number, end?: number) => {
          values.push(value);
          consumed = end!;
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
      if (eof) {
        if (incomplete || buf.length > 0) {
          state.truncated = true;
          state.ignoredBytes = buf.length;
        }
        break;
      }
      // more of the file to come: ask for enough to finish the value that was cut off
      want = incomplete ? buf.length + Math.max(missing, BLOCK_BYTES) : BLOCK_BYTES;
    }
  } finally {
    closeSync(fd);
  }
}
