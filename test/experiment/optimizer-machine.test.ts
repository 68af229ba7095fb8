import t from 'tap';
import assert from 'node:assert';
import { createActor } from 'xstate';
import { optimizerMachine, type OptimizerDriver } from '../../src/experiment/optimizer-machine.js';

/** A tiny driver: generations of `size`, a budget of `budget` generations. */
function driver(size: number, budget: number, alreadyTold = 0) {
  const log: string[] = [];
  let told = alreadyTold;
  const d: OptimizerDriver = {
    mode: 'generational',
    askGeneration: () => (log.push(`ask ${told}`), size),
    tellGeneration: () => void log.push(`tell ${told++}`),
    fill: () => assert.fail('generational'),
    tellArrived: () => assert.fail('generational'),
    outstanding: () => assert.fail('generational'),
    stopReasons: () => (told >= budget ? [`budget ${budget}`] : []),
  };
  return { d, log };
}

/** A steady-state driver: capacity outstanding, `budget` evaluations; results arrive via `arrive`. */
function steadyDriver(capacity: number, budget: number, stopAt = budget, resumed = { asked: 0, told: 0 }) {
  const log: string[] = [];
  let asked = resumed.asked, told = resumed.told, arrivedCount = 0;
  const d: OptimizerDriver = {
    mode: 'steady-state',
    askGeneration: () => assert.fail('steady'),
    tellGeneration: () => assert.fail('steady'),
    fill: () => {
      const n = Math.min(capacity - (asked - told), budget - asked);
      if (n > 0) log.push(`ask ${n}`);
      asked += Math.max(0, n);
    },
    tellArrived: () => {
      log.push(`tell ${arrivedCount}`);
      told += arrivedCount;
      arrivedCount = 0;
    },
    outstanding: () => asked - told,
    stopReasons: () => (told >= stopAt ? [`stop at ${stopAt}`] : []),
  };
  return { d, log, arrive: (n: number) => (arrivedCount += n) };
}

t.test('asks, waits for every result, tells, and stops on the budget', async (t) => {
  const { d, log } = driver(5, 2);
  const a = createActor(optimizerMachine, { input: { driver: d } }).start();
  t.equal(a.getSnapshot().value, 'idle');
  a.send({ type: 'start' });
  t.equal(a.getSnapshot().value, 'evaluating');
  a.send({ type: 'results', count: 3 });
  t.equal(a.getSnapshot().value, 'evaluating', 'three of five: still evaluating');
  t.equal(a.getSnapshot().context.received, 3);
  a.send({ type: 'results', count: 2 });
  t.same(log, ['ask 0', 'tell 0', 'ask 1'], 'a full generation is told, then the next asked');
  a.send({ type: 'results', count: 5 });
  t.equal(a.getSnapshot().status, 'done');
  t.same(a.getSnapshot().output, { status: 'completed', reasons: ['budget 2'] });
  t.same(log, ['ask 0', 'tell 0', 'ask 1', 'tell 1']);
});

t.test('an empty generation is told at once', async (t) => {
  const { d, log } = driver(0, 3);
  const a = createActor(optimizerMachine, { input: { driver: d } }).start();
  a.send({ type: 'start' });
  t.equal(a.getSnapshot().status, 'done');
  t.equal(log.filter((l) => l.startsWith('tell')).length, 3);
});

t.test('stop and fail end the run from evaluating, with their reason', async (t) => {
  for (const [ev, status] of [[{ type: 'stop', reason: 'SIGINT' }, 'interrupted'], [{ type: 'fail', reason: 'rank 3 lost' }, 'failed']] as const) {
    const { d, log } = driver(4, 10);
    const a = createActor(optimizerMachine, { input: { driver: d } }).start();
    a.send({ type: 'start' });
    a.send({ type: 'results', count: 1 });
    a.send(ev);
    t.same(a.getSnapshot().output, { status, reasons: [ev.reason] });
    a.send({ type: 'results', count: 3 });
    t.same(log, ['ask 0'], `${status}: nothing is told after the end`);
  }
});

t.test('steady state: keeps capacity outstanding, tells as results arrive, drains after the budget', async (t) => {
  const { d, log, arrive } = steadyDriver(4, 10);
  const a = createActor(optimizerMachine, { input: { driver: d } }).start();
  a.send({ type: 'start' });
  t.equal(a.getSnapshot().value, 'steady');
  t.same(log, ['ask 4'], 'the workers are filled at once');
  arrive(1);
  a.send({ type: 'results', count: 1 });
  t.same(log.slice(1), ['tell 1', 'ask 1'], 'one result: told, one new individual asked');
  for (let i = 0; i < 5; i++) {
    arrive(1);
    a.send({ type: 'results', count: 1 });
  }
  t.equal(d.outstanding(), 4, 'still four out (budget: 10 asked so far)');
  arrive(2);
  a.send({ type: 'results', count: 2 });
  t.equal(a.getSnapshot().value, 'steady');
  arrive(2);
  a.send({ type: 'results', count: 2 });
  t.equal(a.getSnapshot().value, 'done', 'ten told: the budget is spent and nothing is in flight');
  t.same(a.getSnapshot().output, { status: 'completed', reasons: ['stop at 10'] });
  t.equal(log.filter((l) => l.startsWith('ask')).reduce((n, l) => n + Number(l.split(' ')[1]), 0), 10, 'never asked beyond the budget');
});

t.test('steady state: a budget spent with results in flight drains them before ending', async (t) => {
  const { d, log, arrive } = steadyDriver(4, 100, 2); // e.g. a target reached after 2 results
  const a = createActor(optimizerMachine, { input: { driver: d } }).start();
  a.send({ type: 'start' });
  arrive(2);
  a.send({ type: 'results', count: 2 });
  t.equal(a.getSnapshot().value, 'draining', 'two still in flight');
  t.same(a.getSnapshot().output, undefined);
  arrive(1);
  a.send({ type: 'results', count: 1 });
  t.equal(a.getSnapshot().value, 'draining');
  arrive(1);
  a.send({ type: 'results', count: 1 });
  t.equal(a.getSnapshot().status, 'done');
  t.same(a.getSnapshot().output, { status: 'completed', reasons: ['stop at 2'] });
  t.same(log, ['ask 4', 'tell 2', 'tell 1', 'tell 1'], 'nothing asked while draining; every paid result told');
  const { d: d2, arrive: arrive2 } = steadyDriver(4, 100);
  const b = createActor(optimizerMachine, { input: { driver: d2 } }).start();
  b.send({ type: 'start' });
  arrive2(1);
  b.send({ type: 'results', count: 1 });
  b.send({ type: 'stop', reason: 'SIGTERM' });
  t.same(b.getSnapshot().output, { status: 'interrupted', reasons: ['SIGTERM'] });
});

t.test('a resumed run whose budget is already spent asks nothing more', async (t) => {
  const { d, log } = driver(5, 3, 3);
  const a = createActor(optimizerMachine, { input: { driver: d } }).start();
  a.send({ type: 'start' });
  t.same(log, []);
  t.equal(a.getSnapshot().status, 'done');
  t.same(a.getSnapshot().output, { status: 'completed', reasons: ['budget 3'] });
});

t.test('a resumed steady-state run past its budget asks nothing more and drains what it had asked', async (t) => {
  const { d, log, arrive } = steadyDriver(4, 10, 10, { asked: 12, told: 10 });
  const a = createActor(optimizerMachine, { input: { driver: d } }).start();
  a.send({ type: 'start' });
  t.same(log, [], 'no new asks');
  t.equal(a.getSnapshot().value, 'draining');
  arrive(2);
  a.send({ type: 'results', count: 2 });
  t.equal(a.getSnapshot().status, 'done');
  t.same(log, ['tell 2']);
});
