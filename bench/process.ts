/**
 * The process optimizee's overhead per evaluation: a program that does nothing but print its fitness
 * (/bin/echo 0), run once per individual through the worker's command runner (python/l2l_command.py in
 * an isolated child: a frame round trip, a folder, the input written, the program started, its output
 * read), against the bare cost of starting the same program from Node (spawnSync, nothing else), in the
 * same run. The difference is what the framework adds to every evaluation of an external program; a
 * NetLogo headless run (seconds: a JVM starts) or a legacy binary dwarfs both.
 *
 *   node --import tsx bench/process.ts
 *
 * Writes bench/out/process.md. Reports, never asserts.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsolatedEvaluator } from '../src/experiment/execution/isolation/isolated-evaluator.js';
import type { EvalBatch } from '../src/experiment/eval-results.js';
import type { ResolvedExperiment } from '../src/experiment/config.js';
import { getOptimizee } from '../src/optimizees/registry.js';

const ROOT = new URL('..', import.meta.url).pathname;
const N = 300;
const REPEATS = 3;
const work = mkdtempSync(join(tmpdir(), 'l2l-bench-process-'));

function experiment(input: Record<string, unknown>): ResolvedExperiment {
  return {
    name: 'bench', seed: 1, optimizer: { type: 'random', pop_size: 4 }, stop: { generations: 1 },
    optimizee: {
      type: 'process', command: ['/bin/echo', '0'], input, output: { format: 'json', from: 'stdout' }, objectives: ['fitness'], maximize: true,
      env: {}, workdir: work, keep: false, python: '/usr/bin/python3', parameters: [{ name: 'x', lower: 0, upper: 1 }, { name: 'y', lower: 0, upper: 1 }],
    },
    evaluation: { isolation: 'process', retries: 0, retry_seed: 'fresh', on_failure: 'drop' },
  } as unknown as ResolvedExperiment;
}

const batch = (n: number): EvalBatch => ({ batch: 1, dim: 2, generation: 0, index: Int32Array.from({ length: n }, (_, i) => i), seed: Uint32Array.from({ length: n }, (_, i) => i), x: new Float64Array(2 * n).fill(0.5) });

async function ours(input: Record<string, unknown>): Promise<number> {
  const ev = await IsolatedEvaluator.forExperiment(experiment(input), getOptimizee('process'));
  await ev.evaluate(batch(4)); // warm-up: the runner started
  let best = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    const out = await ev.evaluate(batch(N));
    best = Math.min(best, (performance.now() - t0) / 1000 / N);
    if (!out.status.every((s) => s === 0)) throw new Error(`failed rows: ${out.errors?.find((e) => e)}`);
  }
  await ev.stop();
  return best;
}

/** The same program started by Python's subprocess.run, as the runner starts it, timed inside Python: the floor. */
function pythonStart(): number {
  const code = `import subprocess, time\nbest = 1e9\nfor r in range(${REPEATS}):\n    t0 = time.perf_counter()\n    for k in range(${N}):\n        subprocess.run(['/bin/echo', '0'], capture_output=True, text=True)\n    best = min(best, (time.perf_counter() - t0) / ${N})\nprint(best)`;
  const r = spawnSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

function bare(): number {
  let best = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    for (let k = 0; k < N; k++) spawnSync('/bin/echo', ['0']);
    best = Math.min(best, (performance.now() - t0) / 1000 / N);
  }
  return best;
}

const ms = (s: number) => (s * 1e3).toFixed(2);
const start = bare();
const floor = pythonStart();
const stdin = await ours({ format: 'json', to: 'stdin' });
const file = await ours({ format: 'json', to: 'file' });
const lines = [
  `One worker, ${N} evaluations per pass of a program that only prints its fitness (/bin/echo 0), the best of ${REPEATS} passes; evaluations run one after another (a worker runs one program at a time; more workers run more).`,
  '',
  '| | ms per evaluation | evaluations/s |',
  '|---|---:|---:|',
  `| bare: spawnSync('/bin/echo') from Node, nothing else | ${ms(start)} | ${(1 / start).toFixed(0)} |`,
  `| bare: subprocess.run(['/bin/echo', '0']) in python3 (how the runner starts it), nothing else | ${ms(floor)} | ${(1 / floor).toFixed(0)} |`,
  `| process optimizee, parameters as JSON on stdin | ${ms(stdin)} | ${(1 / stdin).toFixed(0)} |`,
  `| process optimizee, parameters as a JSON file | ${ms(file)} | ${(1 / file).toFixed(0)} |`,
  '',
  `The framework's overhead per evaluation (ours minus starting the program the same way): ${ms(stdin - floor)} ms with stdin, ${ms(file - floor)} ms with a file: a frame each way, a folder made and removed, the input written, the output parsed. Node's spawnSync starts a program more slowly than Python's subprocess here, so a runner in Node would not have been cheaper.`,
];
console.log(lines.join('\n'));
mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'out', 'process.md'), `${lines.join('\n')}\n`);
