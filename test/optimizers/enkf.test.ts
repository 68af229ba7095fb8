import t from 'tap';
import { inverse, Matrix } from 'ml-matrix';
import { STATUS_CODES } from '../../src/core/fitness.js';
import type { Evaluations, Generation } from '../../src/core/optimizer.js';
import { Space } from '../../src/core/space.js';
import { Rng } from '../../src/math/rng.js';
import { row } from '../../src/math/rows.js';
import {
  countOf, enkfOptimizer, enkfSchema, kalmanStep, kalmanUpdate, miniBatches, rankMembers, resample, type EnkfCore, type ResampleParams,
} from '../../src/optimizers/enkf/index.js';
import { getOptimizer } from '../../src/optimizers/registry.js';
import { LinearInverseOptimizee, linearInverseSchema } from '../../src/optimizees/linear-inverse/index.js';

const box = (dim: number, lo = -10, hi = 10) => new Space([{ name: 'u', length: dim, lower: lo, upper: hi }]);
const make = (params: Record<string, unknown>, space: Space, seed = 1) => enkfOptimizer.create(enkfSchema.parse(params), { space, weights: [-1], seed }) as EnkfCore;
const rows = (gen: Generation, dim: number) => Array.from(gen.index, (_, k) => row(gen.x, k, dim).slice());
const copy = (us: Float64Array[]) => us.map((u) => u.slice());
const v = (...xs: number[]) => Float64Array.from(xs);

/**
 * Evaluations of a generation with model outputs out(x, i); fitness |output|^2 (weight -1) unless
 * given; rows listed in `failed` fail (no outputs); rows are told in reverse order when `reverse`.
 */
function evaluate(gen: Generation, dim: number, out: (x: Float64Array, i: number) => Float64Array | undefined,
  opts: { failed?: number[]; weighted?: (i: number) => number; reverse?: boolean } = {}): Evaluations {
  const n = gen.index.length;
  const order = Array.from({ length: n }, (_, k) => (opts.reverse ? n - 1 - k : k));
  const index = Int32Array.from(order, (k) => gen.index[k]);
  const x = new Float64Array(n * dim);
  order.forEach((k, j) => x.set(row(gen.x, k, dim), j * dim));
  const outputs = order.map((k) => (opts.failed?.includes(gen.index[k]) ? null : out(row(gen.x, k, dim), gen.index[k]) ?? null));
  const fitness = Float64Array.from(outputs, (o) => (o ? o.reduce((s, g) => s + g * g, 0) : NaN));
  const status = Uint8Array.from(order, (k) => (opts.failed?.includes(gen.index[k]) ? STATUS_CODES.failed : STATUS_CODES.ok));
  const weighted = Float64Array.from(index, (i, j) => (status[j] !== STATUS_CODES.ok ? -Infinity : opts.weighted ? opts.weighted(i) : -fitness[j]));
  return { generation: gen.generation, dim, nObj: 1, index, x, fitness, weighted, status, outputs };
}

t.test('registered as "enkf", with the reference example values as defaults', async (t) => {
  t.equal(getOptimizer('enkf'), enkfOptimizer);
  t.match(enkfSchema.parse({}), { gamma: 0.5, pop_size: 98, n_batches: 10, maxit: 1, best_n: 0.1, worst_n: 0.11, pick_method: 'random', sample_scale: 0.1 });
  t.equal(countOf(98, 0.1), 9, "the reference's int(98 * 0.1)");
  t.equal(countOf(98, 0.11), 10, "the reference's int(98 * 0.11)");
});

t.test('the update on a hand-computed 1-D case: U += Cup (Cpp + Gamma)^-1 (y - G)', async (t) => {
  // u = (1, 3), G = (2, 6), y = 4, gamma 0.5: Cpp = (4 + 4)/2 = 4, Cup = (2 + 2)/2 = 2, gain 2/4.5 = 4/9
  const members = [v(1), v(3)];
  t.ok(kalmanStep(members, [v(2), v(6)], [4], 0, 1, 0.5));
  t.ok(Math.abs(members[0][0] - 17 / 9) < 1e-14, `u1 = 1 + 4/9 (4 - 2) = 17/9, got ${members[0][0]}`);
  t.ok(Math.abs(members[1][0] - 19 / 9) < 1e-14, `u2 = 3 + 4/9 (4 - 6) = 19/9, got ${members[1][0]}`);
});

t.test('the update on a 2-parameter, 2-output case against the formula written out', async (t) => {
  const U = [v(0.5, -1), v(2, 0.25), v(-0.75, 1.5)];
  const G = [v(1, 2), v(-1, 0.5), v(3, -2)];
  const y = [0.2, -0.4];
  const gamma = 0.3;
  const mean = (a: Float64Array[], c: number) => a.reduce((s, r) => s + r[c], 0) / a.length;
  const cov = (a: Float64Array[], i: number, b: Float64Array[], j: number) => a.reduce((s, _, k) => s + (a[k][i] - mean(a, i)) * (b[k][j] - mean(b, j)), 0) / a.length;
  const [p, q, r] = [cov(G, 0, G, 0) + gamma, cov(G, 0, G, 1), cov(G, 1, G, 1) + gamma];
  const det = p * r - q * q;
  const inv = [[r / det, -q / det], [-q / det, p / det]];
  const expected = U.map((u, k) => {
    const d = [y[0] - G[k][0], y[1] - G[k][1]];
    const w = [inv[0][0] * d[0] + inv[0][1] * d[1], inv[1][0] * d[0] + inv[1][1] * d[1]];
    return [0, 1].map((i) => u[i] + cov(U, i, G, 0) * w[0] + cov(U, i, G, 1) * w[1]);
  });
  const members = copy(U);
  kalmanStep(members, G, y, 0, 2, gamma);
  members.forEach((m, k) => [0, 1].forEach((i) => t.ok(Math.abs(m[i] - expected[k][i]) < 1e-12, `member ${k}, coordinate ${i}`)));
});

t.test('a batch of many more outputs than members (the Woodbury path) gives the same update', async (t) => {
  const rng = Rng.derive(9);
  const U = Array.from({ length: 3 }, () => v(rng.normal(), rng.normal()));
  const G = Array.from({ length: 3 }, () => Float64Array.from({ length: 8 }, () => rng.normal()));
  const y = Array.from({ length: 8 }, () => rng.normal());
  const centre = (a: Float64Array[]) => new Matrix(a.map((r) => Array.from(r))).subRowVector(new Matrix(a.map((r) => Array.from(r))).mean('column'));
  const [dU, dG] = [centre(U), centre(G)];
  const cpp = dG.transpose().mmul(dG).div(3).add(Matrix.eye(8).mul(0.5));
  const cup = dU.transpose().mmul(dG).div(3);
  const K = cup.mmul(inverse(cpp));
  const members = copy(U);
  t.ok(kalmanStep(members, G, y, 0, 8, 0.5));
  members.forEach((m, k) => {
    const d = K.mmul(Matrix.columnVector(y.map((yc, c) => yc - G[k][c]))).getColumn(0);
    t.ok(m.every((x, i) => Math.abs(x - U[k][i] - d[i]) < 1e-12), `member ${k}`);
  });
});

t.test('an update that overflows is rejected and leaves the members as they were', async (t) => {
  const members = [v(1), v(2), v(3)];
  const r = kalmanUpdate(members, [v(1e308), v(1e308), v(-1e308)], [0], { gamma: 0.5, nBatches: 1, maxit: 1, bound: () => {} });
  t.same(r, { applied: 0, rejected: 1 });
  t.same(members, [v(1), v(2), v(3)]);
});

t.test('the core applies the update to the members it asked, whatever order the rows come back in', async (t) => {
  const space = box(1);
  const c = make({ pop_size: 3, n_batches: 1, worst_n: 0, observations: [4] }, space);
  const gen = c.ask();
  const us = rows(gen, 1);
  const G = [v(2), v(6), v(-1)];
  const stats = c.tell(evaluate(gen, 1, (_x, i) => G[i], { reverse: true }));
  const expected = copy(us);
  kalmanStep(expected, G, [4], 0, 1, 0.5);
  t.same(rows(c.ask(), 1), expected.map((u) => space.clip(u)));
  t.match(stats, { used: 3, excluded: 0, resampled: 0, batches: 1, updates: 1, rejected_updates: 0 });
  t.equal(stats.misfit, (4 - 7 / 3) ** 2, '|y - mean G|^2');
  t.equal(stats.misfit_members, (4 + 4 + 25) / 3, 'mean of |y - g_j|^2');
});

t.test('mini-batches: consecutive chunks, each one used, one update each', async (t) => {
  t.same(miniBatches(5, 2), [[0, 3], [3, 5]], "numpy's array_split");
  t.same(miniBatches(6, 3), [[0, 2], [2, 4], [4, 6]]);
  t.same(miniBatches(3, 10), [[0, 3]], 'more batches than observations: one batch, as the reference');
  const U = [v(1, 0), v(0, 2), v(-1, 1), v(2, -2)];
  const G = U.map((u) => v(u[0], u[1], u[0] + u[1], u[0] - u[1], 2 * u[0]));
  const run = (y: number[], nBatches: number, maxit = 1) => {
    const m = copy(U);
    const r = kalmanUpdate(m, G, y, { gamma: 0.5, nBatches, maxit, bound: () => {} });
    return { m: m.map((u) => Array.from(u)), r };
  };
  const zeros = [0, 0, 0, 0, 0];
  const sequential = copy(U);
  kalmanStep(sequential, G, zeros, 0, 3, 0.5);
  kalmanStep(sequential, G, zeros, 3, 5, 0.5);
  t.same(run(zeros, 2).m, sequential.map((u) => Array.from(u)), 'batch [0,3) then batch [3,5)');
  t.same(run(zeros, 2).r, { applied: 2, rejected: 0 });
  t.notSame(run([1, 0, 0, 0, 0], 2).m, run(zeros, 2).m, 'the first batch\'s observations count');
  t.notSame(run([0, 0, 0, 0, 1], 2).m, run(zeros, 2).m, 'and the last batch\'s');
  t.notSame(run(zeros, 2).m, run(zeros, 1).m, 'two batches are not one');
  const twice = copy(sequential);
  kalmanStep(twice, G, zeros, 0, 3, 0.5);
  kalmanStep(twice, G, zeros, 3, 5, 0.5);
  t.same(run(zeros, 2, 2).m, twice.map((u) => Array.from(u)), 'maxit 2 passes twice over the batches, G unchanged');
});

const resampleParams: ResampleParams = { best_n: 0.2, worst_n: 0.3, pick_method: 'random', pick_probability: 0.7, sample_scale: 0.01 };

t.test('resampling replaces the worst by noisy copies of the best, taking their outputs', async (t) => {
  const members = Array.from({ length: 10 }, (_, i) => v(i, -i));
  const outputs: (Float64Array | null)[] = members.map((u) => v(u[0] * 10));
  outputs[4] = null; // a failed member
  const weighted = [-5, -1, -2, -9, -Infinity, -3, -8, -4, -6, -7];
  t.same(rankMembers(weighted), [1, 2, 5, 7, 0, 8, 9, 6, 3, 4], 'best first, failed last');
  const before = copy(members);
  const done = resample(members, outputs, weighted, resampleParams, Rng.derive(1));
  t.same(done.map((r) => r.worst), [6, 3, 4], 'the worst 3 (int(10 * 0.3)), the failed one included');
  for (const { worst, source } of done) {
    t.ok(source === 1 || source === 2, `copied from a best member (int(10 * 0.2) = 2), here ${source}`);
    const d = members[worst].map((x, i) => x - before[source][i]);
    t.ok(d.every((e) => Math.abs(e) < 0.05 && e !== 0), `member ${worst} is member ${source} plus small noise`);
    t.equal(outputs[worst], outputs[source], 'and carries its output');
  }
  for (const i of [0, 1, 2, 5, 7, 8, 9]) t.same(members[i], before[i], `member ${i} untouched`);
  const again = copy(before);
  const outs2 = before.map((u) => v(u[0] * 10));
  resample(again, outs2, weighted, resampleParams, Rng.derive(1));
  t.same(again, members, 'the stream decides the draws');
});

t.test('best_first copies the top member with pick_probability 1, nobody with 0', async (t) => {
  const base = Array.from({ length: 10 }, (_, i) => v(i));
  const weighted = Array.from({ length: 10 }, (_, i) => -i);
  const one = copy(base);
  const r1 = resample(one, base.map((u) => u), weighted, { ...resampleParams, pick_method: 'best_first', pick_probability: 1 }, Rng.derive(2));
  t.same(r1.map((r) => r.source), [0, 0, 0]);
  const none = copy(base);
  t.same(resample(none, base.map((u) => u), weighted, { ...resampleParams, pick_method: 'best_first', pick_probability: 0 }, Rng.derive(2)), []);
  t.same(none, base);
});

t.test('failed members stay out of the covariances and keep their parameters', async (t) => {
  const space = box(2);
  const c = make({ pop_size: 6, n_batches: 1, worst_n: 0 }, space);
  const gen = c.ask();
  const us = rows(gen, 2);
  const out = (x: Float64Array, i: number) => (i === 4 ? v(NaN, 1) : v(x[0] - 1, 2 * x[1] + x[0]));
  const stats = c.tell(evaluate(gen, 2, out, { failed: [1] }));
  const next = rows(c.ask(), 2);
  t.same(next[1], us[1], 'a failed member keeps its place');
  t.same(next[4], us[4], 'so does one with non-finite outputs');
  const usable = [0, 2, 3, 5];
  const expected = usable.map((i) => us[i].slice());
  kalmanStep(expected, usable.map((i) => out(us[i], i)), [0, 0], 0, 2, 0.5);
  usable.forEach((i, k) => t.same(next[i], space.clip(expected[k]), `member ${i} moved by the update of the 4 usable ones`));
  t.match(stats, { used: 4, excluded: 2 });
  const all = make({ pop_size: 3, n_batches: 1 }, space);
  const g0 = all.ask();
  t.match(all.tell(evaluate(g0, 2, () => undefined, { failed: [0, 1, 2] })), { used: 0, updates: 0 });
  t.same(rows(all.ask(), 2), rows(g0, 2), 'all failed: nothing moves');
});

t.test('with resampling, failed members are replaced first and then updated', async (t) => {
  const c = make({ pop_size: 10, n_batches: 1, best_n: 0.1, worst_n: 0.1, sample_scale: 0.001, gamma: 1e12 }, box(2));
  const gen = c.ask();
  const us = rows(gen, 2);
  const stats = c.tell(evaluate(gen, 2, (x) => v(x[0], x[1]), { failed: [7], weighted: (i) => (i === 3 ? 0 : -1 - i) }));
  const next = rows(c.ask(), 2);
  t.equal(stats.resampled, 1);
  t.ok(next[7].every((x, d) => Math.abs(x - us[3][d]) < 0.01), 'the failed member became a copy of the best (member 3)');
  t.ok(next[8].every((x, d) => Math.abs(x - us[8][d]) < 1e-6), 'the others barely move under gamma 1e12');
});

t.test('the ensemble stays in the box: members are clipped after each update', async (t) => {
  const space = box(1, 0, 2);
  const c = make({ pop_size: 5, n_batches: 1, worst_n: 0, observations: [100] }, space);
  const gen = c.ask();
  c.tell(evaluate(gen, 1, (x) => v(x[0])));
  const next = c.ask();
  t.ok(Array.from(next.x).every((x) => x >= 0 && x <= 2));
  t.ok(Array.from(next.x).some((x) => x === 2), 'pushed onto the upper bound');
});

t.test('tell refuses what it cannot use, with messages that say why', async (t) => {
  const c = make({ pop_size: 3, n_batches: 1, observations: [0, 0] }, box(2));
  const gen = c.ask();
  const ok = evaluate(gen, 2, (x) => x.slice());
  t.throws(() => c.tell({ ...ok, outputs: null }), /no model outputs; the EnKF needs each member's outputs G\(u\)/);
  t.throws(() => c.tell(evaluate(gen, 2, (x) => v(x[0], x[1], 0))), /member 0 returned 3 model outputs, but observations has 2 values/);
  t.throws(() => c.tell({ ...ok, generation: 4 }), /told generation 4, but generation 0 is in progress/);
  t.throws(() => c.tell({ ...ok, index: Int32Array.of(0, 0, 1) }), /member 0 told twice/);
  t.throws(() => c.tell({ ...ok, index: Int32Array.of(0, 1, 7) }), /member 7, but the ensemble has 3 members/);
  const d = make({ pop_size: 3, n_batches: 1 }, box(2));
  const g = d.ask();
  d.tell(evaluate(g, 2, (x) => x.slice()));
  t.throws(() => d.tell(evaluate(d.ask(), 2, (x) => v(x[0]))), /returned 1 model outputs, but earlier outputs had 2 values/);
});

t.test('hyper-parameters are validated with the key and the reason', async (t) => {
  const issue = (p: Record<string, unknown>) => {
    const r = enkfSchema.safeParse(p);
    return r.success ? null : { path: r.error.issues[0].path.join('.'), message: r.error.issues[0].message };
  };
  t.match(issue({ best_n: 0.5, worst_n: 0.6 }), { path: 'worst_n', message: /at most 1 - best_n/ });
  t.match(issue({ pop_size: 20, best_n: 0.01, worst_n: 0.11 }), { path: 'best_n', message: /at least 1\/pop_size .* or worst_n 0/ });
  t.equal(issue({ pop_size: 20, best_n: 0.01, worst_n: 0 }), null, 'no resampling, no best needed');
  t.match(issue({ gamma: 0 }), { path: 'gamma' });
  t.match(issue({ pop_size: 1 }), { path: 'pop_size' });
  t.match(issue({ pick_method: 'gaussian' }), { path: 'pick_method' });
  t.match(issue({ observations: [] }), { path: 'observations' });
  t.match(issue({ noise: 1 }), { message: /noise/ });
});

t.test('a resampling fraction not given follows the one given: no valid choice is refused for a key the user never wrote', async (t) => {
  const fractions = (p: Record<string, unknown>) => {
    const r = enkfSchema.parse(p);
    return [r.best_n, r.worst_n];
  };
  t.same(fractions({}), [0.1, 0.11], 'the reference\'s 0.1 and 0.11');
  t.same(fractions({ pop_size: 5 }), [0.1, 0.11], 'also where neither selects a member');
  t.same(fractions({ worst_n: 0.5 }), [0.1, 0.5], 'defaults stand where valid');
  t.same(fractions({ best_n: 0.3 }), [0.3, 0.11]);
  t.same(fractions({ worst_n: 0.95 }), [0.05, 0.95], 'best_n lowered to 1 - worst_n');
  t.same(fractions({ best_n: 0.95 }), [0.95, 0.05], 'worst_n lowered to 1 - best_n');
  t.same(fractions({ pop_size: 5, worst_n: 0.5 }), [0.2, 0.5], 'best_n raised to one member of five');
  t.same(fractions({ pop_size: 7, worst_n: 0.3 }), [0.15, 0.3], '1/7 rounded up to a hundredth');
  t.same(fractions({ pop_size: 20, best_n: 0.01 }), [0.01, 0], 'no best member to copy: no resampling');
  for (const p of [{ worst_n: 0.95 }, { pop_size: 7, worst_n: 0.3 }, { pop_size: 3, worst_n: 0.665 }]) {
    const r = enkfSchema.parse(p);
    t.same(enkfSchema.parse(JSON.parse(JSON.stringify(r))), r, `${JSON.stringify(p)}: the resolved configuration, parsed again, is itself`);
    t.ok(countOf(r.pop_size, r.best_n) > 0, `${JSON.stringify(p)}: a best member to copy`);
  }
  t.same(Object.keys(enkfSchema.parse({ worst_n: 0.95 })).slice(0, 6), ['gamma', 'pop_size', 'n_batches', 'maxit', 'best_n', 'worst_n'], 'keys in their places');
  // where no best_n could serve, the error names the worst_n the user wrote
  const r = enkfSchema.safeParse({ pop_size: 10, worst_n: 0.95 });
  t.match(r.error?.issues, [{ path: ['worst_n'], message: /at most 1 - 1\/pop_size \(0\.9\)/ }]);
  const gen = make({ pop_size: 5, worst_n: 0.5, n_batches: 1 }, box(2)).ask();
  t.equal(gen.index.length, 5, 'and it runs');
});

t.test('snapshot/restore continues exactly and checks what it is given', async (t) => {
  const space = box(3);
  const out = (x: Float64Array) => v(x[0] - 1, x[1] + x[2], x[2] * 2);
  const drive = (c: EnkfCore, n: number) => Array.from({ length: n }, () => {
    const gen = c.ask();
    c.tell(evaluate(gen, 3, out));
    return Array.from(gen.x);
  });
  const a = make({ pop_size: 12, n_batches: 2 }, space, 4);
  drive(a, 3);
  const snap = JSON.parse(JSON.stringify(a.snapshot()));
  const b = make({ pop_size: 12, n_batches: 2 }, space, 4);
  b.restore(snap);
  t.same(drive(b, 5), drive(a, 5));
  t.throws(() => b.restore({ ...snap, ensemble: snap.ensemble.slice(1) }), /holds 11 members but pop_size is 12/);
  t.throws(() => b.restore({ ...snap, type: 'ga' }), /not a version-1 EnKF snapshot/);
  t.throws(() => b.restore({ ...snap, ensemble: [[null, 0, 0], ...snap.ensemble.slice(1)] }), /ensemble\[0\] must be 3 finite numbers/);
  t.throws(() => make({ pop_size: 12, observations: [1, 2] }, space).restore(snap), /outputLength 3 does not match the 2 observations/);
});

t.test('stop: a collapsed ensemble with nothing to add noise', async (t) => {
  const snap = { type: 'enkf', version: 1, generation: 2, ensemble: [[1, 1], [1, 1], [1, 1]], outputLength: 2 };
  const still = make({ pop_size: 3, worst_n: 0 }, box(2));
  still.restore(snap);
  t.match(still.stop(), [/ensemble collapsed/]);
  const noisy = make({ pop_size: 10 }, box(2));
  noisy.restore({ ...snap, ensemble: Array.from({ length: 10 }, () => [1, 1]) });
  t.same(noisy.stop(), [], 'resampling noise can still move it');
});

/** Runs the EnKF on a linear inverse problem; returns the final mean error and the best member's. */
function recover(params: Record<string, unknown>, generations: number) {
  const problem = new LinearInverseOptimizee(linearInverseSchema.parse({ dims: 10, outputs: 20, seed: 1 }));
  const c = make(params, problem.space, 3);
  let bestErr = Infinity;
  for (let g = 0; g < generations; g++) {
    const gen = c.ask();
    const ev = evaluate(gen, 10, (x) => problem.evaluate(x).outputs);
    c.tell(ev);
    const k = ev.weighted.indexOf(Math.max(...ev.weighted));
    bestErr = Math.max(...row(ev.x, k, 10).map((x, i) => Math.abs(x - problem.uTrue[i])));
  }
  const meanErr = Math.max(...c.mean().map((m, i) => Math.abs(m - problem.uTrue[i])));
  return { meanErr, bestErr };
}

t.test('recovers the known solution of a linear inverse problem (10 parameters, 20 outputs)', async (t) => {
  const exact = recover({ gamma: 1e-6, worst_n: 0 }, 100);
  t.ok(exact.meanErr < 1e-4, `98 members, 10 batches, no resampling, 100 generations: mean within ${exact.meanErr.toExponential(2)} of u* (max abs)`);
  const sampled = recover({ gamma: 1e-6 }, 100);
  t.ok(sampled.bestErr < 1e-2, `with the reference's resampling: best member within ${sampled.bestErr.toExponential(2)}`);
  const defaults = recover({}, 100);
  t.ok(defaults.bestErr < 0.1, `reference defaults (gamma 0.5): best member within ${defaults.bestErr.toExponential(2)}`);
});
