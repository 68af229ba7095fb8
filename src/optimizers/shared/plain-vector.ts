/**
 * Vectors in snapshots as plain, JSON-safe data. A core's state is normally finite, but a huge raw
 * fitness (shaping off) can overflow it; JSON would turn NaN and Infinity into null, so non-finite
 * entries travel as the strings 'NaN', 'Infinity', '-Infinity' and come back as themselves. Shared by
 * the es, nes and gradient-descent snapshots.
 */
export type PlainVector = (number | string)[];

export function encodeVector(v: ArrayLike<number>): PlainVector {
  return Array.from(v, (x) => (Number.isFinite(x) ? x : String(x)));
}

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/** Throws TypeError naming `what` unless v is an array of `length` numbers (or encoded non-finite ones). */
export function decodeVector(v: unknown, what: string, length: number): Float64Array {
  if (!Array.isArray(v) || v.length !== length) throw new TypeError(`${what} must be an array of ${length} numbers`);
  return Float64Array.from(v, (x: unknown) => {
    if (typeof x === 'number') return x;
    if (typeof x === 'string' && x in SPECIAL) return SPECIAL[x];
    throw new TypeError(`${what} holds a non-number`);
  });
}

/** Throws TypeError unless raw is an object of the given type and version; returns it for field access. */
export function snapshotOf(raw: unknown, type: string, version: number): Record<string, unknown> {
  const s = raw as { type?: unknown; version?: unknown } | null;
  if (s === null || typeof s !== 'object' || s.type !== type || s.version !== version) {
    throw new TypeError(`${type} snapshot: not a version-${version} '${type}' snapshot`);
  }
  const g = (s as { generation?: unknown }).generation;
  if (!Number.isInteger(g) || (g as number) < 0) throw new TypeError(`${type} snapshot: generation must be a non-negative integer`);
  return s as Record<string, unknown>;
}
