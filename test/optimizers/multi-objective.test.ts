/**
 * The multi-objective cores, nsga2 and ibea: their shared pieces (dominance, fronts, crowding,
 * hypervolume, SBX and polynomial mutation), convergence to ZDT1's front within a stated budget,
 * objective signs from the weights, failures never on a front, snapshots, statistics.
 */
import t from 'tap';
import { STATUS_CODES } from '../../src/core/fitness.js';
import type { Evaluations, Generation, OptimizerContext } from '../../src/core/optimizer.js';
import { nondominated } from '../../src/core/pareto.js';
import { Space } from '../../src/core/space.js';
import { Rng } from '../../src/math/rng.js';
import { row } from '../../src/math/rows.js';
import { getOptimizer } from '../../src/optimizers/registry.js';
import type { EmoCore } from '../../src/optimizers/shared/multi-objective/core.js';
import type { EmoSnapshot } from '../../src/optimizers/shared/multi-objective/snapshot.js';
import { crowdingDistance, dominates, firstFront, nondominatedSort } from '../../src/optimizers/shared/multi-objective/dominance.js';
import { hypervolume2d } from '../../src/optimizers/shared/multi-objective/hypervolume.js';
import { polynomialMutation, sbx } from '../../src/optimizers/shared/multi-objective/variation.js';
import { pick } from '../helpers/columns.js';

const TYPES = ['nsga2', 'ibea'] as const;

function core(type: string, params: Record<string, unknown>, ctx: OptimizerContext): EmoCore {
  const f = getOptimizer(type);
  return f.create(f.schema.parse(params), ctx) as EmoCore;
}

/** Evaluates a generation with a vector-valued f; rows where failed(x) are reported failed, with f's values as fitness. */
function evaluate(gen: Generation, f: (x: Float64Array) => number[], weights: readonly number[], failed?: (x: Float64Array) => boolean): Evaluations {
  const n = gen.index.length;
  const dim = n === 0 ? 0 : gen.x.length / n;
  const nObj = weights.length;
  const ev: Evaluations = {
    generation: gen.generation, dim, nObj, index: gen.index, x: gen.x,
    fitness: new Float64Array(n * nObj), weighted: new Float64Array(n), status: new Uint8Array(n), outputs: null,
  };
  for (let k = 0; k < n; k++) {
    const x = row(gen.x, k, dim);
    const v = f(x);
    const bad = failed?.(x) ?? false;
    ev.fitness.set(v, k * nObj);
    ev.weighted[k] = bad ? -Infinity : v.reduce((s, fj, j) => s + fj * weights[j], 0);
    ev.status[k] = bad ? STATUS_CODES.failed : STATUS_CODES.ok;
  }
  return ev;
}

/** Runs n generations; returns every ask as plain arrays and the last statistics. */
function run(c: EmoCore, n: number, f: (x: Float64Array) => number[], weights: readonly number[], failed?: (x: Float64Array) => boolean) {
  const asks: number[][] = [];
  const stats: Record<string, number>[] = [];
  for (let g = 0; g < n; g++) {
    const gen = c.ask();
    asks.push(Array.from(gen.x));
    stats.push(c.tell(evaluate(gen, f, weights, failed)));
  }
  return { asks, stats };
}

// ZDT1 (Zitzler, Deb and Thiele 2000), both objectives minimised: f1 = x1, f2 = g (1 - sqrt(x1 / g)),
// g = 1 + 9 mean(x2..xn); the front is x2..xn = 0, f2 = 1 - sqrt(f1), f1 in [0, 1].
const ZDT_DIM = 10;
const zdtSpace = new Space([{ name: 'x', length: ZDT_DIM, lower: 0, upper: 1 }]);
function zdt1(x: Float64Array): number[] {
  let s = 0;
  for (let i = 1; i < x.length; i++) s += x[i];
  const g = 1 + (9 * s) / (x.length - 1);
  return [x[0], g * (1 - Math.sqrt(x[0] / g))];
}

/** The distance of (f1, f2) to ZDT1's front (s^2, 1 - s), s in [0, 1]: the nearest of 1,001 samples, refined by ternary search. */
function distanceToFront(p: Float64Array): number {
  const dist = (s: number) => Math.hypot(p[0] - s * s, p[1] - (1 - s));
  let best = 0;
  for (let k = 1; k <= 1000; k++) if (dist(k / 1000) < dist(best / 1000)) best = k;
  let lo = Math.max(0, (best - 1) / 1000);
  let hi = Math.min(1, (best + 1) / 1000);
  for (let i = 0; i < 100; i++) {
    const a = lo + (hi - lo) / 3;
    const b = hi - (hi - lo) / 3;
    if (dist(a) <= dist(b)) hi = b;
    else lo = a;
  }
  return dist((lo + hi) / 2);
}

/** Generational distance: the mean distance of the points (f1, f2) to ZDT1's front. */
const generationalDistance = (points: readonly Float64Array[]) => points.reduce((s, p) => s + distanceToFront(p), 0) / points.length;

/** The hypervolume of minimised (f1, f2) points with reference point (1.1, 1.1), and that of ZDT1's true front. */
const zdtHypervolume = (points: readonly Float64Array[]) => hypervolume2d(points.map((p) => [-p[0], -p[1]]), [-1.1, -1.1]);
const TRUE_HV = 0.1 + 2 / 3 + 0.11; // the integral of 1.1 - (1 - sqrt(f1)) over [0, 1], plus the strip f1 in [1, 1.1]

t.test('dominance and the non-dominated sort (maximised objectives; failures last)', async (t) => {
  const y = (...v: number[]) => Float64Array.from(v);
  t.ok(dominates(y(2, 2), y(1, 2)));
  t.notOk(dominates(y(2, 2), y(2, 2)), 'equal vectors do not dominate each other');
  t.notOk(dominates(y(3, 0), y(0, 3)));
  t.ok(dominates(y(-1e9, -1e9), null), 'any success dominates a failure');
  t.notOk(dominates(null, y(0, 0)));
  t.notOk(dominates(null, null));
  const ys = [y(0, 0), y(3, 1), null, y(1, 3), y(2, 2), y(1, 1), y(3, 1), y(0, 4)];
  t.same(nondominatedSort(ys), [[1, 3, 4, 6, 7], [5], [0], [2]]);
  t.same(firstFront(ys), [1, 3, 4, 6, 7]);
  t.same(nondominatedSort([null, null]), [[0, 1]]);
  t.same(nondominatedSort([]), []);
});

t.test('nondominated (src/core/pareto.ts, what trajectory.h5 and the report use) equals the front by pairwise dominance, ties and duplicates included', async (t) => {
  const rng = Rng.derive(11);
  for (const m of [1, 2, 3, 4]) {
    for (const n of [0, 1, 2, 7, 60, 400]) {
      // small integers: many ties in one objective, and duplicates
      const ys = Array.from({ length: n }, () => Float64Array.from({ length: m }, () => Math.floor(rng.uniform() * 6)));
      const flat = new Float64Array(n * m);
      ys.forEach((y, i) => flat.set(y, i * m));
      t.same(nondominated(flat, m, n), firstFront(ys), `m ${m}, n ${n}`);
    }
  }
  // a front of every point (a line of trade-offs), and one point dominating all
  const line = Float64Array.from({ length: 200 }, (_, k) => (k % 2 === 0 ? k / 2 : 100 - (k - 1) / 2));
  t.equal(nondominated(line, 2, 100).length, 100);
  t.same(nondominated(Float64Array.from([1, 1, 5, 5, 2, 2, 5, 5]), 2, 4), [1, 3]);
});

t.test('crowding distance: extremes infinite, interior the normalised gap of its neighbours', async (t) => {
  const ys = [[0, 4], [1, 3], [2, 1.5], [4, 0]].map((v) => Float64Array.from(v));
  const d = crowdingDistance(ys, [0, 1, 2, 3]);
  t.equal(d[0], Infinity);
  t.equal(d[3], Infinity);
  t.ok(Math.abs(d[1] - ((2 - 0) / 4 + (4 - 1.5) / 4)) < 1e-15, `d[1] = ${d[1]}`);
  t.ok(Math.abs(d[2] - ((4 - 1) / 4 + (3 - 0) / 4)) < 1e-15, `d[2] = ${d[2]}`);
  t.same(Array.from(crowdingDistance([null, null], [0, 1])), [0, 0], 'failures get 0');
  t.same(Array.from(crowdingDistance(ys, [2])), [Infinity]);
});

t.test('hypervolume of two maximised objectives', async (t) => {
  t.equal(hypervolume2d([[1, 1]], [0, 0]), 1);
  t.equal(hypervolume2d([[2, 1], [1, 2]], [0, 0]), 3, 'the union of two boxes');
  t.equal(hypervolume2d([[2, 1], [1, 2], [1, 1], [0.5, 0.5]], [0, 0]), 3, 'dominated points add nothing');
  t.equal(hypervolume2d([[2, -1], [-1, 2]], [0, 0]), 0, 'points not above the reference add nothing');
  const front = Array.from({ length: 100_001 }, (_, k) => Float64Array.of(k / 100_000, 1 - Math.sqrt(k / 100_000)));
  t.ok(Math.abs(zdtHypervolume(front) - TRUE_HV) < 1e-4, `ZDT1's front sampled densely: ${zdtHypervolume(front)} vs ${TRUE_HV}`);
  t.ok(generationalDistance(front.filter((_, k) => k % 997 === 0)) < 1e-12, 'points of the front are at distance 0');
  t.ok(Math.abs(distanceToFront(Float64Array.of(0, 1.1)) - 0.1) < 1e-9 && Math.abs(distanceToFront(Float64Array.of(1.1, 0)) - 0.1) < 1e-9, 'and the points beyond its ends 0.1 away');
});

t.test('SBX and polynomial mutation stay in the box; a zero-width coordinate stays put', async (t) => {
  const lower = Float64Array.of(0, -1, 2);
  const upper = Float64Array.of(1, 1, 2);
  const rng = Rng.derive(5);
  let moved = 0;
  for (let k = 0; k < 2000; k++) {
    const a = Float64Array.of(rng.uniform(), 2 * rng.uniform() - 1, 2);
    const b = Float64Array.of(rng.uniform(), 2 * rng.uniform() - 1, 2);
    const a0 = a.slice();
    const eta = k % 2 === 0 ? 0 : 20;
    sbx(a, b, lower, upper, eta, rng);
    polynomialMutation(a, lower, upper, eta, 1, rng);
    polynomialMutation(b, lower, upper, eta, 1, rng);
    for (const x of [a, b]) for (let i = 0; i < 3; i++) if (!(x[i] >= lower[i] && x[i] <= upper[i])) t.fail(`out of the box: ${Array.from(x)}`);
    if (a[2] !== 2 || b[2] !== 2) t.fail('the zero-width coordinate moved');
    if (a[0] !== a0[0]) moved++;
  }
  t.ok(moved > 1900, `variation moves coordinates (${moved} of 2000)`);
  // a large distribution index keeps children close to their parents
  const a = Float64Array.of(0.3, 0, 2);
  const b = Float64Array.of(0.7, 0, 2);
  polynomialMutation(a, lower, upper, 1e6, 1, rng);
  t.ok(Math.abs(a[0] - 0.3) < 1e-3, `eta_m 1e6: a tiny step (${a[0]})`);
  const c = Float64Array.of(0.3, 0, 2);
  const d = Float64Array.of(0.7, 0, 2);
  for (let k = 0; k < 20; k++) sbx(c, d, lower, upper, 1e6, rng);
  t.ok(Math.abs(Math.min(c[0], d[0]) - 0.3) < 1e-3 && Math.abs(Math.max(c[0], d[0]) - 0.7) < 1e-3, `eta_c 1e6: children on their parents (${c[0]}, ${d[0]})`);
  t.same(Array.from(polynomialMutation(Float64Array.of(0.5, 0.5, 2), lower, upper, 20, 0, rng)), [0.5, 0.5, 2], 'mut_prob 0 changes nothing');
});

// Budget: pop_size 100 for 100 generations, 10,000 evaluations, seed 1. Measured (seeds 1-10): see
// docs/optimizers/nsga2.md and ibea.md.
const ZDT_GENERATIONS = 100;
const GD_BOUND = 2e-3;
const HV_FRACTION = 0.99;

for (const type of TYPES) {
  t.test(`${type}: ZDT1 (${ZDT_DIM}-D) within ${ZDT_GENERATIONS * 100} evaluations: front near the true one, deterministic`, async (t) => {
    const weights = [-1, -1];
    const ctx = { space: zdtSpace, weights, seed: 1 };
    const c = core(type, {}, ctx);
    const { asks, stats } = run(c, ZDT_GENERATIONS, zdt1, weights);
    const front = c.paretoFront();
    const points = front.map((p) => p.fitness);
    const gd = generationalDistance(points);
    const hv = zdtHypervolume(points);
    t.ok(gd < GD_BOUND, `generational distance ${gd.toExponential(3)} < ${GD_BOUND}`);
    t.ok(hv > HV_FRACTION * TRUE_HV, `hypervolume ${hv.toFixed(5)} = ${(hv / TRUE_HV).toFixed(4)} of the true front's ${TRUE_HV.toFixed(5)}`);
    t.ok(front.length >= 90, `${front.length} of 100 on the front`);
    t.ok(Math.min(...points.map((p) => p[0])) < 0.01 && Math.max(...points.map((p) => p[0])) > 0.99, 'spread from end to end (f1 from below 0.01 to above 0.99)');
    t.ok(front.every((p) => zdtSpace.contains(p.x)), 'in the box');
    const last = stats[stats.length - 1];
    t.equal(last.front_size, front.length);
    t.ok(last.hypervolume > stats[0].hypervolume, `the hypervolume statistic grows (${stats[0].hypervolume.toFixed(3)} -> ${last.hypervolume.toFixed(3)})`);

    const again = run(core(type, {}, ctx), 20, zdt1, weights);
    t.same(again.asks, asks.slice(0, 20), 'the same seed asks the same points');
    const other = run(core(type, {}, { ...ctx, seed: 2 }), 2, zdt1, weights);
    t.notSame(other.asks[1], asks[1], 'another seed, other points');
  });

  t.test(`${type}: a weight's sign says which way its objective goes`, async (t) => {
    // f1 = x^2, f2 = (x - 2)^2 on [-5, 5]. Minimising f1 and maximising -f2 (weights [-1, 1]): the
    // Pareto set is [0, 2]. Maximising both x^2 and -(x - 2)^2: [2, 5].
    const space = new Space([{ name: 'x', length: null, lower: -5, upper: 5 }]);
    const f = (x: Float64Array) => [x[0] ** 2, -((x[0] - 2) ** 2)];
    for (const [weights, lo, hi] of [[[-1, 1], 0, 2], [[1, 1], 2, 5]] as const) {
      const c = core(type, { pop_size: 40 }, { space, weights, seed: 3 });
      run(c, 40, f, weights);
      const xs = c.paretoFront().map((p) => p.x[0]);
      const tol = 0.1 * (hi - lo);
      t.ok(xs.every((x) => x >= lo - 0.01 && x <= hi + 0.01), `weights ${JSON.stringify(weights)}: every front point in [${lo}, ${hi}] to 0.01 (${Math.min(...xs).toFixed(4)} .. ${Math.max(...xs).toFixed(4)})`);
      t.ok(Math.min(...xs) < lo + tol && Math.max(...xs) > hi - tol, `and spread over it, from within ${tol.toFixed(1)} of either end (${xs.length} points)`);
    }
  });

  t.test(`${type}: a zero weight leaves its objective out; all zero is refused`, async (t) => {
    const space = new Space([{ name: 'x', length: 3, lower: -5, upper: 5 }]);
    const sphere = (x: Float64Array) => x.reduce((s, v) => s + v * v, 0);
    const junk = (x: Float64Array) => Math.sin(1e3 * x[0]);
    const a = run(core(type, { pop_size: 12 }, { space, weights: [-1, 0], seed: 4 }), 8, (x) => [sphere(x), junk(x)], [-1, 0]);
    const b = run(core(type, { pop_size: 12 }, { space, weights: [-1], seed: 4 }), 8, (x) => [sphere(x)], [-1]);
    t.same(a.asks, b.asks, 'weights [-1, 0] run exactly as weights [-1]');
    t.notOk('hypervolume' in a.stats[0], 'one ranked objective: no hypervolume');
    t.throws(() => core(type, {}, { space, weights: [0, 0], seed: 1 }), /every fitness weight is 0/);
    const third = run(core(type, { pop_size: 12 }, { space, weights: [-1, 0.5, -2], seed: 4 }), 2, (x) => [sphere(x), x[0], x[1]], [-1, 0.5, -2]);
    t.notOk('hypervolume' in third.stats[1], 'three objectives: no hypervolume');
  });

  t.test(`${type}: failed rows never enter the front, whatever fitness they report`, async (t) => {
    const weights = [-1, -1];
    // rows with x1 < 0.25 fail and report (-1, -1), which would dominate every real point
    const failing = (x: Float64Array) => x[0] < 0.25;
    const f = (x: Float64Array) => (failing(x) ? [-1, -1] : zdt1(x));
    const c = core(type, { pop_size: 40 }, { space: zdtSpace, weights, seed: 6 });
    const { stats } = run(c, 30, f, weights, failing);
    t.ok(stats[0].failed > 3, `generation 0 had failures (${stats[0].failed})`);
    const front = c.paretoFront();
    t.ok(front.length > 0 && front.every((p) => !failing(p.x) && !p.failed), `no failure on the front (${front.length} points)`);
    t.ok(c.population().every((p) => !p.failed), 'and none among the parents: 40 successes were there to keep');
    const snap = c.snapshot();
    t.ok(snap.front.every((p) => p.x[0] >= 0.25), 'nor in the snapshot\'s front');
    t.ok(snap.front.length === front.length);

    // a success with a non-finite ranked objective counts as a failure; a non-finite objective of zero weight does not
    const space = new Space([{ name: 'x', length: 2, lower: -1, upper: 1 }]);
    const g = (x: Float64Array) => [x[0] ** 2, x[1] > 0 ? NaN : x[1] ** 2, NaN];
    const d = core(type, { pop_size: 20 }, { space, weights: [-1, -1, 0], seed: 2 });
    const r = run(d, 5, g, [-1, -1, 0]);
    t.ok(r.stats[0].failed > 3 && r.stats[0].failed < 17, `NaN objectives counted as failed (${r.stats[0].failed} of 20)`);
    t.ok(d.paretoFront().every((p) => p.x[1] <= 0), 'and never on the front');
  });

  t.test(`${type}: a generation where everything fails, then recovery`, async (t) => {
    const weights = [-1, -1];
    const c = core(type, { pop_size: 10 }, { space: zdtSpace, weights, seed: 7 });
    const s0 = c.tell(evaluate(c.ask(), zdt1, weights, () => true));
    t.equal(s0.failed, 10);
    t.equal(s0.front_size, 0);
    t.notOk('hypervolume' in s0, 'no reference point before the first success');
    t.same(c.paretoFront(), []);
    t.equal(c.population().length, 10, 'a population of failures');
    t.equal(c.ask().index.length, 10, 'and the next 10 asked');
    const { stats } = run(c, 5, zdt1, weights);
    t.equal(stats[0].new_survivors, 10, 'every success replaces a failure');
    t.ok(stats[0].front_size > 0 && 'hypervolume' in stats[0]);
    t.same(Array.from(c.hypervolumeReference() ?? []).length, 2);
  });

  t.test(`${type}: snapshot is plain data with the front; restore continues exactly; a bad snapshot is refused`, async (t) => {
    const weights = [-1, -1];
    const ctx = { space: zdtSpace, weights, seed: 9 };
    const whole = run(core(type, { pop_size: 11 }, ctx), 12, zdt1, weights);
    const a = core(type, { pop_size: 11 }, ctx);
    run(a, 5, zdt1, weights);
    const snap = a.snapshot();
    t.same(JSON.parse(JSON.stringify(snap)), snap, 'plain data');
    t.equal(snap.type, type);
    t.equal(snap.population.length, 11);
    t.equal(snap.offspring.length, 11, 'an odd pop_size: 11 offspring');
    t.same(snap.front.map((p) => p.x), a.paretoFront().map((p) => Array.from(p.x)));
    t.ok(snap.front.every((p) => zdt1(Float64Array.from(p.x)).every((v, j) => v === p.fitness[j])), 'the front with its fitness');
    const b = core(type, { pop_size: 11 }, ctx);
    b.restore(JSON.parse(JSON.stringify(snap)));
    t.same(run(b, 7, zdt1, weights).asks, whole.asks.slice(5));
    t.same(b.snapshot(), (() => { const c = core(type, { pop_size: 11 }, ctx); run(c, 12, zdt1, weights); return c.snapshot(); })());

    const fresh = core(type, { pop_size: 11 }, ctx).snapshot() as EmoSnapshot;
    t.equal(fresh.population.length, 0, 'generation 0: no parents yet');
    t.equal(fresh.reference, null);
    t.throws(() => core(type, { pop_size: 12 }, ctx).restore(snap), /holds 11 parents in generation 5, expected 12/);
    t.throws(() => core(type, { pop_size: 11 }, ctx).restore({ ...snap, type: type === 'nsga2' ? 'ibea' : 'nsga2' }), /not a version-1/);
    const small = new Space([{ name: 'x', length: 3, lower: 0, upper: 1 }]);
    t.throws(() => core(type, { pop_size: 11 }, { ...ctx, space: small }).restore(snap), /array of 3 numbers/);
  });

  t.test(`${type}: tell checks what it is told`, async (t) => {
    const weights = [-1, -1];
    const c = core(type, { pop_size: 6 }, { space: zdtSpace, weights, seed: 1 });
    const ev = evaluate(c.ask(), zdt1, weights);
    t.throws(() => c.tell({ ...ev, generation: 1 }), /told generation 1, but generation 0 is in progress/);
    t.throws(() => c.tell(pick(ev, [0, 1, 2])), /told 3 evaluations, expected the 6 asked/);
    t.throws(() => c.tell(pick(ev, [0, 1, 2, 3, 4, 4])), /told twice/);
    c.tell(pick(ev, [5, 4, 3, 2, 1, 0]));
    t.equal(c.ask().generation, 1, 'rows in any order');
  });
}

t.test('hyper-parameters: defaults are the references\', keys checked', async (t) => {
  t.same(getOptimizer('nsga2').schema.parse({}), { pop_size: 100, cx_prob: 0.9, mut_prob: null, eta_c: 20, eta_m: 20 });
  t.same(getOptimizer('ibea').schema.parse({}), { pop_size: 100, cx_prob: 0.9, mut_prob: null, eta_c: 20, eta_m: 20, kappa: 0.05, tourn_size: 2 });
  t.notOk(getOptimizer('nsga2').schema.safeParse({ kappa: 0.05 }).success, 'kappa is IBEA\'s');
  t.notOk(getOptimizer('ibea').schema.safeParse({ kappa: 0 }).success);
  t.notOk(getOptimizer('nsga2').schema.safeParse({ pop_size: 1 }).success);
  t.notOk(getOptimizer('nsga2').schema.safeParse({ mut_prob: 1.5 }).success);
});
