/**
 * The spiking network simulator against Brian2, side by side in one run: the CUBA benchmark network
 * (test/fixtures/cuba: 4000 neurons, 320k synapses, every synapse and initial potential fixed), 1 s of
 * network time, ours (native/snn) on 1 and 2 threads against Brian2 2.5's cpp_standalone (the generated
 * C++, compiled once, then its binary run: its own timing of the network run) without OpenMP and with
 * 2 OpenMP threads, and Brian2's cython target. Interleaved repeats, medians; ratios = Brian2's time /
 * ours. Reports figures, asserts nothing. Needs Debian's python3-brian (and g++ for cpp_standalone).
 *
 *   node --import tsx bench/snn.ts [--reps 5]
 *
 * Writes bench/out/snn.md (the section of bench/RESULTS.md) and bench/out/snn.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSnn } from '../src/native/loader.js';
import { cubaSpec, cubaV0, STEPS } from '../test/helpers/cuba.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'bench', 'out');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'cuba');
const PYTHON = '/usr/bin/python3';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' } } });
const reps = Number(values.reps);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Brian2's CUBA for `target`: compiled (cpp_standalone) or warmed up, then timed; null with the reason when it cannot run. */
function brian2(target: string, threads: number, build: string): { seconds: number; spikes: number } | { error: string } {
  const r = spawnSync(PYTHON, [join(ROOT, 'bench', 'snn', 'cuba_brian2.py'), FIXTURES, target, String(threads), build], {
    encoding: 'utf8', env: { ...process.env, PYTHONWARNINGS: 'ignore' }, timeout: 600_000,
  });
  const line = r.stdout.trim().split('\n').at(-1) ?? '';
  try {
    const j = JSON.parse(line) as { seconds: number; spikes: number };
    return { seconds: j.seconds, spikes: j.spikes };
  } catch {
    return { error: (r.stderr.trim().split('\n').at(-1) ?? `exit ${r.status}`).slice(0, 200) };
  }
}

/** The compiled cpp_standalone binary run again: its own timing of the network run. */
function rerunStandalone(build: string): number {
  const r = spawnSync('./main', [], { cwd: build, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`cpp_standalone binary failed: ${r.stderr}`);
  return Number(readFileSync(join(build, 'results', 'last_run_info.txt'), 'utf8').split(/\s+/)[0]);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const snn = loadSnn();
  const net = new snn.Network(cubaSpec());
  const v0 = cubaV0();
  const ours = async (threads: number) => {
    const t0 = performance.now();
    const r = await net.run({ instances: 1, steps: STEPS, threads, seeds: Uint32Array.of(1), v0 });
    return { seconds: (performance.now() - t0) / 1000, spikes: r.spikes[0].steps.length };
  };
  await ours(1); // the synapses by target range, built on first use
  await ours(2);
  const dir = mkdtempSync(join(tmpdir(), 'l2l-bench-snn-'));
  const builds = { serial: join(dir, 'serial'), omp2: join(dir, 'omp2') };
  const compiled = { serial: brian2('cpp_standalone', 0, builds.serial), omp2: brian2('cpp_standalone', 2, builds.omp2) };
  const times: Record<string, number[]> = { ours1: [], ours2: [], serial: [], omp2: [], cython: [] };
  const spikes: Record<string, number> = {};
  for (let rep = 0; rep < reps; rep++) {
    const a = await ours(1);
    times.ours1.push(a.seconds);
    spikes.ours = a.spikes;
    times.ours2.push((await ours(2)).seconds);
    if ('seconds' in compiled.serial) times.serial.push(rerunStandalone(builds.serial));
    if ('seconds' in compiled.omp2) times.omp2.push(rerunStandalone(builds.omp2));
    console.log(`[snn] rep ${rep + 1}: ours ${times.ours1.at(-1)!.toFixed(4)} s / ${times.ours2.at(-1)!.toFixed(4)} s (1/2 threads), cpp_standalone ${times.serial.at(-1)?.toFixed(4)} / ${times.omp2.at(-1)?.toFixed(4)} s`);
  }
  for (let rep = 0; rep < Math.min(3, reps); rep++) {
    const c = brian2('cython', 1, dir);
    if ('seconds' in c) times.cython.push(c.seconds);
  }
  if ('spikes' in compiled.serial) spikes.brian2 = compiled.serial.spikes;
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.length ? median(v) : NaN]));
  const fmt = (s: number) => (Number.isFinite(s) ? `${(s * 1000).toFixed(1)} ms` : 'n/a');
  const ratio = (b: number, o: number) => (Number.isFinite(b) && Number.isFinite(o) ? `${(b / o).toFixed(2)}x` : 'n/a');
  const body = [
    'CUBA benchmark network (test/fixtures/cuba/README.md: 4000 LIF neurons, 319,714 synapses, exact integration,',
    `dt 0.1 ms), 1 s of network time. Ours: native/snn through the addon, the run call timed from JS (spikes recorded).`,
    'Brian2 2.5 (Debian python3-brian): cpp_standalone compiled once, then its binary run again for each repeat, its own',
    'timing of the network run (code generation, compilation and loading the synapses excluded); cython after a warm-up run.',
    `Interleaved repeats (${reps}), medians; ratio = Brian2's time / ours (above 1: ours is faster).`,
    '',
    `Spikes: ours ${spikes.ours ?? 'n/a'}, Brian2 ${spikes.brian2 ?? 'n/a'} (the same spike train one for one: test/native/snn.test.ts).`,
    ...(('error' in compiled.serial) ? [`cpp_standalone serial: not available (${compiled.serial.error})`] : []),
    ...(('error' in compiled.omp2) ? [`cpp_standalone 2 threads: not available (${compiled.omp2.error})`] : []),
    '',
    '| threads | ours | Brian2 cpp_standalone | ratio | Brian2 cython | ratio |',
    '|---:|---:|---:|---:|---:|---:|',
    `| 1 | ${fmt(m.ours1)} | ${fmt(m.serial)} (no OpenMP) | ${ratio(m.serial, m.ours1)} | ${fmt(m.cython)} | ${ratio(m.cython, m.ours1)} |`,
    `| 2 | ${fmt(m.ours2)} | ${fmt(m.omp2)} (2 OpenMP threads) | ${ratio(m.omp2, m.ours2)} | | |`,
    '',
    `Runs (s): ${Object.entries(times).map(([k, v]) => `${k} ${v.map((x) => x.toFixed(4)).join(', ')}`).join('; ')}.`,
  ].join('\n');
  writeFileSync(join(OUT, 'snn.md'), body + '\n');
  writeFileSync(join(OUT, 'snn.json'), JSON.stringify({ reps, times, spikes }, null, 2) + '\n');
  console.log(body);
}

await main();
