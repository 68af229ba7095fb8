/**
 * The ant colony kernel (native/ants): colony-ticks per second of NetLogo's Ants model with its own
 * rules as the brain, on the 71 x 71 world, for NetLogo's 125 ants and the seed's 15, 16 colonies of
 * 1000 ticks per call, on 1 and 2 threads. Each rate the best of 3 calls. The spiking-network brains
 * and NEST's will be measured against these (issue 17). Reports, never asserts.
 *
 *   node --import tsx bench/ants.ts
 *
 * Writes bench/out/ants.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadAnts } from '../src/native/loader.js';

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
console.log(lines.join('\n'));
mkdirSync(join(ROOT, 'bench', 'out'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'out', 'ants.md'), `${lines.join('\n')}\n`);
