/**
 * The long-call pattern of every simulator kernel (native/common/long_call.h), through the smallest
 * kernel (native/relax): dv/dt = (x - v) / tau, v(0) = 0, integrated exactly on the grid.
 * It matches the analytic solution, runs off the JS thread, reports its progress, stops between steps
 * when asked, gives the same numbers on any number of threads, and checks its arguments.
 */
import t from 'tap';
import { loadRelax } from '../../src/native/loader.js';
import { KernelError } from '../../src/native/errors.js';
import type { CallControl } from '../../src/native/relax.js';

const relax = loadRelax();
const control = (): CallControl => ({ cancel: new Int32Array(1), progress: new Float64Array(2) });

function targets(n: number, dim: number): Float64Array {
  return Float64Array.from({ length: n * dim }, (_, i) => Math.sin(1 + i) * 3);
}

t.test('the analytic solution v(T) = x (1 - exp(-T / tau))', async (t) => {
  const n = 5;
  const dim = 3;
  const x = targets(n, dim);
  const out = new Float64Array(n * dim);
  const steps = 1000;
  const dt = 0.1;
  const tau = 20;
  const r = await relax.relax({ x, n, dim, steps, dt, tau }, out);
  t.same(Array.from(r.finished), [1, 1, 1, 1, 1]);
  const factor = 1 - Math.exp((-steps * dt) / tau);
  // The propagator is exact; what is left is rounding, about one unit in the last place per step:
  // 1000 steps of relative error ~1e-16 stay far below 1e-12.
  for (let i = 0; i < x.length; i++) t.ok(Math.abs(out[i] - x[i] * factor) <= 1e-12 * Math.abs(x[i]), `v[${i}] = ${out[i]}, analytic ${x[i] * factor}`);
});

t.test('the same numbers on 1 and 4 threads', async (t) => {
  const n = 37;
  const x = targets(n, 2);
  const one = new Float64Array(n * 2);
  const four = new Float64Array(n * 2);
  await relax.relax({ x, n, dim: 2, steps: 300, dt: 0.05, tau: 3 }, one);
  const r = await relax.relax({ x, n, dim: 2, steps: 300, dt: 0.05, tau: 3, threads: 4 }, four);
  t.same(four, one, 'bit for bit: instances are independent');
  t.ok(r.finished.every((f) => f === 1));
});

t.test('off the JS thread, with progress: the event loop turns while the kernel runs', async (t) => {
  const n = 4;
  const c = control();
  const steps = 2000;
  const call = relax.relax({ x: targets(n, 1), n, dim: 1, steps, dt: 0.1, tau: 5, spinMicros: 100 }, new Float64Array(n), c); // ~0.8 s
  let pending = true;
  void call.then(() => (pending = false));
  const seen: number[] = [];
  let ticks = 0;
  while (pending) {
    await new Promise((r) => setTimeout(r, 5));
    ticks++;
    seen.push(c.progress[0]);
  }
  await call;
  t.ok(ticks >= 20, `${ticks} timer turns while the call ran`);
  t.equal(c.progress[1], n * steps, 'the total is known from the start');
  t.equal(c.progress[0], n * steps, 'all done at the end');
  const middle = seen.filter((p) => p > 0 && p < n * steps);
  t.ok(middle.length >= 3, `progress seen rising during the call (${middle.length} readings between start and end)`);
  t.ok(seen.every((p, i) => i === 0 || p >= seen[i - 1]), 'never backwards');
});

t.test('cancel: the kernel stops between steps and says which instances finished', async (t) => {
  const n = 6;
  const c = control();
  const out = new Float64Array(n);
  const steps = 100_000; // 100 s of spinning if it never stopped
  const call = relax.relax({ x: targets(n, 1), n, dim: 1, steps, dt: 0.1, tau: 5, spinMicros: 1000 }, out, c);
  while (c.progress[0] < 10) await new Promise((r) => setTimeout(r, 5));
  c.cancel[0] = 1;
  const r = await call;
  t.same(Array.from(r.finished), [0, 0, 0, 0, 0, 0], 'nothing finished');
  t.ok(c.progress[0] < n * steps, `stopped after ${c.progress[0]} of ${n * steps} steps`);
});

t.test('arguments are checked before anything runs; a failing kernel rejects with KernelError', async (t) => {
  const x = targets(2, 2);
  t.throws(() => relax.relax({ x: new Float32Array(4) as unknown as Float64Array, n: 2, dim: 2, steps: 1, dt: 1, tau: 1 }, new Float64Array(4)), TypeError);
  t.throws(() => relax.relax({ x, n: 3, dim: 2, steps: 1, dt: 1, tau: 1 }, new Float64Array(6)), RangeError);
  t.throws(() => relax.relax({ x, n: 2, dim: 2, steps: 1, dt: 1, tau: 1 }, new Float64Array(3)), /out must hold n \* dim/);
  t.throws(() => relax.relax({ x, n: 2, dim: 2, steps: 1, dt: 1, tau: 1 }, new Float64Array(4), { cancel: new Int32Array(1) } as unknown as CallControl), /control\.progress/);
  await t.rejects(relax.relax({ x, n: 2, dim: 2, steps: 1, dt: 1, tau: -1 }, new Float64Array(4)), KernelError);
  await t.rejects(relax.relax({ x, n: 2, dim: 2, steps: 1, dt: 1, tau: -1 }, new Float64Array(4)), { message: 'relax: dt and tau must be positive' });
});
