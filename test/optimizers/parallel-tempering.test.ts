import t from 'tap';
import { Space } from '../../src/core/space.js';
import { Rng } from '../../src/math/rng.js';
import {
  parallelTemperingOptimizer, parallelTemperingSchema, swapPass, swapProbability, type ParallelTemperingCore,
} from '../../src/optimizers/parallel-tempering/index.js';
import { getOptimizer } from '../../src/optimizers/registry.js';
import { evaluate } from '../helpers/columns.js';

const space = new Space([{ name: 'x', length: 3, lower: -5, upper: 5 }]);
const make = (params: Record<string, unknown>, seed = 1) =>
  parallelTemperingOptimizer.create(parallelTemperingSchema.parse(params), { space, weights: [-1], seed }) as ParallelTemperingCore;
const sphere = (x: Float64Array) => x.reduce((s, v) => s + v * v, 0);
const run = (c: ParallelTemperingCore, gens: number) => {
  let swaps = 0;
  for (let g = 0; g < gens; g++) swaps += c.tell(evaluate(c.ask(), sphere)).swaps_accepted;
  return swaps;
};

t.test('registered as "parallel-tempering", defaults are the reference example', async (t) => {
  t.equal(getOptimizer('parallel-tempering'), parallelTemperingOptimizer);
  t.same(parallelTemperingSchema.parse({}), {
    n_parallel_runs: 5, noisy_step: 0.03, n_iteration: 1000,
    cooling_schedules: ['exponential_additive', 'exponential_additive', 'exponential_additive', 'linear_additive', 'linear_additive'],
    temperature_bounds: [[0.8, 0], [0.7, 0], [0.6, 0], [1, 0.1], [0.9, 0.2]],
    decay_parameters: [0.99, 0.99, 0.99, 0.99, 0.99],
  });
});

t.test('the exchange criterion sends better points to colder chains', async (t) => {
  // chain i at T 0.5, chain j at T 2: 1/T_i - 1/T_j = 1.5
  t.equal(swapProbability(-3, -1, 0.5, 2), 1, 'the hot chain holds the better point: always exchange');
  t.ok(Math.abs(swapProbability(-1, -3, 0.5, 2) - Math.exp(-3)) < 1e-15, 'the cold chain holds it: exp(-1.5 * 2)');
  t.equal(swapProbability(-1, -3, 1, 1), 1, 'equal temperatures: always');
  t.equal(swapProbability(-Infinity, -1, 0.5, 2), 1, 'a working point replaces a failed one on the cold chain');
  t.equal(swapProbability(-Infinity, -Infinity, 0.5, 2), 0, 'undefined: refused');
  t.equal(swapProbability(-1, -3, 0, 0), 0, 'both at T = 0: refused');
});

t.test('a pass over two chains exchanges with the predicted frequency', async (t) => {
  // Chain 0 (T 0.5) holds the better point: its attempt succeeds with p = exp(-3); after that the
  // hot chain holds it and chain 1's attempt always exchanges back. Net exchange: (1 - p) p.
  const p = Math.exp(-3);
  const trials = 40_000;
  let net = 0;
  let total = 0;
  for (let s = 0; s < trials; s++) {
    const schedule = Int32Array.of(0, 1);
    total += swapPass(schedule, [-1, -3], [0.5, 2], Rng.derive(42, s));
    if (schedule[0] === 1) net++;
  }
  const want = (1 - p) * p;
  const sd = Math.sqrt((want * (1 - want)) / trials);
  t.ok(Math.abs(net / trials - want) < 4 * sd, `net exchanges ${(net / trials).toFixed(4)}, expected ${want.toFixed(4)}`);
  const wantTotal = (1 - p) * p + 2 * p;
  t.ok(Math.abs(total / trials - wantTotal) < 0.01, `exchanges per pass ${(total / trials).toFixed(4)}, expected ${wantTotal.toFixed(4)}`);
});

t.test('exchanges happen and conserve the set of schedules', async (t) => {
  const c = make({ noisy_step: 0.5, n_iteration: 200 }, 3);
  const swaps = run(c, 60);
  t.ok(swaps > 10, `${swaps} exchanges in 60 generations`);
  const chains = c.current();
  t.same(chains.map((ch) => ch.schedule).sort(), [0, 1, 2, 3, 4], 'every schedule held by exactly one chain');
  t.notSame(chains.map((ch) => ch.schedule), [0, 1, 2, 3, 4], 'and not all where they started');
});

t.test('better points migrate to cold chains', async (t) => {
  // Constant temperatures 0.01 .. 100 (additive schedules with T0 = Tn) and steps too small to move:
  // only the exchanges can order the chains. At the cold end, where 1/T_i - 1/T_j is large, the
  // order should be strict: the coldest chain holds the best point, the next the second best.
  const params = {
    noisy_step: 1e-9,
    cooling_schedules: Array(5).fill('linear_additive'),
    temperature_bounds: [[0.01, 0.01], [0.1, 0.1], [1, 1], [10, 10], [100, 100]],
  };
  let coldBest = 0;
  let startedElsewhere = 0;
  for (let seed = 1; seed <= 10; seed++) {
    const c = make(params, seed);
    const ev = evaluate(c.ask(), sphere);
    const bestStart = ev.weighted.indexOf(Math.max(...ev.weighted));
    if (bestStart !== 0) startedElsewhere++; // chain i starts on schedule i
    c.tell(ev);
    run(c, 40);
    const f = c.current().sort((a, b) => a.temperature - b.temperature).map((ch) => ch.fitness);
    if (f[0] === Math.max(...f) && f[1] === Math.max(...f.slice(1))) coldBest++;
  }
  t.ok(startedElsewhere >= 5, `${startedElsewhere} of 10 runs started with the best point on a warmer chain`);
  t.equal(coldBest, 10, 'every run ends with the best point on the coldest chain, the second best on the next');
});

t.test('a chain proposes at the temperature of the schedule it holds', async (t) => {
  const c = make({ noisy_step: 1e-6, temperature_bounds: [[1, 1], [1, 1], [1, 1], [1000, 1000], [1, 1]], cooling_schedules: Array(5).fill('linear_additive') }, 5);
  run(c, 20);
  const before = c.current();
  const gen = c.ask();
  const moves = before.map((ch, i) => Math.hypot(...Array.from(ch.x, (v, d) => gen.x[i * 3 + d] - v)));
  const hot = before.findIndex((ch) => ch.schedule === 3);
  t.ok(moves.every((m, i) => (i === hot ? m > 1e-4 : m < 1e-4)), `chain ${hot} (T 1000) moves ${moves[hot].toExponential(1)}; others ${moves.filter((_, i) => i !== hot).map((m) => m.toExponential(1)).join(', ')}`);
});

t.test('converges on a sphere and stops at n_iteration', async (t) => {
  const c = make({
    noisy_step: 1, n_iteration: 400, cooling_schedules: Array(5).fill('linear_additive'),
    temperature_bounds: [[1, 0.01], [1, 0.05], [1, 0.1], [1, 0.2], [1, 0.5]],
  }, 11);
  run(c, 400);
  t.same(c.stop(), ['n_iteration reached (400 generations)']);
  const best = Math.max(...c.current().map((ch) => ch.fitness));
  t.ok(best > -0.2, `best current -f ${best} (uniform starts in [-5, 5]^3 average -25)`);
});

t.test('snapshots carry the schedule permutation through JSON', async (t) => {
  const a = make({ noisy_step: 0.5 }, 4);
  run(a, 30);
  const snap = JSON.parse(JSON.stringify(a.snapshot()));
  const b = make({ noisy_step: 0.5 }, 4);
  b.restore(snap);
  t.same(b.current().map((ch) => ch.schedule), a.current().map((ch) => ch.schedule));
  t.same(Array.from(b.ask().x), Array.from(a.ask().x));
  t.throws(() => b.restore({ ...snap, schedule: [0, 0, 1, 2, 3] }), /permutation of 0\.\.4/);
  t.throws(() => b.restore({ ...snap, type: 'simulated-annealing' }), /not a version-1 parallel-tempering snapshot/);
});

t.test('per-chain lists not given follow n_parallel_runs, and n_parallel_runs not given follows the lists', async (t) => {
  const three = parallelTemperingSchema.parse({ n_parallel_runs: 3 });
  t.same(three.cooling_schedules, ['exponential_additive', 'exponential_additive', 'exponential_additive'], 'the example\'s first three');
  t.same(three.temperature_bounds, [[0.8, 0], [0.7, 0], [0.6, 0]]);
  t.same(three.decay_parameters, [0.99, 0.99, 0.99]);
  const seven = parallelTemperingSchema.parse({ n_parallel_runs: 7 });
  t.same(seven.temperature_bounds, [[0.8, 0], [0.7, 0], [0.6, 0], [1, 0.1], [0.9, 0.2], [0.8, 0], [0.7, 0]], 'the example repeated');
  const two = parallelTemperingSchema.parse({ cooling_schedules: ['default', 'linear_additive'] });
  t.equal(two.n_parallel_runs, 2, 'as many chains as schedules given');
  t.same(two.temperature_bounds, [[0.8, 0], [0.7, 0]]);
  t.same(parallelTemperingSchema.parse(JSON.parse(JSON.stringify(three))), three, 'the resolved configuration, parsed again, is itself');
  t.same(Object.keys(three), ['n_parallel_runs', 'noisy_step', 'n_iteration', 'cooling_schedules', 'temperature_bounds', 'decay_parameters'], 'keys in their places');
  const c = make({ n_parallel_runs: 3 });
  run(c, 5);
  t.equal(c.ask().x.length, 3 * 3, 'and it runs: one individual per chain');
});

t.test('hyper-parameters are checked', async (t) => {
  const issue = (p: Record<string, unknown>) => parallelTemperingSchema.safeParse(p).error?.issues[0];
  t.match(issue({ n_parallel_runs: 3, decay_parameters: [0.9, 0.9, 0.9, 0.9, 0.9] }), { path: ['decay_parameters'], message: 'one entry per chain: n_parallel_runs (3) entries, not 5' });
  t.match(issue({ cooling_schedules: ['default', 'default'], decay_parameters: [0.9] }), { path: ['decay_parameters'], message: 'one entry per chain: as many as cooling_schedules (2), not 1' });
  t.match(issue({ temperature_bounds: [[1, 0]] }), { path: ['temperature_bounds'], message: /at least 2 entries/ });
  t.match(issue({ n_parallel_runs: 1, cooling_schedules: ['default'], temperature_bounds: [[1, 0]], decay_parameters: [0.9] }), { path: ['n_parallel_runs'] });
  t.match(issue({ cooling_schedules: ['default', 'exponential', 'default', 'default', 'default'], decay_parameters: [0.9, 1.1, 0.9, 0.9, 0.9] }),
    { path: ['decay_parameters', 1], message: /at most 1 for chain 1's exponential schedule/ });
  t.match(issue({ temperature_bounds: [[1, 0], [1, 2], [1, 0], [1, 0], [1, 0]] }), { path: ['temperature_bounds', 1] });
  t.match(issue({ cooling_schedules: ['default', 'default', 'default', 'default', 'annealed'] }), { path: ['cooling_schedules', 4] });
});
