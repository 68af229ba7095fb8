/**
 * Columns in msgpack: the messages that carry them (evaluation batches and their results, most of the
 * traffic) are written and read without msgpack's general-purpose paths. Through msgpackr, a worker
 * spent 60-90 us packing a one-row result right after a 10 ms blocked evaluation (cold caches; 7 us
 * warm), and as long again unpacking the next batch.
 *
 * A message type opts in by registering a layout (registerFrame); its bodies are then written by
 * encodeFrame, unless a body holds something the layout does not (a failure's text, a model's
 * outputs): that one is packed by msgpackr, whole. Every other message is packed by msgpackr.
 *
 * The frame is still one msgpack document, the envelope of src/runtime/schema.ts:
 *   [version, type, to, from, corr, replyTo, body]   (fixarray; str8 strings; uint32 numbers)
 * with the body an ext of type 0x43 ('C', columns) whose payload is (little-endian):
 *   u8 len(name) | name (the layout's message type) | u8 p | p zero bytes, so what follows is 8-aligned
 *   f64 per scalar | u32 length per array (0xffffffff: absent) | padding to 8
 *   the arrays' elements: 8-byte ones first, then 4-byte, then 1-byte, so each starts aligned
 * Any msgpack decoder reads the envelope; codec.ts's decodes the body (unpackColumns) into typed
 * arrays that are views into the received bytes (copied once if those are not 8-aligned), and reads
 * a frame's envelope itself (readFrame) rather than through msgpackr's general path.
 */
import type { Envelope } from './schema.js';
import { SCHEMA_VERSION, SchemaError } from './schema.js';

/** The msgpack ext type of a columns body. */
export const COLUMNS_EXT = 0x43;

type ColumnType = Float64ArrayConstructor | Int32ArrayConstructor | Uint32ArrayConstructor | Uint8ArrayConstructor;
type Column = Float64Array | Int32Array | Uint32Array | Uint8Array;

export interface FrameLayout {
  /** Number fields, stored as f64 (integers up to 2^53 exactly). */
  readonly scalars: readonly string[];
  /** Typed-array fields and their types; optional ones may be absent (undefined). */
  readonly arrays: ReadonlyArray<readonly [name: string, type: ColumnType, optional?: 'optional']>;
  /** Fields the frame carries only as null: a body where one is not null goes as msgpack. */
  readonly nulls?: readonly string[];
}

interface Compiled {
  /** Every field the layout knows: a body with another goes as msgpack, so nothing is dropped. */
  fields: ReadonlySet<string>;
  scalars: readonly string[];
  /** Arrays in storage order: by element size, largest first (their lengths in the table follow it too). */
  arrays: Array<{ name: string; type: ColumnType; optional: boolean }>;
  nulls: readonly string[];
}

const layouts = new Map<string, Compiled>();

/** Bodies of `type` travel as frames of this layout (on every rank: the same build registers the same). */
export function registerFrame(type: string, layout: FrameLayout): void {
  if (layouts.has(type)) throw new Error(`a frame layout for '${type}' is registered already`);
  if (type.length > 255 || !isAscii(type)) throw new Error(`frame type '${type}' must be ASCII of at most 255 characters`);
  const arrays = layout.arrays
    .map(([name, type, optional]) => ({ name, type, optional: optional === 'optional' }))
    .sort((a, b) => b.type.BYTES_PER_ELEMENT - a.type.BYTES_PER_ELEMENT);
  const nulls = layout.nulls ?? [];
  const fields = new Set([...layout.scalars, ...arrays.map((a) => a.name), ...nulls]);
  if (fields.size !== layout.scalars.length + arrays.length + nulls.length) throw new Error(`frame layout for '${type}' names a field twice`);
  layouts.set(type, { fields, scalars: layout.scalars, arrays, nulls });
}

/** The envelope as msgpack with a columns body, or null when its type has no layout or its body does not fit it. */
export function encodeFrame(env: Envelope): Uint8Array | null {
  const layout = layouts.get(env.type);
  if (layout === undefined) return null;
  const body = env.body as Record<string, unknown> | null;
  if (body === null || typeof body !== 'object' || !(env.corr >= 0 && env.corr <= 0xffffffff) || !(env.replyTo >= 0 && env.replyTo <= 0xffffffff)) return null;
  for (const name in body) if (!layout.fields.has(name)) return null;
  for (const name of layout.nulls) if (body[name] !== null && body[name] !== undefined) return null;
  const { type, to } = env;
  const fromId = env.from.id;
  if (to.length > 255 || fromId.length > 255 || !isAscii(to) || !isAscii(fromId)) return null;
  for (const name of layout.scalars) if (typeof body[name] !== 'number') return null;
  let dataBytes = 0;
  for (const a of layout.arrays) {
    const v = body[a.name];
    if (v === undefined && a.optional) continue;
    if (!(v instanceof a.type)) return null;
    dataBytes += v.byteLength;
  }
  // envelope: fixarray, fixint, three str8, two uint32; then the ext32 header
  const payload = 2 + 2 + type.length + 2 + to.length + 2 + fromId.length + 10 + 6;
  const table = pad8(payload + 1 + type.length + 1);
  const columns = table + pad8(8 * layout.scalars.length + 4 * layout.arrays.length);
  const bytes = new Uint8Array(columns + dataBytes);
  const view = new DataView(bytes.buffer);
  bytes[0] = 0x97;
  bytes[1] = SCHEMA_VERSION;
  let o = writeStr8(bytes, 2, type);
  o = writeStr8(bytes, o, to);
  o = writeStr8(bytes, o, fromId);
  bytes[o] = 0xce;
  view.setUint32(o + 1, env.corr);
  bytes[o + 5] = 0xce;
  view.setUint32(o + 6, env.replyTo);
  bytes[o + 10] = 0xc9;
  view.setUint32(o + 11, bytes.length - payload);
  bytes[o + 15] = COLUMNS_EXT;
  bytes[payload] = type.length;
  o = writeAscii(bytes, payload + 1, type);
  bytes[o] = table - (o + 1);
  o = table;
  for (const name of layout.scalars) {
    view.setFloat64(o, body[name] as number, true);
    o += 8;
  }
  let at = columns;
  for (const a of layout.arrays) {
    const v = body[a.name] as Column | undefined;
    view.setUint32(o, v === undefined ? 0xffffffff : v.length, true);
    o += 4;
    if (v === undefined) continue;
    bytes.set(new Uint8Array(v.buffer, v.byteOffset, v.byteLength), at);
    at += v.byteLength;
  }
  return bytes;
}

/**
 * The envelope of a frame as encodeFrame writes it, read without msgpackr (the same values msgpackr
 * gives, in fewer steps: this is on every batch's path); null for anything else, which msgpackr reads.
 */
export function readFrame(d: Uint8Array): unknown[] | null {
  if (d.length < 32 || d[0] !== 0x97 || d[1] > 0x7f || d[2] !== 0xd9) return null;
  let o = 2;
  const strings: string[] = [];
  for (let k = 0; k < 3; k++) {
    if (d[o] !== 0xd9 || o + 2 + d[o + 1] > d.length) return null;
    strings.push(readAscii(d, o + 2, d[o + 1]));
    o += 2 + d[o + 1];
  }
  if (o + 16 > d.length || d[o] !== 0xce || d[o + 5] !== 0xce || d[o + 10] !== 0xc9 || d[o + 15] !== COLUMNS_EXT) return null;
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const length = view.getUint32(o + 11);
  if (o + 16 + length !== d.length) return null;
  return [d[1], strings[0], strings[1], strings[2], view.getUint32(o + 1), view.getUint32(o + 6), unpackColumns(d.subarray(o + 16))];
}

/**
 * A columns body from its ext payload (a view into the received message); its arrays are views into
 * the same bytes, or into one aligned copy when the message does not start 8-aligned.
 */
export function unpackColumns(payload: Uint8Array): Record<string, unknown> {
  if (payload.length < 2) throw new SchemaError('malformed columns body');
  const nameLen = payload[0];
  const type = readAscii(payload, 1, nameLen);
  const layout = layouts.get(type);
  if (layout === undefined) throw new SchemaError(`a columns body of type '${type}', which this rank has no layout for; run the same build on every rank`);
  let table = 1 + nameLen + 1 + payload[1 + nameLen];
  if ((payload.byteOffset + table) % 8 !== 0) {
    // re-seat the payload so that its table is 8-aligned again
    const shift = (8 - (table % 8)) % 8;
    const copy = new Uint8Array(payload.length + shift);
    copy.set(payload, shift);
    payload = copy.subarray(shift);
  }
  const columns = table + pad8(8 * layout.scalars.length + 4 * layout.arrays.length);
  if (columns > payload.length) throw new SchemaError(`malformed columns body '${type}'`);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const body: Record<string, unknown> = {};
  for (const name of layout.scalars) {
    body[name] = view.getFloat64(table, true);
    table += 8;
  }
  let at = columns;
  for (const a of layout.arrays) {
    const n = view.getUint32(table, true);
    table += 4;
    if (n === 0xffffffff) {
      if (!a.optional) throw new SchemaError(`malformed columns body '${type}': no '${a.name}'`);
      continue;
    }
    const end = at + n * a.type.BYTES_PER_ELEMENT;
    if (end > payload.length) throw new SchemaError(`malformed columns body '${type}': '${a.name}' runs past its end`);
    body[a.name] = new a.type(payload.buffer as ArrayBuffer, payload.byteOffset + at, n);
    at = end;
  }
  for (const name of layout.nulls) body[name] = null;
  return body;
}

function pad8(n: number): number {
  return (n + 7) & ~7;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function writeStr8(bytes: Uint8Array, at: number, s: string): number {
  bytes[at] = 0xd9;
  bytes[at + 1] = s.length;
  return writeAscii(bytes, at + 2, s);
}

function writeAscii(bytes: Uint8Array, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) bytes[at + i] = s.charCodeAt(i);
  return at + s.length;
}

function readAscii(bytes: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(bytes[at + i]);
  return s;
}
