import t, { type Test } from 'tap';
import { Space } from '../../src/core/space.js';
import { row } from '../../src/math/rows.js';
import { EsCore, esOptimizer, esSchema, esStep, rankUtilities, shapeFitness, type EsSnapshot } from '../../src/optimizers/es/index.js';
import { decodeVector, encodeVector } from '../../src/optimizers/shared/plain-vector.js';
import { getOptimizer } from '../../src/optimizers/registry.js';
import { evaluate, rowsOf } from '../helpers/columns.js';

const wide2 = new Space([{ name: 'x', length: 2, lower: -100, upper: 100 }]);
const box4 = new Space([{ name: 'x', length: 4, lower: -5, upper: 5 }]);
const sphere = (x: Float64Array) => x.reduce((s, v) => s + (v - 1.5) ** 2, 0);

function core(params: Record<string, unknown> = {}, space = box4, seed = 1): EsCore {
  return esOptimizer.create(esSchema.parse(params), { space, weights: [-1], seed }) as EsCore;
}

/** A core whose theta is placed by restoring a snapshot (the only way in, as on resume). */
function coreAt(theta: number[], params: Record<string, unknown>, space = wide2): EsCore {
  const c = core(params, space);
  c.restore({ type: 'es', version: 1, generation: 0, theta } satisfies EsSnapshot);
  return c;
}

const close = (t: Test, a: ArrayLike<number>, b: ArrayLike<number>, tol: number, msg: string) =>
  t.ok(a.length === b.length && Array.from(a).every((v, i) => Math.abs(v - b[i]) <= tol), `${msg}: ${Array.from(a)} vs ${Array.from(b)}`);

t.test('registered as "es" with the reference example values as defaults', async (t) => {
  t.equal(getOptimizer('es'), esOptimizer);
  t.same(esSchema.parse({}), { learning_rate: 0.1, noise_std: 1, mirrored_sampling_enabled: true, fitness_shaping_enabled: true, pop_size: 20 });
  t.notOk(esSchema.safeParse({ pop_size: 0 }).success, 'pop_size 0 refused');
  t.notOk(esSchema.safeParse({ noise_std: 0 }).success, 'noise_std 0 refused');
  t.notOk(esSchema.safeParse({ sigma: 1 }).success, 'unknown key refused');
});

t.test('rank utilities: the reference formula, summing to 0, only the better half positive', async (t) => {
  // n = 4: max(0, ln 3 - ln k) = [ln 3, ln 1.5, 0, 0], normalised, minus 1/4
  const raw = [Math.log(3), Math.log(1.5), 0, 0];
  const sum = raw[0] + raw[1];
  close(t, rankUtilities(4), raw.map((r) => r / sum - 0.25), 1e-15, 'n = 4 by hand');
  close(t, rankUtilities(2), [0.5, -0.5], 1e-15, 'n = 2 by hand');
  t.same(Array.from(rankUtilities(1)), [0], 'a single sample carries no information');
  for (const n of [3, 20, 41]) {
    const u = rankUtilities(n);
    t.ok(Math.abs(u.reduce((a, v) => a + v, 0)) < 1e-14, `n = ${n}: utilities sum to 0`);
    t.ok(u.every((v, k) => k === 0 || v <= u[k - 1]), `n = ${n}: non-increasing with rank`);
    t.ok(Math.abs(u.reduce((a, v) => a + Math.max(0, v + 1 / n), 0) - 1) < 1e-14, `n = ${n}: the shifted utilities sum to 1`);
    const positive = u.filter((v) => v > -1 / n + 1e-15).length;
    t.equal(positive, Math.ceil(n / 2 + 1) - 1, `n = ${n}: ranks k < n/2 + 1 get more than the floor -1/n`);
  }
});

t.test('shapeFitness: utilities by rank, blind to the fitness scale, ties share', async (t) => {
  const u = rankUtilities(4);
  close(t, shapeFitness([3, -7, 10, 0]), [u[1], u[3], u[0], u[2]], 0, 'each value gets its rank\'s utility');
  close(t, shapeFitness([3e9, -7e9, 1e10, 0]), shapeFitness([3, -7, 10, 0]), 0, 'scale does not matter');
  close(t, shapeFitness([5, 5, 1, 0]), [(u[0] + u[1]) / 2, (u[0] + u[1]) / 2, u[2], u[3]], 1e-15, 'a tie shares its ranks\' utilities');
  close(t, shapeFitness([2, 2, 2]), [0, 0, 0], 1e-15, 'a plateau pulls nowhere');
});

t.test('esStep on a hand-checkable case: 2-D, pop 2, known eps', async (t) => {
  // eps_1 = (1, 0) is the better sample, eps_2 = (0, 2) the worse; utilities (0.5, -0.5)
  const eps = Float64Array.of(1, 0, 0, 2);
  // lr / (n sigma) * (0.5 eps_1 - 0.5 eps_2) = 0.1 / 2 * (0.5, -1) = (0.025, -0.05)
  close(t, esStep(eps, 2, [0.5, -0.5], 0.1, 1), [0.025, -0.05], 1e-15, 'sigma 1');
  close(t, esStep(eps, 2, [0.5, -0.5], 0.1, 2), [0.0125, -0.025], 1e-15, 'sigma 2 halves it: 1/(n sigma), not 1/(n sigma^2) on unit eps');
  close(t, esStep(eps, 2, [3, 1], 0.1, 1), [0.15, 0.1], 1e-15, 'raw fitness (shaping off) enters as is');
  t.same(Array.from(esStep(new Float64Array(0), 2, [], 0.1, 1)), [0, 0], 'no samples, no step');
});

t.test('one generation through the core: theta moves by the ES step of the asked perturbations', async (t) => {
  const theta = [0.5, -0.25];
  const c = coreAt(theta, { pop_size: 2, mirrored_sampling_enabled: false, noise_std: 0.5, learning_rate: 0.1 });
  const gen = c.ask();
  t.equal(gen.index.length, 3, 'pop_size perturbations and theta');
  t.same(Array.from(row(gen.x, 2, 2)), theta, 'theta is the last row');
  const eps = [0, 1].map((k) => Array.from(row(gen.x, k, 2), (v, j) => (v - theta[j]) / 0.5));
  close(t, eps.flat(), c.perturbations(0), 1e-12, 'rows are theta + sigma eps');
  const ev = evaluate(gen, (x) => x[0], { weight: 1 }); // maximise the first coordinate
  const better = ev.weighted[0] > ev.weighted[1] ? 0 : 1;
  const expected = theta.map((v, j) => v + (0.1 / (2 * 0.5)) * (0.5 * eps[better][j] - 0.5 * eps[1 - better][j]));
  const stats = c.tell(ev);
  close(t, c.center(), expected, 1e-12, 'theta after one step');
  t.ok(c.center()[0] > theta[0], 'and it moved up the slope');
  t.ok(Math.abs(stats.step_norm - Math.hypot(expected[0] - theta[0], expected[1] - theta[1])) < 1e-12, 'step_norm is |theta - previous|');
  t.equal(stats.sigma, 0.5);
  t.equal(stats.best, Math.max(ev.weighted[0], ev.weighted[1], ev.weighted[2]));
  t.equal(stats.theta_fitness, theta[0]);
});

t.test('mirrored pairs are symmetric around theta', async (t) => {
  const theta = [3, -4];
  const c = coreAt(theta, { pop_size: 5 });
  const gen = c.ask();
  t.equal(gen.index.length, 11, '2 * pop_size samples and theta');
  for (let k = 0; k < 5; k++) {
    const a = row(gen.x, k, 2);
    const b = row(gen.x, k + 5, 2);
    close(t, [a[0] + b[0], a[1] + b[1]], [6, -8], 1e-12, `pair ${k}`);
    t.notSame(Array.from(a), theta, `pair ${k} is a real perturbation`);
  }
});

t.test('every asked point is clipped into the box, theta included', async (t) => {
  const small = new Space([{ name: 'x', length: 3, lower: 0, upper: 0.1 }]);
  const c = core({ noise_std: 5, learning_rate: 50 }, small);
  let onFace = 0;
  for (let g = 0; g < 5; g++) {
    const gen = c.ask();
    for (const { x } of rowsOf(gen)) {
      t.ok(small.contains(x), 'inside');
      onFace += x.filter((v) => v === 0 || v === 0.1).length;
    }
    c.tell(evaluate(gen, (x) => x[0] - x[1]));
    t.ok(small.contains(c.center()), 'theta stays in the box');
  }
  t.ok(onFace > 0, 'points beyond the box land on its faces');
});

t.test('failed evaluations are left out of the update, not ranked', async (t) => {
  const params = { pop_size: 4, learning_rate: 0.3 };
  const theta = [1, 2];
  const c = coreAt(theta, params);
  const gen = c.ask();
  const failed = new Set([1, 6]);
  const ev = evaluate(gen, (x) => x[0] + 2 * x[1], { weight: 1, failed: (_, i) => failed.has(i) });
  const stats = c.tell(ev);
  const used = [0, 2, 3, 4, 5, 7];
  const eps = coreAt(theta, params).perturbations(0);
  const usedEps = Float64Array.from(used.flatMap((i) => Array.from(row(eps, i, 2))));
  const F = shapeFitness(used.map((i) => ev.weighted[i]));
  const step = esStep(usedEps, 2, F, 0.3, 1);
  close(t, c.center(), [theta[0] + step[0], theta[1] + step[1]], 1e-12, 'theta from the six successful samples only');
  t.equal(stats.used, 6);
  t.equal(stats.failed, 2);
  t.ok(c.center().every(Number.isFinite));
});

t.test('climbs towards the optimum of a sphere', async (t) => {
  const c = core({ learning_rate: 2, noise_std: 0.5, pop_size: 10 }, box4, 3);
  const start = sphere(c.center());
  for (let g = 0; g < 60; g++) c.tell(evaluate(c.ask(), sphere));
  t.ok(sphere(c.center()) < 0.01 * start, `f(theta) ${sphere(c.center()).toPrecision(3)} from ${start.toPrecision(3)}`);
});

t.test('seeded; a snapshot continues exactly, also through JSON', async (t) => {
  const run = (c: EsCore, n: number) => Array.from({ length: n }, () => {
    const gen = c.ask();
    c.tell(evaluate(gen, sphere));
    return Array.from(gen.x);
  });
  const whole = run(core({}, box4, 9), 8);
  t.notSame(run(core({}, box4, 10), 1)[0], whole[0], 'another seed, another start');
  const first = core({}, box4, 9);
  run(first, 3);
  const snap = JSON.parse(JSON.stringify(first.snapshot()));
  const resumed = core({}, box4, 9);
  resumed.restore(snap);
  t.same(run(resumed, 5), whole.slice(3));
  t.same(first.ask(), first.ask(), 'ask is repeatable until tell');
});

t.test('restore and tell refuse what does not fit', async (t) => {
  const c = core({ pop_size: 2 });
  t.throws(() => c.restore({ type: 'nes', version: 1, generation: 0, theta: [] }), /not a version-1 'es' snapshot/);
  t.throws(() => c.restore({ type: 'es', version: 1, generation: 0, theta: [1, 2] }), /theta must be an array of 4 numbers/);
  t.throws(() => c.restore({ type: 'es', version: 1, generation: -1, theta: [0, 0, 0, 0] }), /non-negative integer/);
  const gen = c.ask();
  const ev = evaluate(gen, sphere);
  t.throws(() => c.tell({ ...ev, generation: 1 }), /told generation 1, but generation 0 is in progress/);
  t.throws(() => c.tell({ ...ev, index: ev.index.subarray(1) }), /told 4 evaluations, expected the 5 asked/);
  t.throws(() => c.tell({ ...ev, index: Int32Array.of(0, 1, 2, 3, 3) }), /individual 3 told twice/);
  t.throws(() => c.tell({ ...ev, index: Int32Array.of(0, 1, 2, 3, 9) }), /individual 9, which generation 0 did not ask for/);
});

t.test('snapshot vectors survive JSON with non-finite entries', async (t) => {
  const v = Float64Array.of(1, NaN, Infinity, -Infinity);
  const back = decodeVector(JSON.parse(JSON.stringify(encodeVector(v))), 'v', 4);
  t.same(Array.from(back, String), ['1', 'NaN', 'Infinity', '-Infinity']);
  t.throws(() => decodeVector([1, 'x', 2, 3], 'v', 4), /v holds a non-number/);
});
