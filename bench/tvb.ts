/**
 * The neural-mass kernel (native/tvb) against a straightforward numpy Heun integrator with delays
 * (bench/tvb/numpy_heun.py, written from the same conventions), side by side in one run: the Generic
 * 2-D oscillator with TVB's defaults on the synthetic 76-region connectome, linear coupling, 4 mm/ms.
 * Ours: one parameter set per call, and 64 per call (multi-instance: the optimizer's case) on 1 and 2
 * threads. Node-steps per second (regions x steps x parameter sets / s); ratio = ours / numpy's. Also
 * the final state of the numpy run against ours (the same conventions: the same numbers). TVB's own
 * simulator is compared where `import tvb` works. Reports figures, asserts nothing.
 *
 *   node --import tsx bench/tvb.ts [--steps 20000]
 *
 * Writes bench/out/tvb.md (the section of bench/RESULTS.md).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadTvb } from '../src/native/loader.js';
import { readConnectome, kernelConnectome } from '../src/optimizees/tvb/connectome.js';
import { CASES, initialState, SYNTHETIC76 } from '../test/helpers/tvb.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'bench', 'out');
const { values } = parseArgs({ options: { steps: { type: 'string', default: '20000' } } });
const steps = Number(values.steps);
const conn = readConnectome(SYNTHETIC76);
const k = kernelConnectome(conn);
const N = conn.nodes;
const c = CASES.find((x) => x.model === 'generic_2d_oscillator')!;
const x0 = initialState(c.cols);
const tvb = loadTvb();

async function ours(instances: number, threads: number): Promise<{ rate: number; final: Float64Array }> {
  const options = {
    model: c.model, nodes: N, instances, steps, dt: 0.1, threads, connectome: k, coupling: 'linear' as const,
    speed: Float64Array.of(4), coupling_a: Float64Array.of(0.00390625), coupling_b: Float64Array.of(0), params: Float64Array.from(c.params), x0,
    record: { every: steps, state: Int32Array.of(0, 1) },
  };
  await tvb.simulate({ ...options, steps: 100 }); // warm-up
  const t0 = performance.now();
  const r = await tvb.simulate(options);
  const s = (performance.now() - t0) / 1000;
  return { rate: (N * steps * instances) / s, final: r.observed.subarray(0, 2 * N) };
}

function numpy(): { rate: number; final: number[] } | { error: string } {
  const rows = (m: Float64Array) => Array.from({ length: N }, (_, i) => Array.from(m.subarray(i * N, (i + 1) * N)));
  const input = JSON.stringify({ weights: rows(conn.weights), lengths: rows(conn.lengths), x0: Array.from(x0), steps, dt: 0.1, speed: 4, a: 0.00390625 });
  const r = spawnSync('/usr/bin/python3', [join(ROOT, 'bench', 'tvb', 'numpy_heun.py')], { input, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 3_600_000 });
  try {
    const j = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '');
    return { rate: j.node_steps_per_second, final: j.final };
  } catch {
    return { error: (r.stderr.trim().split('\n').at(-1) ?? `exit ${r.status}`).slice(0, 300) };
  }
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const np = numpy();
  const one = await ours(1, 1);
  const batch1 = await ours(64, 1);
  const batch2 = await ours(64, 2);
  const tvbImportable = spawnSync('/usr/bin/python3', ['-c', 'import tvb.simulator'], { encoding: 'utf8' }).status === 0;
  const m = (x: number) => `${(x / 1e6).toFixed(2)} M`;
  const ratio = (x: number) => ('error' in np ? 'n/a' : `${(x / np.rate).toFixed(1)}x`);
  const same = 'error' in np ? null : np.final.every((v, i) => v === one.final[i]);
  const worst = 'error' in np ? NaN : np.final.reduce((w, v, i) => Math.max(w, Math.abs(v - one.final[i])), 0);
  const lines = [
    `Generic 2-D oscillator (TVB's defaults), synthetic 76-region connectome (1,094 edges, delays up to 418 steps at 4 mm/ms), linear coupling, dt 0.1 ms, ${steps} steps.`,
    '',
    '| | node-steps per second | ours / numpy |',
    '|---|---:|---:|',
    `| numpy Heun with delays (bench/tvb/numpy_heun.py), one parameter set | ${'error' in np ? `failed: ${np.error}` : m(np.rate)} | |`,
    `| ours, one parameter set per call, 1 thread | ${m(one.rate)} | ${ratio(one.rate)} |`,
    `| ours, 64 parameter sets per call, 1 thread | ${m(batch1.rate)} | ${ratio(batch1.rate)} |`,
    `| ours, 64 parameter sets per call, 2 threads | ${m(batch2.rate)} | ${ratio(batch2.rate)} |`,
    '',
    same === null ? '' : `Final state after ${steps} steps, numpy against ours: ${same ? 'identical, every value' : `largest difference ${worst.toExponential(2)}`}.`,
    '',
    tvbImportable ? "TVB's own simulator: importable, not yet timed here." : "TVB's own simulator: not importable here (`import tvb.simulator` fails), not compared.",
  ];
  writeFileSync(join(OUT, 'tvb.md'), lines.join('\n'));
  process.stdout.write(lines.join('\n') + '\n');
}

await main();
