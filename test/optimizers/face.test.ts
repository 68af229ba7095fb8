import t from 'tap';
import type { Generation, GenerationalCore } from '../../src/core/optimizer.js';
import { Space } from '../../src/core/space.js';
import { faceOptimizer, faceSchema, type FaceCore, type FaceSnapshot } from '../../src/optimizers/face/index.js';
import { getOptimizer } from '../../src/optimizers/registry.js';
import { evaluate, rowsOf } from '../helpers/columns.js';

const space4 = new Space([{ name: 'x', length: 4, lower: -5, upper: 5 }]);
const sphere = (x: Float64Array) => x.reduce((s, v) => s + v * v, 0);

function core(params: Record<string, unknown> = {}, seed = 1, space = space4): FaceCore {
  return faceOptimizer.create(faceSchema.parse(params), { space, weights: [-1], seed }) as FaceCore;
}

/** Tells a generation in which row k has weighted fitness w(k) (weight 1, so fitness = weighted). */
function tellWith(c: FaceCore, w: (k: number) => number): { gen: Generation; stats: Record<string, number> } {
  const gen = c.ask();
  const ev = evaluate(gen, () => 0, { weight: 1 });
  for (let k = 0; k < gen.index.length; k++) ev.fitness[k] = ev.weighted[k] = w(k);
  return { gen, stats: c.tell(ev) };
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

t.test('the sample size grows by n_expand while nothing improves, then FACE stops at max_pop_size', async (t) => {
  const c = core(); // min 20, max 50, n_expand 5
  const first = tellWith(c, () => 0);
  t.match(first.stats, { pop_size: 20, next_pop_size: 20, improved: 1 }, 'generation 0 improves on -Infinity');
  const sizes: number[] = [];
  for (let g = 1; g <= 6; g++) {
    const before = c.distribution();
    const { gen, stats } = tellWith(c, () => 0); // the same best and gamma: no improvement
    sizes.push(gen.index.length);
    t.equal(stats.improved, 0);
    t.same(c.distribution(), before, `generation ${g}: no refit while expanding`);
    t.same(c.stop(), [], 'and no stop yet');
  }
  t.same(sizes, [20, 25, 30, 35, 40, 45]);
  const last = tellWith(c, () => 0);
  t.equal(last.gen.index.length, 50);
  t.match(last.stats, { pop_size: 50, next_pop_size: 50, improved: 0 });
  t.match(c.stop(), [/neither best nor gamma improved with 50 samples.*max_pop_size \(50\): possibly diverged/]);
});

t.test('an improving generation refits and moves the sample size halfway back to min_pop_size', async (t) => {
  const c = core();
  for (let g = 0; g < 8; g++) tellWith(c, () => 0); // at 50, stopped
  t.equal(c.stop().length, 1);
  const sizes: number[] = [];
  for (let v = 1; v <= 6; v++) {
    const before = c.distribution();
    const { gen, stats } = tellWith(c, () => v);
    sizes.push(gen.index.length);
    t.equal(stats.improved, 1);
    t.notSame(c.distribution(), before, 'refitted');
    t.same(c.stop(), [], 'an improvement clears the stop');
  }
  t.same(sizes, [50, 35, 27, 23, 21, 20], 'floor((N + 20) / 2) each time');
});

t.test('either the best or gamma improving counts; neither is compared with older generations', async (t) => {
  const c = core();
  t.equal(tellWith(c, (k) => (k === 0 ? 5 : 0)).stats.improved, 1); // best 5, gamma 0
  t.equal(tellWith(c, () => 5).stats.improved, 1, 'gamma 0 -> 5 with the best unchanged');
  t.equal(tellWith(c, (k) => (k === 0 ? 6 : -100)).stats.improved, 1, 'best 5 -> 6 with gamma falling to -100');
  t.equal(tellWith(c, (k) => (k === 0 ? 1 : -200)).stats.improved, 0, 'both fall');
  t.equal(tellWith(c, (k) => (k === 0 ? 2 : -200)).stats.improved, 1, 'best 1 -> 2: better than the last generation, though not than generation 2');
});

t.test('a max_pop_size that n_expand does not reach exactly', async (t) => {
  const c = core({ max_pop_size: 48 });
  const sizes = Array.from({ length: 7 }, () => tellWith(c, () => 0).gen.index.length);
  t.same(sizes, [20, 20, 25, 30, 35, 40, 45]);
  t.match(c.stop(), [/with 45 samples, and 45 \+ n_expand \(5\) would pass max_pop_size \(48\)/]);
});

t.test('a generation that failed entirely improves nothing', async (t) => {
  const c = core();
  const gen = c.ask();
  const stats = c.tell(evaluate(gen, sphere, { failed: () => true }));
  t.match(stats, { improved: 0, next_pop_size: 25, fitted: 0 });
  t.notOk('best' in stats || 'gamma' in stats, 'no best or gamma to report');
});

t.test('the elite is the n_elite best rows', async (t) => {
  const c = core({ min_pop_size: 20, n_elite: 4, smoothing: 0 });
  const { gen, stats } = tellWith(c, (k) => -Math.abs(k - 10));
  t.match(stats, { best: 0, gamma: -2, elite: 4, fitted: 4 }, 'rows 10, 9, 11 and 8 (ties keep row order)');
  const rows = rowsOf(gen);
  const elite = [10, 9, 11, 8].map((k) => rows[k].x);
  const mean = [0, 1, 2, 3].map((i) => elite.reduce((s, x) => s + x[i], 0) / 4);
  t.ok(c.distribution().components[0].mean.every((v, i) => Math.abs(v - mean[i]) < 1e-12), 'fitted to rows 8..11 (smoothing 0)');
});

t.test('improves on a 4-D sphere and reports its statistics', async (t) => {
  const c = core({}, 2);
  let best = Infinity;
  let first = NaN;
  let stats: Record<string, number> = {};
  for (let g = 0; g < 60 && c.stop().length === 0; g++) {
    stats = c.tell(evaluate(c.ask(), sphere));
    if (g === 0) first = -stats.best;
    best = Math.min(best, -stats.best);
  }
  t.ok(best < first / 100, `best ${best} from ${first}`);
  for (const k of ['gamma', 'best', 'pop_size', 'next_pop_size', 'improved', 'std_mean', 'std_max', 'temperature']) t.ok(Number.isFinite(stats[k]), `reports ${k}`);
});

t.test('hyper-parameters: defaults and validation messages', async (t) => {
  t.same(faceSchema.parse({}), { min_pop_size: 20, max_pop_size: 50, n_elite: 10, smoothing: 0.2, temp_decay: 0, n_expand: 5, distribution: { type: 'gaussian' } });
  const issue = (p: unknown) => faceSchema.safeParse(p).error?.issues[0];
  t.match(issue({ max_pop_size: 10, min_pop_size: 20 }), { path: ['max_pop_size'], message: 'at least min_pop_size (20)' });
  t.match(issue({ n_elite: 25, min_pop_size: 20 }), { path: ['n_elite'], message: /at most min_pop_size \(20\)/ });
  t.match(issue({ n_elite: 2, distribution: { type: 'mixture', n_components: 3 } }), { path: ['n_elite'], message: /n_components \(3\)/ });
  t.ok(issue({ n_expand: 0 }));
  t.ok(issue({ n_elite: 1 }), 'a covariance needs two elite points');
  t.ok(issue({ smoothing: 1 }));
  t.equal(getOptimizer('face'), faceOptimizer);
});

t.test('sizes not given follow the ones given: no valid choice is refused for a key the user never wrote', async (t) => {
  const sizes = (p: Record<string, unknown>) => {
    const r = faceSchema.parse(p);
    return [r.min_pop_size, r.max_pop_size, r.n_elite];
  };
  t.same(sizes({}), [20, 50, 10], 'the reference\'s 20, 50, 10');
  t.same(sizes({ max_pop_size: 10 }), [10, 10, 10], 'max_pop_size 10: min_pop_size lowered to it');
  t.same(sizes({ max_pop_size: 30 }), [20, 30, 10]);
  t.same(sizes({ min_pop_size: 5 }), [5, 50, 5], 'min_pop_size 5: n_elite lowered to it');
  t.same(sizes({ min_pop_size: 60 }), [60, 60, 10], 'min_pop_size 60: max_pop_size raised to it');
  t.same(sizes({ n_elite: 30 }), [30, 50, 30], 'n_elite 30: min_pop_size raised to it');
  t.same(sizes({ distribution: { type: 'mixture', n_components: 12 } }), [20, 50, 12], 'n_elite raised to n_components');
  t.same(sizes({ min_pop_size: 20, max_pop_size: 50, n_elite: 10, distribution: { type: 'mixture', n_components: 3 } }), [20, 50, 10]);
  const r = faceSchema.parse({ max_pop_size: 10 });
  t.same(faceSchema.parse(JSON.parse(JSON.stringify(r))), r, 'the resolved configuration, parsed again, is itself');
  t.same(Object.keys(r), ['min_pop_size', 'max_pop_size', 'n_elite', 'smoothing', 'temp_decay', 'n_expand', 'distribution'], 'keys in their places');
  // where no value of the missing key could serve, the error names a key the user wrote
  const issue = (p: unknown) => faceSchema.safeParse(p).error?.issues[0];
  t.match(issue({ max_pop_size: 5, n_elite: 8 }), { path: ['max_pop_size'], message: 'at least n_elite (8)' });
  t.match(issue({ min_pop_size: 2, distribution: { type: 'mixture' } }), { path: ['min_pop_size'], message: /at least the distribution's n_components \(3\)/ });
  t.equal(run(core({ max_pop_size: 10 }), 3)[0].length, 10, 'and it runs: generation 0 samples min_pop_size 10');
});

t.test('snapshot/restore continues exactly, also through JSON and mid-expansion', async (t) => {
  for (const p of [{}, { temp_decay: 0.9, distribution: { type: 'noisy-mixture', n_components: 2 } }]) {
    const whole = run(core(p, 5), 20);
    const first = core(p, 5);
    run(first, 8);
    const resumed = core(p, 5);
    resumed.restore(JSON.parse(JSON.stringify(first.snapshot())));
    t.same(run(resumed, 12), whole.slice(8), `${JSON.stringify(p)}: continuation after a JSON round trip`);
  }
  const c = core();
  const snap = JSON.parse(JSON.stringify(c.snapshot())) as FaceSnapshot;
  t.equal(snap.previous_best, '-Infinity', 'the -Infinity of generation 0 survives JSON');
  tellWith(c, () => 0);
  tellWith(c, () => 0);
  const mid = c.snapshot();
  t.equal(mid.pop_size, 25);
  const d = core();
  d.restore(JSON.parse(JSON.stringify(mid)));
  t.equal(d.ask().index.length, 25, 'the grown sample size is restored');
  t.equal(tellWith(d, () => 0).stats.improved, 0, 'and so are the previous best and gamma');
  t.throws(() => core({ max_pop_size: 20 }).restore(mid), /pop_size 25 is outside \[min_pop_size, max_pop_size\] = \[20, 20\]/);
  t.throws(() => core().restore({ ...mid, previous_best: null }), /previous_best/);
  t.throws(() => core().restore({ ...mid, type: 'cross-entropy' }), /not a version-1 FACE snapshot/);
});

t.test('tell checks the sample size it asked for', async (t) => {
  const c = core();
  const ev = evaluate(c.ask(), sphere);
  t.throws(() => c.tell({ ...ev, index: ev.index.slice(2) }), /face: told 18 evaluations, but generation 0 asked for 20/);
});
