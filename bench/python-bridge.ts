/**
 * The embedded Python bridge (native/python, src/experiment/embedded-python.ts, python/l2l_bridge.py):
 *
 * 1. Per-evaluation overhead with a trivial Python function (target: under 20 us beyond the function's
 *    own time): batches of 4,096 rows and of 1 row (one call, one thread hand-off each) through the
 *    embedded interpreter, against the function's own time measured by direct calls in the same
 *    interpreter, and against a child process (evaluation.isolation: process), which pays a pipe round
 *    trip per row.
 * 2. The Brian2 network of examples/brian2-lif.yaml: time per evaluation in the worker's embedded Python
 *    against the same module in a standalone python3 process, interleaved, same machine, same run.
 *
 * Writes bench/out/python-bridge.md. Reports, never asserts.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EmbeddedPythonEvaluator } from '../src/experiment/execution/python.js';
import { IsolatedEvaluator } from '../src/experiment/execution/isolation/isolated-evaluator.js';
import type { EvalBatch } from '../src/experiment/eval-results.js';
import type { ResolvedExperiment } from '../src/experiment/config.js';
import { getOptimizee } from '../src/optimizees/registry.js';

const ROOT = new URL('..', import.meta.url).pathname;
const factory = getOptimizee('python');
const BRIAN_ARGS = { neurons: 100, inputs: 200, input_rate_hz: 10, connectivity: 0.2, duration_ms: 200, target_rate_hz: 20, target_cv: 0.6 };

function experiment(module: string, fn: string | null, parameters: object[], isolation = 'in-process', args: object = {}): ResolvedExperiment {
  return {
    name: 'bench', seed: 1, optimizer: { type: 'random', pop_size: 4 }, stop: { generations: 1 },
    optimizee: { type: 'python', module: join(ROOT, module), ...(fn ? { function: fn } : {}), args, python: '/usr/bin/python3', parameters },
    evaluation: { isolation, retries: 0, retry_seed: 'fresh', on_failure: 'drop' },
  } as unknown as ResolvedExperiment;
}

function batch(n: number, dim: number, fill: (i: number) => number[] = () => new Array(dim).fill(0.5)): EvalBatch {
  const x = new Float64Array(n * dim);
  for (let i = 0; i < n; i++) x.set(fill(i), i * dim);
  return { batch: 1, dim, generation: 0, index: Int32Array.from({ length: n }, (_, i) => i), seed: Uint32Array.from({ length: n }, (_, i) => 1000 + i), x };
}

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const us = (s: number) => (s * 1e6).toFixed(2);

async function overhead(): Promise<string[]> {
  const params = [{ name: 'x', lower: 0, upper: 1 }, { name: 'v', lower: 0, upper: 1 }];
  const ev = await EmbeddedPythonEvaluator.forExperiment(experiment('bench/python/trivial.py', 'evaluate', params), factory);
  const own = await EmbeddedPythonEvaluator.forExperiment(experiment('bench/python/trivial.py', 'own_time', params), factory);
  const child = await IsolatedEvaluator.forExperiment(experiment('bench/python/trivial.py', 'evaluate', params, 'process'), factory);
  const big = batch(4096, 2);
  const rounds: { own: number; big: number; one: number; child: number }[] = [];
  for (let r = 0; r < 7; r++) {
    const ownTime = (await own.evaluate(batch(1, 2))).fitness[0];
    let t0 = performance.now();
    for (let k = 0; k < 5; k++) await ev.evaluate(big);
    const bigPer = (performance.now() - t0) / 1000 / (5 * 4096);
    t0 = performance.now();
    const single = batch(1, 2);
    for (let k = 0; k < 2000; k++) await ev.evaluate(single);
    const onePer = (performance.now() - t0) / 1000 / 2000;
    t0 = performance.now();
    await child.evaluate(batch(2000, 2));
    const childPer = (performance.now() - t0) / 1000 / 2000;
    rounds.push({ own: ownTime, big: bigPer, one: onePer, child: childPer });
  }
  await child.stop();
  const m = (k: keyof (typeof rounds)[0]) => median(rounds.map((r) => r[k]));
  return [
    '### Per-evaluation overhead, trivial Python function `evaluate(params, context) -> 0.0`',
    '',
    `Median of 7 interleaved rounds. The function's own time is measured by direct calls inside the same embedded interpreter.`,
    '',
    '| path | us per evaluation | beyond the function\'s own time |',
    '|---|---:|---:|',
    `| the function alone (direct calls in Python) | ${us(m('own'))} | - |`,
    `| embedded, batches of 4,096 rows (one call per batch) | ${us(m('big'))} | **${us(m('big') - m('own'))}** |`,
    `| embedded, batches of 1 row (one call, one thread hand-off each) | ${us(m('one'))} | ${us(m('one') - m('own'))} |`,
    `| child process (isolation: process), a pipe round trip per row | ${us(m('child'))} | ${us(m('child') - m('own'))} |`,
    '',
  ];
}

async function brian2(): Promise<string[]> {
  const N = 30;
  const params = [{ name: 'w', lower: 0.1, upper: 3 }, { name: 'tau', lower: 5, upper: 40 }];
  const ev = await EmbeddedPythonEvaluator.forExperiment(experiment('examples/python/brian2_lif.py', null, params, 'in-process', BRIAN_ARGS), factory);
  // x is sorted by name: [tau, w]
  const b = (i: number) => batch(1, 2, () => [10 + (i % 10), 1 + 0.1 * (i % 7)]);
  await ev.evaluate(b(0)); // first run: code generation
  const embedded: number[] = [];
  const standalone: number[] = [];
  for (let round = 0; round < 3; round++) {
    for (let i = 1; i <= N; i++) {
      const r = await ev.evaluate({ ...b(i), seed: Uint32Array.of(1000 + i) });
      embedded.push(r.seconds[0]);
    }
    const p = spawnSync('/usr/bin/python3', [join(ROOT, 'bench/python/standalone_brian2.py'), String(N), JSON.stringify(BRIAN_ARGS)], { encoding: 'utf8', env: { ...process.env, PYTHONWARNINGS: 'ignore' } });
    if (p.status !== 0) throw new Error(`standalone python3 failed: ${p.stderr}`);
    standalone.push(...(JSON.parse(p.stdout.trim().split('\n').at(-1)!) as number[]));
  }
  const [e, s] = [median(embedded), median(standalone)];
  return [
    '### Brian2: the same network per evaluation, embedded against a standalone python3',
    '',
    `examples/python/brian2_lif.py (100 LIF neurons, 200 Poisson inputs, 200 ms, numpy code generation), ${embedded.length} evaluations each, in 3 interleaved rounds; the first evaluation of each process (code generation) left out. Time of the evaluation itself (restore, set parameters, run, analyse).`,
    '',
    '| where | median ms per evaluation |',
    '|---|---:|',
    `| worker's embedded Python (the l2l_python addon) | ${(e * 1000).toFixed(1)} |`,
    `| standalone python3 process | ${(s * 1000).toFixed(1)} |`,
    `| ratio embedded / standalone | ${(e / s).toFixed(3)} |`,
    '',
  ];
}

const lines = [...(await overhead()), ...(await brian2())];
process.stdout.write(lines.join('\n') + '\n');
mkdirSync(join(ROOT, 'bench/out'), { recursive: true });
writeFileSync(join(ROOT, 'bench/out/python-bridge.md'), lines.join('\n') + '\n');
process.exit(0);
