import t, { type Test } from 'tap';
import { Space } from '../../src/core/space.js';
import { row } from '../../src/math/rows.js';
import { shapeFitness } from '../../src/optimizers/shared/fitness-shaping.js';
import { NesCore, nesOptimizer, nesSchema, snesGradients, type NesSnapshot } from '../../src/optimizers/nes/index.js';
import { getOptimizer } from '../../src/optimizers/registry.js';
import { evaluate, rowsOf } from '../helpers/columns.js';

const box4 = new Space([{ name: 'x', length: 4, lower: -5, upper: 5 }]);
const wide = (dim: number, half = 1e6) => new Space([{ name: 'x', length: dim, lower: -half, upper: half }]);
const sphere = (x: Float64Array) => x.reduce((s, v) => s + (v - 1.5) ** 2, 0);

function core(params: Record<string, unknown> = {}, space = box4, seed = 1): NesCore {
  return nesOptimizer.create(nesSchema.parse(params), { space, weights: [-1], seed }) as NesCore;
}

const close = (t: Test, a: ArrayLike<number>, b: ArrayLike<number>, tol: number, msg: string) =>
  t.ok(a.length === b.length && Array.from(a).every((v, i) => Math.abs(v - b[i]) <= tol), `${msg}: ${Array.from(a)} vs ${Array.from(b)}`);

t.test('registered as "nes"; defaults resolved as Wierstra et al. and the box give them', async (t) => {
  t.equal(getOptimizer('nes'), nesOptimizer);
  t.same(nesSchema.parse({}), {
    learning_rate_mu: 1, learning_rate_sigma: null, mu: null, sigma: null,
    mirrored_sampling_enabled: true, fitness_shaping_enabled: true, pop_size: null,
  });
  const space = new Space([{ name: 'a', length: 3, lower: -2, upper: 4 }, { name: 'b', length: null, lower: 10, upper: 20 }]);
  const c = core({}, space);
  close(t, c.distribution().mu, [1, 1, 1, 15], 0, 'mu: the centre of the box');
  close(t, c.distribution().sigma, [3, 3, 3, 5], 0, 'sigma: half the width of the box');
  t.equal(c.ask().index.length, 2 * (4 + Math.floor(3 * Math.log(4))), 'pop_size 4 + floor(3 ln d), doubled by mirroring');
  const given = core({ mu: [0, 1, 2, 11], sigma: 0.5, pop_size: 3, mirrored_sampling_enabled: false }, space);
  close(t, given.distribution().mu, [0, 1, 2, 11], 0, 'mu per coordinate');
  close(t, given.distribution().sigma, [0.5, 0.5, 0.5, 0.5], 0, 'a scalar sigma for every coordinate');
  t.equal(given.ask().index.length, 3);
});

t.test('hyper-parameters that cannot fit are refused with a message', async (t) => {
  t.throws(() => core({ mu: [0, 0] }), /nes: mu has 2 values but the parameter space has 4 coordinates/);
  t.throws(() => core({ sigma: [1, 1, 1] }), /nes: sigma has 3 values but the parameter space has 4 coordinates/);
  t.throws(() => core({ mu: 7 }), /nes: mu\[0\] = 7 lies outside the box \[-5, 5\]/);
  t.notOk(nesSchema.safeParse({ sigma: 0 }).success, 'sigma 0 refused');
  t.notOk(nesSchema.safeParse({ sigma: [1, -1] }).success, 'a negative sigma refused');
  t.notOk(nesSchema.safeParse({ learning_rate_sigma: 0 }).success);
  t.notOk(nesSchema.safeParse({ pop_size: 0 }).success);
  t.notOk(nesSchema.safeParse({ learning_rate: 1 }).success, 'unknown key refused');
});

t.test('snesGradients on a hand-checkable case', async (t) => {
  // s_1 = (1, 2) with F = 0.5, s_2 = (-1, 0) with F = -0.5
  const g = snesGradients(Float64Array.of(1, 2, -1, 0), 2, [0.5, -0.5]);
  close(t, g.mu, [0.5 * 1 - 0.5 * -1, 0.5 * 2 - 0.5 * 0], 0, 'grad_mu = sum F_i s_i');
  close(t, g.sigma, [0.5 * 0 - 0.5 * 0, 0.5 * 3 - 0.5 * -1], 0, 'grad_sigma = sum F_i (s_i^2 - 1)');
});

t.test('one generation through the core follows the SNES equations', async (t) => {
  const space = wide(3);
  const c = core({ mu: [1, -2, 0.5], sigma: [0.5, 2, 1], pop_size: 3, learning_rate_mu: 0.7, learning_rate_sigma: 0.3 }, space);
  const { mu, sigma } = c.distribution();
  const gen = c.ask();
  const s = Float64Array.from(rowsOf(gen).flatMap(({ x }) => Array.from(x, (v, j) => (v - mu[j]) / sigma[j])));
  close(t, s, c.perturbations(0), 1e-9, 'rows are mu + sigma s');
  const f = (x: Float64Array) => (x[0] - 3) ** 2 + x[1] * x[1] + Math.abs(x[2]);
  const ev = evaluate(gen, f);
  const g = snesGradients(s, 3, shapeFitness(ev.weighted));
  const stats = c.tell(ev);
  const after = c.distribution();
  close(t, after.mu, Array.from(mu, (m, j) => m + 0.7 * sigma[j] * g.mu[j]), 1e-9, 'mu += eta_mu sigma grad_mu');
  close(t, after.sigma, Array.from(sigma, (v, j) => v * Math.exp((0.3 / 2) * g.sigma[j])), 1e-12, 'sigma *= exp(eta_sigma / 2 grad_sigma)');
  t.equal(stats.used, 6);
  t.equal(stats.best, Math.max(...ev.weighted));
});

t.test('mirrored pairs are symmetric around mu', async (t) => {
  const c = core({ mu: [1, 2, 3, 4], sigma: 0.3, pop_size: 4 }, wide(4));
  const gen = c.ask();
  for (let k = 0; k < 4; k++) {
    const a = row(gen.x, k, 4);
    const b = row(gen.x, k + 4, 4);
    close(t, Array.from(a, (v, j) => v + b[j]), [2, 4, 6, 8], 1e-12, `pair ${k}`);
  }
});

t.test('sigma shrinks on a sphere around mu and grows on a linear slope', async (t) => {
  const onSphere = core({ mu: [0, 0, 0, 0], sigma: 1 }, wide(4));
  for (let g = 0; g < 40; g++) onSphere.tell(evaluate(onSphere.ask(), (x) => x.reduce((a, v) => a + v * v, 0)));
  const shrunk = onSphere.distribution().sigma;
  t.ok(shrunk.every((v) => v < 0.1), `sigma after 40 generations on the sphere: ${Array.from(shrunk, (v) => v.toPrecision(2))}`);

  const onSlope = core({ mu: [0, 0, 0, 0], sigma: 1 }, wide(4));
  for (let g = 0; g < 40; g++) onSlope.tell(evaluate(onSlope.ask(), (x) => x[0], { weight: 1 }));
  const grown = onSlope.distribution();
  t.ok(grown.sigma[0] > 10, `sigma along the slope after 40 generations: ${grown.sigma[0].toPrecision(3)}`);
  t.ok(grown.mu[0] > 10, `and mu went up it: ${grown.mu[0].toPrecision(3)}`);
  // On sum(x) the coordinate with the widest sigma dominates the ranking (separable NES): the
  // distribution still widens and climbs, led by that coordinate.
  const onSum = core({ mu: [0, 0, 0, 0], sigma: 1 }, wide(4));
  for (let g = 0; g < 40; g++) onSum.tell(evaluate(onSum.ask(), (x) => x.reduce((a, v) => a + v, 0), { weight: 1 }));
  const d = onSum.distribution();
  t.ok(Math.max(...d.sigma) > 10 && d.mu.reduce((a, v) => a + v, 0) > 10, `sum(x): sigma ${Array.from(d.sigma, (v) => v.toPrecision(2))}`);
});

t.test('converges on the shifted sphere in the box, then says so', async (t) => {
  const c = core({}, box4, 4);
  let g = 0;
  for (; g < 2000 && c.stop().length === 0; g++) c.tell(evaluate(c.ask(), sphere));
  t.ok(sphere(c.distribution().mu) < 1e-12, `f(mu) = ${sphere(c.distribution().mu)}`);
  t.match(c.stop(), [/converged: every sigma below 1e-12 of the box width/], `after ${g} generations`);
  t.same(core({}, box4, 4).stop(), [], 'a fresh core goes on');
});

t.test('every asked point lies in the box; mu too', async (t) => {
  const small = new Space([{ name: 'x', length: 2, lower: 0, upper: 1 }]);
  const c = core({ sigma: 5, learning_rate_mu: 3 }, small);
  for (let g = 0; g < 10; g++) {
    const gen = c.ask();
    t.ok(rowsOf(gen).every(({ x }) => small.contains(x)));
    c.tell(evaluate(gen, (x) => x[0] - x[1], { weight: 1 }));
    t.ok(small.contains(c.distribution().mu));
  }
});

t.test('failed evaluations are left out of the update', async (t) => {
  const params = { mu: [0.5, 0.5, 0.5, 0.5], sigma: 0.5, pop_size: 3 };
  const c = core(params);
  const gen = c.ask();
  const ev = evaluate(gen, sphere, { failed: (_, i) => i === 0 || i === 4 });
  const used = [1, 2, 3, 5];
  const s = core(params).perturbations(0);
  const g = snesGradients(Float64Array.from(used.flatMap((i) => Array.from(row(s, i, 4)))), 4, shapeFitness(used.map((i) => ev.weighted[i])));
  const stats = c.tell(ev);
  close(t, c.distribution().mu, Array.from({ length: 4 }, (_, j) => 0.5 + 0.5 * g.mu[j]), 1e-12, 'mu from the four successful samples');
  t.equal(stats.failed, 2);
  t.ok(c.distribution().sigma.every(Number.isFinite));
});

t.test('seeded; a snapshot continues exactly, also through JSON; restore checks', async (t) => {
  const run = (c: NesCore, n: number) => Array.from({ length: n }, () => {
    const gen = c.ask();
    c.tell(evaluate(gen, sphere));
    return Array.from(gen.x);
  });
  const whole = run(core({}, box4, 2), 9);
  const first = core({}, box4, 2);
  run(first, 4);
  const resumed = core({}, box4, 2);
  resumed.restore(JSON.parse(JSON.stringify(first.snapshot())));
  t.same(run(resumed, 5), whole.slice(4));
  t.notSame(run(core({}, box4, 3), 1)[0], whole[0], 'another seed, other samples');
  const snap = first.snapshot();
  t.throws(() => core().restore({ ...snap, sigma: [1, 1] } satisfies NesSnapshot), /sigma must be an array of 4 numbers/);
  t.throws(() => core().restore({ ...snap, type: 'es' }), /not a version-1 'nes' snapshot/);
  const c = core();
  t.throws(() => c.tell({ ...evaluate(c.ask(), sphere), generation: 2 }), /nes: told generation 2, but generation 0 is in progress/);
});
