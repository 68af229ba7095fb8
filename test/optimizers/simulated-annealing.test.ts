import t from 'tap';
import type { Generation } from '../../src/core/optimizer.js';
import { Space } from '../../src/core/space.js';
import {
  acceptProbability, simulatedAnnealingOptimizer, simulatedAnnealingSchema, temperature, type Schedule, type SimulatedAnnealingCore,
} from '../../src/optimizers/simulated-annealing/index.js';
import { getOptimizer } from '../../src/optimizers/registry.js';
import { evaluate, rowsOf } from '../helpers/columns.js';

const sphere2 = new Space([{ name: 'x', length: 2, lower: -5, upper: 5 }]);
const make = (params: Record<string, unknown>, seed = 1, space = sphere2) =>
  simulatedAnnealingOptimizer.create(simulatedAnnealingSchema.parse(params), { space, weights: [-1], seed }) as SimulatedAnnealingCore;
const sphere = (x: Float64Array) => x.reduce((s, v) => s + v * v, 0);
const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

t.test('registered as "simulated-annealing", defaults are the reference example', async (t) => {
  t.equal(getOptimizer('simulated-annealing'), simulatedAnnealingOptimizer);
  t.same(simulatedAnnealingSchema.parse({}), {
    n_parallel_runs: 50, noisy_step: 0.03, temp_decay: 0.99, n_iteration: 100, cooling_schedule: 'default', temperature_bounds: [1, 0],
  });
});

t.test('every schedule follows its formula (hand-computed values)', async (t) => {
  const s = (name: Schedule['name'], over: Partial<Schedule> = {}): Schedule => ({ name, t0: 1, tn: 0, alpha: 1, steps: 10, ...over });
  const cases: Array<[Schedule, number, number]> = [
    [s('default', { alpha: 0.99 }), 1, 0.99], [s('default', { alpha: 0.99 }), 2, 0.9801], [s('default', { alpha: 0.5, t0: 2 }), 3, 0.25],
    [s('logarithmic'), 1, 1 / (1 + Math.LN2)], [s('logarithmic', { t0: 3 }), 2, 3 / 2.0986122886681098],
    [s('exponential', { alpha: 0.85 }), 2, 0.7225], [s('exponential', { alpha: 0.85 }), 3, 0.614125],
    [s('linear_multiplicative'), 1, 0.5], [s('linear_multiplicative', { alpha: 0.5 }), 4, 1 / 3],
    [s('quadratic_multiplicative'), 3, 0.1], [s('quadratic_multiplicative', { alpha: 0.25 }), 2, 0.5],
    [s('linear_additive', { tn: 0.2 }), 0, 1], [s('linear_additive', { tn: 0.2 }), 5, 0.6], [s('linear_additive', { tn: 0.2 }), 10, 0.2],
    [s('linear_additive', { tn: 0.2 }), 15, 0.2], // held at Tn once the planned steps are spent
    [s('quadratic_additive', { tn: 0.2 }), 5, 0.4], [s('quadratic_additive', { tn: 0.2 }), 8, 0.232],
    [s('exponential_additive', { t0: 11, tn: 1 }), 5, 6], [s('exponential_additive', { t0: 11, tn: 1 }), 0, 1 + 10 / 1.1],
    [s('exponential_additive', { t0: 11, tn: 1 }), 10, 1 + 10 / 11], [s('exponential_additive', { t0: 0.5, tn: 0.5 }), 5, 0.5],
    [s('trigonometric_additive', { steps: 4 }), 1, (1 + Math.SQRT1_2) / 2], [s('trigonometric_additive', { steps: 4 }), 2, 0.5],
    [s('trigonometric_additive', { steps: 4, tn: 0.1 }), 4, 0.1],
  ];
  for (const [sched, k, want] of cases) {
    const got = temperature(sched, k);
    t.ok(close(got, want), `${sched.name} T0=${sched.t0} Tn=${sched.tn} alpha=${sched.alpha} n=${sched.steps}: T_${k} = ${got}, expected ${want}`);
  }
});

t.test('the core judges generation g at T_(g+1) of the chosen schedule, the reference alphas by default', async (t) => {
  const temps = (params: Record<string, unknown>, gens: number) => {
    const c = make({ n_parallel_runs: 3, ...params });
    return Array.from({ length: gens }, () => c.tell(evaluate(c.ask(), sphere)).temperature);
  };
  const near = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => close(v, b[i]));
  t.ok(near(temps({ temp_decay: 0.9 }, 3), [0.9, 0.81, 0.729]), 'default: T *= temp_decay');
  t.ok(near(temps({ cooling_schedule: 'exponential' }, 2), [0.85, 0.7225]), 'exponential: the reference\'s alpha 0.85');
  t.ok(near(temps({ cooling_schedule: 'exponential', decay_parameter: 0.5 }, 2), [0.5, 0.25]), 'decay_parameter overrides it');
  t.ok(near(temps({ cooling_schedule: 'quadratic_multiplicative' }, 2), [0.5, 0.2]), 'quadratic multiplicative, alpha 1');
  t.ok(near(temps({ cooling_schedule: 'linear_additive', n_iteration: 10, temperature_bounds: [1, 0.2] }, 4), [0.92, 0.84, 0.76, 0.68]),
    'linear additive: n = n_iteration, [T0, Tn] = temperature_bounds');
});

t.test('proposals step N(0,1) * noisy_step * T around the current point, in parameter units', async (t) => {
  const wide = new Space([{ name: 'y', length: null, lower: -1e6, upper: 1e6 }]);
  const c = make({ n_parallel_runs: 4000, noisy_step: 2, temp_decay: 0.5 }, 3, wide);
  const g0 = c.ask();
  c.tell(evaluate(g0, () => 0)); // all accepted: equal fitness
  const g1 = c.ask();
  const d = Array.from(g1.x, (v, i) => v - g0.x[i]);
  const sd = Math.sqrt(d.reduce((s, v) => s + v * v, 0) / d.length);
  t.ok(Math.abs(sd - 2 * 0.5) < 0.05, `step sd ${sd.toFixed(4)}, expected noisy_step * T_1 = 1`);
});

t.test('Metropolis: a worse proposal is accepted with probability exp((f\' - f) / T)', async (t) => {
  t.equal(acceptProbability(-1, -2, 0.1), 1, 'better: always');
  t.equal(acceptProbability(-2, -2, 0.1), 1, 'equal: always');
  t.ok(close(acceptProbability(-2, -1, 0.5), Math.exp(-2)), 'worse by 1 at T = 0.5');
  t.equal(acceptProbability(-2, -1, 0), 0, 'T = 0: never');
  t.equal(acceptProbability(-Infinity, -1, 1), 0, 'a failed proposal: never');
  t.equal(acceptProbability(-5, -Infinity, 1), 1, 'a chain without a working point takes any');

  // 5 seeds x 4000 chains: generation 0 scores 0, generation 1 scores -0.5, judged at T_2 = 0.99^2
  const p = Math.exp(-0.5 / 0.9801);
  let accepted = 0;
  let trials = 0;
  for (let seed = 1; seed <= 5; seed++) {
    const c = make({ n_parallel_runs: 4000 }, seed);
    c.tell(evaluate(c.ask(), () => 0));
    const stats = c.tell(evaluate(c.ask(), () => 0.5));
    const moved = c.current().filter((ch) => ch.fitness === -0.5).length;
    t.equal(moved, Math.round(stats.acceptance_rate * 4000), 'accepted chains hold the proposal\'s fitness');
    accepted += moved;
    trials += 4000;
  }
  const sd = Math.sqrt((p * (1 - p)) / trials);
  t.ok(Math.abs(accepted / trials - p) < 4 * sd, `accepted ${(accepted / trials).toFixed(4)}, expected ${p.toFixed(4)} +- ${(4 * sd).toFixed(4)}`);
});

t.test('failed proposals never displace a working point', async (t) => {
  const c = make({ n_parallel_runs: 20 });
  c.tell(evaluate(c.ask(), sphere));
  const before = c.current();
  const stats = c.tell(evaluate(c.ask(), () => -1e9, { failed: () => true })); // better than anything, but failed
  t.equal(stats.acceptance_rate, 0);
  t.same(c.current().map((ch) => Array.from(ch.x)), before.map((ch) => Array.from(ch.x)));
});

t.test('converges on a sphere, then stops at n_iteration', async (t) => {
  const c = make({ n_parallel_runs: 20, noisy_step: 0.5, n_iteration: 300 }, 7);
  let g = 0;
  let outside = 0;
  for (; c.stop().length === 0; g++) {
    const gen = c.ask();
    outside += rowsOf(gen).filter(({ x }) => !sphere2.contains(x)).length;
    c.tell(evaluate(gen, sphere));
  }
  t.equal(g, 300);
  t.equal(outside, 0, 'every proposal clipped into the box');
  t.same(c.stop(), ['n_iteration reached (300 generations)']);
  const best = Math.max(...c.current().map((ch) => ch.fitness));
  t.ok(best > -1e-2, `best current -f ${best}`);
});

t.test('stop_criterion ends the run once the best weighted fitness reaches it', async (t) => {
  const c = make({ n_parallel_runs: 20, noisy_step: 0.5, stop_criterion: -0.5 }, 2);
  let g = 0;
  for (; c.stop().length === 0 && g < 100; g++) c.tell(evaluate(c.ask(), sphere));
  t.ok(g < 100, `stopped after ${g} generations`);
  t.match(c.stop()[0], /^stop_criterion reached: best weighted fitness -0\.[0-4]\d* >= -0\.5$/);
});

t.test('snapshots before any tell (fitness -Infinity) survive JSON and continue identically', async (t) => {
  const a = make({ n_parallel_runs: 6, noisy_step: 0.5 }, 9);
  const b = make({ n_parallel_runs: 6, noisy_step: 0.5 }, 9);
  b.tell(evaluate(b.ask(), (x) => x[0])); // state that the restore must overwrite
  b.restore(JSON.parse(JSON.stringify(a.snapshot())));
  const run = (c: SimulatedAnnealingCore) => {
    const out: Generation[] = [];
    for (let g = 0; g < 5; g++) {
      const gen = c.ask();
      out.push(gen);
      c.tell(evaluate(gen, sphere));
    }
    return out.map((gen) => Array.from(gen.x));
  };
  t.same(run(b), run(a));
  t.notSame(run(make({ n_parallel_runs: 6, noisy_step: 0.5 }, 10)), run(make({ n_parallel_runs: 6, noisy_step: 0.5 }, 9)), 'the seed matters');
  t.throws(() => b.restore({ ...a.snapshot(), fitness: [0, 0] }), /one entry per chain \(6\)/);
  t.throws(() => b.restore({ ...a.snapshot(), fitness: Array(6).fill('x') }), /fitness\[0\] must be a number/);
  t.throws(() => b.restore({ ...a.snapshot(), type: 'ga' }), /not a version-1 simulated-annealing snapshot/);
});

t.test('tell checks the generation and one row per chain', async (t) => {
  const c = make({ n_parallel_runs: 3 });
  const ev = evaluate(c.ask(), sphere);
  t.throws(() => c.tell({ ...ev, generation: 2 }), /told generation 2, but generation 0/);
  t.throws(() => c.tell({ ...ev, index: Int32Array.of(0, 1) }), /told 2 evaluations, expected one per chain \(3\)/);
  t.throws(() => c.tell({ ...ev, index: Int32Array.of(0, 1, 1) }), /chain 1 told twice/);
});

t.test('hyper-parameters are checked', async (t) => {
  const bad = (p: Record<string, unknown>) => simulatedAnnealingSchema.safeParse(p);
  t.notOk(bad({ temp_decay: 1.5 }).success, 'temp_decay > 1');
  t.notOk(bad({ cooling_schedule: 'sigmoid' }).success, 'unknown schedule');
  t.notOk(bad({ temperature_bounds: [0.1, 1] }).success, 'Tn > T0');
  t.notOk(bad({ temperature_bounds: [0, 0] }).success, 'T0 = 0');
  t.notOk(bad({ noisy_step: 0 }).success, 'noisy_step 0');
  t.notOk(bad({ seed: 3 }).success, 'seed is the experiment\'s');
  const r = bad({ cooling_schedule: 'exponential', decay_parameter: 1.2 });
  t.notOk(r.success);
  t.match(r.error?.issues[0], { path: ['decay_parameter'], message: /at most 1 for the exponential schedule/ });
  t.ok(bad({ cooling_schedule: 'linear_multiplicative', decay_parameter: 3 }).success, 'alpha > 1 is fine for 1/(1 + alpha k)');
});
