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

/** Counts event-loop turns with a setImmediate chain of its own, for as long as `until` says. */
function countTurns(until: (turns: number) => boolean): Promise<number> {
  return new Promise((resolve) => {
    let turns = 0;
    const turn = () => (until(++turns) ? resolve(turns) : setImmediate(turn));
    setImmediate(turn);
  });
}

/**
 * The timer delays a poller chooses, with a clock the test moves (every poll advances it by `stepMs`):
 * what it decides depends on that clock alone, not on how loaded the machine is.
 */
async function delaysChosen(state: PollState, stepMs: number, polls: number): Promise<number[]> {
  let clock = 0;
  const delays: number[] = [];
  const realSetTimeout = globalThis.setTimeout;
  let n = 0;
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const poller = new Poller(() => {
    clock += stepMs;
    if (++n === polls) done();
    return state;
  }, { now: () => clock });
  globalThis.setTimeout = ((fn: () => void, ms?: number) => {
    delays.push(ms ?? 0);
    return realSetTimeout(fn, 0); // the delay is recorded, not waited for
  }) as typeof setTimeout;
  try {
    poller.start();
    await finished;
  } finally {
    poller.stop();
    globalThis.setTimeout = realSetTimeout;
  }
  return delays;
}

t.test('polls every event-loop turn while active', async (t) => {
  const { poller, calls } = counting(() => 'active');
  poller.start();
  const turns = await countTurns((n) => n >= 200);
  poller.stop();
  // the poller's chain and this one share the loop's turns, whatever the load
  t.ok(calls() >= turns - 2 && calls() <= turns + 2, `${calls()} polls in ${turns} event-loop turns`);
});

t.test('backs off to timers when idle: delays grow with the time idle, up to 10 ms', async (t) => {
  const delays = await delaysChosen('idle', 20, 8);
  // idle for 20, 40, 60 ... ms: a tenth of that, between 1 and 10 ms
  t.same(delays.slice(0, 7), [2, 4, 6, 8, 10, 10, 10]);
});

t.test('spins on every turn within the spin window, before any timer', async (t) => {
  const delays = await delaysChosen('idle', 0.5, 3);
  t.same(delays, [], 'idle for under 2 ms: immediates only');
});

t.test('polls at least every millisecond while operations are in flight', async (t) => {
  const delays = await delaysChosen('waiting', 20, 8);
  t.ok(delays.length >= 7, `${delays.length} timers`);
  t.ok(delays.every((d) => d === 1), `delays ${delays.join(', ')} ms: never the idle backoff`);
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
