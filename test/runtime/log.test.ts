import t from 'tap';
import { createLogger, LogForwarder, LogSink } from '../../src/runtime/log.js';
import type { Address } from '../../src/runtime/actor-system.js';

t.test('every line is JSON tagged with rank, host and pid, at the chosen level', async (t) => {
  const lines: string[] = [];
  const log = createLogger({ rank: 3, host: 'n042', level: 'warn', sink: (l) => lines.push(l) });
  log.info('not at warn');
  log.warn({ generation: 2 }, 'slow');
  t.equal(lines.length, 1, 'info is below warn');
  const rec = JSON.parse(lines[0]);
  t.match(rec, { level: 40, rank: 3, host: 'n042', pid: process.pid, generation: 2, msg: 'slow' });
  t.ok(lines[0].endsWith('\n'));
  t.ok(!Number.isNaN(Date.parse(rec.time)), 'ISO time');
});

t.test('the sink holds lines until the file is open, then writes through, in order', async (t) => {
  const sink = new LogSink();
  sink.write('a\n');
  sink.behaviour({ type: 'log.lines', to: 'log', from: { rank: 1, id: 'worker' }, corr: 0, replyTo: 0, body: { lines: 'b\nc\n' } }, null as never);
  let file = '';
  sink.open((s) => (file += s));
  t.equal(file, 'a\nb\nc\n');
  sink.write('d\n');
  t.equal(file, 'a\nb\nc\nd\n');
  sink.detach();
  sink.write('e\n');
  t.equal(file, 'a\nb\nc\nd\n', 'detached: held, not written');
});

t.test('a worker batches its lines to rank 0 and flushes on demand; nothing sent before attach', async (t) => {
  const sent: Array<{ to: Address; body: { lines: string } }> = [];
  const f = new LogForwarder();
  const log = createLogger({ rank: 1, host: 'h', level: 'info', sink: f.sink });
  log.info('early');
  f.flush();
  t.equal(sent.length, 0, 'not attached yet');
  f.attach((to, _type, body) => sent.push({ to, body: body as { lines: string } }));
  log.info('second');
  t.equal(sent.length, 0, 'batched, not one message per line');
  f.flush();
  t.equal(sent.length, 1);
  t.same(sent[0].to, { rank: 0, id: 'log' });
  t.same(sent[0].body.lines.trim().split('\n').map((l) => JSON.parse(l).msg), ['early', 'second']);
  log.info('x'.repeat(40_000));
  t.equal(sent.length, 2, 'a big buffer goes at once');
  t.equal(f.takeUnsent(), '');
  await new Promise((r) => setTimeout(r, 300));
  t.equal(sent.length, 2, 'no empty messages from the timer');
});

t.test('the timer sends what a worker logged without an explicit flush', async (t) => {
  const sent: string[] = [];
  const f = new LogForwarder();
  f.attach((_to, _type, body) => sent.push((body as { lines: string }).lines));
  const t0 = performance.now();
  f.sink('{"msg":"one"}\n');
  while (sent.length === 0) await new Promise((r) => setTimeout(r, 20)); // the test's timeout bounds it
  t.ok(performance.now() - t0 >= 200, 'sent by the timer (every 250 ms), not at once');
  t.same(sent, ['{"msg":"one"}\n']);
});
