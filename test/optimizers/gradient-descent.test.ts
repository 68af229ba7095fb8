import t, { type Test } from 'tap';
import { Space } from '../../src/core/space.js';
import { Rng } from '../../src/math/rng.js';
import { row } from '../../src/math/rows.js';
import {
  ADAM_EPSILON, GdCore, RMSPROP_DELTA, affineGradient, finiteDifferenceGradient, gdSchema, gradientDescentOptimizer, newMoments, variantStep,
  type GdConfig, type GdSnapshot,
} from '../../src/optimizers/gradient-descent/index.js';
import { getOptimizer } from '../../src/optimizers/registry.js';
import { evaluate, rowsOf } from '../helpers/columns.js';

const box4 = new Space([{ name: 'x', length: 4, lower: -5, upper: 5 }]);
const wide3 = new Space([{ name: 'x', length: 3, lower: -1e3, upper: 1e3 }]);
const sphere = (x: Float64Array) => x.reduce((s, v) => s + (v - 1.5) ** 2, 0);

function core(params: Record<string, unknown> = {}, space = box4, seed = 1): GdCore {
  return gradientDescentOptimizer.create(gdSchema.parse(params), { space, weights: [-1], seed }) as GdCore;
}

/** A core at a chosen point, placed by restoring a snapshot (as on resume). */
function coreAt(x: number[], params: Record<string, unknown>, space = wide3): GdCore {
  const c = core(params, space);
  const zeros = x.map(() => 0);
  c.restore({ type: 'gradient-descent', version: 1, generation: 0, x, m: zeros, v: zeros, t: 0 } satisfies GdSnapshot);
  return c;
}

const close = (t: Test, a: ArrayLike<number>, b: ArrayLike<number>, tol: number, msg: string) =>
  t.ok(a.length === b.length && Array.from(a).every((v, i) => Math.abs(v - b[i]) <= tol), `${msg}: ${Array.from(a)} vs ${Array.from(b)}`);

const issues = (v: unknown) => {
  const r = gdSchema.safeParse(v, { reportInput: true });
  return r.success ? [] : r.error.issues.map((i) => ({ code: i.code, path: i.path, message: i.message, input: i.input }));
};

t.test('registered as "gradient-descent"; each variant has the reference example values as defaults', async (t) => {
  t.equal(getOptimizer('gradient-descent'), gradientDescentOptimizer);
  const common = { learning_rate: 0.01, exploration_step_size: 0.01, n_random_steps: 5 };
  t.same(gdSchema.parse({}), { variant: 'classic', ...common }, 'variant defaults to classic');
  t.same(gdSchema.parse({ variant: 'stochastic' }), { variant: 'stochastic', ...common, stochastic_deviation: 1, stochastic_decay: 0.99 });
  t.same(gdSchema.parse({ variant: 'adam' }), { variant: 'adam', ...common, first_order_decay: 0.8, second_order_decay: 0.8 });
  t.same(gdSchema.parse({ variant: 'adamax' }), { variant: 'adamax', ...common, learning_rate: 0.02, first_order_decay: 0.9, second_order_decay: 0.999 });
  t.same(gdSchema.parse({ variant: 'rmsprop' }), { variant: 'rmsprop', ...common, momentum_decay: 0.5 });
});

t.test('validation: each variant takes its own keys only, messages that read after "got <value>, expected"', async (t) => {
  t.same(issues({ variant: 'nesterov' }), [{ code: 'custom', path: ['variant'], message: "one of 'classic', 'stochastic', 'adam', 'adamax', 'rmsprop'", input: 'nesterov' }]);
  t.match(issues({ variant: 'classic', momentum_decay: 0.9 }), [{ code: 'unrecognized_keys', path: [] }], 'rmsprop\'s key refused for classic');
  t.match(issues({ momentum_decay: 0.9 }), [{ code: 'unrecognized_keys' }], 'also when the variant defaults to classic');
  t.match(issues({ variant: 'adam', stochastic_decay: 0.9 }), [{ code: 'unrecognized_keys' }], 'stochastic\'s key refused for adam');
  t.match(issues({ variant: 'rmsprop', momentum_decay: 1 }), [{ code: 'too_big', path: ['momentum_decay'], input: 1 }], 'a decay must be < 1');
  t.match(issues({ variant: 'adam', first_order_decay: -0.1 }), [{ code: 'too_small', path: ['first_order_decay'] }]);
  t.match(issues({ n_random_steps: 0 }), [{ code: 'too_small', path: ['n_random_steps'] }]);
  t.match(issues({ variant: 'stochastic', stochastic_decay: 1.5 }), [{ code: 'too_big', path: ['stochastic_decay'] }]);
  t.match(issues({ learning_rate: 0 }), [{ code: 'too_small', path: ['learning_rate'] }]);
  t.match(issues(3), [{ code: 'invalid_type' }]);
});

t.test('the finite-difference gradient of a linear function is exact (pinv least squares)', async (t) => {
  const rng = Rng.derive(1, 'test');
  const c = [2, -3, 0.5, 7];
  const dx = Float64Array.from({ length: 6 * 4 }, () => 0.01 * rng.normal());
  const df = Array.from({ length: 6 }, (_, k) => c.reduce((s, cj, j) => s + cj * dx[k * 4 + j], 0));
  close(t, finiteDifferenceGradient(dx, df, 4), c, 1e-9, 'overdetermined: 6 steps in 4-D');
  close(t, finiteDifferenceGradient(dx.subarray(0, 16), df.slice(0, 4), 4), c, 1e-9, 'square: 4 steps');
  // an offset the model does not know about: the affine fit recovers slope and ignores offset
  close(t, affineGradient(dx, df.map((v) => v + 42), 4), c, 1e-6, 'affine fit with unknown offset');
  // one step: the minimum-norm solution lies along that step
  const one = finiteDifferenceGradient(Float64Array.of(1, 1, 0, 0), [2], 4);
  close(t, one, [1, 1, 0, 0], 1e-12, 'underdetermined: minimum norm');
  t.same(Array.from(finiteDifferenceGradient(new Float64Array(0), [], 4)), [0, 0, 0, 0]);
});

/** Feeds a gradient sequence to a variant; returns the steps. */
function steps(p: GdConfig, gs: number[][], normal: () => number = () => 0): number[][] {
  const s = newMoments(gs[0].length);
  return gs.map((g) => Array.from(variantStep(p, s, Float64Array.from(g), normal)));
}

const G = [[1, -2], [0.5, 0], [-1, 1]];

t.test('classic and stochastic steps', async (t) => {
  const classic = gdSchema.parse({ learning_rate: 0.1 });
  close(t, steps(classic, G).flat(), G.flat().map((g) => 0.1 * g), 1e-15, 'x += lr g');
  const stochastic = gdSchema.parse({ variant: 'stochastic', learning_rate: 0.1, stochastic_deviation: 2, stochastic_decay: 0.5 });
  const noise = [0.3, -1, 2, 0.7, -0.4, 1.1];
  let k = 0;
  const got = steps(stochastic, G, () => noise[k++]);
  // x += lr (g + dev * decay^t * xi), t = 1, 2, 3
  const expected = G.map((g, i) => g.map((gj, j) => 0.1 * (gj + 2 * 0.5 ** (i + 1) * noise[2 * i + j])));
  close(t, got.flat(), expected.flat(), 1e-15, 'noise scaled by deviation and decay^t');
  k = 0;
  close(t, steps(gdSchema.parse({ variant: 'stochastic', learning_rate: 0.1, stochastic_decay: 0 }), G, () => noise[k++]).flat(), G.flat().map((g) => 0.1 * g), 1e-15, 'decay 0 is classic');
});

t.test('Adam: bias-corrected moments', async (t) => {
  const p = gdSchema.parse({ variant: 'adam', learning_rate: 0.1, first_order_decay: 0.8, second_order_decay: 0.8 });
  const got = steps(p, G);
  // t = 1: m^ = g and v^ = g^2, so the first step is lr * g / (|g| + eps), i.e. lr * sign(g)
  close(t, got[0], [0.1 / (1 + ADAM_EPSILON), -0.1 * 2 / (2 + ADAM_EPSILON)], 1e-15, 'first step: lr * sign(g)');
  // t = 2, coordinate 0: m = 0.8 * 0.2 + 0.2 * 0.5 = 0.26, v = 0.8 * 0.2 + 0.2 * 0.25 = 0.21, corrections 1 - 0.64
  const m = 0.26 / 0.36;
  const v = 0.21 / 0.36;
  t.ok(Math.abs(got[1][0] - (0.1 * m) / (Math.sqrt(v) + ADAM_EPSILON)) < 1e-15, `second step by hand: ${got[1][0]}`);
  // coordinate 1 at t = 2: g = 0, m = 0.8 * 0.2 * -2 = -0.32, v = 0.8 * 0.2 * 4 = 0.64
  t.ok(Math.abs(got[1][1] - (0.1 * (-0.32 / 0.36)) / (Math.sqrt(0.64 / 0.36) + ADAM_EPSILON)) < 1e-15, 'momentum carries a zero gradient on');
});

t.test('AdaMax: the infinity norm and a bias-corrected first moment', async (t) => {
  const p = gdSchema.parse({ variant: 'adamax', learning_rate: 0.1, first_order_decay: 0.9, second_order_decay: 0.999 });
  const s = newMoments(2);
  const first = variantStep(p, s, Float64Array.of(1, -2), () => 0);
  close(t, first, [0.1, -0.1], 1e-15, 'first step: lr / (1 - beta1) * (1 - beta1) g / |g| = lr * sign(g)');
  close(t, s.v, [1, 2], 0, 'u = |g|');
  const second = variantStep(p, s, Float64Array.of(0.5, 0), () => 0);
  close(t, s.v, [0.999, 1.998], 1e-15, 'u = max(beta2 u, |g|): a smaller gradient leaves the decayed maximum');
  // coordinate 0: m = 0.9 * 0.1 + 0.1 * 0.5 = 0.14; step = lr / (1 - 0.81) * 0.14 / 0.999
  t.ok(Math.abs(second[0] - (0.1 / 0.19) * (0.14 / 0.999)) < 1e-15, `second step by hand: ${second[0]}`);
  variantStep(p, s, Float64Array.of(5, 0), () => 0);
  t.equal(s.v[0], 5, 'a larger gradient becomes the new norm');
  const still = variantStep(p, newMoments(2), Float64Array.of(0, 1), () => 0);
  t.same(Array.from(still), [0, 0.1], 'a coordinate that never had a gradient does not move (no 0/0)');
});

t.test('RMSProp: running mean of squared gradients, delta inside the root', async (t) => {
  const p = gdSchema.parse({ variant: 'rmsprop', learning_rate: 0.1, momentum_decay: 0.5 });
  const got = steps(p, G);
  const v1 = [0.5 * 1, 0.5 * 4];
  close(t, got[0], [0.1 * 1 / Math.sqrt(v1[0] + RMSPROP_DELTA), 0.1 * -2 / Math.sqrt(v1[1] + RMSPROP_DELTA)], 1e-15, 'first step');
  const v2 = [0.5 * v1[0] + 0.5 * 0.25, 0.5 * v1[1]];
  close(t, got[1], [0.1 * 0.5 / Math.sqrt(v2[0] + RMSPROP_DELTA), 0], 1e-15, 'second step (no momentum on g itself)');
});

t.test('one generation through the core: a linear fitness gives the exact gradient', async (t) => {
  const a = [2, -1, 0.5];
  const x0 = [10, 20, -30];
  const c = coreAt(x0, { learning_rate: 0.1 });
  const gen = c.ask();
  t.equal(gen.index.length, 6, 'n_random_steps and the current point');
  t.same(Array.from(row(gen.x, 5, 3)), x0, 'the current point is the last row');
  for (let k = 0; k < 5; k++) t.ok(Math.max(...Array.from(row(gen.x, k, 3), (v, j) => Math.abs(v - x0[j]))) < 0.06, `step ${k} is a small exploration`);
  const stats = c.tell(evaluate(gen, (x) => a.reduce((s, aj, j) => s + aj * x[j], 0), { weight: 1 }));
  close(t, c.current(), x0.map((v, j) => v + 0.1 * a[j]), 1e-9, 'x += lr * gradient');
  t.ok(Math.abs(stats.gradient_norm - Math.hypot(...a)) < 1e-8, 'gradient_norm');
  t.ok(Math.abs(stats.step_norm - 0.1 * Math.hypot(...a)) < 1e-8, 'step_norm');
  t.equal(stats.current_fitness, a.reduce((s, aj, j) => s + aj * x0[j], 0));
});

t.test('failed rows: left out of the fit; a failed current point is fitted as an offset', async (t) => {
  const a = [1, 2, -3];
  const lin = (x: Float64Array) => a.reduce((s, aj, j) => s + aj * x[j], 0);
  const x0 = [1, 1, 1];
  const c1 = coreAt(x0, { learning_rate: 0.1, n_random_steps: 6 });
  // -Infinity in a failed row would poison the fit; the result must still be exact
  const s1 = c1.tell(evaluate(c1.ask(), lin, { weight: 1, failed: (_, i) => i === 2 }));
  close(t, c1.current(), x0.map((v, j) => v + 0.1 * a[j]), 1e-9, 'one failed step: exact from the other five');
  t.equal(s1.failed, 1);
  const c2 = coreAt(x0, { learning_rate: 0.1, n_random_steps: 6 });
  const s2 = c2.tell(evaluate(c2.ask(), lin, { weight: 1, failed: (_, i) => i === 6 }));
  close(t, c2.current(), x0.map((v, j) => v + 0.1 * a[j]), 1e-6, 'current point failed: affine fit, still exact');
  t.notOk('current_fitness' in s2);
  const c3 = coreAt(x0, { variant: 'adam' });
  const s3 = c3.tell(evaluate(c3.ask(), lin, { weight: 1, failed: () => true }));
  t.same(Array.from(c3.current()), x0, 'nothing usable: no step');
  t.equal(s3.skipped, 1);
  t.equal((c3.snapshot() as GdSnapshot).t, 0, 'and Adam\'s step count did not advance');
});

t.test('every variant converges on the 4-D sphere', async (t) => {
  for (const variant of ['classic', 'stochastic', 'adam', 'adamax', 'rmsprop']) {
    const c = core({ variant }, box4, 7);
    const start = sphere(c.current());
    for (let g = 0; g < 1500; g++) c.tell(evaluate(c.ask(), sphere));
    const end = sphere(c.current());
    t.ok(end < 1e-3 && end < 1e-3 * start, `${variant}: f(x) ${end.toExponential(2)} from ${start.toPrecision(3)}`);
  }
});

t.test('asked points and the current point stay in the box', async (t) => {
  const small = new Space([{ name: 'x', length: 2, lower: 0, upper: 0.005 }]);
  const c = core({ learning_rate: 10 }, small);
  for (let g = 0; g < 10; g++) {
    const gen = c.ask();
    t.ok(rowsOf(gen).every(({ x }) => small.contains(x)));
    c.tell(evaluate(gen, (x) => x[0] - x[1], { weight: 1 }));
    t.ok(small.contains(c.current()));
  }
  close(t, c.current(), [0.005, 0], 0, 'driven into the corner the slope points to');
});

t.test('seeded; a snapshot (moments included) continues exactly, also through JSON', async (t) => {
  const run = (c: GdCore, n: number) => Array.from({ length: n }, () => {
    const gen = c.ask();
    c.tell(evaluate(gen, sphere));
    return Array.from(gen.x);
  });
  for (const variant of ['adam', 'stochastic']) {
    const whole = run(core({ variant }, box4, 4), 10);
    const first = core({ variant }, box4, 4);
    run(first, 4);
    const resumed = core({ variant }, box4, 4);
    resumed.restore(JSON.parse(JSON.stringify(first.snapshot())));
    t.same(run(resumed, 6), whole.slice(4), variant);
  }
  t.notSame(run(core({}, box4, 5), 1)[0], run(core({}, box4, 4), 1)[0], 'another seed, another start');
  const c = core();
  t.throws(() => c.restore({ type: 'gradient-descent', version: 1, generation: 0, x: [0, 0, 0, 0], m: [0], v: [0, 0, 0, 0], t: 0 }), /m must be an array of 4 numbers/);
  t.throws(() => c.restore({ type: 'gradient-descent', version: 1, generation: 0, x: [0, 0, 0, 0], m: [0, 0, 0, 0], v: [0, 0, 0, 0], t: 1.5 }), /t must be a non-negative integer/);
  t.throws(() => c.tell({ ...evaluate(c.ask(), sphere), generation: 4 }), /gradient-descent: told generation 4/);
});
