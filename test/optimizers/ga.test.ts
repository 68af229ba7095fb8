import t from 'tap';
import type { GenerationalCore } from '../../src/core/optimizer.js';
import { evaluate as evaluateWith, pick, rowsOf } from '../helpers/columns.js';
import { Space } from '../../src/core/space.js';
import { Rng } from '../../src/math/rng.js';
import { compareFit, gaOptimizer, gaSchema, makeFit, remutateDuplicates, tournament, type GaCore, type GaSnapshot } from '../../src/optimizers/ga/index.js';
import { getOptimizer, listOptimizers } from '../../src/optimizers/registry.js';

const space10 = new Space([{ name: 'coords', length: 10, lower: -5, upper: 5 }]);

function core(params: Record<string, unknown> = {}, seed = 1, space = space10, weights = [-1]): GaCore {
  return gaOptimizer.create(gaSchema.parse(params), { space, weights, seed }) as GaCore;
}

const sphere = (x: Float64Array) => x.reduce((s, v) => s + v * v, 0);

const evaluate = (gen: ReturnType<GenerationalCore['ask']>, f: (x: Float64Array) => number = sphere, failed?: (x: Float64Array, i: number) => boolean) =>
  evaluateWith(gen, f, { failed });

/** Runs n generations; returns every ask as plain arrays, so runs can be compared with t.same. */
function run(c: GenerationalCore, n: number, f = sphere): { generation: number; index: number; x: number[] }[][] {
  const asks = [];
  for (let g = 0; g < n; g++) {
    const gen = c.ask();
    asks.push(rowsOf(gen).map((k) => ({ generation: gen.generation, index: k.index, x: Array.from(k.x) })));
    c.tell(evaluate(gen, f));
  }
  return asks;
}

t.test('determinism: the seed alone decides every ask', async (t) => {
  const a = run(core({}, 42), 20);
  t.same(run(core({}, 42), 20), a, 'same seed, identical asks over 20 generations');
  const b = run(core({}, 43), 20);
  t.notSame(b[0], a[0], 'another seed, another initial population');
  t.notSame(b[19], a[19], 'and another generation 19');
  t.equal(a[0].length, 50, 'generation 0 asks the whole population');
  t.same(a.map((g) => g[0].generation), Array.from({ length: 20 }, (_, i) => i), 'generations count up from 0');
});

t.test('snapshot/restore mid-run continues exactly', async (t) => {
  const whole = run(core({}, 5), 30);
  const first = core({}, 5);
  run(first, 12);
  const snap = first.snapshot();
  const resumed = core({}, 5);
  resumed.restore(snap);
  t.same(run(resumed, 18), whole.slice(12), 'continuation after restore');
  const viaJson = core({}, 5);
  viaJson.restore(JSON.parse(JSON.stringify(snap)));
  t.same(run(viaJson, 18), whole.slice(12), 'continuation after a JSON round trip of the snapshot');
  t.same(JSON.parse(JSON.stringify(snap)), snap, 'the snapshot is plain data');
  t.same(viaJson.snapshot(), (() => { const c = core({}, 5); run(c, 30); return c.snapshot(); })(), 'same final state, hall of fame included');
});

t.test('restore between ask and tell asks the same individuals again', async (t) => {
  const a = core({}, 9);
  run(a, 3);
  const gen = a.ask();
  const b = core({}, 9);
  b.restore(a.snapshot());
  t.same(b.ask(), gen);
  b.tell(evaluate(gen));
  a.tell(evaluate(gen));
  t.same(b.snapshot(), a.snapshot());
});

t.test('restore rejects snapshots that do not fit', async (t) => {
  const a = core({}, 1);
  const snap = a.snapshot() as GaSnapshot;
  t.throws(() => core({ pop_size: 40 }).restore(snap), /holds 50 individuals but pop_size is 40/);
  const small = new Space([{ name: 'coords', length: 3, lower: -5, upper: 5 }]);
  t.throws(() => core({}, 1, small).restore(snap), /population\[0\] must be an array of 3 numbers/);
  t.throws(() => core().restore({ type: 'cma' }), /not a version-1 GA snapshot/);
  t.throws(() => core().restore({ ...snap, population: snap.population.map(() => ['a']) }), /array of 10 numbers|non-number/);
});

t.test('every asked individual lies in the box', async (t) => {
  const box = new Space([{ name: 'coords', length: 4, lower: 0, upper: 0.1 }]);
  const c = core({ mut_par: 5, ind_prob: 0.5, mut_prob: 0.9, mate_par: 2 }, 3, box);
  let atBound = 0;
  let total = 0;
  for (const gen of run(c, 30)) {
    for (const k of gen) {
      total++;
      t.ok(box.contains(Float64Array.from(k.x)), `generation ${k.generation} individual ${k.index} in the box`);
      if (k.x.some((v) => v === 0 || v === 0.1)) atBound++;
    }
  }
  t.ok(atBound > total / 4, `the operators do overshoot and clipping is what keeps them in (${atBound}/${total} at a bound)`);
});

t.test('only changed individuals are re-asked; unchanged ones keep their fitness', async (t) => {
  const c = core({ pop_size: 30, tourn_size: 3 }, 11);
  let reasked = 0;
  for (let g = 0; g < 15; g++) {
    const before = c.snapshot() as GaSnapshot;
    const gen = c.ask();
    c.tell(evaluate(gen));
    const told = c.snapshot() as GaSnapshot; // told.population is the next generation
    const evaluated = new Map<string, number[]>();
    before.population.forEach((x, i) => evaluated.set(x.join(), before.fitness[i] ?? [sphere(Float64Array.from(x))]));
    const asked = new Set(Array.from(c.ask().index));
    told.population.forEach((x, i) => {
      if (asked.has(i)) {
        t.equal(told.fitness[i], null);
        if (evaluated.has(x.join())) t.fail(`individual ${i} is re-asked though identical to a parent`);
      } else {
        t.same(told.fitness[i], evaluated.get(x.join()), `unchanged individual ${i} keeps its parent's fitness`);
      }
    });
    reasked += asked.size;
  }
  t.ok(reasked < 15 * 30 * 0.9, `only some individuals are re-evaluated (${reasked} of ${15 * 30})`);
});

t.test('improves on a 10-D sphere', async (t) => {
  const c = core({}, 2);
  const first = c.ask();
  const initialBest = Math.min(...rowsOf(first).map((k) => sphere(k.x)));
  c.tell(evaluate(first));
  let stats: Record<string, number> = {};
  for (let g = 1; g < 150; g++) {
    const gen = c.ask();
    stats = c.tell(evaluate(gen));
  }
  const best = -stats.hof_best;
  t.ok(best < 0.05 && best < initialBest / 100, `best ${best} from ${initialBest}`);
  const hof = c.hallOfFame();
  t.equal(hof.length, 20, 'a hall of fame of 20');
  t.equal(hof[0].weighted, stats.hof_best);
  t.ok(hof.every((h, i) => i === 0 || h.weighted <= hof[i - 1].weighted), 'best first');
  t.equal(new Set(hof.map((h) => Array.from(h.x).join())).size, 20, 'distinct individuals');
  t.ok(hof.every((h) => Math.abs(sphere(h.x) - h.fitness[0]) < 1e-15), 'each with its own fitness');
});

t.test('tell reports the core statistics', async (t) => {
  const c = core({}, 4);
  const gen = c.ask();
  const s = c.tell(evaluate(gen, sphere, (_x, i) => i < 5));
  t.equal(s.evaluated, 50);
  t.equal(s.failed, 5);
  t.equal(s.hof_size, 20);
  t.equal(s.next_evaluations, c.ask().index.length);
});

t.test('failed evaluations rank last', async (t) => {
  const weights = [-1];
  const ok = makeFit([1e9], weights, true);
  const nan = makeFit([NaN], weights, true);
  const failed = makeFit([0], weights, false);
  t.ok(compareFit(ok, failed) > 0, 'the worst success beats a failure however good its number');
  t.ok(compareFit(nan, failed) > 0 && compareFit(ok, nan) > 0, 'a NaN fitness ranks as -Infinity, still above a failure');
  t.equal(compareFit(failed, makeFit([5], weights, false)), 0, 'failures tie');
  const winners = tournament([failed, ok, failed, failed], 100, 4, Rng.derive(2));
  t.ok(winners.filter((i) => i === 1).length > 50, 'the success wins every tournament it enters');

  // through the core: failures that report a brilliant fitness never reach the hall of fame or the parents
  // (no variation at all, so the next population is exactly the selected parents)
  const c = core({ pop_size: 40, tourn_size: 40, cx_prob: 0, mut_prob: 0, ind_prob: 0 }, 8);
  const gen = c.ask();
  const lucky = (x: Float64Array) => x[0] > 0;
  const s = c.tell(evaluate(gen, (x) => (lucky(x) ? -1e9 : sphere(x)), lucky));
  t.ok(s.failed > 10 && s.failed < 30, `about half failed (${s.failed})`);
  t.ok(c.hallOfFame().every((h) => !lucky(h.x)), 'no failure in the hall of fame');
  const snap = c.snapshot() as GaSnapshot;
  t.ok(snap.population.every((x) => x[0] <= 0), 'no failure selected as a parent');
  t.ok(snap.failed.every((f) => !f) && snap.fitness.every((f) => f !== null), 'copies keep their (successful) fitness');
  t.equal(c.ask().index.length, 0, 'nothing changed, so nothing to evaluate: an empty generation');
});

t.test('fitness comparison is lexicographic on the weighted tuple', async (t) => {
  const w = [1, -1];
  t.ok(compareFit(makeFit([2, 100], w, true), makeFit([1, 0], w, true)) > 0, 'the first objective decides');
  t.ok(compareFit(makeFit([1, 3], w, true), makeFit([1, 4], w, true)) > 0, 'the second breaks a tie (minimised)');
  t.equal(compareFit(makeFit([1, 3], w, true), makeFit([1, 3], w, true)), 0);
});

t.test('duplicates are mutated again, the first occurrence never', async (t) => {
  const xs = Array.from({ length: 30 }, () => Float64Array.of(1, 2));
  xs.push(Float64Array.of(1.00001, 2)); // equal to the others at 4 decimals
  let fresh = 10;
  const n = remutateDuplicates(xs, (x) => { x[0] = fresh++; }, Rng.derive(3));
  t.same(Array.from(xs[0]), [1, 2], 'the first of equals stays');
  const ones = xs.filter((x) => Math.round(x[0] * 1e4) === 1e4).length;
  t.ok(ones <= 3, `few copies survive (${ones}); each later copy got p = 0.8 per earlier equal`);
  t.ok(n >= 28 && n <= 31, `one mutation per copy when mutations make it unique (${n})`);
  const unique = [Float64Array.of(1, 2), Float64Array.of(1.001, 2)];
  t.equal(remutateDuplicates(unique, () => t.fail('mutated a unique individual'), Rng.derive(3)), 0);
});

t.test('tell checks what it is told', async (t) => {
  const c = core({}, 1);
  const gen = c.ask();
  const ev = evaluate(gen);
  const all = Array.from(ev.index, (_, k) => k);
  t.throws(() => c.tell({ ...ev, generation: 1 }), /told generation 1, but generation 0 is in progress/);
  t.throws(() => c.tell(pick(ev, all.slice(1))), /1 individual\(s\) of generation 0 were asked but not told/);
  t.throws(() => c.tell(pick(ev, [...all, 0])), /told twice/);
  t.throws(() => c.tell({ ...pick(ev, [0]), index: Int32Array.of(50) }), /did not ask for/);
  c.tell(ev);
  t.equal(c.ask().generation, 1);
  t.same(c.stop(), [], 'the budget is the experiment\'s business');
});

function issues(v: unknown): string {
  const r = gaSchema.safeParse(v);
  return r.success ? '' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
}

t.test('hyper-parameters: reference defaults and validation', async (t) => {
  t.same(gaSchema.parse({}), { pop_size: 50, cx_prob: 0.5, mut_prob: 0.3, ind_prob: 0.02, tourn_size: 15, mate_par: 0.5, mut_par: 1 });
  t.match(issues({ cx_prob: 1.5 }), /^cx_prob:/);
  t.match(issues({ mut_prob: -0.1 }), /^mut_prob:/);
  t.match(issues({ ind_prob: 2 }), /^ind_prob:/);
  t.match(issues({ pop_size: 1 }), /^pop_size:/);
  t.match(issues({ pop_size: 10.5 }), /^pop_size:/);
  t.match(issues({ pop_size: 10, tourn_size: 11 }), /^tourn_size: at most pop_size \(10\)/);
  t.match(issues({ tourn_size: 0 }), /^tourn_size:/);
  t.match(issues({ mut_par: 0 }), /^mut_par:/);
  t.match(issues({ mate_par: -1 }), /^mate_par:/);
  t.match(issues({ popsize: 10 }), /Unrecognized key/);
  t.equal(issues({ pop_size: 2, tourn_size: 2, cx_prob: 1, mut_prob: 0 }), '');
});

t.test('tourn_size defaults to min(15, pop_size): no pop_size is refused for a key the user never wrote', async (t) => {
  const small = gaSchema.parse({ pop_size: 8 });
  t.equal(small.tourn_size, 8, 'pop_size 8 resolves to tourn_size 8');
  t.same(Object.keys(small), ['pop_size', 'cx_prob', 'mut_prob', 'ind_prob', 'tourn_size', 'mate_par', 'mut_par'], 'in its place among the keys');
  t.equal(gaSchema.parse({ pop_size: 2 }).tourn_size, 2);
  for (const pop_size of [15, 16, 50, 1000]) t.equal(gaSchema.parse({ pop_size }).tourn_size, 15, `pop_size ${pop_size}: the 15 it always was`);
  t.equal(gaSchema.parse({ pop_size: 8, tourn_size: 3 }).tourn_size, 3, 'a given tourn_size stands');
  t.same(gaSchema.parse(JSON.parse(JSON.stringify(small))), small, 'the resolved configuration, parsed again, is itself');
  t.equal(issues({ pop_size: 10, tourn_size: 20 }), 'tourn_size: at most pop_size (10): a tournament draws from the population', 'a tourn_size given above pop_size is still refused, naming it');
  const asks = run(core({ pop_size: 8 }, 3), 5);
  t.equal(asks[0].length, 8, 'and it runs: generation 0 asks 8 individuals');
  t.ok(asks.slice(1).every((g) => g.length > 0 && g.length <= 8), 'then the changed children of each generation');
  t.same(run(core({ pop_size: 8, tourn_size: 8 }, 3), 5), asks, 'exactly as with tourn_size 8 written out');
});

t.test('registered as the ga optimizer', async (t) => {
  t.equal(getOptimizer('ga'), gaOptimizer);
  t.ok(listOptimizers().includes(gaOptimizer));
  t.throws(() => getOptimizer('nope'), /expected one of .*ga/);
  t.notMatch(gaOptimizer.description, /\n/);
});
