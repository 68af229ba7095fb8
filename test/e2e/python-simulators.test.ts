/**
 * Python simulators in the worker ranks' embedded CPython, under mpirun with 4 ranks: the Brian2 and
 * NEURON examples run to completion and improve their fitness, an optimizee class in the reference
 * framework's shape runs unchanged, and a Python exception is a failed evaluation whose traceback is
 * in the results. (NEST: examples/python/nest_brunel.py, tested where `import nest` works.)
 */
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import { ROOT, runMain, runMainMpi } from '../helpers/run-main.js';

const dir = mkdtempSync(join(tmpdir(), 'l2l-pysim-'));
const generations = (out: string) => decodeGenerations(readFileSync(join(out, 'generations.msgpack')));
const summary = (out: string) => JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
const median = (a: ArrayLike<number>) => {
  const s = Array.from(a).sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
};

/** An example, shortened for a test by replacing whole lines. */
function shortened(example: string, replace: Record<string, string>): string {
  let text = readFileSync(join(ROOT, 'examples', example), 'utf8');
  for (const [from, to] of Object.entries(replace)) {
    if (!text.includes(from)) throw new Error(`${example}: no '${from}'`);
    text = text.replace(from, to);
  }
  const file = join(dir, example);
  writeFileSync(file, text.replaceAll('module: examples/', `module: ${ROOT}examples/`));
  return file;
}

async function run(t: Test, file: string, name: string) {
  const out = join(dir, name);
  const t0 = performance.now();
  const r = await runMainMpi(4, ['run', file, '--out', out, '--quiet'], 300_000);
  t.equal(r.code, 0, r.stderr);
  t.comment(`${name}: ${((performance.now() - t0) / 1000).toFixed(1)} s under mpirun -n 4`);
  return out;
}

t.test('Brian2 (numpy code generation) under mpirun -n 4: runs to completion and improves', async (t) => {
  const file = shortened('brian2-lif.yaml', { 'duration_ms: 200': 'duration_ms: 100' });
  const out = await run(t, file, 'brian2');
  t.match(summary(out), { status: 'completed', generations: 15, evaluations: 180, failures: 0 });
  const gens = generations(out);
  t.same([...new Set(gens.flatMap((g) => [...g.rank]))].sort(), [1, 2, 3], 'every worker rank simulated');
  const first = median(gens[0].fitness);
  const last = median(gens.at(-1)!.fitness);
  t.ok(last < first / 3, `median error of a generation: ${first.toFixed(3)} at first, ${last.toFixed(3)} at the end`);
  const rate = gens.at(-1)!.outputs;
  t.ok(rate, 'firing rate and CV recorded as model outputs');
});

t.test('NEURON under mpirun -n 4: imported before MPI starts, runs to completion and improves', async (t) => {
  const out = await run(t, shortened('neuron-hh.yaml', {}), 'neuron');
  t.match(summary(out), { status: 'completed', generations: 40, failures: 0 });
  const gens = generations(out);
  const firstBest = Math.min(...gens[0].fitness);
  const best = summary(out).best.fitness[0];
  t.ok(best < firstBest / 10, `trace error (mV^2): best ${firstBest.toFixed(2)} in the first generation, ${best.toFixed(3)} at the end`);
  const x = summary(out).best.individual as { gkbar: number; gnabar: number };
  t.ok(Math.abs(x.gkbar - 0.036) < 0.002 && Math.abs(x.gnabar - 0.12) < 0.01, `conductances found: gkbar ${x.gkbar}, gnabar ${x.gnabar} (true 0.036, 0.12)`);
});

t.test('a reference-style optimizee class runs unchanged under mpirun -n 4, with its bounding_func applied', async (t) => {
  const file = shortened('python-reference-style.yaml', { 'generations: 30': 'generations: 10' });
  const out = await run(t, file, 'reference');
  t.match(summary(out), { status: 'completed', generations: 10, failures: 0 });
  const gens = generations(out);
  // simulate() computed Rastrigin of the clipped coordinates: recompute it from the recorded x
  const x = gens.flatMap((g) => Array.from(g.x));
  const script = `import json,sys,numpy as np
x=np.clip(np.array(json.load(sys.stdin)).reshape(-1,2),-5.12,5.12)
print(json.dumps((10*2+np.sum(x**2-10*np.cos(2*np.pi*x),axis=1)).tolist()))`;
  const py = spawnSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify(x), encoding: 'utf8' });
  const expected = JSON.parse(py.stdout) as number[];
  const got: number[] = gens.flatMap((g) => Array.from(g.fitness));
  t.equal(got.length, expected.length);
  t.ok(got.every((f, i) => Math.abs(f - expected[i]) <= 1e-9 * Math.max(1, Math.abs(f))), 'every fitness is Rastrigin of the individual');
  t.ok(summary(out).best.fitness[0] < Math.min(...gens[0].fitness), 'it improves on the first generation');
});

t.test('a Python exception under mpirun -n 4: a failed evaluation with its traceback in the results', async (t) => {
  const file = join(dir, 'raises.yaml');
  writeFileSync(file, `name: raises
seed: 9
optimizer: {type: random, pop_size: 30}
optimizee:
  type: python
  module: ${ROOT}test/e2e/python/raises.py
  parameters: [{name: x, lower: -1, upper: 1}]
stop: {generations: 4}
`);
  const out = await run(t, file, 'raises');
  const s = summary(out);
  t.match(s, { status: 'completed', evaluations: 120 });
  t.ok(s.failures > 5 && s.failures < 60, `${s.failures} of 120 failed (about a fifth by the seeds)`);
  const py = spawnSync('/usr/bin/python3', ['-c', `import h5py,json
f=h5py.File(${JSON.stringify(join(out, 'trajectory.h5'))})
print(json.dumps({'status': f['individuals/status'][:].tolist(), 'error': [e.decode() if isinstance(e, bytes) else e for e in f['individuals/error'][:]], 'seed': f['individuals/seed'][:].tolist()}))`], { encoding: 'utf8' });
  t.equal(py.status, 0, py.stderr);
  const h5 = JSON.parse(py.stdout) as { status: number[]; error: string[]; seed: number[] };
  const failed = h5.status.map((st, i) => [st, i]).filter(([st]) => st === 1).map(([, i]) => i);
  t.equal(failed.length, s.failures);
  for (const i of failed) {
    const e = h5.error[i];
    t.match(e, /^Traceback \(most recent call last\):\n {2}File ".*raises\.py", line \d+, in evaluate\n.*\n {2}File ".*raises\.py", line \d+, in _check\n/s);
    t.match(e, new RegExp(`ValueError: unstable network for seed ${h5.seed[i]}\\n`));
    t.match(e, /--- optimizee output during this evaluation ---\nsimulating individual \d+/);
  }
  t.ok(h5.status.filter((st) => st === 0).length === 120 - s.failures, 'the others succeeded');
});

t.test('mpirun -n 4: each worker event loop keeps running while its embedded Python simulates for 1.5 s', async (t) => {
  const file = join(dir, 'slow.yaml');
  writeFileSync(file, `name: slow
seed: 9
optimizer: {type: random, pop_size: 6}
optimizee:
  type: python
  module: ${ROOT}test/e2e/python/slow.py
  parameters: [{name: seconds, lower: 1.5, upper: 1.50001}]
stop: {generations: 1}
dispatch: {batch: 1}
`);
  const out = await run(t, file, 'slow');
  const done = readFileSync(join(out, 'run.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; rank: number; eventLoopMaxDelayMs?: number }).filter((l) => l.msg === 'worker done');
  t.same(done.map((l) => l.rank).sort(), [1, 2, 3], 'every worker reported');
  const busy = new Set(generations(out)[0].rank);
  for (const l of done) {
    if (!busy.has(l.rank)) continue;
    // a blocked loop would show the whole simulation (1,500 ms or more); a loaded machine delays a
    // free loop by tens of ms, rarely hundreds
    t.ok(l.eventLoopMaxDelayMs! < 1200, `rank ${l.rank}: the event loop was delayed ${l.eventLoopMaxDelayMs} ms at most while simulating`);
  }
  t.ok(busy.size >= 2, `${busy.size} workers simulated`);
});

t.test("a simulator's exit() in embedded Python ends the process, and says why and what to do", async (t) => {
  const file = join(dir, 'exits.yaml');
  writeFileSync(file, `name: exits
seed: 9
optimizer: {type: random, pop_size: 4}
optimizee:
  type: python
  module: ${ROOT}test/e2e/python/exits.py
  parameters: [{name: x, lower: -1, upper: 1}]
stop: {generations: 2}
`);
  const r = runMain(['run', file, '--out', join(dir, 'exits'), '--quiet']);
  t.equal(r.code, 3, 'the exit code the simulator chose');
  t.match(r.stderr, /l2l_python: the simulation called exit\(\) during an evaluation \(bridge\.evaluate\), which ends this worker rank; run it with evaluation\.isolation: process to contain that/);
});
