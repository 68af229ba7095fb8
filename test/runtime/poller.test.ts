/** Poller: spins while busy, backs off when idle, wakes on demand, and leaves nothing behind. */
import t from 'tap';
import { Poller, pollUntil, type PollState } from '../../src/runtime/poller.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function counting(state: () => PollState): { poller: Poller; calls: () => number } {
  let calls = 0;
  const poller = new Poller(() => {
    calls += 1;
    return state();
  });
  return { poller, calls: () => calls };
}

t.test('polls every event-loop turn while active', async (t) => {
  const { poller, calls } = counting(() => 'active');
  poller.start();
  await sleep(20);
  poller.stop();
  t.ok(calls() > 50, `${calls()} polls in 20 ms`);
});

t.test('backs off to timers when idle', async (t) => {
  const { poller, calls } = counting(() => 'idle');
  poller.start();
  await sleep(50); // past the 1 ms spin window and a few doublings
  const before = calls();
  await sleep(200);
  poller.stop();
  const idlePolls = calls() - before;
  t.ok(idlePolls <= 30, `${idlePolls} polls in 200 ms idle (delays 5..10 ms: ~22)`);
  t.ok(idlePolls >= 5, 'but keeps polling');
});

t.test('polls at least every millisecond or so while operations are in flight', async (t) => {
  const { poller, calls } = counting(() => 'waiting');
  poller.start();
  await sleep(20);
  const before = calls();
  await sleep(100);
  poller.stop();
  // The idle cap (10 ms) would allow at most ~10 here.
  t.ok(calls() - before >= 20, `${calls() - before} polls in 100 ms waiting`);
});

t.test('wake() ends a long sleep at once', async (t) => {
  let polls = 0;
  const poller = new Poller(() => {
    polls += 1;
    return 'idle';
  });
  poller.start();
  await sleep(100); // asleep on a 10 ms timer by now
  const before = polls;
  poller.wake();
  // wake() queued its immediate before this one, so the poll has run by the time this resolves.
  await new Promise((resolve) => setImmediate(resolve));
  poller.stop();
  t.equal(polls, before + 1, 'polled on the next event-loop turn');
});

t.test('stop() cancels everything: no poll afterwards', async (t) => {
  const { poller, calls } = counting(() => 'idle');
  poller.start();
  await sleep(30);
  poller.stop();
  const stoppedAt = calls();
  await sleep(50);
  t.equal(calls(), stoppedAt);
  t.equal(poller.running, false);
});

t.test('a throwing poll is rethrown but polling goes on', async (t) => {
  let calls = 0;
  const errors: unknown[] = [];
  const onError = (error: unknown) => errors.push(error);
  const listeners = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  process.on('uncaughtException', onError);
  const poller = new Poller(() => {
    calls += 1;
    if (calls === 1) throw new Error('handler failed');
    return 'idle';
  });
  poller.start();
  await sleep(20);
  poller.stop();
  process.removeListener('uncaughtException', onError);
  for (const listener of listeners) process.on('uncaughtException', listener);
  t.equal(errors.length, 1);
  t.ok(calls > 1, 'kept polling after the error');
});

t.test('pollUntil resolves when done and rejects when the test throws', async (t) => {
  let n = 0;
  await pollUntil(() => ++n >= 5);
  t.equal(n, 5);
  await t.rejects(pollUntil(() => { throw new Error('broken'); }), /broken/);
});
