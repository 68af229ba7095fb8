/**
 * Checkpoints and the event log: what lets `run --resume DIR` continue a run killed at any moment
 * (kill -9 of the whole job, a wall-time limit) and end with the trajectory an uninterrupted run
 * would have produced, without evaluating any individual twice.
 *
 *   checkpoint.msgpack  the state at a quiet point (after a tell): the optimizer core's snapshot, the
 *                       run's counters and best individual, the individuals asked and not yet told
 *                       (steady state), and how many bytes of generations.msgpack it accounts for.
 *                       Replaced atomically (temp file, fsync, rename, fsync of the directory).
 *   events.msgpack      everything that happened since that checkpoint, in order: each ask (how many,
 *                       and a hash of what the core gave) and each batch of results as it arrived. It
 *                       starts with the number of the checkpoint it follows, so an events file older
 *                       than the checkpoint (a kill between the two) is recognised and ignored.
 *
 * Resuming restores the checkpoint, cuts generations.msgpack back to the bytes it accounts for, and
 * replays the events through the same code the run uses (the core is deterministic given its
 * snapshot), so the records after the checkpoint are written again, identically, and only the
 * individuals with no result in the log are dispatched.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Unpackr } from 'msgpackr';
import { decode, encode } from '../runtime/codec.js';
import type { ResultColumns, Rows } from '../core/rows.js';
import { CHECKPOINT_FILE, EVENTS_FILE, SUMMARY_FILE, type Best } from './records.js';

export const CHECKPOINT_FORMAT = 'l2l-checkpoint';
export const CHECKPOINT_VERSION = 1;

/** Asked rows of one ask (a generation, or a steady-state ask) still waiting for results. */
export interface OpenBlock {
  generation: number;
  index: Int32Array;
  x: Float64Array;
  /** 1 where the row's result was already told. */
  done: Uint8Array;
}

/** E: the resolved experiment's type, which the experiment layer (above this one) defines. */
export interface Checkpoint<E = Record<string, unknown>> {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  /** 1, 2, ...: the events file that follows this checkpoint carries the same number. */
  seq: number;
  software: string;
  experiment: E;
  /** Bytes of generations.msgpack written when the checkpoint was taken. */
  journalBytes: number;
  core: unknown;
  counters: { generations: number; evaluations: number; failures: number; asked: number; elapsedSeconds: number };
  best: Best | null;
  /** Steady state: asks with rows not yet told. Generational: empty (taken after a tell). */
  open: OpenBlock[];
}

/** The results of rows [offset, offset + n) of an ask, as a worker rank returned them. */
export interface ResultsEvent extends ResultColumns, Pick<Rows, 'started'> {
  kind: 'results';
  generation: number;
  /** The ask's rows the results belong to, when not offset .. offset + n (retries, a resumed run's rest). */
  rows: Int32Array | null;
  offset: number;
  n: number;
  rank: number;
  /** Per row, the worker that evaluated it, when not `rank` (results through a relay). */
  ranks?: Int32Array | null;
}

export type RunEvent = { kind: 'ask'; generation: number; n: number; hash: string } | ResultsEvent;

export interface EventsHeader {
  format: 'l2l-events';
  /** 1: results events as msgpack maps; 2: as compact arrays (see encodeEvent). Both are read. */
  version: 1 | 2;
  /** The checkpoint these events follow (0: the run's start). */
  after: number;
}

export function encodeCheckpoint<E>(c: Checkpoint<E>): Uint8Array {
  return encode(c);
}

export function decodeCheckpoint<E = Record<string, unknown>>(bytes: Uint8Array, file = CHECKPOINT_FILE): Checkpoint<E> {
  let c: Checkpoint<E>;
  try {
    c = decode(bytes) as Checkpoint<E>;
  } catch (err) {
    throw new Error(`${file}: unreadable (${(err as Error).message})`);
  }
  if (c?.format !== CHECKPOINT_FORMAT) throw new Error(`${file}: not an l2l checkpoint`);
  if (c.version !== CHECKPOINT_VERSION) throw new Error(`${file}: checkpoint version ${c.version}, this program reads ${CHECKPOINT_VERSION}`);
  return c;
}

export function encodeEventsHeader(after: number): Uint8Array {
  const h: EventsHeader = { format: 'l2l-events', version: 2, after };
  return encode(h);
}

/** The tag that starts a results event's array (version 2). */
const RESULTS_TAG = 'r';

/**
 * One event as the chunks of bytes that make it, in order (written with one writev, never joined).
 *
 * An ask is a small msgpack map. A results event, the hot one (one per batch of results), is a
 * msgpack array whose columns are msgpack `bin` values holding the typed arrays' raw little-endian
 * bytes, and those bytes are the batch's own arrays, passed through without a copy:
 *
 *   ['r', generation, offset, n, rank, nObj, rows | nil, fitness, status, seconds, started, extra | nil]
 *
 * rows <i4 (the ask's rows when not offset .. offset + n), fitness <f8 [n, nObj], status |u1,
 * seconds <f8, started <f8; extra is {errors, outputs, ranks?} for a batch that has row texts, model
 * outputs or (through a relay) the worker rank of each row. Packing
 * the same event as a msgpack map of typed-array extensions cost rank 0 about 2.5 times as much per
 * batch (bench/RESULTS.md, "coordinator").
 */
export function encodeEvent(e: RunEvent): Uint8Array[] {
  if (e.kind === 'ask') return [encode(e)];
  const extra = e.errors || e.outputs || e.ranks ? encode({ errors: e.errors, outputs: e.outputs, ...(e.ranks ? { ranks: e.ranks } : {}) }) : null;
  const head = new Uint8Array(1 + 2 + 5 * 5 + 5 + (e.rows ? 0 : 1));
  const v = new DataView(head.buffer);
  let p = 0;
  head[p++] = 0x9c; // fixarray of 12
  head[p++] = 0xa1; // fixstr of 1
  head[p++] = RESULTS_TAG.charCodeAt(0);
  for (const k of [e.generation, e.offset, e.n, e.rank, e.nObj]) {
    head[p++] = 0xce; // uint32
    v.setUint32(p, k);
    p += 4;
  }
  const chunks: Uint8Array[] = [head];
  let open = head;
  let at = p;
  const bin = (a: ArrayBufferView) => {
    open[at] = 0xc6; // bin32
    new DataView(open.buffer, open.byteOffset).setUint32(at + 1, a.byteLength);
    chunks.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    open = new Uint8Array(5);
    at = 0;
    chunks.push(open);
  };
  if (e.rows) bin(e.rows);
  else head[at++] = 0xc0; // nil
  bin(e.fitness);
  bin(e.status);
  bin(e.seconds);
  bin(e.started);
  chunks.pop(); // the last column needs no header after it
  chunks.push(extra ?? Uint8Array.of(0xc0));
  return chunks;
}

/** A typed array over an aligned copy of msgpack bin bytes. */
function column<T>(Ctor: new (b: ArrayBuffer) => T, bytes: Uint8Array): T {
  return new Ctor(Uint8Array.prototype.slice.call(bytes).buffer as ArrayBuffer);
}

/** A results event back from its version-2 array; a version-1 event (a map) is returned as it is. */
function readEvent(v: unknown): RunEvent {
  if (!Array.isArray(v)) return v as RunEvent;
  if (v[0] !== RESULTS_TAG || v.length !== 12) throw new Error('events.msgpack: an event of unknown layout');
  const [, generation, offset, n, rank, nObj, rows, fitness, status, seconds, started, extra] = v as [string, number, number, number, number, number, Uint8Array | null, Uint8Array, Uint8Array, Uint8Array, Uint8Array, { errors: Array<string | null> | null; outputs: Array<Float64Array | null> | null; ranks?: Int32Array } | null];
  return {
    kind: 'results', generation, offset, n, rank, nObj,
    rows: rows ? column(Int32Array, rows) : null,
    fitness: column(Float64Array, fitness), status: column(Uint8Array, status), seconds: column(Float64Array, seconds), started: column(Float64Array, started),
    errors: extra?.errors ?? null, outputs: extra?.outputs ?? null,
    ...(extra?.ranks ? { ranks: extra.ranks } : {}),
  };
}

/**
 * The events of an events file: its header's checkpoint number and every complete event (a kill
 * mid-write leaves a truncated last one, which is dropped).
 */
export function decodeEvents(bytes: Uint8Array): { after: number; events: RunEvent[]; truncated: boolean; validBytes: number } {
  const values: unknown[] = [];
  let truncated = false;
  let validBytes = 0;
  const u = new Unpackr({ moreTypes: true, useRecords: false, mapsAsObjects: true });
  try {
    u.unpackMultiple(bytes, ((v: unknown, _start?: number, end?: number) => {
      values.push(v);
      if (end !== undefined) validBytes = end;
    }) as (v: unknown) => void);
  } catch {
    truncated = true;
  }
  const [header, ...events] = values as [EventsHeader | undefined, ...unknown[]];
  if (header?.format !== 'l2l-events') return { after: -1, events: [], truncated: true, validBytes: 0 };
  if (header.version !== 1 && header.version !== 2) throw new Error(`events.msgpack version ${String(header.version)}, this program reads 1 and 2`);
  return { after: header.after, events: events.map(readEvent), truncated, validBytes };
}

/** What a resumed run continues from: its checkpoint and the events logged after it. */
export interface ResumePoint<E = Record<string, unknown>> {
  checkpoint: Checkpoint<E>;
  /** Events after the checkpoint (empty when the events file predates it). */
  events: RunEvent[];
  /** Bytes of events.msgpack up to its last complete event; 0 when the file must start afresh. */
  eventsBytes: number;
}

/** Reads DIR/checkpoint.msgpack and DIR/events.msgpack. */
export function readResumePoint<E = Record<string, unknown>>(dir: string): ResumePoint<E> {
  const cpFile = join(dir, CHECKPOINT_FILE);
  if (!existsSync(cpFile)) {
    throw new ResumeError(existsSync(join(dir, SUMMARY_FILE))
      ? `${dir} has no checkpoint.msgpack: the run was made by a version without checkpoints, or ended before its first one`
      : `${dir} holds no run (no summary.json, no checkpoint.msgpack)`);
  }
  let checkpoint: Checkpoint<E>;
  try {
    checkpoint = decodeCheckpoint<E>(readFileSync(cpFile), cpFile);
  } catch (err) {
    throw new ResumeError((err as Error).message);
  }
  const evFile = join(dir, EVENTS_FILE);
  if (!existsSync(evFile)) return { checkpoint, events: [], eventsBytes: 0 };
  const ev = decodeEvents(readFileSync(evFile));
  if (ev.after !== checkpoint.seq) return { checkpoint, events: [], eventsBytes: 0 };
  return { checkpoint, events: ev.events, eventsBytes: ev.validBytes };
}

export class ResumeError extends Error {
  override name = 'ResumeError';
}

/** Rows of x an ask hash covers at most: spread over the ask, enough to see any change of stream. */
const HASH_ROWS = 256;

/**
 * A short hash of an ask's rows, to check that a replayed ask gave what the original did: every
 * index, and up to HASH_ROWS rows of x spread evenly (a replay that diverges changes them all; hashing
 * every row of a 20,000-row ask cost a visible share of rank 0's time).
 */
export function askHash(index: Int32Array, x: Float64Array): string {
  const h = createHash('sha1');
  h.update(new Uint8Array(index.buffer, index.byteOffset, index.byteLength));
  const n = index.length;
  const dim = n > 0 ? x.length / n : 0;
  const step = Math.max(1, Math.floor(n / HASH_ROWS));
  for (let k = 0; k < n; k += step) h.update(new Uint8Array(x.buffer, x.byteOffset + k * dim * 8, dim * 8));
  return h.digest('hex').slice(0, 16);
}

