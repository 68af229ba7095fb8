/** Progress: the ETA follows the recent rate and waits until it means something; the last line once. */
import t from 'tap';
import { Writable } from 'node:stream';
import { ManualClock } from '../../src/runtime/clock.js';
import { Progress, progressMode } from '../../src/experiment/progress.js';

function sink(): { out: Writable; lines: () => string[] } {
  let text = '';
  const out = new Writable({ write: (chunk, _enc, cb) => ((text += String(chunk)), cb()) });
  return { out, lines: () => text.split('\n').filter(Boolean) };
}

const state = (generation: number, evaluations = generation * 10) => ({ generation, evaluations, failures: 0, best: -1 });
const eta = (line: string) => /ETA (\S+)$/.exec(line)?.[1];

t.test('no ETA until 10% and 3 generations are done; then the recent rate, not the slow start', async (t) => {
  const clock = new ManualClock();
  const { out, lines } = sink();
  const p = new Progress('plain', out, clock, { generations: 20 }, 0);
  // a slow start: 10 s for the first generation, then 1 s each
  clock.advance(10_000);
  p.update(state(1));
  clock.advance(1000);
  p.update(state(2));
  t.same(lines().map(eta), ['?', '?'], 'one or two generations: no estimate');
  for (let g = 3; g <= 12; g++) {
    clock.advance(1000);
    p.update(state(g));
  }
  const last = lines().at(-1)!;
  t.match(last, /^gen 12 /);
  // 8 generations left at the recent 1 s each: 8 s; the whole-run rate would say 8 x 21/12 = 14 s
  t.equal(eta(last), '8.0s', last);
});

t.test('a seconds budget counts down exactly from the start', async (t) => {
  const clock = new ManualClock();
  const { out, lines } = sink();
  const p = new Progress('plain', out, clock, { seconds: 60 }, 0);
  clock.advance(15_000);
  p.update(state(1));
  t.equal(eta(lines()[0]), '45.0s');
});

t.test('a plain log prints the final state once, without an ETA', async (t) => {
  const clock = new ManualClock();
  const { out, lines } = sink();
  const p = new Progress('plain', out, clock, { generations: 5 }, 5);
  for (let g = 1; g <= 5; g++) {
    clock.advance(1000);
    p.update(state(g));
  }
  clock.advance(7000);
  p.finish(state(5));
  t.same(lines().map((l) => l.split('  ')[0]), ['gen 1', 'gen 5'], 'every 5 s; the end already shown is not repeated');
  const p2 = new Progress('plain', out, clock, { generations: 5 }, 5);
  clock.advance(1000);
  p2.update(state(1));
  clock.advance(1000);
  p2.update(state(2));
  p2.finish(state(2));
  t.equal(lines().length, 4, 'an end not shown yet is printed');
  t.notMatch(lines().at(-1)!, /ETA/, 'the final line has no ETA');
});

t.test('a live line is rewritten in place and ended with a newline', async (t) => {
  const clock = new ManualClock();
  let text = '';
  const out = new Writable({ write: (chunk, _enc, cb) => ((text += String(chunk)), cb()) });
  const p = new Progress('live', out, clock, { generations: 5 });
  clock.advance(200);
  p.update(state(1));
  p.finish(state(1));
  t.match(text, /^\r\x1b\[Kgen 1 .*\r\x1b\[Kgen 1 [^\n]*\n$/s);
  t.equal(progressMode(true, {}, true), 'none');
  t.equal(progressMode(false, { L2L_PROGRESS: 'plain' }, true), 'plain');
  t.equal(progressMode(false, { OMPI_COMM_WORLD_SIZE: '4' }, true), 'plain', 'under mpirun every rank has a pty: not a reason for a live line');
});
