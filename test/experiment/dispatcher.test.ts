import t from 'tap';
import { Dispatcher, MAX_OUTSTANDING, type JobBlock, type ResultBatch } from '../../src/experiment/dispatcher.js';
import type { EvalBatch, EvalResults } from '../../src/experiment/eval-results.js';
import type { Address, Envelope } from '../../src/runtime/actor-system.js';

function block(n: number, dim: number, generation = 0): JobBlock {
  const x = new Float64Array(n * dim);
  for (let i = 0; i < x.length; i++) x[i] = i;
  return { generation, index: Int32Array.from({ length: n }, (_, i) => i), seed: Uint32Array.from({ length: n }, (_, i) => 1000 + i), x };
}

/** A dispatcher whose sends are captured, so the test plays the workers and picks the reply order. */
function harness(ranks: number[], opts: { inflight: number; batch_seconds: number; max_batch: number; batch?: number } = { inflight: 2, batch_seconds: 0.01, max_batch: 4096 }, dim = 3) {
  const sent: Array<{ to: Address; body: EvalBatch }> = [];
  const got: ResultBatch[] = [];
  const d = new Dispatcher(ranks, dim, opts, (r) => got.push(r));
  d.attach((to, _type, body) => sent.push({ to, body: body as EvalBatch }));
  const answer = (k: number, secondsPerEval: number) => {
    const [{ to, body }] = sent.splice(k, 1);
    const n = body.index.length;
    const res: EvalResults = {
      batch: body.batch, nObj: 1, fitness: Float64Array.from(body.seed, (s) => s * 2), status: new Uint8Array(n),
      seconds: new Float64Array(n).fill(secondsPerEval), startedAgo: new Float64Array(n).fill(secondsPerEval), errors: null, outputs: null, busy: n * secondsPerEval,
    };
    const env: Envelope = { type: 'eval.results', to: 'dispatcher', from: { rank: to.rank, id: 'worker' }, corr: 0, replyTo: 0, body: res };
    d.behaviour(env, null as never);
  };
  return { d, sent, got, answer };
}

t.test('never more than `inflight` batches per worker; every row comes back once, in any order', async (t) => {
  const h = harness([1, 2, 3]);
  h.d.submit(block(100, 3));
  const perRank = (r: number) => h.sent.filter((s) => s.to.rank === r).length;
  t.same([perRank(1), perRank(2), perRank(3)], [2, 2, 2], 'two batches in flight on each worker');
  t.equal(h.sent[0].body.index.length, 16, 'the first batches are small until the evaluation time is known');
  let rounds = 0;
  while (h.sent.length > 0 && rounds++ < 1000) {
    h.answer(h.sent.length - 1, 1e-7); // answer the newest first: out of order
    for (const r of [1, 2, 3]) t.ok(perRank(r) <= 2) || t.fail(`rank ${r} over its credit`);
  }
  const rows = h.got.flatMap((b) => Array.from({ length: b.n }, (_, i) => b.offset + i)).sort((a, b) => a - b);
  t.same(rows, [...Array(100).keys()], 'each row exactly once');
  for (const b of h.got) {
    for (let i = 0; i < b.n; i++) t.equal(b.fitness[i], 2 * b.block.seed[b.offset + i]);
  }
  t.equal(h.d.inFlight, 0);
  t.equal(h.d.queued, 0);
  t.same(h.d.workerStats().map((w) => w.evaluations).reduce((a, b) => a + b, 0), 100);
});

t.test('batches grow for cheap evaluations and shrink to one for expensive ones', async (t) => {
  const cheap = harness([1], { inflight: 2, batch_seconds: 0.01, max_batch: 1000 });
  cheap.d.submit(block(10000, 3));
  cheap.answer(0, 1e-7);
  const sizes = cheap.sent.map((s) => s.body.index.length);
  t.equal(sizes.at(-1), 1000, `cheap: capped by max_batch (${sizes})`);

  const slow = harness([1, 2], { inflight: 2, batch_seconds: 0.01, max_batch: 1000 });
  slow.d.submit(block(200, 3));
  slow.answer(0, 0.5);
  t.equal(slow.sent.at(-1)!.body.index.length, 1, 'half a second per evaluation: one per message');
});

t.test('a batch shares its worker fairly: the queue is split over free slots', async (t) => {
  const h = harness([1, 2, 3, 4], { inflight: 1, batch_seconds: 10, max_batch: 4096 });
  h.d.submit(block(4, 3));
  t.equal(h.sent.length, 4, 'four individuals on four idle workers go out one each');
  t.same(h.sent.map((s) => s.body.index.length), [1, 1, 1, 1]);
});

t.test('batches are views of the job block, not copies', async (t) => {
  const h = harness([1]);
  const b = block(40, 3);
  h.d.submit(b);
  t.equal(h.sent[0].body.x.buffer, b.x.buffer);
  t.same(Array.from(h.sent[1].body.x.subarray(0, 3)), Array.from(b.x.subarray(16 * 3, 17 * 3)), 'second batch starts where the first ended');
});

t.test("start times: rank 0's receive time minus each row's startedAgo, no shared clock needed", async (t) => {
  let now = 100;
  const got: ResultBatch[] = [];
  const d = new Dispatcher([1], 1, { inflight: 1, batch_seconds: 1, max_batch: 3 }, (r) => got.push(r), () => now);
  const sent: EvalBatch[] = [];
  d.attach((_to, _type, body) => sent.push(body as EvalBatch));
  d.submit(block(3, 1));
  now = 107.5;
  const res: EvalResults = {
    batch: sent[0].batch, nObj: 1, fitness: new Float64Array(3), status: new Uint8Array(3), seconds: Float64Array.of(1, 2, 3),
    startedAgo: Float64Array.of(6, 5, 3), errors: null, outputs: null, busy: 6,
  };
  d.behaviour({ type: 'eval.results', to: 'dispatcher', from: { rank: 1, id: 'worker' }, corr: 0, replyTo: 0, body: res }, null as never);
  t.same(Array.from(got[0].started), [101.5, 102.5, 104.5]);
});

t.test('bad inputs are refused', async (t) => {
  t.throws(() => new Dispatcher([], 3, { inflight: 1, batch_seconds: 1, max_batch: 1 }, () => {}), /no worker ranks/);
  const h = harness([1]);
  t.throws(() => h.d.submit({ ...block(2, 3), x: new Float64Array(5) }), /job block of 2 rows/);
  const env: Envelope = { type: 'eval.results', to: 'dispatcher', from: { rank: 1, id: 'worker' }, corr: 0, replyTo: 0, body: { batch: 99 } };
  t.throws(() => h.d.behaviour(env, null as never), /results for unknown batch 99 from rank 1/);
});

t.test('steady-state capacity: one per batch in flight until evaluations are timed, then batches of batch_seconds each, bounded', async (t) => {
  const h = harness([1, 2, 3], { inflight: 2, batch_seconds: 0.01, max_batch: 4096 });
  t.equal(h.d.capacity, 6, 'untimed: one individual per batch in flight (3 workers x 2)');
  h.d.submit(block(6, 3));
  h.answer(0, 1e-3); // 1 ms per evaluation: 10 per batch
  t.equal(h.d.capacity, 3 * 2 * 10, 'timed at 1 ms: 10 evaluations per batch (batch_seconds 0.01)');
  for (let i = 0; i < 20; i++) {
    h.d.submit(block(1, 3));
    h.answer(h.sent.length - 1, 1e-9);
  }
  t.equal(h.d.capacity, 3 * 2 * 4096, 'trivial evaluations: max_batch per batch');
  const many = harness(Array.from({ length: 200 }, (_, i) => i + 1));
  many.d.submit(block(1, 3));
  many.answer(0, 1e-9);
  t.equal(many.d.capacity, MAX_OUTSTANDING, '200 workers x 2 x 4096 is capped');
  const fixed = harness([1, 2], { inflight: 3, batch_seconds: 0.01, max_batch: 4096, batch: 5 });
  t.equal(fixed.d.capacity, 2 * 3 * 5, 'a fixed batch: every message it sends is full');
});

t.test('a block is shared over the workers free when it starts going out: whole shares under batch_seconds, else one per slot; a refill whole', async (t) => {
  // 2^-17 s per evaluation and batch_seconds 2^-7: batch_seconds is exactly 1,024 evaluations
  const perEval = 2 ** -17;
  const h = harness([1, 2, 3], { inflight: 2, batch_seconds: 2 ** -7, max_batch: 4096 });
  h.d.submit(block(6, 3)); // times the evaluations
  while (h.sent.length > 0) h.answer(0, perEval);
  h.d.submit(block(3072, 3, 1));
  t.same(h.sent.map((s) => s.body.index.length), [1024, 1024, 1024], "each worker's share (1,024, batch_seconds) goes out as one batch");
  t.same(h.sent.map((s) => s.to.rank), [1, 2, 3]);
  while (h.sent.length > 0) h.answer(0, perEval);
  h.d.submit(block(4200, 3, 2));
  t.same(h.sent.map((s) => s.body.index.length), [700, 700, 700, 700, 700, 700], 'a share over batch_seconds (1,400) goes out one batch per slot (3 workers x 2)');
  h.answer(0, perEval); // one slot frees
  h.d.submit(block(500, 3, 3));
  t.equal(h.sent.length, 6, 'a refill of 500 rows with one slot free: one batch');
  t.equal(h.sent.at(-1)!.body.index.length, 500);
  while (h.sent.length > 0) h.answer(0, perEval);
  t.equal(h.got.reduce((n, r) => n + r.n, 0), 6 + 3072 + 4200 + 500, 'every row back once');
});

t.test('factoring: a generation of 10 ms evaluations goes out in batches that shrink to one as its rows run out', async (t) => {
  const h = harness([1, 2, 3, 4]);
  h.d.submit(block(16, 3)); // times the evaluations: 10 ms each, all alike
  while (h.sent.length > 0) h.answer(0, 0.01);
  h.d.submit(block(400, 3, 1));
  t.same(h.sent.map((s) => s.body.index.length), [25, 25, 25, 25, 25, 25, 25, 25], 'while many rows are left: 25 x batch_seconds of work each (the rows left over 8 slots would be 50)');
  const size = new Map<number, number>(); // batch id (the order sent) -> rows
  while (h.sent.length > 0) {
    for (const b of h.sent) size.set(b.body.batch, b.body.index.length);
    h.answer(0, 0.01); // in order: each answer frees a slot, which takes the next batch
  }
  const sizes = [...size.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => n);
  t.ok(sizes.every((n, i) => i === 0 || n <= sizes[i - 1]), `sizes never grow as the rows run out (${sizes})`);
  t.equal(sizes.at(-1), 1, 'the last batches hold one each');
  t.ok(h.d.batchesSent - 4 < 400 / 4, `${h.d.batchesSent - 4} messages for 400 evaluations, under a quarter of one per message`);
  t.equal(h.got.reduce((n, r) => n + r.n, 0), 416, 'every row back once');
});

t.test('factoring stays off where evaluation times vary (a batch cannot be split, and would hold up the generation), and for long ones', async (t) => {
  const h = harness([1, 2, 3, 4]);
  h.d.submit(block(64, 3));
  for (let k = 0; h.sent.length > 0; k++) h.answer(0, k % 2 ? 0.002 : 0.02); // a spread of about 0.8
  h.d.submit(block(400, 3, 1));
  t.same(h.sent.map((s) => s.body.index.length), [1, 1, 1, 1, 1, 1, 1, 1], 'one per message, as before factoring');

  const slow = harness([1, 2, 3, 4]);
  slow.d.submit(block(16, 3));
  while (slow.sent.length > 0) slow.answer(0, 0.3); // alike, but 25 x batch_seconds holds none
  slow.d.submit(block(400, 3, 1));
  t.same(slow.sent.map((s) => s.body.index.length), [1, 1, 1, 1, 1, 1, 1, 1], '0.3 s evaluations: one per message');
});

/** Work stealing: a dispatcher whose every message (batches, withdrawals) is captured, the test playing the workers. */
function stealHarness(targets: Array<number | { rank: number; id: string; workers: number }>, steal: boolean, batch = 1) {
  const sent: Array<{ to: Address; type: string; body: { batch: number; index?: Int32Array; seed?: Uint32Array } }> = [];
  const got: ResultBatch[] = [];
  const d = new Dispatcher(targets, 1, { inflight: 2, batch_seconds: 0.01, max_batch: 4096, batch, steal }, (r) => got.push(r));
  d.attach((to, type, body) => sent.push({ to, type, body: body as never }));
  const batchesTo = (rank: number) => sent.filter((s) => s.type === 'eval.batch' && s.to.rank === rank).map((s) => s.body.batch);
  const results = (rank: number, batch: number) => {
    const b = sent.find((s) => s.type === 'eval.batch' && s.body.batch === batch)!.body;
    const n = b.index!.length;
    const res: EvalResults = {
      batch, nObj: 1, fitness: Float64Array.from(b.seed!, (s) => s * 2), status: new Uint8Array(n), seconds: new Float64Array(n).fill(0.01),
      startedAgo: new Float64Array(n).fill(0.01), errors: null, outputs: null, busy: n * 0.01,
    };
    d.behaviour({ type: 'eval.results', to: 'dispatcher', from: { rank, id: 'worker' }, corr: 0, replyTo: 0, body: res }, null as never);
  };
  const cancelled = (rank: number, batch: number) =>
    d.behaviour({ type: 'eval.cancelled', to: 'dispatcher', from: { rank, id: 'worker' }, corr: 0, replyTo: 0, body: { batch } }, null as never);
  const rows = () => got.flatMap((b) => Array.from({ length: b.n }, (_, i) => b.block.index[b.offset + i])).sort((a, b) => a - b);
  return { d, sent, got, batchesTo, results, cancelled, rows };
}

t.test('work stealing: an idle worker takes the batch another holds behind its running one', async (t) => {
  const h = stealHarness([1, 2], true);
  h.d.submit(block(4, 1));
  t.same([h.batchesTo(1), h.batchesTo(2)], [[1, 3], [2, 4]], 'two batches of one row on each worker');
  h.results(2, 2);
  h.results(2, 4);
  // worker 2 has nothing left, worker 1 still holds batch 3 behind batch 1
  const cancel = h.sent.filter((s) => s.type === 'eval.cancel');
  t.same(cancel.map((s) => [s.to.rank, s.body.batch]), [[1, 3]], 'batch 3 withdrawn from worker 1');
  t.same(h.batchesTo(2), [2, 4, 5], 'and sent to worker 2 as batch 5');
  const five = h.sent.find((s) => s.body.batch === 5)!.body;
  const three = h.sent.find((s) => s.body.batch === 3)!.body;
  t.same(Array.from(five.index!), Array.from(three.index!), 'the same rows');
  t.same(Array.from(five.seed!), Array.from(three.seed!), 'with the same seeds');

  t.test('the holder had not started it: it says so, and the copy stands', async (t) => {
    h.cancelled(1, 3);
    h.results(2, 5);
    h.results(1, 1);
    t.same(h.rows(), [0, 1, 2, 3], 'every row told exactly once');
    t.same(h.d.stealing, { steals: 1, duplicates: 0 });
    t.equal(h.d.inFlight, 0);
    t.equal(h.d.workerStats().reduce((n, w) => n + w.evaluations, 0), 4, 'evaluations counted once');
  });
});

t.test('work stealing: when both copies answer, the first is told and the second dropped', async (t) => {
  const h = stealHarness([1, 2], true, 2); // batches of two rows
  h.d.submit(block(8, 1));
  h.results(2, 2);
  h.results(2, 4); // batch 3 withdrawn from worker 1, sent to worker 2 as batch 5
  h.results(1, 1);
  h.results(1, 3); // worker 1 had started batch 3 before the withdrawal reached it: its answer comes first
  t.same(h.rows(), [0, 1, 2, 3, 4, 5, 6, 7]);
  h.results(2, 5); // the copy: dropped
  t.same(h.rows(), [0, 1, 2, 3, 4, 5, 6, 7], 'still every row once');
  t.same(h.d.stealing, { steals: 1, duplicates: 2 }, 'one batch stolen; its two evaluations ran twice');
  t.equal(h.d.workerStats().reduce((n, w) => n + w.evaluations, 0), 8, 'the dropped copy is not counted as work');
  t.throws(() => h.cancelled(1, 3), /not withdrawn/, 'a withdrawal is answered once');
});

t.test('no stealing when switched off, from relays, or while rows wait in the queue', async (t) => {
  const off = stealHarness([1, 2], false);
  off.d.submit(block(4, 1));
  off.results(2, 2);
  off.results(2, 4);
  t.equal(off.sent.filter((s) => s.type === 'eval.cancel').length, 0, 'steal: false');

  const relays = stealHarness([{ rank: 1, id: 'relay', workers: 1 }, { rank: 2, id: 'relay', workers: 1 }], true);
  relays.d.submit(block(4, 1));
  relays.results(2, 2);
  relays.results(2, 4);
  t.equal(relays.sent.filter((s) => s.type === 'eval.cancel').length, 0, 'a relay steals among its own workers');

  const busy = stealHarness([1, 2], true);
  busy.d.submit(block(6, 1));
  busy.results(2, 2);
  busy.results(2, 4);
  t.equal(busy.sent.filter((s) => s.type === 'eval.cancel').length, 0, 'rows still queued go to the idle worker instead');
  t.same(busy.batchesTo(2), [2, 4, 5, 6]);
});
