/**
 * The neural-mass kernel (native/tvb) against a straightforward numpy Heun integrator with delays
 * (bench/tvb/numpy_heun.py, written from the same conventions), side by side in one run: the Generic
 * 2-D oscillator with TVB's defaults on the synthetic 76-region connectome, linear coupling, 4 mm/ms.
 * Ours: one parameter set per call, and 64 per call (multi-instance: the optimizer's case) on 1 and 2
 * threads, with one speed and with a speed per parameter set (every set its own delays). Every rate is
 * the best of 3 runs (the machine is shared). Node-steps per second (regions x steps x parameter sets / s); ratio = ours / numpy's. Also
 * the final state of the numpy run against ours (the same conventions: the same numbers). TVB's own
 * simulator (tvb-library, bench/tvb/tvb_own.py: Simulator, HeunDeterministic, Raw monitor, the same
 * connectome, speed, coupling and x0) is timed and compared the same way where it imports: from
 * $TVB_SOURCE (a tvb_library folder) when set, else a plain `import tvb`, else /tmp/tvbsrc/tvb_library;
 * it needs Debian's python3-numba and python3-deprecated. Reports figures, asserts nothing.
 *
 *   [TVB_SOURCE=.../tvb_library] node --import tsx bench/tvb.ts [--steps 20000]
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
const REPEATS = 3;
const conn = readConnectome(SYNTHETIC76);
const k = kernelConnectome(conn);
const N = conn.nodes;
const c = CASES.find((x) => x.model === 'generic_2d_oscillator')!;
const x0 = initialState(c.cols);
const tvb = loadTvb();

async function ours(instances: number, threads: number, speedPerInstance = false): Promise<{ rate: number; final: Float64Array }> {
  const options = {
    model: c.model, nodes: N, instances, steps, dt: 0.1, threads, connectome: k, coupling: 'linear' as const,
    // a speed per instance: 3 to 5 mm/ms, every instance its own delays (the CPU kernel then runs one instance at a time)
    speed: speedPerInstance ? Float64Array.from({ length: instances }, (_, p) => 3 + (2 * p) / instances) : Float64Array.of(4), coupling_params: Float64Array.of(0.00390625, 0), params: Float64Array.from(c.params), x0,
    record: { every: steps, state: Int32Array.of(0, 1) },
  };
  await tvb.simulate({ ...options, steps: 100 }); // warm-up
  // the best of REPEATS runs: this machine is shared, and a run's speed is what it can do, not the neighbours' load
  let best = Infinity;
  let final: Float64Array = new Float64Array(0);
  for (let k = 0; k < REPEATS; k++) {
    const t0 = performance.now();
    const r = await tvb.simulate(options);
    best = Math.min(best, (performance.now() - t0) / 1000);
    final = r.observed.subarray(0, 2 * N);
  }
  return { rate: (N * steps * instances) / best, final };
}

type Baseline = { rate: number; final: number[]; version?: string } | { error: string; unavailable?: boolean };

/** A Python baseline in bench/tvb/ on this problem (JSON on stdin, one JSON line out); tvb_own.py exits 3 when tvb does not import. */
function python(script: string): Baseline {
  // the best of REPEATS runs, as ours
  const runs = Array.from({ length: REPEATS }, () => pythonOnce(script));
  const ok = runs.filter((r): r is Extract<Baseline, { rate: number }> => !('error' in r));
  return ok.length === 0 ? runs[0] : ok.reduce((a, b) => (b.rate > a.rate ? b : a));
}

function pythonOnce(script: string): Baseline {
  const rows = (m: Float64Array) => Array.from({ length: N }, (_, i) => Array.from(m.subarray(i * N, (i + 1) * N)));
  const input = JSON.stringify({ weights: rows(conn.weights), lengths: rows(conn.lengths), x0: Array.from(x0), steps, dt: 0.1, speed: 4, a: 0.00390625 });
  const r = spawnSync('/usr/bin/python3', [join(ROOT, 'bench', 'tvb', script)], { input, encoding: 'utf8', maxBuffer: 1 << 26, timeout: 3_600_000 });
  try {
    const j = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '');
    return { rate: j.node_steps_per_second, final: j.final, version: j.version };
  } catch {
    return { error: (r.stderr.trim().split('\n').at(-1) || `exit ${r.status ?? r.signal}`).slice(0, 300), unavailable: r.status === 3 };
  }
}

/** The final state of a baseline against ours: identical, or the largest difference. */
function agreement(b: Baseline, final: Float64Array): string {
  if ('error' in b) return '';
  if (b.final.every((v, i) => v === final[i])) return 'identical, every value';
  return `largest difference ${b.final.reduce((w, v, i) => Math.max(w, Math.abs(v - final[i])), 0).toExponential(2)}`;
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const np = python('numpy_heun.py');
  const own = python('tvb_own.py');
  const one = await ours(1, 1);
  const batch1 = await ours(64, 1);
  const batch2 = await ours(64, 2);
  const spread1 = await ours(64, 1, true);
  const spread2 = await ours(64, 2, true);
  const m = (x: number) => `${(x / 1e6).toFixed(2)} M`;
  const rate = (b: Baseline) => ('error' in b ? `failed: ${b.error}` : m(b.rate));
  const ratio = (x: number, b: Baseline) => ('error' in b ? 'n/a' : `${(x / b.rate).toFixed(1)}x`);
  const withTvb = !('unavailable' in own && own.unavailable); // a TVB column unless tvb does not import at all
  const row = (name: string, x: number) => `| ${name} | ${m(x)} | ${ratio(x, np)} |${withTvb ? ` ${ratio(x, own)} |` : ''}`;
  const tvbName = `TVB's own simulator (tvb-library ${'error' in own ? '' : `${own.version}, `}bench/tvb/tvb_own.py: Heun deterministic, Raw monitor), one parameter set`;
  const lines = [
    `Generic 2-D oscillator (TVB's defaults), synthetic 76-region connectome (1,094 edges, delays up to 418 steps at 4 mm/ms), linear coupling, dt 0.1 ms, ${steps} steps.`,
    '',
    `| | node-steps per second | ours / numpy |${withTvb ? ' ours / TVB |' : ''}`,
    `|---|---:|---:|${withTvb ? '---:|' : ''}`,
    `| numpy Heun with delays (bench/tvb/numpy_heun.py), one parameter set | ${rate(np)} | |${withTvb ? ' |' : ''}`,
    ...(withTvb ? [`| ${tvbName} | ${rate(own)} | | |`] : []),
    row('ours, one parameter set per call, 1 thread', one.rate),
    row('ours, 64 parameter sets per call, 1 thread', batch1.rate),
    row('ours, 64 parameter sets per call, 2 threads', batch2.rate),
    row('ours, 64 parameter sets per call, each its own speed (3-5 mm/ms), 1 thread', spread1.rate),
    row('ours, 64 parameter sets per call, each its own speed (3-5 mm/ms), 2 threads', spread2.rate),
    '',
    'error' in np ? '' : `Final state after ${steps} steps, numpy against ours: ${agreement(np, one.final)}.`,
    '',
    withTvb
      ? 'error' in own
        ? `TVB's own simulator: imports, but its run failed (${own.error}).`
        : `Final state after ${steps} steps, TVB's own simulator against ours: ${agreement(own, one.final)}.${'error' in np ? '' : ` TVB's rate is ${(own.rate / np.rate).toFixed(2)}x the numpy reference's.`}`
      : `TVB's own simulator: not compared: ${(own as { error: string }).error.replace(/^tvb_own\.py: /, '')}; on Debian: apt-get install python3-numba python3-deprecated, and TVB_SOURCE set to a tvb_library folder.`,
  ];
  writeFileSync(join(OUT, 'tvb.md'), lines.join('\n'));
  process.stdout.write(lines.join('\n') + '\n');
}

await main();
