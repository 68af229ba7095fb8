import t from 'tap';
import { STATUS_CODES } from '../../src/core/fitness.js';
import type { Evaluations, Generation, GenerationalCore } from '../../src/core/optimizer.js';
import { Space } from '../../src/core/space.js';
import { Rng } from '../../src/math/rng.js';
import {
  admissionProbability, crossEntropyOptimizer, crossEntropySchema, fitMixture, meanCov, rank, SearchDistribution,
  type CeSnapshot, type CrossEntropyCore, type DistributionConfig, type DistributionState,
} from '../../src/optimizers/cross-entropy/index.js';
import { getOptimizer } from '../../src/optimizers/registry.js';
import { evaluate, rowsOf } from '../helpers/columns.js';

const box = (dim: number, lo = -5, hi = 5) => new Space([{ name: 'x', length: dim, lower: lo, upper: hi }]);
const sphere = (x: Float64Array) => x.reduce((s, v) => s + v * v, 0);

function core(params: Record<string, unknown> = {}, seed = 1, space = box(4)): CrossEntropyCore {
  return crossEntropyOptimizer.create(crossEntropySchema.parse(params), { space, weights: [-1], seed }) as CrossEntropyCore;
}

/** Evaluations whose weighted fitness is given per row (status failed where `failed` holds). */
function told(gen: Generation, weighted: number[], failed: (k: number) => boolean = () => false): Evaluations {
  const ev = evaluate(gen, () => 0, { weight: 1 });
  weighted.forEach((w, k) => {
    ev.fitness[k] = w;
    ev.weighted[k] = failed(k) ? -Infinity : w;
    ev.status[k] = failed(k) ? STATUS_CODES.failed : STATUS_CODES.ok;
  });
  return ev;
}

function run(c: GenerationalCore, n: number, f = sphere): number[][][] {
  const asks = [];
  for (let g = 0; g < n; g++) {
    const gen = c.ask();
    asks.push(rowsOf(gen).map((r) => Array.from(r.x)));
    c.tell(evaluate(gen, f));
  }
  return asks;
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => Array.from(a).every((v, i) => Math.abs(v - b[i]) <= tol);

t.test('Gaussian: fits the mean and unbiased covariance of known rows, and samples with that covariance', async (t) => {
  const rows = [Float64Array.of(1, 2), Float64Array.of(3, 6), Float64Array.of(5, 4)];
  const m = meanCov(rows, 2);
  t.same(Array.from(m.mean), [3, 4]);
  t.same(Array.from(m.cov), [4, 2, 2, 4], 'deviations (-2,-2), (0,2), (2,0), divided by n - 1');
  const d = new SearchDistribution({ type: 'gaussian' }, 2);
  d.fit(rows, 0, Rng.derive(1));
  t.same(Array.from(d.components[0].cov), [4, 2, 2, 4]);
  const n = 20000;
  const x = new Float64Array(2 * n);
  d.sampleInto(Rng.derive(2), x, n, box(2, -1e9, 1e9));
  const s = meanCov(Array.from({ length: n }, (_, k) => x.subarray(2 * k, 2 * k + 2)), 2);
  t.ok(close(s.mean, [3, 4], 0.05), `sample mean ${Array.from(s.mean)}`);
  t.ok(close(s.cov, [4, 2, 2, 4], 0.15), `sample covariance ${Array.from(s.cov)} (the correlation is reproduced)`);
  const clipped = new Float64Array(2 * 500);
  d.sampleInto(Rng.derive(3), clipped, 500, box(2, 2, 4));
  t.ok(clipped.every((v) => v >= 2 && v <= 4) && clipped.some((v) => v === 2) && clipped.some((v) => v === 4), 'samples are clipped into the box');
});

t.test('Gaussian: a singular covariance samples on its subspace', async (t) => {
  const d = new SearchDistribution({ type: 'gaussian' }, 2);
  d.fit([Float64Array.of(0, 0), Float64Array.of(1, 2), Float64Array.of(2, 4)], 0, Rng.derive(1));
  const x = new Float64Array(2 * 100);
  d.sampleInto(Rng.derive(2), x, 100, box(2, -100, 100));
  let spread = 0;
  for (let k = 0; k < 100; k++) {
    t.ok(Math.abs(x[2 * k + 1] - 2 * x[2 * k]) < 1e-9, `row ${k} lies on the line y = 2x`);
    spread += Math.abs(x[2 * k] - 1);
  }
  t.ok(spread > 10, 'and spreads along it');
});

t.test('smoothing: new = smoothing * old + (1 - smoothing) * fitted, mean and covariance', async (t) => {
  const d = new SearchDistribution({ type: 'gaussian' }, 2);
  d.fit([Float64Array.of(0, 0), Float64Array.of(2, 2)], 0, Rng.derive(1)); // mean (1,1), cov [[2,2],[2,2]]
  d.fit([Float64Array.of(4, 0), Float64Array.of(4, 2)], 0.25, Rng.derive(1)); // fitted mean (4,1), cov [[0,0],[0,2]]
  t.same(Array.from(d.components[0].mean), [0.25 * 1 + 0.75 * 4, 1]);
  t.same(Array.from(d.components[0].cov), [0.5, 0.5, 0.5, 0.25 * 2 + 0.75 * 2]);
});

t.test('noisy Gaussian: |N(0, magnitude * scale)| added to the variances, magnitude decaying per fit', async (t) => {
  const d = new SearchDistribution({ type: 'noisy-gaussian', noise_magnitude: 2, noise_decay: 0.5, coordinate_scale: [1, 1e-9] }, 2);
  const rows = [Float64Array.of(0, 0), Float64Array.of(2, 2), Float64Array.of(2, 0)];
  d.fit(rows, 0, Rng.derive(1));
  t.equal(d.summary().noise_magnitude, 1, 'decayed once');
  const noise = d.noiseValues![0];
  t.ok(noise[0] > 0 && noise[1] >= 0 && noise[1] < 1e-7, `noise ${Array.from(noise)} follows coordinate_scale`);
  t.same(Array.from(d.components[0].cov), Array.from(meanCov(rows, 2).cov), 'the covariance state excludes the noise');
  const var0 = meanCov(rows, 2).cov[0] + noise[0];
  t.ok(Math.abs(d.stds()[0] - Math.sqrt(var0)) < 1e-12, 'sampling uses cov + noise');
  d.fit(rows, 0, Rng.derive(2));
  t.equal(d.summary().noise_magnitude, 0.5);
  t.throws(() => new SearchDistribution({ type: 'noisy-gaussian', noise_magnitude: 1, noise_decay: 1, coordinate_scale: [1] }, 2), /coordinate_scale has 1 values but the parameter space has 2/);
});

/** n points around a centre with standard deviation sd per coordinate. */
function cluster(rng: Rng, centre: number[], sd: number, n: number): Float64Array[] {
  return Array.from({ length: n }, () => Float64Array.from(centre, (c) => c + sd * rng.normal()));
}

t.test('mixture: EM recovers three well-separated clusters', async (t) => {
  const rng = Rng.derive(7);
  const truth = [{ mean: [-10, -10], n: 60 }, { mean: [0, 10], n: 100 }, { mean: [10, -5], n: 140 }];
  const rows = truth.flatMap((c) => cluster(rng, c.mean, 0.5, c.n));
  const fit = fitMixture(rows, 3, null, Rng.derive(1));
  for (const c of truth) {
    const got = fit.components.find((k) => close(k.mean, c.mean, 0.2));
    t.ok(got, `a component at (${c.mean})`);
    if (!got) continue;
    t.ok(Math.abs(got.weight - c.n / 300) < 0.01, `weight ${got.weight.toFixed(3)} ~ ${(c.n / 300).toFixed(3)}`);
    t.ok(close([got.cov[0], got.cov[3]], [0.25, 0.25], 0.1) && Math.abs(got.cov[1]) < 0.1, `covariance ${Array.from(got.cov).map((v) => v.toFixed(2))}`);
  }
  t.ok(fit.iterations < 100, `converged in ${fit.iterations} iterations`);
  t.same(fitMixture(rows, 3, null, Rng.derive(1)), fit, 'deterministic given the stream');
  const warm = fitMixture(rows, 3, fit.components, Rng.derive(99));
  t.ok(warm.components.every((c, j) => close(c.mean, fit.components[j].mean, 1e-3)), 'a warm start keeps each component in its place');
});

t.test('mixture: a component without rows is seeded again, never NaN', async (t) => {
  const rng = Rng.derive(3);
  const rows = [...cluster(rng, [0, 0], 0.1, 20), ...cluster(rng, [5, 5], 0.1, 20)];
  const far = [{ weight: 0.4, mean: Float64Array.of(0, 0), cov: Float64Array.of(0.01, 0, 0, 0.01) },
    { weight: 0.4, mean: Float64Array.of(5, 5), cov: Float64Array.of(0.01, 0, 0, 0.01) },
    { weight: 0.2, mean: Float64Array.of(1e3, -1e3), cov: Float64Array.of(0.01, 0, 0, 0.01) }];
  const fit = fitMixture(rows, 3, far, Rng.derive(1));
  t.ok(fit.components.every((c) => c.mean.every(Number.isFinite) && c.cov.every(Number.isFinite)), 'all finite');
  t.ok(Math.abs(fit.components.reduce((s, c) => s + c.weight, 0) - 1) < 1e-12, 'weights sum to 1');
  t.ok(fit.components[2].mean[0] < 10, `the far component moved to the data (${Array.from(fit.components[2].mean)})`);
  const same = fitMixture(Array.from({ length: 5 }, () => Float64Array.of(1, 2)), 3, null, Rng.derive(1));
  t.ok(same.components.every((c) => close(c.mean, [1, 2], 0) && c.cov.every((v) => v === 0)), 'identical rows: every component at that point');
});

t.test('elite and gamma: the n_elite = floor(rho * pop_size) best usable rows', async (t) => {
  const c = core({ pop_size: 10, rho: 0.3, distribution: { type: 'gaussian' } });
  const gen = c.ask();
  const w = [5, 1, 9, 3, 7, 2, 8, 4, 6, 0];
  const ev = told(gen, w, (k) => k === 2); // row 2 (9) failed
  const r = rank(ev, 3);
  t.same(r.elite, [6, 4, 8], 'rows with 8, 7, 6: the failed 9 is left out');
  t.equal(r.gamma, 6);
  t.equal(r.best, 8);
  t.equal(r.rest.length, 6, 'the other usable rows');
  const stats = c.tell(ev);
  t.match(stats, { gamma: 6, best: 8, elite: 3, fitted: 3, admitted: 0 });
  const expected = meanCov([6, 4, 8].map((k) => rowsOf(gen)[k].x), 4);
  t.ok(close((c.distribution() as DistributionState).components[0].mean, expected.mean, 1e-12), 'the distribution is the elite mean (smoothing 0)');
  t.ok(close(c.distribution().components[0].cov, expected.cov, 1e-12), 'and the elite covariance');
});

t.test('admission: min(1, exp((f - gamma) / T)) for non-elite rows, only when temp_decay > 0', async (t) => {
  t.equal(admissionProbability(-1, 0, 1), Math.exp(-1));
  t.equal(admissionProbability(-1, 0, 0.5), Math.exp(-2));
  t.equal(admissionProbability(0, 0, 1e-300), 1, 'a tie with gamma is always admitted');
  t.equal(admissionProbability(-1e-9, 0, 0), 0, 'T = 0 admits nothing below gamma');

  const w = [0, 0, 0, -1e-12, -1e-12, -1000, -1000, -1e-12, -1000, -1000];
  const c = core({ pop_size: 10, rho: 0.3, temp_decay: 0.5, distribution: { type: 'gaussian' } });
  const gen = c.ask();
  const stats = c.tell(told(gen, w));
  t.match(stats, { temperature: 1, elite: 3, admitted: 3, fitted: 6 }, 'the three rows just below gamma, none of those 1000 below');
  const expected = meanCov([0, 1, 2, 3, 4, 7].map((k) => rowsOf(gen)[k].x), 4);
  t.ok(close(c.distribution().components[0].mean, expected.mean, 1e-12), 'fitted to elite and admitted rows');
  t.equal(c.tell(told(c.ask(), w)).temperature, 0.5, 'T decays by temp_decay per generation');
  t.equal(c.tell(told(c.ask(), w)).temperature, 0.25);

  const off = core({ pop_size: 10, rho: 0.3, temp_decay: 0, distribution: { type: 'gaussian' } });
  t.match(off.tell(told(off.ask(), w)), { admitted: 0, fitted: 3 }, 'temp_decay 0: no admission');

  let admitted = 0;
  const half = core({ pop_size: 10, rho: 0.2, temp_decay: 1, distribution: { type: 'gaussian' } });
  for (let g = 0; g < 200; g++) admitted += half.tell(told(half.ask(), [0, 0, ...new Array<number>(8).fill(-Math.LN2)])).admitted;
  t.ok(Math.abs(admitted / 1600 - 0.5) < 0.05, `exp(-ln 2) = 1/2 admitted (${admitted} of 1600)`);
});

t.test('failed evaluations never enter the fit; too few usable rows leave the distribution as it was', async (t) => {
  const c = core({ pop_size: 40, rho: 0.5, distribution: { type: 'gaussian' } });
  const gen = c.ask();
  const lucky = (x: Float64Array) => x[0] > 0;
  c.tell(evaluate(gen, (x) => (lucky(x) ? -1e9 : sphere(x)), { failed: lucky }));
  t.ok(c.distribution().components[0].mean[0] < 0, 'the mean lies among the successes');
  const before = c.distribution();
  const stats = c.tell(evaluate(c.ask(), sphere, { failed: (_x, i) => i !== 0 }));
  t.match(stats, { fitted: 0, elite: 1 });
  t.same(c.distribution(), before, 'one usable row: no refit');
});

t.test('converges on a 10-D sphere', async (t) => {
  const c = core({ pop_size: 100, rho: 0.2, smoothing: 0.5, distribution: { type: 'gaussian' } }, 2, box(10));
  let best = Infinity;
  for (let g = 0; g < 200 && c.stop().length === 0; g++) best = Math.min(best, -c.tell(evaluate(c.ask(), sphere)).best);
  t.ok(best < 1e-8, `best ${best}`);
});

t.test('the reference defaults (noisy Gaussian, rho 0.9) improve on a 4-D sphere', async (t) => {
  const c = core({}, 3);
  const first = -c.tell(evaluate(c.ask(), sphere)).best;
  let best = first;
  for (let g = 1; g < 300; g++) best = Math.min(best, -c.tell(evaluate(c.ask(), sphere)).best);
  t.ok(best < first / 20, `best ${best} from ${first}`);
  t.ok(c.distribution().noise_magnitude! < 0.06, 'the noise has decayed (0.99^301)');
});

t.test('a mixture finds both basins of a two-well function', async (t) => {
  // Equal wells: the elite drifts between them, so some runs lose one; most keep a component in each.
  const wells = (x: Float64Array) => Math.min(sphere(x.map((v) => v - 3)), sphere(x.map((v) => v + 3)));
  let both = 0;
  for (let seed = 1; seed <= 10; seed++) {
    const c = core({ pop_size: 100, rho: 0.3, smoothing: 0.3, distribution: { type: 'mixture', n_components: 2 } }, seed, box(2));
    run(c, 40, wells);
    const means = c.distribution().components.map((k) => k.mean.map((v) => Math.round(v)).join());
    t.ok(means.every((m) => m === '3,3' || m === '-3,-3'), `seed ${seed}: every component sits in a well (${means.join(' ')})`);
    if (new Set(means).size === 2) both++;
  }
  t.ok(both >= 5, `one component per well in ${both} of 10 runs`);
});

t.test('hyper-parameters: defaults and validation messages', async (t) => {
  const d = crossEntropySchema.parse({});
  t.same(d, { pop_size: 50, rho: 0.9, smoothing: 0, temp_decay: 0, distribution: { type: 'noisy-gaussian', noise_magnitude: 1, noise_decay: 0.99 } });
  t.same(crossEntropySchema.parse({ distribution: { type: 'mixture' } }).distribution, { type: 'mixture', n_components: 3 });
  t.same(crossEntropySchema.parse({ distribution: { type: 'noisy-mixture' } }).distribution, { type: 'noisy-mixture', n_components: 3, noise_magnitude: 1, noise_decay: 0.9 });
  const issue = (p: unknown) => crossEntropySchema.safeParse(p).error?.issues[0];
  t.match(issue({ pop_size: 10, rho: 0.1 }), { path: ['rho'], message: /at least 2 elite individuals/ });
  t.match(issue({ pop_size: 10, rho: 0.2, distribution: { type: 'mixture', n_components: 3 } }), { path: ['rho'], message: /at least n_components \(3\)/ });
  t.match(issue({ distribution: { type: 'bayesian' } }), { path: ['distribution'], message: /type one of gaussian, noisy-gaussian, mixture, noisy-mixture/ });
  t.match(issue({ distribution: { type: 'gaussian', noise_magnitude: 1 } }), { code: 'unrecognized_keys' });
  t.ok(issue({ smoothing: 1 }), 'smoothing must stay below 1');
  t.ok(issue({ temp_decay: 1.5 }));
  t.equal(eliteOf(0.29, 100), 29, 'floor(rho * pop_size) despite rounding');
  t.equal(getOptimizer('cross-entropy'), crossEntropyOptimizer);
});

t.test('rho not given is 0.9 where that leaves enough elite individuals, else just enough', async (t) => {
  const rho = (p: Record<string, unknown>) => crossEntropySchema.parse(p).rho;
  for (const pop_size of [3, 4, 10, 50, 1000]) t.equal(rho({ pop_size }), 0.9, `pop_size ${pop_size}: the reference's 0.9`);
  t.equal(rho({ pop_size: 2 }), 1, 'pop_size 2: both individuals, the two a covariance needs');
  t.equal(rho({ pop_size: 20, distribution: { type: 'mixture', n_components: 19 } }), 0.95, 'one elite individual per component');
  t.equal(rho({ pop_size: 3, distribution: { type: 'mixture' } }), 1);
  const r = crossEntropySchema.parse({ pop_size: 2 });
  t.same(crossEntropySchema.parse(JSON.parse(JSON.stringify(r))), r, 'the resolved configuration, parsed again, is itself');
  t.same(Object.keys(r), ['pop_size', 'rho', 'smoothing', 'temp_decay', 'distribution'], 'keys in their places');
  t.equal(eliteOf(undefined, 2), 2, 'and it runs, fitting both');
  // where no rho could serve, the error names what the user wrote
  t.match(crossEntropySchema.safeParse({ pop_size: 2, distribution: { type: 'mixture' } }).error?.issues, [{ path: ['distribution'], message: /at most pop_size \(2\) components/ }]);
  t.match(crossEntropySchema.safeParse({ pop_size: 2, rho: 0.9 }).error?.issues, [{ path: ['rho'], message: /at least 2 elite individuals/ }], 'a given rho is checked as before');
});

function eliteOf(rho: number | undefined, pop: number): number {
  const c = core({ pop_size: pop, ...(rho === undefined ? {} : { rho }), temp_decay: 0, distribution: { type: 'gaussian' } });
  return c.tell(evaluate(c.ask(), sphere)).elite;
}

t.test('snapshot/restore continues exactly, also through JSON, for every distribution', async (t) => {
  const kinds: DistributionConfig[] = [{ type: 'gaussian' }, { type: 'noisy-gaussian', noise_magnitude: 1, noise_decay: 0.9 }, { type: 'mixture', n_components: 3 },
    { type: 'noisy-mixture', n_components: 2, noise_magnitude: 1, noise_decay: 0.9 }];
  for (const distribution of kinds) {
    const p = { pop_size: 30, rho: 0.5, smoothing: 0.3, temp_decay: 0.9, distribution };
    const whole = run(core(p, 5), 12);
    const first = core(p, 5);
    run(first, 5);
    const snap = JSON.parse(JSON.stringify(first.snapshot())) as CeSnapshot;
    const resumed = core(p, 5);
    resumed.restore(snap);
    t.same(run(resumed, 7), whole.slice(5), `${distribution.type}: continuation after a JSON round trip`);
  }
  const a = core({}, 9);
  run(a, 3);
  const gen = a.ask();
  const b = core({}, 9);
  b.restore(a.snapshot());
  t.same(b.ask(), gen, 'restored between ask and tell, it asks the same rows');
});

t.test('restore rejects snapshots that do not fit', async (t) => {
  const snap = core({ distribution: { type: 'gaussian' } }).snapshot();
  t.throws(() => core({ distribution: { type: 'gaussian' } }, 1, box(3)).restore(snap), /components\[0\]\.mean must be an array of 3 numbers/);
  t.throws(() => core({ distribution: { type: 'mixture' } }).restore(snap), /holds 1 components but the distribution has 3/);
  t.throws(() => core().restore(snap), /without noise|noise_magnitude/);
  t.throws(() => core().restore({ type: 'face' }), /not a version-1 cross-entropy snapshot/);
  t.throws(() => core().restore({ ...snap, temperature: -1 }), /temperature/);
  const skew = JSON.parse(JSON.stringify(snap)) as CeSnapshot;
  skew.distribution.components[0].cov[1] = 0.5;
  t.throws(() => core({ distribution: { type: 'gaussian' } }).restore(skew), /components\[0\]\.cov is not symmetric/);
});

t.test('stop() reports a collapsed distribution', async (t) => {
  const c = core({ distribution: { type: 'gaussian' } });
  t.same(c.stop(), []);
  const snap = c.snapshot();
  snap.distribution.components[0].cov = new Array<number>(16).fill(0);
  c.restore(snap);
  t.match(c.stop(), [/distribution collapsed/]);
});

t.test('tell checks what it is told', async (t) => {
  const c = core({ pop_size: 10, rho: 0.5 });
  const gen = c.ask();
  const ev = evaluate(gen, sphere);
  t.throws(() => c.tell({ ...ev, generation: 1 }), /told generation 1, but generation 0 is in progress/);
  t.throws(() => c.tell({ ...ev, index: ev.index.slice(1) }), /told 9 evaluations, but generation 0 asked for 10/);
  t.throws(() => c.tell({ ...ev, index: Int32Array.from(ev.index, (i) => (i === 1 ? 0 : i)) }), /told twice/);
  t.throws(() => c.tell({ ...ev, index: Int32Array.from(ev.index, (i) => (i === 1 ? 10 : i)) }), /did not ask for/);
});
