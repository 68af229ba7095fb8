/**
 * The one wire codec: msgpackr with typed-array support. The default msgpackr configuration packs a
 * Float64Array as garbage (see shared ENVIRONMENT.md); `moreTypes` makes typed arrays round trip.
 * Bodies of column layouts (./frames.ts) are msgpack ext 0x43, unpacked here into typed arrays.
 */
import { addExtension, Packr } from 'msgpackr';
import { COLUMNS_EXT, readFrame, unpackColumns } from './frames.js';

const packr = new Packr({ moreTypes: true, useRecords: false, mapsAsObjects: true });
addExtension({ type: COLUMNS_EXT, unpack: unpackColumns });

export function encode(value: unknown): Uint8Array {
  return packr.pack(value);
}

export function decode(data: Uint8Array): unknown {
  return readFrame(data) ?? packr.unpack(data);
}
