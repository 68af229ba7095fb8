/**
 * The versioned envelope every actor message travels in. Bodies are defined beside the actor that
 * accepts them; the envelope is the only shape the runtime itself knows.
 *
 * Wire form (msgpack array, positional for speed):
 *   [version, type, toId, fromId, corr, replyTo, body]
 * The sender's rank is known from the transport and not repeated.
 */
export const SCHEMA_VERSION = 1;

export interface Address {
  rank: number;
  id: string;
}

export interface Envelope {
  type: string;
  to: string;
  from: Address;
  /** Non-zero on a request that expects a reply; the reply carries it as replyTo. */
  corr: number;
  replyTo: number;
  body: unknown;
}

export class SchemaError extends Error {
  override name = 'SchemaError';
}

export type WireEnvelope = [number, string, string, string, number, number, unknown];

export function toWire(e: Envelope): WireEnvelope {
  return [SCHEMA_VERSION, e.type, e.to, e.from.id, e.corr, e.replyTo, e.body];
}

export function fromWire(w: unknown, fromRank: number): Envelope {
  if (!Array.isArray(w) || w.length !== 7 || typeof w[1] !== 'string') {
    throw new SchemaError(`malformed message from rank ${fromRank}`);
  }
  if (w[0] !== SCHEMA_VERSION) {
    throw new SchemaError(
      `message schema mismatch: rank ${fromRank} speaks version ${String(w[0])}, this rank ${SCHEMA_VERSION}; ` +
        'run the same build on every rank',
    );
  }
  return { type: w[1], to: w[2], from: { rank: fromRank, id: w[3] }, corr: w[4], replyTo: w[5], body: w[6] };
}
