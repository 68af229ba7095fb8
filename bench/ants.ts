/**
 * The ant colony kernel (native/ants): colony-ticks per second of NetLogo's Ants model with its own
 * rules as the brain, on the 71 x 71 world, for NetLogo's 125 ants and the seed's 15, 16 colonies of
 * 1000 ticks per call, on 1 and 2 threads. Each rate the best of 3 calls. Then 15 ants each steered
 * by its spiking network (brain 'snn': 26 neurons, 250 synapses, 20 steps of 1 ms per tick), the
 * networks on the native simulator's step (1 and 2 threads) and, where `import nest` works, in NEST
 * through the embedded Python in lockstep with the world (python/l2l_ants_nest.py: one NEST kernel for
 * all the call's ants, one Simulate(20) per tick), the same genomes and colonies. Reports, never asserts.
 *
 *   node --import tsx bench/ants.ts
 *
 * Writes bench/out/ants.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadAnts } from '../src/native/loader.js';
import { embeddedPython } from '../src/experiment/execution/native.js';
import { antNetwork, NEST_LAYOUT } from '../src/optimizees/ants/network.js';

const ROOT = new URL('..', import.meta.url).pathname;
const COLONIES = 16, TICKS = 1000, REPEATS = 3;
const ants = loadAnts();

async function rate(population: number, threads: number): Promise<{ rate: number; returned: number }> {
  const seeds = Uint32Array.from({ length: COLONIES }, (_, k) => 1 + k);
  await ants.run({ instances: 2, ticks: 50, seeds: seeds.subarray(0, 2), population, threads }); // warm-up
  let best = Infinity, returned = 0;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    const out = await ants.run({ instances: COLONIES, ticks: TICKS, seeds, population, threads });
    best = Math.min(best, (performance.now() - t0) / 1000);
    returned = Array.from(out.returned).reduce((a, b) => a + b, 0) / COLONIES;
  }
  return { rate: (COLONIES * TICKS) / best, returned };
}

const lines = [
  `NetLogo's Ants model (native/ants, NetLogo's rules as the brain), 71 x 71 patches, ${COLONIES} colonies x ${TICKS} ticks per call, the best of ${REPEATS} calls.`,
  '',
  '| ants per colony | threads | colony-ticks/s | per core | food returned per colony (mean) |',
  '|---:|---:|---:|---:|---:|',
];
for (const population of [125, 15]) {
  for (const threads of [1, 2]) {
    const r = await rate(population, threads);
    lines.push(`| ${population} | ${threads} | ${Math.round(r.rate).toLocaleString('en-US')} | ${Math.round(r.rate / threads).toLocaleString('en-US')} | ${r.returned.toFixed(1)} |`);
  }
}

// spiking brains: 8 random genomes (weights in [-20, 20], delays in [1, 7]) x 2 colonies of 15 ants
const G = 8, C = 2, SNN_TICKS = 500;
let lcg = 12345;
const r01 = () => ((lcg = (Math.imul(lcg, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const snn = { weights: Float64Array.from({ length: G * 250 }, () => -20 + 40 * r01()), delays: Int32Array.from({ length: G * 250 }, () => 1 + Math.floor(7 * r01())) };
const snnSeeds = Uint32Array.from({ length: G * C }, (_, k) => 1 + k);
lines.push('', `15 ants per colony, each steered by its spiking network (brain 'snn'), ${G} genomes x ${C} colonies x ${SNN_TICKS} ticks per call, the best of ${REPEATS} calls (NEST: one call).`, '',
  '| networks on | threads | colony-ticks/s | per core | vs native, 1 thread |', '|---|---:|---:|---:|---:|');
let native1 = 0;
for (const threads of [1, 2]) {
  let best = Infinity;
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    await ants.run({ instances: G * C, ticks: SNN_TICKS, seeds: snnSeeds, population: 15, threads, brain: 'snn', snn });
    best = Math.min(best, (performance.now() - t0) / 1000);
  }
  const rate = (G * C * SNN_TICKS) / best;
  if (threads === 1) native1 = rate;
  lines.push(`| native/snn's step | ${threads} | ${Math.round(rate).toLocaleString('en-US')} | ${Math.round(rate / threads).toLocaleString('en-US')} | ${(rate / native1).toFixed(2)} |`);
}
if (spawnSync('/usr/bin/python3', ['-c', 'import nest'], { encoding: 'utf8' }).status === 0) {
  const colonies = new ants.Colonies({ instances: G * C, seeds: snnSeeds, population: 15 });
  const nets = Array.from({ length: G }, (_, g) => antNetwork(snn.weights, snn.delays, 100, g * 250));
  const t0 = performance.now();
  const version = await embeddedPython.invoke('l2l_ants_nest', 'build', [nets, C, 15, SNN_TICKS, { ...NEST_LAYOUT, steps_per_tick: 20, heartbeat_every: 2, input_current: 1000 }]);
  for (let tick = 0; tick < SNN_TICKS; tick++) {
    const counts = (await embeddedPython.invoke('l2l_ants_nest', 'tick', [colonies.sense()])) as Uint8Array;
    colonies.act(new Int32Array(counts.buffer.slice(counts.byteOffset, counts.byteOffset + counts.byteLength)));
  }
  const rate = (G * C * SNN_TICKS) / ((performance.now() - t0) / 1000);
  lines.push(`| NEST ${version}, lockstep through the embedded Python | 1 | ${Math.round(rate).toLocaleString('en-US')} | ${Math.round(rate).toLocaleString('en-US')} | ${(rate / native1).toFixed(3)} |`);
} else {
  lines.push('| NEST | - | not importable here (build NEST 3 from its public source, put its site-packages on PYTHONPATH) | | |');
}
console.log(lines.join('\n'));
mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'out', 'ants.md'), `${lines.join('\n')}\n`);
