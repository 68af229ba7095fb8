import t from 'tap';
import { Space } from '../../src/core/space.js';
import type { CoreStats, Generation } from '../../src/core/optimizer.js';
import { row } from '../../src/math/rows.js';
import {
  cmaesOptimizer, cmaesSchema, newDistribution, strategyParameters, updateDistribution, updateEigensystem, type CmaesCore,
} from '../../src/optimizers/cmaes/index.js';
import { evaluate } from '../helpers/columns.js';

const box = (n: number, lower = -5, upper = 5) => new Space([{ name: 'x', length: n, lower, upper }]);
const space10 = box(10);

function core(params: Record<string, unknown> = {}, seed = 1, space = space10): CmaesCore {
  return cmaesOptimizer.create(cmaesSchema.parse(params), { space, weights: [-1], seed }) as CmaesCore;
}

const sphere = (x: Float64Array) => x.reduce((s, v) => s + v * v, 0);
const rosenbrock = (x: Float64Array) => {
  let s = 0;
  for (let i = 0; i + 1 < x.length; i++) s += 100 * (x[i] ** 2 - x[i + 1]) ** 2 + (x[i] - 1) ** 2;
  return s;
};
const rastrigin = (x: Float64Array) => 10 * x.length + x.reduce((s, v) => s + v * v - 10 * Math.cos(2 * Math.PI * v), 0);

interface Trace { evals: number; outside: number; stats: CoreStats[]; asks: Generation[]; stops: number[] }

/** Runs until stop() or the budget, noting what it asked (keep), told and heard from stop(). */
function drive(c: CmaesCore, f: (x: Float64Array) => number, budget = 1e6, space = space10, keep = false): Trace {
  const tr: Trace = { evals: 0, outside: 0, stats: [], asks: [], stops: [] };
  while (tr.stops.push(c.stop().length), c.stop().length === 0 && tr.evals < budget) {
    const gen = c.ask();
    if (keep) tr.asks.push({ generation: gen.generation, index: gen.index.slice(), x: gen.x.slice() });
    for (let k = 0; k < gen.index.length; k++) if (!space.contains(row(gen.x, k, space.dim))) tr.outside++;
    tr.evals += gen.index.length;
    tr.stats.push(c.tell(evaluate(gen, f)));
  }
  return tr;
}

const CRITERION = /^(tolfun|tolfunhist|tolx|tolstagnation|tolconditioncov|tolfacupx|tolflatfitness|noeffectaxis|noeffectcoord|maxiter): /;

t.test('strategy parameters for n = 2 and n = 10 are purecma\'s (CMAESParameters, printed by purecma.py 3.0.0)', async (t) => {
  const close = (a: number, b: number, what: string) => t.ok(Math.abs(a - b) <= 1e-14 * Math.abs(b), `${what}: ${a} vs ${b}`);
  const p = strategyParameters(2, 6);
  t.same([p.lambda, p.mu], [6, 3]);
  [0.6370425712412168, 0.28457025743803294, 0.07838717132075033, 0, 0, 0].forEach((w, i) => close(p.weights[i], w, `w${i + 1}`));
  close(p.mueff, 2.0286114646100617, 'mueff');
  close(p.cc, 0.6245545390268264, 'cc');
  close(p.cs, 0.44620498737831715, 'cs');
  close(p.c1, 0.1548153998964136, 'c1');
  close(p.cmu, 0.057859085071916304, 'cmu');
  close(p.damps, 1.4224088089150044, 'damps');
  close(p.chiN, 1.254272742818995, 'chiN');
  close(p.lazyGapEvals, 7.053032244198782, 'lazy gap');
  // by hand: w_i = ln(3.5) - ln(i), normalised; mueff = 1 / sum w_i^2
  const raw = [1, 2, 3].map((i) => Math.log(3.5) - Math.log(i));
  close(p.weights[0], raw[0] / (raw[0] + raw[1] + raw[2]), 'w1 by hand');
  const q = strategyParameters(10, 10);
  t.same([q.lambda, q.mu], [10, 5]);
  close(q.mueff, 3.1672992814107035, 'mueff n=10');
  close(q.c1, 0.015283824524751714, 'c1 n=10');
  close(q.cmu, 0.02015428276120839, 'cmu n=10');
  close(q.damps, 1.2178884442285083, 'damps n=10');
  t.equal(core({}, 1, box(2)).ask().index.length, 6, 'default lambda in 2-D: 4 + floor(3 ln 2)');
});

t.test('two tells update m, ps, pc, C and sigma exactly as purecma does', async (t) => {
  // purecma.CMAES([0, 0], 0.5).tell(X, f(X)) twice, f(x) = (x0 - 1)^2 + 10 (x1 - 0.5)^2
  const f = (x: number[]) => (x[0] - 1) ** 2 + 10 * (x[1] - 0.5) ** 2;
  const X = [
    [[0.3, -0.2], [-0.5, 0.1], [0.8, 0.6], [0.1, 0.4], [-0.2, -0.7], [0.05, 0.02]],
    [[0.4, 0.1], [-0.3, 0.5], [0.2, -0.6], [0.9, 0.3], [0.0, 0.2], [-0.1, -0.1]],
  ];
  const expected = [
    { mean: [0.5420104413028143, 0.49762138914635823], ps: [1.2855860700502317, 1.180300373011065], pc: [1.4310142486004058, 1.3138184138392326],
      C: [1.199418992382737, 0.3644885717737599, 0.3644885717737599, 1.1181766600742225], sigma: 0.5427383180498011 },
    { mean: [0.4879672368856852, 0.34907533435553156], ps: [0.5938608834956681, 0.32905519910982245], pc: [0.40581891605493464, 0.13195968473329245],
      C: [1.0300181357304732, 0.2887811364581215, 0.2887811364581215, 0.8893158552333872], sigma: 0.48102940291989127 },
  ];
  const p = strategyParameters(2, 6);
  const d = newDistribution(new Float64Array(2), 0.5);
  const near = (a: ArrayLike<number>, b: number[], what: string) => t.ok(b.every((v, i) => Math.abs(a[i] - v) < 1e-13), `${what}: ${Array.from(a)} vs ${b}`);
  X.forEach((pts, g) => {
    const order = pts.map((_, k) => k).sort((a, b) => f(pts[a]) - f(pts[b]));
    updateDistribution(d, p, Float64Array.from(pts.flat()), order);
    near(d.mean, expected[g].mean, `mean after tell ${g + 1}`);
    near(d.ps, expected[g].ps, `ps after tell ${g + 1}`);
    near(d.pc, expected[g].pc, `pc after tell ${g + 1}`);
    near(d.C, expected[g].C, `C after tell ${g + 1}`);
    near([d.sigma], [expected[g].sigma], `sigma after tell ${g + 1}`);
  });
  t.ok(updateEigensystem(d, p), 'decomposed after 12 > 7.05 evaluations');
  near(Array.from(d.eigenvalues).sort(), [0.6624400994776917, 1.2568938914861685], 'eigenvalues');
  near([d.condition], [1.8973698791440623], 'condition number');
  near(d.invsqrt, [1.0204642722877453, -0.16355409274853244, -0.16355409274853244, 1.1001524199160708], 'C^(-1/2)');
});

t.test('10-D Rosenbrock from x0 = 0.1, sigma0 = 0.3: f < 1e-12 in under 8,000 evaluations (pycma\'s bar)', async (t) => {
  const evalsTo: number[] = [];
  for (let seed = 1; seed <= 10; seed++) {
    // sigma0 is a fraction of the box width 10: 0.03 is pycma's sigma0 = 0.3
    const c = core({ x0: 0.1, sigma0: 0.03, restarts: 'none' }, seed);
    let evals = 0;
    let hit = Infinity;
    while (c.stop().length === 0 && evals < 8000 && hit === Infinity) {
      const ev = evaluate(c.ask(), rosenbrock);
      ev.fitness.forEach((v) => { evals++; if (v < 1e-12 && hit === Infinity) hit = evals; });
      c.tell(ev);
    }
    evalsTo.push(hit);
  }
  const good = evalsTo.filter((e) => e < 8000).length;
  t.ok(good >= 9, `evaluations to f < 1e-12 per seed 1..10: ${evalsTo.join(', ')}`);
});

t.test('IPOP on 10-D Rastrigin: the population doubles at each restart, each run names its criteria', async (t) => {
  const c = core({ restarts: 'ipop', max_restarts: 3 }, 4);
  const tr = drive(c, rastrigin);
  t.equal(tr.outside, 0);
  const runs = c.runs();
  t.same(runs.map((r) => r.lambda), [10, 20, 40, 80], 'lambda 10, then doubled at each restart');
  t.same(runs.map((r) => r.regime), ['first', 'large', 'large', 'large']);
  for (const r of runs) t.ok(r.reasons.length > 0 && r.reasons.every((s) => CRITERION.test(s)), r.reasons.join(' | '));
  t.same([...new Set(tr.stats.map((s) => s.lambda))], [10, 20, 40, 80], 'stats report lambda');
  t.same([...new Set(tr.stats.map((s) => s.restart))], [0, 1, 2, 3], 'stats report the restart number');
  t.equal(tr.stats.filter((s) => s.run_ended === 1).length, 4);
  t.equal(tr.evals, runs.reduce((n, r) => n + r.evaluations, 0), 'every evaluation belongs to a run');
  t.ok(tr.stops.slice(0, -1).every((k) => k === 0) && tr.stops.at(-1)! > 0, 'stop() stays empty while restarts remain');
  const reasons = c.stop();
  t.same(reasons.slice(0, -1), runs[3].reasons, 'stop(): the last run\'s reasons');
  t.match(reasons.at(-1), /^max_restarts: 3 restarts made \(ipop; population sizes 10, 20, 40, 80\), none left$/);
});

t.test('BIPOP alternates a doubling large regime with small runs of smaller step size and budget', async (t) => {
  const c = core({ restarts: 'bipop', max_restarts: 3 }, 2);
  const tr = drive(c, rastrigin);
  t.equal(tr.outside, 0);
  const runs = c.runs();
  t.same(runs.filter((r) => r.regime !== 'small').map((r) => r.lambda), [10, 20, 40, 80], 'first and large runs double lambda');
  t.ok(runs.some((r) => r.regime === 'small'), `regimes: ${runs.map((r) => r.regime).join(', ')}`);
  let small = 0;
  let large = 0;
  let largeRuns = 0;
  runs.forEach((r, i) => {
    if (i > 0) t.equal(r.regime, small < Math.max(1, large) ? 'small' : 'large', `run ${i}: small regime spent ${small}, large ${large}`);
    if (r.regime === 'small') {
      t.ok(r.lambda >= 10 && r.lambda <= 10 * 2 ** largeRuns, `small lambda ${r.lambda} within [10, ${10 * 2 ** largeRuns}]`);
      t.ok(r.sigma0 <= 0.25 && r.sigma0 >= 0.0025, `small sigma0 ${r.sigma0} in [0.01, 1] x 0.25`);
      t.ok(r.generations <= Math.floor((0.5 * large) / r.lambda), `small run of ${r.evaluations} evaluations within half the large regime's ${large}`);
    } else t.equal(r.sigma0, 0.25);
    if (r.regime === 'large') { large += r.evaluations; largeRuns++; } else small += r.evaluations;
  });
  t.match(c.stop().at(-1), /^max_restarts: 3 restarts made \(bipop; population sizes 10, 20, .*\(small\).*80\), none left$/);
});

t.test('restarts none: stop() gives the single run\'s reasons; each criterion names itself and its values', async (t) => {
  const c = core({ restarts: 'none' });
  drive(c, sphere);
  t.same(c.stop(), c.runs()[0].reasons);
  t.match(c.stop()[0], /^tolfun: range of f values \d\.\de-\d+ < 1e-11 over \d+ generations$/);
  const tolx = core({ restarts: 'none', tolfun: 1e-300, tolfunhist: 1e-300 });
  drive(tolx, sphere);
  t.match(tolx.stop().join(), /tolx: standard deviations and evolution path below 1e-11 box widths/);
  const maxiter = core({ restarts: 'none', maxiter: 7 });
  t.equal(drive(maxiter, sphere).evals, 70);
  t.same(maxiter.stop(), ['maxiter: 7 iterations >= 7']);
  const ellipsoid = (x: Float64Array) => x.reduce((s, v, i) => s + 1e8 ** (i / (x.length - 1)) * v * v, 0);
  const cond = core({ restarts: 'none', tolconditioncov: 1e4 });
  drive(cond, ellipsoid);
  t.match(cond.stop().join(), /tolconditioncov: condition number of C \d\.\de\+\d+ > 10000/);
});

t.test('box: a sphere centred at 7 in [-5, 5]^10 is solved at the boundary point 5, never asking outside', async (t) => {
  const c = core({ restarts: 'none' }, 3);
  const tr = drive(c, (x) => x.reduce((s, v) => s + (v - 7) ** 2, 0));
  t.equal(tr.outside, 0, `${tr.evals} evaluations, none outside the box`);
  t.ok(tr.stats.some((s) => s.repaired > 0), 'samples outside the box were repaired');
  const best = c.best()!;
  t.same(Array.from(best.x), new Array(10).fill(5), 'best point: 5 in every coordinate');
  t.equal(best.weighted, -40);
  const mean = c.current().mean;
  t.ok(mean.every((v) => Math.abs(v - 5) < 0.05), `mean ${Array.from(mean).map((v) => v.toFixed(4))} at the boundary`);
  t.ok(c.stop().length > 0, c.stop().join(' | '));
});

t.test('failed rows rank last: the mean recombines the mu best successful points', async (t) => {
  const c = core({ sigma0: 0.01 }, 5, box(3, -100, 100)); // small steps in a wide box: no repair, asked = sampled
  drive(c, sphere, 60, box(3, -100, 100));
  const gen = c.ask();
  const ev = evaluate(gen, sphere, { failed: (_x, i) => i % 2 === 0 });
  c.tell(ev);
  const p = strategyParameters(3, gen.index.length);
  const order = Array.from(gen.index, (_, k) => k).sort((a, b) => (ev.status[a] - ev.status[b]) || ev.fitness[a] - ev.fitness[b]);
  const expected = [0, 1, 2].map((i) => order.slice(0, p.mu).reduce((s, k, r) => s + p.weights[r] * gen.x[k * 3 + i], 0));
  const mean = c.current().mean;
  t.ok(expected.every((v, i) => Math.abs(v - mean[i]) < 1e-9 * Math.max(1, Math.abs(v))), `mean ${Array.from(mean)} vs ${expected}`);
  // a generation in which everything fails is flat: the run restarts after tolflatfitness generations
  const d = core({}, 6);
  for (let g = 0; g < 2; g++) d.tell(evaluate(d.ask(), sphere, { failed: () => true }));
  t.match(d.runs()[0]?.reasons.join(), /tolflatfitness: best f equal to the 75th percentile for 2 generations/);
  const snap = JSON.parse(JSON.stringify(d.snapshot()));
  t.equal(snap.run.hist.length, 0, 'the new run starts with an empty history');
  t.equal(snap.history[0].best, '-Infinity', 'non-finite numbers travel as strings');
});

t.test('snapshot/restore continues exactly, across restarts and through JSON', async (t) => {
  const whole = core({ restarts: 'bipop', max_restarts: 2 }, 8);
  const all = drive(whole, rastrigin, 1e6, space10, true).asks;
  const part = core({ restarts: 'bipop', max_restarts: 2 }, 8);
  const first = drive(part, rastrigin, 30_000, space10, true).asks;
  t.ok(part.runs().length >= 2, `snapshot taken during run ${part.runs().length + 1}`);
  const resumed = core({ restarts: 'bipop', max_restarts: 2 }, 8);
  resumed.restore(JSON.parse(JSON.stringify(part.snapshot())));
  const rest = drive(resumed, rastrigin, 1e6, space10, true).asks;
  t.equal(first.length + rest.length, all.length);
  t.same(rest, all.slice(first.length), 'the same generations after the restore');
  t.same(resumed.stop(), whole.stop());
  t.same(resumed.snapshot(), whole.snapshot(), 'the same final state');
  const gen = resumed.ask();
  const again = core({ restarts: 'bipop', max_restarts: 2 }, 8);
  again.restore(resumed.snapshot());
  t.same(again.ask(), gen, 'restore between ask and tell asks the same points');
  t.throws(() => core({}, 1, box(3)).restore(part.snapshot()), /run\.mean must be an array of 3 numbers/);
  t.throws(() => core().restore({ type: 'ga' }), /not a version-1 CMA-ES snapshot/);
});

t.test('validation: hyper-parameters, x0 against the box, told rows', async (t) => {
  t.notOk(cmaesSchema.safeParse({ restarts: 'sometimes' }).success);
  t.notOk(cmaesSchema.safeParse({ pop_size: 1 }).success);
  t.notOk(cmaesSchema.safeParse({ sigma0: 0 }).success);
  t.notOk(cmaesSchema.safeParse({ popsize: 10 }).success, 'unknown keys refused');
  t.throws(() => core({ x0: [1, 2] }), /optimizer\.x0: got 2 values, expected 10 \(one per parameter\)/);
  t.throws(() => core({ x0: 7 }), /optimizer\.x0: got 7 for coordinate 0, expected a value in \[-5, 5\]/);
  const c = core({ pop_size: 12 });
  const gen = c.ask();
  t.same(Array.from(gen.index), Array.from({ length: 12 }, (_, k) => k), 'pop_size rows, indexed 0..lambda-1');
  t.throws(() => c.tell({ ...evaluate(gen, sphere), generation: 3 }), /told generation 3, but generation 0 is in progress/);
  const short = evaluate(gen, sphere);
  t.throws(() => c.tell({ ...short, index: short.index.subarray(0, 5) }), /told 5 evaluations, expected all 12/);
  t.throws(() => c.tell({ ...short, index: short.index.map(() => 0) }), /evaluation for individual 0/);
});
