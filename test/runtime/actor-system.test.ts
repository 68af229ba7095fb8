import t from 'tap';
import { ActorSystem, RemoteError, RequestTimeoutError, type Envelope, type ActorFailure } from '../../src/runtime/actor-system.js';
import { ManualClock, systemClock } from '../../src/runtime/clock.js';
import { InProcessHub } from '../../src/runtime/in-process-transport.js';

const tick = () => new Promise((r) => setImmediate(r));
async function settle(n = 5) {
  for (let i = 0; i < n; i++) await tick();
}

t.test('request/reply across simulated ranks, with typed arrays', async (t) => {
  const hub = new InProcessHub(3);
  const [s0, s1, s2] = hub.transports.map((tr) => new ActorSystem(tr, systemClock));
  for (const s of [s1, s2]) {
    s.spawn('echo', (msg, ctx) => ctx.reply(msg, 'echo.reply', { rank: ctx.self.rank, sum: (msg.body as Float64Array).reduce((a, b) => a + b, 0) }));
  }
  const client = s0.spawn('client', () => {});
  const r1 = await s0.request(client, { rank: 1, id: 'echo' }, 'echo', new Float64Array([1, 2, 3.5]), 1000);
  const r2 = await s0.request(client, { rank: 2, id: 'echo' }, 'echo', new Float64Array([10]), 1000);
  t.same(r1.body, { rank: 1, sum: 6.5 });
  t.same(r2.body, { rank: 2, sum: 10 });
  t.equal(r1.type, 'echo.reply');
  t.same(r1.from, { rank: 1, id: 'echo' });
});

t.test('messages between one pair arrive in order; local and remote alike', async (t) => {
  const hub = new InProcessHub(2);
  const [s0, s1] = hub.transports.map((tr) => new ActorSystem(tr, systemClock));
  const seen: Record<string, number[]> = { local: [], remote: [] };
  s0.spawn('sink', (m) => void seen.local.push(m.body as number));
  s1.spawn('sink', (m) => void seen.remote.push(m.body as number));
  const src = s0.spawn('src', () => {});
  for (let i = 0; i < 100; i++) {
    s0.send(src, { rank: 0, id: 'sink' }, 'n', i);
    s0.send(src, { rank: 1, id: 'sink' }, 'n', i);
  }
  t.same(seen.local, [], 'local delivery is never synchronous');
  await settle();
  t.same(seen.local, [...Array(100).keys()]);
  t.same(seen.remote, [...Array(100).keys()]);
});

t.test('a mailbox processes one message at a time even when the handler awaits', async (t) => {
  const hub = new InProcessHub(1);
  const s = new ActorSystem(hub.transports[0], systemClock);
  const log: string[] = [];
  s.spawn('slow', async (m) => {
    log.push(`start ${m.body}`);
    await settle(2);
    log.push(`end ${m.body}`);
  });
  const me = s.spawn('me', () => {});
  s.send(me, { rank: 0, id: 'slow' }, 'x', 1);
  s.send(me, { rank: 0, id: 'slow' }, 'x', 2);
  await settle(12);
  t.same(log, ['start 1', 'end 1', 'start 2', 'end 2']);
});

t.test('request timeouts follow the injected clock', async (t) => {
  const clock = new ManualClock();
  const hub = new InProcessHub(2);
  const s0 = new ActorSystem(hub.transports[0], clock);
  const s1 = new ActorSystem(hub.transports[1], clock);
  s1.spawn('mute', () => {});
  const me = s0.spawn('me', () => {});
  const p = s0.request(me, { rank: 1, id: 'mute' }, 'hello', null, 5000);
  let settled = false;
  p.catch(() => {}).finally(() => (settled = true));
  await settle();
  clock.advance(4999);
  await settle();
  t.notOk(settled, 'still waiting 1 ms before the deadline');
  clock.advance(1);
  await t.rejects(p, RequestTimeoutError);
  await t.rejects(p, /no reply to 'hello' from actor 'mute' on rank 1 within 5000 ms/);
  t.equal(clock.pendingTimers(), 0);
});

t.test('a handler that throws answers the request with a tagged remote error', async (t) => {
  const hub = new InProcessHub(2, 'node7');
  const s0 = new ActorSystem(hub.transports[0], systemClock);
  const s1 = new ActorSystem(hub.transports[1], systemClock);
  s1.spawn('bad', () => {
    throw new Error('simulator exploded');
  });
  const me = s0.spawn('me', () => {});
  const err = await s0.request(me, { rank: 1, id: 'bad' }, 'go', null, 1000).catch((e: Error) => e);
  t.ok(err instanceof RemoteError);
  t.match((err as Error).message, /simulator exploded \(actor 'bad', rank 1 of 2 on node7\)/);
});

t.test('messages for a missing actor and unsolicited failures reach the supervisor as messages', async (t) => {
  const hub = new InProcessHub(2);
  const s0 = new ActorSystem(hub.transports[0], systemClock);
  const s1 = new ActorSystem(hub.transports[1], systemClock);
  const errors: Array<[string, ActorFailure]> = [];
  s1.spawn('supervisor', (m) => {
    t.equal(m.type, 'actor.failed');
    errors.push([(m.body as ActorFailure).message, m.body as ActorFailure]);
  });
  s1.supervise('supervisor');
  s1.spawn('thrower', () => {
    throw new Error('boom');
  });
  const me = s0.spawn('me', () => {});
  s0.send(me, { rank: 1, id: 'ghost' }, 'hello', null);
  s0.send(me, { rank: 1, id: 'thrower' }, 'hello', null);
  const missing = await s0.request(me, { rank: 1, id: 'ghost' }, 'q', null, 1000).catch((e: Error) => e);
  await settle();
  t.match(errors.map((e) => e[0]), [/no actor 'ghost' on rank 1/, /boom/]);
  t.match(errors[1][1], { type: 'hello', to: 'thrower', from: { rank: 0, id: 'me' } }, 'what failed, and whose message it was');
  t.match((missing as Error).message, /no actor 'ghost' on rank 1 for 'q'/);
});

t.test('without a supervisor a failure is a process warning; a failing supervisor is one too, never a loop', async (t) => {
  const hub = new InProcessHub(1);
  const s = new ActorSystem(hub.transports[0], systemClock);
  const warnings: string[] = [];
  const onWarning = (w: Error) => void warnings.push(w.message);
  process.on('warning', onWarning);
  t.teardown(() => void process.off('warning', onWarning));
  const me = s.spawn('me', () => {});
  s.send(me, { rank: 0, id: 'ghost' }, 'hello', null);
  await settle();
  await new Promise((r) => setImmediate(r));
  t.match(warnings, [/no actor 'ghost'/]);
  let handled = 0;
  s.spawn('supervisor', () => {
    handled++;
    throw new Error('the supervisor failed too');
  });
  s.supervise('supervisor');
  s.send(me, { rank: 0, id: 'ghost' }, 'again', null);
  await settle();
  await settle();
  await new Promise((r) => setImmediate(r));
  t.equal(handled, 1, 'the supervisor was told once');
  t.match(warnings, [/no actor 'ghost'/, /the supervisor failed too/]);
});

t.test('close rejects outstanding requests', async (t) => {
  const hub = new InProcessHub(2);
  const s0 = new ActorSystem(hub.transports[0], systemClock);
  new ActorSystem(hub.transports[1], systemClock).spawn('mute', () => {});
  const me = s0.spawn('me', () => {});
  const p = s0.request(me, { rank: 1, id: 'mute' }, 'x', null, 60000);
  s0.close();
  await t.rejects(p, /actor system closed/);
});
