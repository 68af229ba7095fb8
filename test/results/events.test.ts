/**
 * The event log's codec (src/results/checkpoint.ts): results events as compact arrays whose columns
 * are the batch's own bytes, asks as maps; a truncated last event is dropped; a version-1 file (every
 * event a msgpack map, as written before the compact layout) still reads.
 */
import t from 'tap';
import { decodeEvents, encodeEvent, encodeEventsHeader, type ResultsEvent, type RunEvent } from '../../src/results/checkpoint.js';
import { encode } from '../../src/runtime/codec.js';

const join = (parts: Uint8Array[]) => Buffer.concat(parts);

function results(over: Partial<ResultsEvent> = {}): ResultsEvent {
  const n = over.n ?? 3;
  const nObj = over.nObj ?? 2;
  return {
    kind: 'results', generation: 7, rows: null, offset: 4, n, rank: 3, nObj,
    fitness: Float64Array.from({ length: n * nObj }, (_, i) => i * 0.5 - 1),
    status: Uint8Array.from({ length: n }, (_, i) => (i === 1 ? 1 : 0)),
    seconds: Float64Array.from({ length: n }, (_, i) => 1e-6 * (i + 1)),
    started: Float64Array.from({ length: n }, (_, i) => 100 + i),
    errors: null, outputs: null, ...over,
  };
}

t.test('asks and results round trip, every column and option', async (t) => {
  const events: RunEvent[] = [
    { kind: 'ask', generation: 7, n: 10, hash: '0123456789abcdef' },
    results(),
    results({ rows: Int32Array.of(9, 2, 5), generation: 2 ** 31 + 3 }),
    results({ errors: [null, 'boom\nline 2', null], outputs: [Float64Array.of(1, 2), null, Float64Array.of()] }),
    results({ ranks: Int32Array.of(4, 4, 6) }),
    results({ n: 0, fitness: new Float64Array(0), status: new Uint8Array(0), seconds: new Float64Array(0), started: new Float64Array(0) }),
  ];
  const file = join([encodeEventsHeader(5), ...events.flatMap(encodeEvent)]);
  const got = decodeEvents(file);
  t.equal(got.after, 5);
  t.equal(got.truncated, false);
  t.equal(got.validBytes, file.length);
  t.same(got.events, events, 'every event as it was written');
  t.type((got.events[2] as ResultsEvent).rows, Int32Array);
  t.type((got.events[1] as ResultsEvent).fitness, Float64Array);
});

t.test("a results event's columns are the batch's arrays, not copies", async (t) => {
  const e = results();
  const chunks = encodeEvent(e);
  t.ok(chunks.some((c) => c.buffer === e.fitness.buffer && c.byteLength === e.fitness.byteLength), 'fitness passed through');
  t.ok(chunks.some((c) => c.buffer === e.started.buffer), 'started passed through');
});

t.test('a kill mid-event: the complete events are kept, the torn one dropped', async (t) => {
  const whole = join([encodeEventsHeader(1), ...encodeEvent(results()), ...encodeEvent(results({ generation: 8 }))]);
  for (const cut of [1, 9, 40]) {
    const got = decodeEvents(whole.subarray(0, whole.length - cut));
    t.equal(got.truncated, true, `cut ${cut} bytes`);
    t.equal(got.events.length, 1);
    t.equal((got.events[0] as ResultsEvent).generation, 7);
    t.equal(got.validBytes, whole.length - encodeEvent(results({ generation: 8 })).reduce((n, c) => n + c.length, 0));
  }
});

t.test('a version-1 events file (events as maps) still reads', async (t) => {
  const e = results({ rows: Int32Array.of(1, 0, 2) });
  const file = join([encode({ format: 'l2l-events', version: 1, after: 2 }), encode({ kind: 'ask', generation: 7, n: 3, hash: 'x' }), encode(e)]);
  const got = decodeEvents(file);
  t.equal(got.after, 2);
  t.same(got.events[1], e);
});

t.test('an events file of an unknown version is refused by name', async (t) => {
  t.throws(() => decodeEvents(join([encode({ format: 'l2l-events', version: 9, after: 0 })])), /events.msgpack version 9, this program reads 1 and 2/);
});
