/**
 * evaluation.isolation: process: the child process a worker evaluates in, and what becomes of it when
 * the simulation crashes, aborts, exits, hangs or runs out of memory. Needs dist/ (npm test builds it):
 * the TypeScript child runner is dist/experiment/execution/isolation/child.js.
 */
import t from 'tap';
import { executionOf } from '../../src/core/optimizee.js';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ResolvedExperiment } from '../../src/experiment/config.js';
import { ChildStartError, IsolatedEvaluator } from '../../src/experiment/execution/isolation/isolated-evaluator.js';
import { describeExit } from '../../src/experiment/execution/isolation/child-process.js';
import { frame, FrameReader } from '../../src/experiment/execution/isolation/frames.js';
import { WorkerHost } from '../../src/experiment/worker-host.js';
import type { EvalBatch, EvalResults } from '../../src/experiment/eval-results.js';
import { getOptimizee } from '../../src/optimizees/registry.js';
import { ActorSystem } from '../../src/runtime/actor-system.js';
import { systemClock } from '../../src/runtime/clock.js';
import { InProcessHub } from '../../src/runtime/in-process-transport.js';
import { ConfigError, resolveExperiment } from '../../src/cli/load-config.js';
import { STATUS_CODES } from '../../src/core/fitness.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CRASHY = `${ROOT}test/e2e/python/crashy.py`;
const quiet = { forward: () => {} };

function experiment(optimizee: Record<string, unknown>, evaluation: Record<string, unknown> = {}): ResolvedExperiment {
  return {
    name: 'iso', seed: 1, optimizer: { type: 'random' }, optimizee: optimizee as ResolvedExperiment['optimizee'], stop: { generations: 1 },
    dispatch: { inflight: 1, batch_seconds: 1, max_batch: 100, steal: true, fan_out: 0 },
    evaluation: { isolation: 'process', retries: 0, retry_seed: 'fresh', on_failure: 'drop', ...evaluation },
    checkpoint: { every_generations: 1, every_evaluations: 1000, every_seconds: 60, min_seconds: 1 },
  };
}

const crashy = (evaluation: Record<string, unknown> = {}) =>
  experiment({ type: 'python', module: CRASHY, function: 'evaluate', args: {}, python: '/usr/bin/python3', parameters: [{ name: 'mode', lower: 0, upper: 9 }, { name: 'x', lower: -10, upper: 10 }] }, evaluation);

/** Rows of (mode, x) for crashy.py: x is flattened in name order, mode before x. */
function batch(rows: Array<[number, number]>, generation = 3): EvalBatch {
  return {
    batch: 1, dim: 2, generation, index: Int32Array.from(rows, (_, i) => i), seed: Uint32Array.from(rows, (_, i) => 100 + i),
    x: Float64Array.from(rows.flat()),
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

t.test('frames: a length prefix and msgpack, reassembled from any split', async (t) => {
  const values = [{ op: 'eval', x: Buffer.from(Float64Array.of(1.5, -2).buffer) }, { op: 'end' }, { a: 'é'.repeat(1000) }];
  const bytes = Buffer.concat(values.map(frame));
  for (const step of [1, 3, 7, 100, bytes.length]) {
    const r = new FrameReader();
    const got: unknown[] = [];
    for (let i = 0; i < bytes.length; i += step) {
      r.push(bytes.subarray(i, i + step));
      for (let v = r.next(); v !== undefined; v = r.next()) got.push(v);
    }
    t.equal(got.length, 3, `split every ${step} bytes`);
    t.same(new Float64Array(new Uint8Array((got[0] as { x: Uint8Array }).x).buffer), Float64Array.of(1.5, -2));
    t.same(got[2], values[2]);
  }
  t.equal(describeExit(null, 'SIGSEGV'), 'killed by SIGSEGV (segmentation fault)');
  t.equal(describeExit(null, 'SIGABRT'), 'killed by SIGABRT (abort)');
  t.equal(describeExit(3, null), 'exit code 3');
});

t.test('a TypeScript optimizee in the child gives what it gives in-process', async (t) => {
  const exp = experiment({ type: 'benchmark', preset: 'Rastrigin2d', noise: { mean: 0, sigma: 0.1 } });
  const factory = getOptimizee('benchmark');
  const ev = await IsolatedEvaluator.forExperiment(exp, factory, quiet);
  t.teardown(() => ev.stop());
  t.equal(ev.nObj, 1);
  const n = 200;
  const b: EvalBatch = {
    batch: 9, dim: 2, generation: 2, index: Int32Array.from({ length: n }, (_, i) => i), seed: Uint32Array.from({ length: n }, (_, i) => 7 * i + 1),
    x: Float64Array.from({ length: 2 * n }, (_, i) => Math.sin(i) * 4),
  };
  const r = await ev.evaluate(b);
  const local = factory.create(exp.optimizee);
  const expected = Float64Array.from({ length: n }, (_, i) => local.evaluate!(b.x.subarray(2 * i, 2 * i + 2), { generation: 2, index: i, seed: b.seed[i] }).fitness[0]);
  t.same(r.fitness, expected, 'bit for bit, the per-individual seed included');
  t.ok(r.status.every((s) => s === 0));
  t.equal(r.errors, null);
  t.ok(r.seconds.every((s) => s > 0) && r.busy > 0, 'every row timed');
  t.ok(r.startedAgo[0] >= r.startedAgo[n - 1], 'the first row started first');
  t.equal(ev.starts, 1);
});

t.test('a Python child: a crash fails its row only; the restarted child evaluates the rest', async (t) => {
  const ev = await IsolatedEvaluator.forExperiment(crashy(), getOptimizee('python'), quiet);
  t.teardown(() => ev.stop());
  const first = ev.pid!;
  const r = await ev.evaluate(batch([[0, 1], [1, 0], [0, 2], [2, 0], [0, 3], [3, 0], [5, 0], [7, 4], [0, 5]]));
  t.same(Array.from(r.status), [0, 1, 0, 1, 0, 1, 1, 0, 0]);
  const e = r.errors!;
  t.match(e[1], /^the simulation process died: killed by SIGSEGV \(segmentation fault\)\n--- optimizee output during this evaluation ---\ncrashy: row 1 mode 1\n$/);
  t.match(e[3], /^the simulation process died: killed by SIGABRT \(abort\)\n[\s\S]*crashy: row 3 mode 2\n$/);
  t.match(e[5], /^the simulation process died: exit code 3\n[\s\S]*crashy: row 5 mode 3\n$/);
  t.match(e[6], /^Traceback \(most recent call last\):\n[\s\S]*crashy\.py[\s\S]*ValueError: no good at row 6\n[\s\S]*crashy: row 6 mode 5\n$/, 'a Python exception: its traceback and its output');
  t.notMatch(e[6], /l2l_child\.py/, 'the traceback starts at the user code');
  for (const i of [1, 3, 5, 6]) t.notMatch(e[i], new RegExp(`row (?!${i} )\\d+ mode`), `row ${i} carries its own output only`);
  t.same([0, 2, 4, 7, 8].map((i) => r.fitness[i]), [2, 6, 10, 15, 18], 'rows after a crash were evaluated');
  const pids = [0, 2, 4, 7, 8].map((i) => r.outputs![i]![0]);
  t.equal(pids[0], first);
  t.equal(new Set(pids).size, 4, 'a new child after each of the 3 deaths; the exception kept the child');
  t.equal(ev.starts, 4);
  t.notOk(alive(first), 'the crashed child is gone');
  t.same(Array.from(r.outputs![0]!), [first, 100], 'outputs travel back; the child saw the row\'s seed');
});

t.test('timeout: the hanging child is killed, the row is timed out, the next row runs in a new child', async (t) => {
  const ev = await IsolatedEvaluator.forExperiment(crashy({ timeout_seconds: 0.5 }), getOptimizee('python'), quiet);
  t.teardown(() => ev.stop());
  const hung = ev.pid!;
  const t0 = performance.now();
  const r = await ev.evaluate(batch([[4, 0], [0, 1]]));
  t.ok(performance.now() - t0 < 60_000, 'the timeout, not the hour');
  t.same(Array.from(r.status), [STATUS_CODES['timed-out'], STATUS_CODES.ok]);
  t.match(r.errors![0], /^timed out after 0\.5 s\n--- optimizee output during this evaluation ---\ncrashy: row 0 mode 4\n$/);
  t.ok(r.seconds[0] >= 0.5 && r.seconds[0] < 60, `seconds ${r.seconds[0]} (the timeout, not the hour)`);
  t.equal(r.fitness[1], 3);
  t.notOk(alive(hung), 'killed');
  t.not(r.outputs![1]![0], hung);
});

t.test('memory_mb: an allocation past the limit fails with the limit named', async (t) => {
  const ev = await IsolatedEvaluator.forExperiment(crashy({ memory_mb: 256 }), getOptimizee('python'), quiet);
  t.teardown(() => ev.stop());
  const r = await ev.evaluate(batch([[6, 0], [0, 1]]));
  t.same(Array.from(r.status), [1, 0]);
  t.match(r.errors![0], /MemoryError\nout of memory \(the limit is evaluation\.memory_mb: 256\)/);
  const free = await IsolatedEvaluator.forExperiment(crashy(), getOptimizee('python'), quiet);
  t.teardown(() => free.stop());
  t.same(Array.from((await free.evaluate(batch([[6, 0]]))).status), [0], 'without the limit it succeeds');
});

t.test('what C code prints to file descriptor 1 goes to stderr, not into the protocol', async (t) => {
  const seen: Buffer[] = [];
  const ev = await IsolatedEvaluator.forExperiment(crashy(), getOptimizee('python'), { forward: (c) => seen.push(c) });
  t.teardown(() => ev.stop());
  const r = await ev.evaluate(batch([[7, 1], [0, 2]]));
  t.same(Array.from(r.status), [0, 0]);
  t.match(Buffer.concat(seen).toString(), /crashy: printf from C/);
});

t.test('a child that cannot start is one line', async (t) => {
  const bad = async (exp: ResolvedExperiment, type: string) => {
    try {
      await IsolatedEvaluator.forExperiment(exp, getOptimizee(type), quiet);
    } catch (err) {
      t.type(err, ChildStartError);
      t.notMatch((err as Error).message, /\n/, 'one line');
      return err as ChildStartError;
    }
    throw new Error('it started');
  };
  const base = { type: 'python', function: 'evaluate', args: {}, python: '/usr/bin/python3', parameters: [{ name: 'x', lower: 0, upper: 1 }] };
  const missing = await bad(experiment({ ...base, module: `${ROOT}test/e2e/python/nope.py` }), 'python');
  t.match(missing.message, /^cannot import python module '.*nope\.py': FileNotFoundError: no such file: .*nope\.py$/);
  t.match((await bad(experiment({ ...base, module: 'no_such_module_l2l' }), 'python')).message, /ModuleNotFoundError: No module named 'no_such_module_l2l'/);
  const noFn = await bad(experiment({ ...base, module: CRASHY, function: 'simulate' }), 'python');
  t.match(noFn.message, /has no function 'simulate'/);
  t.match((await bad(experiment({ ...base, module: CRASHY, python: '/nonexistent/python3' }), 'python')).message, /cannot start \/nonexistent\/python3: spawn \/nonexistent\/python3 ENOENT/);
  t.match((await bad(experiment({ type: 'benchmark', functions: [{ function: 'chasm' }], dims: 3 }), 'benchmark')).message, /^cannot build the benchmark optimizee: /);
});

t.test('through the worker: setup starts the child, batches go through it, end stops it', async (t) => {
  const hub = new InProcessHub(2);
  const [s0, s1] = hub.transports.map((tr) => new ActorSystem(tr, systemClock));
  const host = new WorkerHost();
  s1.spawn('worker', host.behaviour);
  const got: EvalResults[] = [];
  let gotBoth!: () => void;
  const both = new Promise<void>((r) => (gotBoth = r));
  const me = s0.spawn('dispatcher', (m) => {
    got.push(m.body as EvalResults);
    if (got.length === 2) gotBoth();
  });
  const ready = await s0.request(me, { rank: 1, id: 'worker' }, 'experiment.setup', { experiment: crashy({ timeout_seconds: 1 }) }, 10_000);
  t.equal(ready.type, 'experiment.ready');
  s0.send(me, { rank: 1, id: 'worker' }, 'eval.batch', { ...batch([[0, 1], [2, 0], [0, 2]]), batch: 1 });
  s0.send(me, { rank: 1, id: 'worker' }, 'eval.batch', { ...batch([[0, 3]]), batch: 2 });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1); // the worker's event loop stays free while the child works
  await both; // the test's own timeout bounds the wait
  clearInterval(timer);
  t.ok(ticks > 5, `the event loop turned (${ticks})`);
  t.same(got.map((r) => r.batch), [1, 2]);
  t.same(Array.from(got[0].status), [0, 1, 0]);
  t.match(got[0].errors![1], /SIGABRT/);
  t.same(Array.from(got[1].fitness), [6]);
  t.equal(got[0].nObj, 1);
  const pid = got[1].outputs![0]![0];
  t.ok(alive(pid));
  const ended = await s0.request(me, { rank: 1, id: 'worker' }, 'experiment.end', null, 10_000);
  t.equal(ended.type, 'experiment.ended');
  await host.done;
  t.notOk(alive(pid), 'experiment.end stopped the child');
});

t.test('the child ends when its worker dies', async (t) => {
  const script = `
    const { IsolatedEvaluator } = await import(${JSON.stringify(`${ROOT}dist/experiment/execution/isolation/isolated-evaluator.js`)});
    const { getOptimizee } = await import(${JSON.stringify(`${ROOT}dist/optimizees/registry.js`)});
    const exp = ${JSON.stringify(experiment({ type: 'benchmark', preset: 'Rastrigin2d' }))};
    const ev = await IsolatedEvaluator.forExperiment(exp, getOptimizee('benchmark'));
    const py = await IsolatedEvaluator.forExperiment(${JSON.stringify(crashy())}, getOptimizee('python'));
    process.stdout.write(ev.pid + ' ' + py.pid + '\\n');
    process.kill(process.pid, 'SIGKILL');`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  const pids = r.stdout.trim().split(' ').map(Number);
  t.equal(pids.length, 2, r.stderr);
  for (let i = 0; i < 50 && pids.some(alive); i++) await new Promise((res) => setTimeout(res, 100));
  t.notOk(alive(pids[0]), 'the Node child ended (stdin closed)');
  t.notOk(alive(pids[1]), 'the Python child ended');
});

t.test('the python optimizee: validated, embedded or in a child process, rank 0 needs no Python when the space is declared', async (t) => {
  const raw = (evaluation?: unknown) => ({
    name: 'py', seed: 1, optimizer: { type: 'random', pop_size: 4 }, stop: { generations: 1 },
    optimizee: { type: 'python', module: CRASHY, parameters: [{ name: 'x', lower: -1, upper: 1 }, { name: 'w', lower: 0, upper: 2, length: 3 }] },
    ...(evaluation ? { evaluation } : {}),
  });
  const embedded = resolveExperiment(raw(), 'py.yaml');
  t.equal(embedded.evaluation.isolation, 'in-process', 'embedded Python by default');
  const exp = resolveExperiment(raw({ isolation: 'process' }), 'py.yaml');
  t.match(exp.optimizee, { args: {}, python: '/usr/bin/python3' });
  const execution = executionOf(getOptimizee('python'), exp.optimizee);
  t.equal(execution.kind, 'python');
  t.same(execution.kind === 'python' && execution.child.init,
    { module: CRASHY, function: 'evaluate', args: {}, parameters: [{ name: 'w', length: 3 }, { name: 'x', length: null }] }, 'evaluate() by default, parameters in x order');
  t.same(execution.kind === 'python' && execution.python.load, execution.kind === 'python' && execution.child.init, 'the same model embedded or in a child');
  const model = getOptimizee('python').create(exp.optimizee);
  t.same(model.weights, [-1], 'minimised by default');
  t.same(model.space.params.map((p) => [p.name, p.length]), [['w', 3], ['x', null]]);
  t.equal(model.evaluate, undefined, 'Python evaluates it, not this process');
  const bad = raw({ isolation: 'process' });
  bad.optimizee.parameters.push({ name: 'x', lower: 2, upper: 1 });
  t.throws(() => resolveExperiment(bad, 'py.yaml'), /optimizee\.parameters\.2\.(name|upper)/);
});

t.test('2,000 rows through the pipe: each evaluated once, as in-process (and the cost per row, as a comment)', async (t) => {
  const exp = experiment({ type: 'benchmark', preset: 'Rastrigin2d' });
  const ev = await IsolatedEvaluator.forExperiment(exp, getOptimizee('benchmark'), quiet);
  t.teardown(() => ev.stop());
  const n = 2000;
  const b: EvalBatch = { batch: 1, dim: 2, generation: 0, index: Int32Array.from({ length: n }, (_, i) => i), seed: new Uint32Array(n), x: new Float64Array(2 * n) };
  await ev.evaluate(b); // warm
  const t0 = performance.now();
  const r = await ev.evaluate(b);
  const us = ((performance.now() - t0) / n) * 1000;
  t.ok(r.status.every((s) => s === 0));
  const local = getOptimizee('benchmark').create(exp.optimizee);
  t.same(r.fitness, Float64Array.from({ length: n }, (_, i) => local.evaluate!(b.x.subarray(2 * i, 2 * i + 2), { generation: 0, index: i, seed: 0 }).fitness[0]));
  // a figure, not an assertion: speed is measured in bench/, and a loaded machine slows this
  t.comment(`process isolation, trivial TypeScript optimizee: ${us.toFixed(1)} us per row`);
});
