/**
 * The BOLD signal (src/optimizees/tvb/bold.ts): TVB's own BalloonModel analyzer on the same input
 * (test/fixtures/tvb/balloon_bold.txt.gz, README there) within 1e-12 relative to the signal's range: the
 * same equations in the same order, the only difference pow's last bit (V8's Math.pow is not the C
 * library's); and the steady state of a constant input against its closed form, within 1e-9 after 300 s
 * (the slowest mode decays as exp(-t / 2.3 s) or so, so at 300 s it is far below that).
 */
import t from 'tap';
import { balloonBold, balloonSteadyState } from '../../src/optimizees/tvb/bold.js';
import { table } from '../helpers/tvb.js';

t.test("TVB's BalloonModel, to 1e-12 of the signal's range", async (t) => {
  const T = 6000, nodes = 4, dt = 0.01;
  const x = new Float64Array(T * nodes);
  for (let k = 0; k < T; k++) {
    const tk = (k * 10) / 1000;
    for (let i = 0; i < nodes; i++) x[k * nodes + i] = 0.5 + 0.5 * Math.sin((2 * Math.PI * tk) / (8 + 3 * i)) + 0.3 * (tk % 20 < 1 ? 1 : 0);
  }
  const y = balloonBold(x, T, nodes, dt);
  const ref = table('balloon_bold.txt');
  t.equal(ref.length, 600);
  let worst = 0, same = 0, range = 0;
  for (const row of ref) for (let i = 0; i < nodes; i++) range = Math.max(range, Math.abs(row[1 + i]));
  for (const row of ref) {
    const k = Math.round(row[0] / dt);
    for (let i = 0; i < nodes; i++) {
      const d = Math.abs(y[k * nodes + i] - row[1 + i]);
      worst = Math.max(worst, d / range);
      if (d === 0) same++;
    }
  }
  t.ok(range > 1, `the signal spans ${range.toFixed(3)} (percent signal change)`);
  t.ok(worst < 1e-12, `worst difference ${worst.toExponential(2)} of the range; ${same} of ${ref.length * nodes} identical`);
});

t.test('a constant input settles on the closed-form steady state', async (t) => {
  for (const c of [0.1, 0.5, 2]) {
    const T = 30001, dt = 0.01;
    const y = balloonBold(new Float64Array(T).fill(c), T, 1, dt);
    const want = balloonSteadyState(c);
    t.ok(Math.abs(y[T - 1] - want) < 1e-9 * Math.max(1, Math.abs(want)), `input ${c}: ${y[T - 1]} against ${want}`);
  }
  t.equal(balloonSteadyState(0), 0, 'no input, no signal');
});
