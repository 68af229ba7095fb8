import t from 'tap';
import { decode, encode } from '../../src/runtime/codec.js';
import { fromWire, SchemaError, toWire, SCHEMA_VERSION } from '../../src/runtime/schema.js';

t.test('typed arrays round trip with type, length and exact contents', async (t) => {
  const edge = [0, -0, 1e-308, 5e-324, -1.7976931348623157e308, Infinity, -Infinity, NaN, Math.PI];
  const cases = [
    new Float64Array(edge),
    new Float32Array([1.5, -2.25, 3.4028234663852886e38]),
    new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0]),
    new Uint32Array([0, 2 ** 32 - 1]),
    new Uint8Array([0, 255, 7]),
    new Float64Array(0),
  ];
  for (const a of cases) {
    const b = decode(encode(a)) as typeof a;
    t.equal(b.constructor, a.constructor, `${a.constructor.name} keeps its type`);
    t.equal(b.length, a.length);
    t.same(Array.from(b, (v) => Object.is(v, -0) ? '-0' : v), Array.from(a, (v) => Object.is(v, -0) ? '-0' : v));
  }
});

t.test('a Float64Array view at an odd offset round trips', async (t) => {
  const base = new Float64Array([1, 2, 3, 4, 5]);
  const view = base.subarray(1, 4);
  t.same(Array.from(decode(encode(view)) as Float64Array), [2, 3, 4]);
  // inside a message the array starts at an unaligned byte offset
  const msg = decode(encode({ a: 'x', v: view, w: new Float64Array([7]) })) as { v: Float64Array; w: Float64Array };
  t.same(Array.from(msg.v), [2, 3, 4]);
  t.same(Array.from(msg.w), [7]);
});

t.test('nested messages and scalars round trip', async (t) => {
  const m = { s: 'ünïcødé', n: 2 ** 53 - 1, neg: -12345678901, f: 0.1, b: true, z: null, arr: [1, 'two', [3]], big: 'x'.repeat(70000) };
  t.same(decode(encode(m)), m);
});

t.test('buffers from earlier encodes stay intact after later ones', async (t) => {
  const first = encode({ v: new Float64Array([1, 2, 3]) });
  const copy = Uint8Array.prototype.slice.call(first);
  for (let i = 0; i < 1000; i++) encode({ junk: new Float64Array(100).fill(i) });
  t.same(Buffer.from(first), Buffer.from(copy));
});

t.test('envelope carries a version and rejects another', async (t) => {
  const env = { type: 'eval.batch', to: 'worker', from: { rank: 0, id: 'dispatcher' }, corr: 3, replyTo: 0, body: { k: 1 } };
  const back = fromWire(decode(encode(toWire(env))), 0);
  t.same(back, env);
  const wire = toWire(env);
  wire[0] = SCHEMA_VERSION + 1;
  t.throws(() => fromWire(wire, 2), SchemaError);
  t.throws(() => fromWire(wire, 2), /rank 2 speaks version 2/);
  t.throws(() => fromWire({ nope: 1 }, 1), /malformed message from rank 1/);
});
