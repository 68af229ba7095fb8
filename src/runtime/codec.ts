/**
 * The one wire codec: msgpackr with typed-array support. The default msgpackr configuration packs a
 * Float64Array as garbage (see shared ENVIRONMENT.md); `moreTypes` makes typed arrays round trip.
 */
import { Packr } from 'msgpackr';

const packr = new Packr({ moreTypes: true, useRecords: false, mapsAsObjects: true });

export function encode(value: unknown): Uint8Array {
  return packr.pack(value);
}

export function decode(data: Uint8Array): unknown {
  return packr.unpack(data);
}
