/**
 * generations.msgpack's record codec (src/results/journal-codec.ts): a record written as chunks whose
 * columns are the record's own arrays decodes to the documented map, the one plain msgpack packing of
 * that map gives, and back to the record.
 */
import t from 'tap';
import { Packr, Unpackr } from 'msgpackr';
import { decodeGenerations, encodeGeneration, encodeGenerationChunks, encodeHeader } from '../../src/results/journal-codec.js';
import type { GenerationRecord } from '../../src/results/records.js';

function record(n: number, opts: { errors?: boolean; outputs?: boolean } = {}): GenerationRecord {
  const dim = 3;
  const nObj = 2;
  return {
    generation: 12, dim, nObj, stats: { evaluated: n, best: -1.5, failures: 1 },
    index: Int32Array.from({ length: n }, (_, i) => 100 + i), x: Float64Array.from({ length: n * dim }, (_, i) => i / 7),
    fitness: Float64Array.from({ length: n * nObj }, (_, i) => -i), weighted: Float64Array.from({ length: n }, (_, i) => i * 0.25),
    status: Uint8Array.from({ length: n }, (_, i) => (i === 1 ? 1 : 0)), attempts: new Uint8Array(n).fill(1),
    seconds: new Float64Array(n).fill(1e-3), started: Float64Array.from({ length: n }, (_, i) => 5 + i), rank: new Int32Array(n).fill(3),
    seed: Uint32Array.from({ length: n }, (_, i) => 2 ** 32 - 1 - i),
    errors: opts.errors ? Array.from({ length: n }, (_, i) => (i === 1 ? 'Error: boom\n  at line 2' : null)) : null,
    outputs: opts.outputs ? Array.from({ length: n }, (_, i) => (i % 2 ? Float64Array.of(i, i + 1) : null)) : null,
  };
}

const plain = new Unpackr({ useRecords: false });

for (const [label, rec] of [
  ['plain rows', record(5)],
  ['errors and outputs', record(4, { errors: true, outputs: true })],
  ['no rows', record(0)],
  ['100,000 rows', record(100_000)],
] as const) {
  t.test(`${label}: decodes to the map msgpack packs, and back to the record`, async (t) => {
    const bytes = encodeGeneration(rec);
    const column = (a: ArrayBufferView, dtype: string, shape: number[]) => ({ dtype, shape, data: Buffer.from(a.buffer, a.byteOffset, a.byteLength) });
    const n = rec.index.length;
    const reference = new Packr({ useRecords: false, moreTypes: false }).pack({
      generation: rec.generation, stats: rec.stats, errors: rec.errors ? { 1: rec.errors[1] } : {},
      index: column(rec.index, '<i4', [n]), x: column(rec.x, '<f8', [n, rec.dim]), fitness: column(rec.fitness, '<f8', [n, rec.nObj]),
      weighted: column(rec.weighted, '<f8', [n]), status: column(rec.status, '|u1', [n]), attempts: column(rec.attempts, '|u1', [n]),
      seconds: column(rec.seconds, '<f8', [n]), started: column(rec.started, '<f8', [n]), rank: column(rec.rank, '<i4', [n]), seed: column(rec.seed, '<u4', [n]),
      outputs: rec.outputs ? { dtype: '<f8', shape: [n, 2], data: Buffer.from(Float64Array.from({ length: n * 2 }, (_, k) => (Math.floor(k / 2) % 2 ? Math.floor(k / 2) + (k % 2) : NaN)).buffer) } : null,
    });
    t.same(plain.unpack(bytes), plain.unpack(reference), 'the same msgpack value as packing the map whole');
    const [back] = decodeGenerations(Buffer.concat([encodeHeader('generational'), bytes]));
    t.same(back, rec, 'and the same record back');
  });
}

t.test("the columns are the record's arrays, written without a copy", async (t) => {
  const rec = record(1000);
  const chunks = encodeGenerationChunks(rec);
  for (const k of ['index', 'x', 'fitness', 'weighted', 'status', 'attempts', 'seconds', 'started', 'rank', 'seed'] as const) {
    t.ok(chunks.some((c) => c.buffer === rec[k].buffer && c.byteOffset === rec[k].byteOffset && c.byteLength === rec[k].byteLength), k);
  }
  t.ok(chunks.length <= 2 * 10 + 2, `${chunks.length} chunks: one run of small values between columns`);
});
