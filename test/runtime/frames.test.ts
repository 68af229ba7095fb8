import t from 'tap';
import { ActorSystem, type Envelope } from '../../src/runtime/actor-system.js';
import { systemClock } from '../../src/runtime/clock.js';
import { decode, encode } from '../../src/runtime/codec.js';
import { Unpackr } from 'msgpackr';
import { encodeFrame, readFrame, registerFrame } from '../../src/runtime/frames.js';
import { InProcessHub } from '../../src/runtime/in-process-transport.js';
import { fromWire, SCHEMA_VERSION, SchemaError, toWire } from '../../src/runtime/schema.js';
import { emptyResults, failRow, type EvalBatch } from '../../src/experiment/eval-results.js';

registerFrame('test.cols', {
  scalars: ['id', 'w'],
  arrays: [['flags', Uint8Array], ['x', Float64Array], ['i', Int32Array], ['u', Uint32Array], ['opt', Float64Array, 'optional']],
  nulls: ['note'],
});

const edge = [0, -0, 5e-324, -1.7976931348623157e308, Infinity, -Infinity, NaN, Math.PI];
const signed = (a: ArrayLike<number>) => Array.from(a, (v) => (Object.is(v, -0) ? '-0' : v));
const decodeFrame = (bytes: Uint8Array, rank: number) => fromWire(decode(bytes), rank);
/** A frame is a msgpack envelope whose body is ext 0x43 (ext32: 0xc9, 4 length bytes, the type). */
const isFrame = (d: Uint8Array) => d[0] === 0x97 && d.indexOf(0xc9) > 0 && d[d.indexOf(0xc9) + 5] === 0x43;

function env(body: unknown, type = 'test.cols'): Envelope {
  return { type, to: 'worker', from: { rank: 3, id: 'dispatcher' }, corr: 7, replyTo: 4294967295, body };
}

t.test('a registered body travels as a frame: every column bit for bit, views at odd offsets included', async (t) => {
  const base = new Float64Array([99, ...edge, 98]);
  const body = {
    id: 2 ** 53 - 1, w: -0.5, flags: new Uint8Array([0, 255, 7]), x: base.subarray(1, 1 + edge.length),
    i: new Int32Array([-(2 ** 31), 2 ** 31 - 1]), u: new Uint32Array([0, 2 ** 32 - 1, 5]), note: null,
  };
  const bytes = encodeFrame(env(body))!;
  t.ok(bytes, 'the body fits the layout');
  t.ok(isFrame(bytes), 'a msgpack envelope with a columns ext');
  const wire = decode(bytes) as unknown[];
  t.same(wire.slice(0, 6), [SCHEMA_VERSION, 'test.cols', 'worker', 'dispatcher', 7, 4294967295], 'the envelope reads as plain msgpack');
  const back = decodeFrame(bytes, 3);
  t.same({ ...back, body: null }, { ...env(null), body: null }, 'type, addresses, corr and replyTo');
  const b = back.body as typeof body & { opt?: Float64Array };
  t.equal(b.id, body.id);
  t.equal(b.w, -0.5);
  t.ok(b.x instanceof Float64Array && b.i instanceof Int32Array && b.u instanceof Uint32Array && b.flags instanceof Uint8Array, 'types kept');
  t.same(signed(b.x), signed(edge), 'NaN, infinities, -0 and subnormals intact');
  t.same(Array.from(b.i), [-(2 ** 31), 2 ** 31 - 1]);
  t.same(Array.from(b.u), [0, 2 ** 32 - 1, 5]);
  t.same(Array.from(b.flags), [0, 255, 7]);
  t.equal(b.note, null);
  t.notOk('opt' in b, 'an absent optional column stays absent');
  for (const a of [b.x, b.i, b.u]) t.equal(a.byteOffset % a.BYTES_PER_ELEMENT, 0, 'aligned view into the frame');
  t.equal(b.x.buffer, bytes.buffer, 'decoded without a copy');
});

t.test("the frame reader gives what msgpackr's general path gives, and leaves it everything else", async (t) => {
  const body = { id: 3, w: 0.25, flags: new Uint8Array([1]), x: new Float64Array([1, NaN]), i: new Int32Array([-1]), u: new Uint32Array([9]), opt: new Float64Array([4]), note: null };
  const bytes = encodeFrame(env(body))!;
  const fast = readFrame(bytes);
  t.ok(fast, 'a frame is read by the frame reader');
  const general = new Unpackr({ mapsAsObjects: true, useRecords: false }).unpack(bytes) as unknown[];
  const plain = (w: unknown[]) => w.map((v) => (v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, a]) => [k, ArrayBuffer.isView(a) ? [a.constructor.name, ...signed(a as Float64Array)] : a])) : v));
  t.same(plain(fast!), plain(general), 'same envelope, same columns');
  t.equal(readFrame(encode(toWire(env({ id: 3 }, 'other')))), null, 'a msgpackr message is not a frame');
  const cut = bytes.subarray(0, bytes.length - 1);
  t.equal(readFrame(cut), null, 'nor is a frame with a byte missing');
});

t.test('optional and empty columns, and a frame received at an unaligned offset', async (t) => {
  const body = { id: 1, w: 2, flags: new Uint8Array(0), x: new Float64Array(0), i: new Int32Array(0), u: new Uint32Array(0), opt: new Float64Array([1.5, 2.5]), note: null };
  const bytes = encodeFrame(env(body))!;
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  const b = decodeFrame(shifted.subarray(3), 0).body as typeof body;
  t.same(Array.from(b.opt), [1.5, 2.5]);
  t.equal(b.x.length, 0);
  t.equal(b.flags.length, 0);
});

t.test('a body the layout cannot hold goes as msgpack (nothing dropped)', async (t) => {
  const ok = { id: 1, w: 2, flags: new Uint8Array(1), x: new Float64Array(1), i: new Int32Array(1), u: new Uint32Array(1), note: null };
  t.ok(encodeFrame(env(ok)));
  t.equal(encodeFrame(env({ ...ok, extra: 1 })), null, 'a field the layout does not know');
  t.equal(encodeFrame(env({ ...ok, note: 'a failure' })), null, 'a null-only field that is not null');
  t.equal(encodeFrame(env({ ...ok, x: [1] })), null, 'a plain array where a column belongs');
  t.equal(encodeFrame(env({ ...ok, i: new Uint32Array(1) })), null, 'a column of another type');
  t.equal(encodeFrame(env({ ...ok, w: '2' })), null, 'a scalar that is not a number');
  t.equal(encodeFrame({ ...env(ok), to: 'wörker' }), null, 'an address that is not ASCII');
  t.equal(encodeFrame({ ...env(ok), corr: 2 ** 32 }), null, 'a correlation id past 32 bits');
  t.equal(encodeFrame(env(ok, 'test.unregistered')), null, 'a type without a layout');
  t.throws(() => registerFrame('test.cols', { scalars: [], arrays: [] }), /registered already/);
  t.throws(() => registerFrame('test.twice', { scalars: ['a'], arrays: [['a', Float64Array]] }), /names a field twice/);
});

t.test('frames from another build are refused with a reason', async (t) => {
  const bytes = encodeFrame(env({ id: 1, w: 2, flags: new Uint8Array(1), x: new Float64Array(1), i: new Int32Array(1), u: new Uint32Array(1), note: null }))!;
  const other = Uint8Array.prototype.slice.call(bytes);
  other[1] = SCHEMA_VERSION + 1;
  t.throws(() => decodeFrame(other, 5), SchemaError);
  t.throws(() => decodeFrame(other, 5), /rank 5 speaks version/);
  const unknown = Uint8Array.prototype.slice.call(bytes);
  const name = Buffer.from(bytes).lastIndexOf('test.cols'); // the body's own name, after the envelope's type
  t.ok(name > Buffer.from(bytes).indexOf('test.cols'));
  unknown[name] = 'x'.charCodeAt(0);
  t.throws(() => decodeFrame(unknown, 5), /columns body of type 'xest.cols', which this rank has no layout for/);
  t.throws(() => decodeFrame(bytes.subarray(0, bytes.length - 16), 5), 'a truncated frame');
});

t.test("the evaluation messages travel as frames between actors; a failure's text as msgpack", async (t) => {
  const hub = new InProcessHub(2);
  const sent: Uint8Array[] = [];
  const send = hub.transports[0].send.bind(hub.transports[0]);
  hub.transports[0].send = (rank, data) => {
    sent.push(data);
    send(rank, data);
  };
  const [s0, s1] = hub.transports.map((tr) => new ActorSystem(tr, systemClock));
  const got: Envelope[] = [];
  s1.spawn('worker', (m) => void got.push(m));
  const from = s0.spawn('dispatcher', () => {});
  const batch: EvalBatch = { batch: 12, dim: 2, generation: 3, index: new Int32Array([4, 5]), seed: new Uint32Array([6, 2 ** 32 - 1]), x: new Float64Array([0.5, -1, NaN, 2]) };
  s0.send(from, { rank: 1, id: 'worker' }, 'eval.batch', batch);
  const results = emptyResults(batch, 1);
  results.fitness.set([1.25, 2.5]);
  s0.send(from, { rank: 1, id: 'worker' }, 'eval.results', results);
  const failed = emptyResults(batch, 1);
  failRow(failed, 1, 'it broke');
  s0.send(from, { rank: 1, id: 'worker' }, 'eval.results', failed);
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  t.same(sent.map((d) => isFrame(d)), [true, true, false], 'batch and results as frames, the failure as msgpack');
  t.equal((decode(sent[2]) as unknown[])[1], 'eval.results', 'the fallback is the msgpack envelope, packed by msgpackr');
  t.equal(got.length, 3);
  const b = got[0].body as EvalBatch;
  t.same({ batch: b.batch, dim: b.dim, generation: b.generation }, { batch: 12, dim: 2, generation: 3 });
  t.same(Array.from(b.index), [4, 5]);
  t.same(Array.from(b.seed), [6, 2 ** 32 - 1]);
  t.same(Array.from(b.x), [0.5, -1, NaN, 2]);
  t.same(got[0].from, { rank: 0, id: 'dispatcher' });
  const r = got[1].body as typeof results;
  t.same(Array.from(r.fitness), [1.25, 2.5]);
  t.equal(r.errors, null);
  t.equal(r.outputs, null);
  t.notOk('ranks' in r);
  const f = got[2].body as typeof failed;
  t.same(f.errors, [null, 'it broke']);
  t.same(Array.from(f.status), [0, 1]);
});
