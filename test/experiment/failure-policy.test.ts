import t from 'tap';
import { STATUS_CODES } from '../../src/core/fitness.js';
import { GenerationBuffer, type FailurePolicy } from '../../src/experiment/generation-buffer.js';
import type { ResultBatch } from '../../src/experiment/dispatcher.js';

const FAILED = STATUS_CODES.failed;
const TIMED_OUT = STATUS_CODES['timed-out'];

function buffer(n: number, policy: FailurePolicy) {
  return new GenerationBuffer({ generation: 3, index: Int32Array.from({ length: n }, (_, i) => 10 + i), x: Float64Array.from({ length: n * 2 }, (_, i) => i) }, 2, [-1], (_g, i) => 1000 + i, policy);
}

/** Results for rows `rows` of `block`: fitness = row, status as given. */
function results(block: ResultBatch['block'], offset: number, status: number[], rank = 1): ResultBatch {
  const n = status.length;
  return {
    block, offset, n, rank, ranks: null, busy: 0, nObj: 1,
    fitness: Float64Array.from(status, (s, i) => (s ? NaN : offset + i)), status: Uint8Array.from(status),
    seconds: new Float64Array(n).fill(0.5), started: new Float64Array(n),
    errors: status.some(Boolean) ? status.map((s) => (s === FAILED ? 'Error: boom' : s === TIMED_OUT ? 'timed out after 2 s' : null)) : null, outputs: null,
  };
}

const fresh: FailurePolicy = { retries: 2, retrySeed: (_g, i, a) => i * 100 + a, penalty: null };

t.test('a failure with tries left is not stored but sent again with a fresh seed; its history is kept', async (t) => {
  const b = buffer(3, fresh);
  const done = b.accept(results(b.block, 0, [0, FAILED, 0]));
  t.same(Array.from(done), [0, 2], 'the two successes are done');
  t.notOk(b.complete);
  const retry = b.takeRetryBlock()!;
  t.same(Array.from(retry.index), [11], 'row 1 (index 11) goes again');
  t.same(Array.from(retry.seed), [1102], 'with the seed of try 2');
  t.equal(b.seed[1], 1102, 'the buffer records the seed actually used');
  t.equal(b.takeRetryBlock(), null, 'once');
  const again = b.accept(results(retry, 0, [TIMED_OUT], 2));
  t.same(Array.from(again), [], 'timed out on try 2: one more try');
  const third = b.takeRetryBlock()!;
  t.same(Array.from(third.seed), [1103]);
  const last = b.accept(results(third, 0, [0], 3));
  t.same(Array.from(last), [1]);
  t.ok(b.complete);
  t.equal(b.attempts[1], 3);
  t.equal(b.status[1], STATUS_CODES.ok);
  t.equal(b.rank[1], 3);
  t.match(b.errors![1], /^try 1 of 3 \(seed 1011, rank 1\) failed: Error: boom\ntry 2 of 3 \(seed 1102, rank 2\) timed out: timed out after 2 s\ntry 3 succeeded$/);
  const rec = b.toRecord(b.stats());
  t.same(Array.from(rec.attempts), [1, 3, 1]);
  t.equal(rec.stats.failures, 0);
});

t.test('after the last try a failure counts: told as failed (drop)', async (t) => {
  const b = buffer(1, { ...fresh, retries: 1 });
  b.accept(results(b.block, 0, [FAILED]));
  const r = b.takeRetryBlock()!;
  t.same(Array.from(b.accept(results(r, 0, [FAILED]))), [0]);
  t.equal(b.takeRetryBlock(), null);
  t.equal(b.status[0], FAILED);
  t.equal(b.weighted[0], -Infinity);
  t.match(b.errors![0], /^try 1 of 2 \(seed 1010, rank 1\) failed: Error: boom\nError: boom$/);
});

t.test('with a penalty the optimizer is told the penalty fitness; the record keeps the failure', async (t) => {
  const b = buffer(2, { retries: 0, retrySeed: (_g, _i, _a, s) => s, penalty: [50] });
  b.accept(results(b.block, 0, [0, FAILED]));
  t.ok(b.complete);
  t.equal(b.status[1], STATUS_CODES.ok, 'the optimizer sees a result');
  t.equal(b.fitness[1], 50);
  t.equal(b.weighted[1], -50);
  const rec = b.toRecord(b.stats());
  t.equal(rec.status[1], FAILED, 'the record says it failed');
  t.equal(rec.fitness[1], 50);
  t.match(rec.errors![1], /Error: boom\n\[told the optimizer the penalty fitness \[50\]\]/);
  t.equal(rec.stats.failures, 1, 'statistics count it as a failure');
  t.equal(rec.stats.best, -0, 'and leave it out of best/median');
  const sub = b.subset(Int32Array.of(1)).toRecord({});
  t.equal(sub.status[0], FAILED, 'a subset keeps the real status');
});

t.test("'same' seed: every try gets the individual's seed", async (t) => {
  const b = buffer(1, { retries: 1, retrySeed: (_g, _i, _a, s) => s, penalty: null });
  b.accept(results(b.block, 0, [FAILED]));
  t.same(Array.from(b.takeRetryBlock()!.seed), [1010]);
});
