import t from 'tap';
import { createActor } from 'xstate';
import { optimizerMachine, type OptimizerDriver } from '../../src/experiment/optimizer-machine.js';

/** A tiny driver: generations of `size`, a budget of `budget` generations. */
function driver(size: number, budget: number) {
  const log: string[] = [];
  let told = 0;
  const d: OptimizerDriver = {
    askGeneration: () => (log.push(`ask ${told}`), size),
    tellGeneration: () => void log.push(`tell ${told++}`),
    stopReasons: () => (told >= budget ? [`budget ${budget}`] : []),
  };
  return { d, log };
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
