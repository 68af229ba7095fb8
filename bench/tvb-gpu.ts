/**
 * The CUDA engine of native/tvb against the CPU kernel on the same machine, side by side in one run:
 * the Generic 2-D oscillator with TVB's defaults on the synthetic 76-region connectome, linear coupling,
 * 4 mm/ms (bench/tvb.ts's problem), many parameter sets per call, the optimizer's case. The CPU kernel
 * runs on every core of the machine; the CUDA kernel one thread block per parameter set. Every rate is
 * the best of 3 runs. Node-steps per second (regions x steps x parameter sets / s); ratio = CUDA / the
 * CPU kernel's best. Also the CUDA run's final states against the CPU kernel's (this model and
 * coupling take only + - * /: the same numbers, bit for bit).
 *
 *   node --import tsx bench/tvb-gpu.ts [--steps 4000]
 *
 * Writes bench/out/tvb-gpu.md. Without a usable GPU it says why and writes nothing (bench/run.sh
 * then keeps the section's last figures).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadTvb } from '../src/native/loader.js';
import type { TvbSimulateOptions } from '../src/native/tvb.js';
import { readConnectome, kernelConnectome } from '../src/optimizees/tvb/connectome.js';
import { CASES, initialState, SYNTHETIC76 } from '../test/helpers/tvb.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'bench', 'out');
const { values } = parseArgs({ options: { steps: { type: 'string', default: '4000' } } });
const steps = Number(values.steps);
const REPEATS = 3;
const conn = readConnectome(SYNTHETIC76);
const k = kernelConnectome(conn);
const N = conn.nodes;
const c = CASES.find((x) => x.model === 'generic_2d_oscillator')!;
const x0 = initialState(c.cols);
const tvb = loadTvb();
const cores = availableParallelism();

function options(instances: number, engine: 'cpu' | 'cuda', speedPerInstance: boolean, lanes: 0 | 1 | 8 | 32 = 0): TvbSimulateOptions {
  return {
    model: c.model, nodes: N, instances, steps, dt: 0.1, threads: cores, connectome: k, coupling: 'linear', engine, lanes,
    // a speed per instance: 3 to 5 mm/ms, every parameter set its own delays
    speed: speedPerInstance ? Float64Array.from({ length: instances }, (_, p) => 3 + (2 * p) / instances) : Float64Array.of(4),
    // a coupling strength per parameter set (what an optimizer varies), so the sets differ
    coupling_params: Float64Array.from({ length: 2 * instances }, (_, j) => (j % 2 === 0 ? 0.00390625 * (1 + Math.floor(j / 2) / instances) : 0)),
    params: Float64Array.from(c.params), x0,
    record: { every: steps, state: Int32Array.of(0, 1) },
  };
}

type Timed = { rate: number; seconds: number; final: Float64Array };

async function time(instances: number, engine: 'cpu' | 'cuda', speedPerInstance = false, lanes: 0 | 1 | 8 | 32 = 0): Promise<Timed> {
  const o = options(instances, engine, speedPerInstance, lanes);
  await tvb.simulate({ ...o, steps: 100 }); // warm-up (the device's context, the threads)
  let best = Infinity;
  let final: Float64Array = new Float64Array(0);
  // the CPU kernel's long calls (over 2 s at 16 cores) once: its rate no longer depends on the call's size there
  const repeats = engine === 'cpu' && instances >= 4096 ? 1 : REPEATS;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    const out = await tvb.simulate(o);
    best = Math.min(best, (performance.now() - t0) / 1000);
    final = out.observed;
  }
  return { rate: (N * steps * instances) / best, seconds: best, final };
}

function agreement(a: Float64Array, b: Float64Array): string {
  let same = 0, worst = 0;
  a.forEach((x, i) => {
    same += Object.is(x, b[i]) ? 1 : 0;
    worst = Math.max(worst, Math.abs(x - b[i]));
  });
  return same === a.length ? `identical, all ${a.length} values` : `${same} of ${a.length} identical, largest difference ${worst.toExponential(2)}`;
}

async function main(): Promise<void> {
  const gpu = tvb.gpu();
  if (gpu.devices === 0) {
    process.stdout.write(`bench tvb-gpu: ${gpu.built ? gpu.reason : 'the addon was built without nvcc'}; nothing measured\n`);
    return;
  }
  mkdirSync(OUT, { recursive: true });
  const m = (x: number) => (x >= 1e9 ? `${(x / 1e9).toFixed(2)} G` : `${(x / 1e6).toFixed(0)} M`);
  const SETS = [64, 256, 1024, 4096, 16384];
  const LANES = [1, 8, 32] as const;
  const rows: string[] = [];
  const checks: string[] = [];
  for (const sets of SETS) {
    const cpu = await time(sets, 'cpu');
    const byLanes: Timed[] = [];
    for (const lanes of LANES) byLanes.push(await time(sets, 'cuda', false, lanes));
    const auto = await time(sets, 'cuda');
    rows.push(`| ${sets} | ${m(cpu.rate)} | ${byLanes.map((g) => m(g.rate)).join(' | ')} | ${m(auto.rate)} | ${auto.seconds.toFixed(3)} | ${(auto.rate / cpu.rate).toFixed(1)}x |`);
    for (const [j, g] of byLanes.entries()) {
      if (sets === 256 || sets === 4096) checks.push(`- ${sets} sets, ${LANES[j]} lanes: the CUDA kernel's final states against the CPU kernel's: ${agreement(cpu.final, g.final)}.`);
    }
  }
  const spread: string[] = [];
  for (const sets of [256, 4096]) {
    const cpu = await time(sets, 'cpu', true);
    const g = await time(sets, 'cuda', true);
    spread.push(`| ${sets}, each its own speed (3-5 mm/ms) | ${m(cpu.rate)} | ${m(g.rate)} | ${(g.rate / cpu.rate).toFixed(1)}x |`);
    checks.push(`- ${sets} sets, each its own speed: the CUDA kernel's final states against the CPU kernel's: ${agreement(cpu.final, g.final)}.`);
  }
  const lines = [
    `${gpu.device} (${gpu.devices} device${gpu.devices > 1 ? 's' : ''}) against the CPU kernel on the same machine's ${cores} cores (${cores} threads).`,
    `Generic 2-D oscillator (TVB's defaults), synthetic 76-region connectome (1,094 edges, delays up to 418 steps at 4 mm/ms),`,
    `linear coupling with a strength per parameter set, dt 0.1 ms, ${steps} steps, the final state recorded; best of ${REPEATS} runs`,
    `(the CPU kernel's calls of 4096 sets and more: one run).`,
    'Node-steps per second (regions x steps x parameter sets / s). The CUDA kernel runs a thread block per group of 1, 8 or',
    '32 parameter sets (lanes); by default the lanes follow the call\'s size (native/tvb/instance_kernel.h, DeviceLanes).',
    '',
    '| parameter sets per call | CPU kernel | CUDA, 1 lane | CUDA, 8 lanes | CUDA, 32 lanes | CUDA, default lanes | seconds per call (default) | default / CPU |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    '| parameter sets per call | CPU kernel | CUDA, default lanes | CUDA / CPU |',
    '|---|---:|---:|---:|',
    ...spread,
    '',
    ...checks,
  ];
  writeFileSync(join(OUT, 'tvb-gpu.md'), lines.join('\n') + '\n');
  process.stdout.write(lines.join('\n') + '\n');
}

await main();
