import t from 'tap';
import {
  ackley, benchmarkOptimizee, benchmarkSchema, buildFunction, chasm, easom, FUNCTION_NAMES, FunctionGenerator, gaussian, getPreset,
  langermann, LANGERMANN_DEFAULT, michalewicz, permutation, PRESET_NAMES, rastrigin, rosenbrock, shekel, SHEKEL_DEFAULT, sphere,
  type BenchFn, type FunctionSpec,
} from '../../src/optimizees/benchmark/index.js';
import { getOptimizee, listOptimizees } from '../../src/optimizees/registry.js';
import { Rng } from '../../src/math/rng.js';

const v = (...xs: number[]) => Float64Array.from(xs);
const fill = (n: number, x: number) => new Float64Array(n).fill(x);
const make = (cfg: unknown) => benchmarkOptimizee.create(benchmarkSchema.parse(cfg));
const ctx = (seed: number) => ({ generation: 0, index: 0, seed });

/** The lowest value on an n x n grid over [lo, hi]^2: an independent check that no point beats a claimed optimum. */
function gridMin(f: BenchFn, lo: number, hi: number, n = 601): number {
  const x = new Float64Array(2);
  let best = Infinity;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      x[0] = lo + ((hi - lo) * i) / (n - 1);
      x[1] = lo + ((hi - lo) * j) / (n - 1);
      best = Math.min(best, f(x));
    }
  }
  return best;
}

t.test('every function at its known optimum', async (t) => {
  t.equal(rastrigin(fill(10, 0)), 0);
  t.equal(rosenbrock(fill(10, 1)), 0);
  t.ok(Math.abs(ackley(fill(10, 0))) < 1e-14, 'ackley 0 at the origin');
  t.equal(chasm(v(0, 0)), 0);
  t.ok(Math.abs(easom(v(Math.PI, Math.PI)) + 1) < 1e-15, 'easom -1 at (pi, pi)');
  t.ok(Math.abs(easom(fill(10, Math.PI)) + 1) < 1e-15, 'easom -1 at (pi, ..., pi) in 10-D');
  t.equal(sphere(fill(5, 0)), 0);
  // Michalewicz 2-D: -1.8013 at (2.20, 1.57) (Surjanovic & Bingham); the exact point is (2.2029, pi/2)
  t.ok(Math.abs(michalewicz(10)(v(2.20290552, Math.PI / 2)) + 1.8013034) < 1e-6);
  t.ok(Math.abs(michalewicz(10)(v(2.2, 1.57)) + 1.8013) < 1e-3);
  // Perm(d, beta): 0 at x_i = i
  t.equal(permutation(0.005, 2)(v(1, 2)), 0);
  t.ok(Math.abs(permutation(0.5, 5)(v(1, 2, 3, 4, 5))) < 1e-9, 'permutation 0 at (1..5) in 5-D');
  // Gaussian: -1 / (2 pi sqrt(det)) at the mean; det [[1.5, .1], [.1, .3]] = 0.44
  t.ok(Math.abs(gaussian([[1.5, 0.1], [0.1, 0.3]], [-1, -1])(v(-1, -1)) + 1 / (2 * Math.PI * Math.sqrt(0.44))) < 1e-15);
});

t.test('Shekel and Langermann optima for the reference default A, c', async (t) => {
  // Langermann (textbook form, as the reference): -4.15581 at (2.80, 1.60) (Surjanovic & Bingham)
  const lang = langermann(LANGERMANN_DEFAULT.A as unknown as number[][], [...LANGERMANN_DEFAULT.c]);
  t.ok(Math.abs(lang(v(2.79340221, 1.5972325)) + 4.15580929) < 1e-7, 'langermann value at its optimum');
  t.ok(gridMin(lang, 0, 10) >= -4.15580929 - 1e-9, 'no grid point is lower');
  // Shekel as the reference computes it (c_i added once per coordinate): found by search, checked by grid
  const shk = shekel(SHEKEL_DEFAULT.A as unknown as number[][], [...SHEKEL_DEFAULT.c]);
  t.ok(Math.abs(shk(v(2.99623775, 4.99589575)) + 5.76016092) < 1e-7, 'shekel value at its optimum');
  t.ok(gridMin(shk, 0, 10) >= -5.76016092 - 1e-9, 'no grid point is lower');
  // the reference's quirk, pinned: at a foxhole centre far from the others the value is about -1 / (2 c)
  t.ok(Math.abs(shk(v(7, 9)) + 1 / 0.2) < 0.25, 'shekel at (7, 9) is dominated by -1 / (dims * c)');
});

t.test('values off the optimum, computed by hand', async (t) => {
  t.ok(Math.abs(rastrigin(v(1, 1)) - 2) < 1e-12, 'rastrigin: x^2 + 10 - 10 cos(2 pi x) = 1 per coordinate');
  t.ok(Math.abs(rastrigin(v(0.5)) - 20.25) < 1e-12, 'rastrigin at 0.5: 0.25 + 10 + 10');
  t.equal(rosenbrock(v(0, 0)), 1);
  t.equal(rosenbrock(v(-1, 1)), 4);
  t.equal(rosenbrock(v(0, 1, 0)), 100 * 1 + 1 + (100 * 1 + 0), 'two terms: (x1 - x0^2, 1 - x0) and (x2 - x1^2, 1 - x1)');
  t.ok(Math.abs(ackley(v(1, 1)) - 20 * (1 - Math.exp(-0.2))) < 1e-12, 'ackley at (1, 1) = 20 (1 - e^-0.2)');
  t.ok(Math.abs(chasm(v(1, -1)) - (1000 / 1001 + 0.01)) < 1e-15);
  t.ok(Math.abs(easom(v(0, 0)) + Math.exp(-2 * Math.PI * Math.PI)) < 1e-20);
  t.ok(Math.abs(michalewicz(10)(v(Math.PI / 2, 0)) + 2 ** -10) < 1e-15, '-sin(pi/2) sin(pi/4)^20 - sin(0) ... = -2^-10');
  t.ok(Math.abs(michalewicz(1)(v(Math.PI / 2)) + Math.pow(Math.sin(Math.PI / 4), 2)) < 1e-15, 'm = 1: -sin(x) sin(x^2/pi)^2');
  // perm at (0, 0), beta 0.005: k=1: -(1.005 + 2.005); k=2: -(1.005 + 4.005)
  t.ok(Math.abs(permutation(0.005, 2)(v(0, 0)) - (3.01 ** 2 + 5.01 ** 2)) < 1e-12);
  // perm at (2, 1): k=1: 1.005*(2-1) + 2.005*(0.5-1) = 0.0025; k=2: 1.005*3 + 4.005*(-0.75) = 0.01125
  t.ok(Math.abs(permutation(0.005, 2)(v(2, 1)) - (0.0025 ** 2 + 0.01125 ** 2)) < 1e-15, 'a permuted solution is near, not at, 0');
  // gaussian one unit right of the mean: q = inv(sigma)[0][0] = 0.3 / 0.44
  const peak = 1 / (2 * Math.PI * Math.sqrt(0.44));
  t.ok(Math.abs(gaussian([[1.5, 0.1], [0.1, 0.3]], [-1, -1])(v(0, -1)) + peak * Math.exp(-0.5 * (0.3 / 0.44))) < 1e-15);
  t.ok(Math.abs(gaussian([[4]], [1])(v(3)) + Math.exp(-0.5) / Math.sqrt(2 * Math.PI * 4)) < 1e-15, '1-D: N(3; 1, 4)');
  t.ok(Math.abs(shekel([[0, 0]], [1])(v(1, 1)) + 1 / (2 + 2)) < 1e-15, 'shekel: -1 / (|x - a|^2 + dims c)');
  t.ok(Math.abs(langermann([[0, 0]], [2])(v(1, 0)) - 2 * Math.exp(-1 / Math.PI) * Math.cos(Math.PI)) < 1e-15);
});

t.test('functions allocate nothing per call and give the same value twice', async (t) => {
  const fns: FunctionSpec[] = [{ function: 'gaussian' }, { function: 'permutation', beta: 0.5 }, { function: 'shekel', A: [[1, 2, 3]], c: [1] }];
  for (const spec of fns) {
    const f = buildFunction(spec, 3);
    t.equal(f(v(0.3, -0.2, 1.1)), f(v(0.3, -0.2, 1.1)), `${spec.function} is a pure function despite its scratch buffer`);
  }
});

t.test('every preset constructs with the reference dims and bounds', async (t) => {
  const expected: Record<string, [number, number, number]> = {
    Rastrigin2d: [2, -5, 5], Rastrigin10d: [10, -5, 5], Rosenbrock2d: [2, -2, 2], Rosenbrock10d: [10, -2, 2],
    Ackley2d: [2, -2, 2], Ackley10d: [10, -2, 2], Chasm: [2, -2, 2], Gauss2d: [2, -5, 5], Shekel2d: [2, 0, 10],
    Langermann2d: [2, 0, 10], Michalewicz2d: [2, 0, Math.PI], Permutation2d: [2, -2, 2], Easom2d: [2, -10, 10],
    Easom10d: [10, -10, 10], '3Gaussians2d': [2, -5, 5],
  };
  t.same([...PRESET_NAMES].sort(), Object.keys(expected).sort(), 'the fifteen presets');
  for (const [name, [dims, lo, hi]] of Object.entries(expected)) {
    const o = make({ preset: name.toUpperCase() });
    t.same(o.space.toJSON(), [{ name: 'coords', length: dims, lower: lo, upper: hi }], name);
    t.same(o.weights, [-1]);
    t.ok(Number.isFinite(o.evaluate!(o.space.sample(Rng.derive(1)), ctx(1)).fitness[0]), `${name} evaluates`);
  }
  t.same(getPreset('permutation2d').functions, [{ function: 'permutation', beta: 0.005 }]);
  t.same(getPreset('3gaussians2d').functions.map((f) => (f as { mean: number[] }).mean), [[-1, -1], [1, 1], [2, -2]]);
});

t.test('presets evaluate to their functions, at the right optima', async (t) => {
  t.equal(make({ preset: 'Rastrigin10d' }).evaluate!(fill(10, 0), ctx(1)).fitness[0], 0);
  t.ok(Math.abs(make({ preset: 'Easom2d' }).evaluate!(v(Math.PI, Math.PI), ctx(1)).fitness[0] + 1) < 1e-15);
  t.ok(Math.abs(make({ preset: 'Gauss2d' }).evaluate!(v(-1, -1), ctx(1)).fitness[0] + 1 / (2 * Math.PI * Math.sqrt(0.44))) < 1e-15);
  const three = make({ preset: '3Gaussians2d' });
  const g = getPreset('3Gaussians2d').functions.map((f) => buildFunction(f, 2));
  const x = v(0.3, -0.7);
  t.ok(Math.abs(three.evaluate!(x, ctx(1)).fitness[0] - (g[0](x) + g[1](x) + g[2](x))) < 1e-15, '3Gaussians2d is the sum of its three');
});

t.test('sums add, and their bounds are the union of the parts', async (t) => {
  const o = make({ functions: [{ function: 'rastrigin' }, { function: 'shekel' }], dims: 2 });
  const x = v(3.3, 4.1);
  t.equal(o.evaluate!(x, ctx(1)).fitness[0], rastrigin(x) + shekel(SHEKEL_DEFAULT.A as unknown as number[][], [...SHEKEL_DEFAULT.c])(x));
  t.same(o.space.toJSON()[0], { name: 'coords', length: 2, lower: -5, upper: 10 });
  const p = new FunctionGenerator([{ function: 'permutation', beta: 1 }, { function: 'ackley' }], 7);
  t.same(p.bounds, [-7, 7], 'permutation scales its box with dims');
  const b = make({ functions: [{ function: 'sphere' }], dims: 3, bounds: [-1, 0.5] });
  t.same(b.space.toJSON()[0], { name: 'coords', length: 3, lower: -1, upper: 0.5 }, 'bounds override');
});

t.test('noise: reproducible per seed, with the configured mean and sigma', async (t) => {
  const o = make({ preset: 'Rastrigin2d', noise: { mean: 0.5, sigma: 2 } });
  const x = v(0, 0);
  t.equal(o.evaluate!(x, ctx(7)).fitness[0], o.evaluate!(x, ctx(7)).fitness[0], 'same seed, same value');
  t.not(o.evaluate!(x, ctx(7)).fitness[0], o.evaluate!(x, ctx(8)).fitness[0], 'another seed, another value');
  const n = 20000;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const y = o.evaluate!(x, ctx(i)).fitness[0];
    s += y;
    s2 += y * y;
  }
  const mean = s / n;
  const sd = Math.sqrt(s2 / n - mean * mean);
  t.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
  t.ok(Math.abs(sd - 2) < 0.05, `sigma ${sd}`);
  t.equal(make({ preset: 'Rastrigin2d' }).evaluate!(x, ctx(7)).fitness[0], 0, 'no noise unless asked');
  t.same(benchmarkSchema.parse({ preset: 'Chasm', noise: {} }).noise, { mean: 0, sigma: 0.01 }, "the reference's noise defaults");
});

function issues(cfg: unknown): string[] {
  const r = benchmarkSchema.safeParse(cfg);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

t.test('bad configs are rejected with messages naming the valid choices', async (t) => {
  const unknownPreset = issues({ preset: 'Rastrigin3d' }).join('\n');
  for (const name of PRESET_NAMES) t.match(unknownPreset, name);
  const unknownFn = issues({ functions: [{ function: 'griewank' }], dims: 2 }).join('\n');
  t.match(unknownFn, /^functions\.0\.function: Invalid option/);
  for (const name of FUNCTION_NAMES) t.match(unknownFn, name);
  t.match(issues({}).join(), /^preset: a preset \(one of Rastrigin2d, .*\), or functions and dims/);
  t.match(issues({ preset: 'Chasm', functions: [{ function: 'chasm' }], dims: 2 }).join(), /not both/);
  t.match(issues({ functions: [{ function: 'sphere' }] }).join(), /^dims: dims, a positive integer, with functions/);
  t.match(issues({ preset: 'Rastrigin2d', dims: 3 }).join(), /^dims: no dims: preset Rastrigin2d is 2-D/);
  t.match(issues({ functions: [{ function: 'chasm' }], dims: 3 }).join(), /^functions\.0\.function: .*chasm is 2-D only/);
  t.match(issues({ functions: [{ function: 'shekel' }], dims: 3 }).join(), /^functions\.0\.A: A \(rows of 3 numbers\) and c: the default A and c are 2-D/);
  t.match(issues({ functions: [{ function: 'langermann', A: [[1, 2]], c: [1, 2] }], dims: 2 }).join(), /^functions\.0\.c: one number per row of A \(1\)/);
  t.match(issues({ functions: [{ function: 'shekel', A: [[1, 2], [3]], c: [1, 0] }], dims: 2 }).join('\n'), /functions\.0\.A\.1: a row of dims = 2 numbers\nfunctions\.0\.c: numbers > 0/);
  t.match(issues({ functions: [{ function: 'shekel', A: [[1, 2]] }], dims: 2 }).join(), /^functions\.0\.c: both A and c, or neither/);
  t.match(issues({ functions: [{ function: 'gaussian', sigma: [[1, 2], [2, 1]] }], dims: 2 }).join(), /positive definite/);
  t.match(issues({ functions: [{ function: 'gaussian', mean: [0] }], dims: 2 }).join(), /^functions\.0\.mean: dims = 2 numbers/);
  t.match(issues({ functions: [{ function: 'gaussian', sigma: [[1]] }], dims: 2 }).join(), /^functions\.0\.sigma: a 2 x 2 matrix/);
  t.match(issues({ functions: [{ function: 'rastrigin', beta: 1 }], dims: 2 }).join(), /Unrecognized key/);
  t.match(issues({ preset: 'Chasm', bounds: [1, -1] }).join(), /lower < upper/);
  t.match(issues({ functions: [{ function: 'michalewicz', m: 2.5 }], dims: 2 }).join(), /functions\.0\.m/);
  t.match(issues({ preset: 'Chasm', noise: { sigma: 0 } }).join(), /noise\.sigma/);
  t.same(issues({ functions: [{ function: 'RASTRIGIN' }, { function: 'Michalewicz', m: 5 }], dims: 4 }), [], 'names are case-insensitive');
  t.throws(() => buildFunction({ function: 'chasm' }, 3), /chasm is 2-D only/);
});

t.test('registered as the benchmark optimizee', async (t) => {
  t.equal(getOptimizee('benchmark'), benchmarkOptimizee);
  t.ok(listOptimizees().includes(benchmarkOptimizee));
  t.throws(() => getOptimizee('nope'), /expected one of benchmark/);
});

t.test('simulated evaluation times: a fixed time is exact, a spread one log-normal around its median, per seed', async (t) => {
  const { delayMs } = await import('../../src/optimizees/benchmark/delay.js');
  t.equal(delayMs({ median_ms: 10, sigma: 0 }, 7), 10, 'sigma 0: the median itself');
  const spread = { median_ms: 10, sigma: 1 };
  t.equal(delayMs(spread, 7), delayMs(spread, 7), 'the same seed, the same time');
  const logs = Array.from({ length: 4000 }, (_, i) => Math.log(delayMs(spread, i + 1) / 10)).sort((a, b) => a - b);
  const median = logs[2000];
  const sd = Math.sqrt(logs.reduce((s, x) => s + x * x, 0) / logs.length);
  // ln(time / median) ~ N(0, 1): its sample median within 0.06 (3 standard errors of a median of 4000, 1.25/sqrt(4000) = 0.02) and sd within 0.05
  t.ok(Math.abs(median) < 0.06, `median of ln(t / 10 ms) ${median.toFixed(4)}`);
  t.ok(Math.abs(sd - 1) < 0.05, `spread of ln(t / 10 ms) ${sd.toFixed(4)}`);
});
