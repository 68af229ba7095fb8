/**
 * The embedded CPython of a worker (native/python through src/experiment/embedded-python.ts and
 * python/l2l_bridge.py), in this process: results written in place, module state kept, failures as
 * data with their tracebacks and output, the event loop free during a long simulation, timeouts.
 */
import t from 'tap';
import { join } from 'node:path';
import { EmbeddedPythonEvaluator } from '../../src/experiment/execution/python.js';
import type { EvalBatch } from '../../src/experiment/eval-results.js';
import { getOptimizee } from '../../src/optimizees/registry.js';
import type { ResolvedExperiment } from '../../src/experiment/config.js';
import { STATUS_CODES } from '../../src/core/fitness.js';
import { ROOT } from '../helpers/run-main.js';

const MODELS = join(ROOT, 'test/experiment/python/models.py');
const factory = getOptimizee('python');

function experiment(fn: string, extra: { weights?: number[]; timeout?: number } = {}): ResolvedExperiment {
  return {
    name: 'embedded', seed: 1, optimizer: { type: 'random', pop_size: 4 }, stop: { generations: 1 },
    optimizee: {
      type: 'python', module: MODELS, function: fn, args: { a: 1, b: 'two' }, python: '/usr/bin/python3',
      parameters: [{ name: 'x', lower: -1, upper: 1 }, { name: 'v', lower: -1, upper: 1, length: 2 }],
      ...(extra.weights ? { weights: extra.weights } : {}),
    },
    evaluation: { isolation: 'in-process', retries: 0, retry_seed: 'fresh', on_failure: 'drop', ...(extra.timeout ? { timeout_seconds: extra.timeout } : {}) },
  } as unknown as ResolvedExperiment;
}

/** n rows; x is [v0, v1, x] per row (the space is sorted by name: v before x). */
function batch(n: number, row: (i: number) => number[] = (i) => [0.1 * i, -0.2 * i, 0.5]): EvalBatch {
  const x = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) x.set(row(i), i * 3);
  return { batch: 1, dim: 3, generation: 7, index: Int32Array.from({ length: n }, (_, i) => i), seed: Uint32Array.from({ length: n }, (_, i) => 1000 + i), x };
}

t.test('results come back in place, with outputs, in row order; the module is imported once', async (t) => {
  const ev = await EmbeddedPythonEvaluator.forExperiment(experiment('sphere', { weights: [-1, 0] }), factory);
  t.match(ev.info.version, /^3\./);
  t.equal(ev.info.executable, '/usr/bin/python3', 'the system interpreter, not the first python3 on PATH');
  t.match(ev.info.libpython, /libpython3\.\d+\.so/);
  const r = await ev.evaluate(batch(5));
  t.same(Array.from(r.status), [0, 0, 0, 0, 0]);
  for (let i = 0; i < 5; i++) {
    const [v0, v1, x] = [0.1 * i, -0.2 * i, 0.5];
    t.equal(r.fitness[2 * i], x * x + (v0 * v0 + v1 * v1), `row ${i}: fitness, as Python sums it`);
    t.equal(r.fitness[2 * i + 1], i + 1, `row ${i}: the ${i + 1}th call of this module`);
    t.same(Array.from(r.outputs![i]!), [7, i, 1000 + i, 2], `row ${i}: generation, index, seed, setup(args) seen`);
    t.ok(r.seconds[i] >= 0);
  }
  for (let i = 1; i < 5; i++) t.ok(r.startedAgo[i] <= r.startedAgo[i - 1], 'rows started in order');
  const again = await ev.evaluate(batch(1));
  t.equal(again.fitness[1], 6, 'module state kept between calls');
});

t.test('a Python exception fails its individual only, with the traceback and what it printed', async (t) => {
  const ev = await EmbeddedPythonEvaluator.forExperiment(experiment('raises'), factory);
  const r = await ev.evaluate(batch(4));
  t.same(Array.from(r.status), [0, 1, 0, 1]);
  t.same([r.fitness[0], r.fitness[2]], [1, 1]);
  t.ok(Number.isNaN(r.fitness[1]) && Number.isNaN(r.fitness[3]));
  const e = r.errors![1]!;
  t.match(e, /^Traceback \(most recent call last\):\n {2}File ".*models\.py", line \d+, in raises\n/, 'the traceback starts in the optimizee');
  t.match(e, /ValueError: bad individual 1\n/);
  t.notMatch(e, /l2l_bridge/, 'no frames of the bridge');
  t.match(e, /--- optimizee output during this evaluation ---\nabout to fail on individual 1\n/);
  t.equal(r.errors![0], null);
});

t.test('SystemExit, a non-finite fitness and a wrong number of values are failures too, not a crash', async (t) => {
  const exits = await (await EmbeddedPythonEvaluator.forExperiment(experiment('exits'), factory)).evaluate(batch(2));
  t.same(Array.from(exits.status), [1, 1]);
  t.match(exits.errors![0], /SystemExit: 3/);
  const nan = await (await EmbeddedPythonEvaluator.forExperiment(experiment('not_finite'), factory)).evaluate(batch(2));
  t.same(Array.from(nan.status), [1, 0]);
  t.match(nan.errors![0], /non-finite fitness \(NaN\)/);
  const arity = await (await EmbeddedPythonEvaluator.forExperiment(experiment('wrong_arity'), factory)).evaluate(batch(1));
  t.match(arity.errors![0], /wrong_arity\(\) returned 3 fitness values, expected 1 \(one per weight\)/);
});

t.test('a missing function: a one-line setup error', async (t) => {
  await t.rejects(EmbeddedPythonEvaluator.forExperiment(experiment('no_such_function'), factory), { message: /python module '.*models\.py' has no function 'no_such_function'/ });
});

t.test('the event loop keeps running while Python computes', async (t) => {
  const ev = await EmbeddedPythonEvaluator.forExperiment(experiment('busy'), factory);
  const ticks: number[] = [];
  let pending = true;
  const timer = setInterval(() => pending && ticks.push(performance.now()), 5);
  const t0 = performance.now();
  const r = await ev.evaluate(batch(1, () => [0, 0, 1.5])); // 1.5 s of pure Python
  pending = false;
  const elapsed = performance.now() - t0;
  clearInterval(timer);
  t.equal(r.status[0], STATUS_CODES.ok);
  t.ok(elapsed >= 1400, `the simulation ran (${elapsed.toFixed(0)} ms)`);
  let gap = ticks.length ? ticks[0] - t0 : elapsed;
  for (let i = 1; i < ticks.length; i++) gap = Math.max(gap, ticks[i] - ticks[i - 1]);
  // A blocked loop could not tick at all while the call is pending (one gap of the whole 1.5 s); a
  // free one ticks every few ms, and a loaded machine still ticks far more often than that bound.
  t.ok(ticks.length >= 20, `${ticks.length} timer ticks while 1.5 s of Python ran`);
  t.ok(gap < 1400, `longest gap between ticks ${gap.toFixed(0)} ms, less than the simulation`);
});

t.test('timeout_seconds: a runaway individual is interrupted and times out; the batch goes on', async (t) => {
  const ev = await EmbeddedPythonEvaluator.forExperiment(experiment('forever_on_first', { timeout: 0.5 }), factory);
  const t0 = performance.now();
  const r = await ev.evaluate(batch(3));
  const elapsed = performance.now() - t0;
  t.same(Array.from(r.status), [STATUS_CODES['timed-out'], 0, 0]);
  t.match(r.errors![0], /^timed out after 0\.5 s \(embedded Python\)/);
  t.same([r.fitness[1], r.fitness[2]], [1, 2]);
  t.ok(elapsed >= 450 && elapsed < 10_000, `interrupted after ${elapsed.toFixed(0)} ms`);
  const next = await ev.evaluate(batch(2, (i) => [0, 0, i]));
  t.equal(next.status[1], 0, 'the interpreter is still usable');
});
