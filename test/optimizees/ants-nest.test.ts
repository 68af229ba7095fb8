/**
 * The ants' spiking brains in NEST (snn.backend nest: python/l2l_ants_nest.py in this process's
 * embedded interpreter, stepped in lockstep with the native world) against the native brains: the same
 * genomes on the same colonies return the same food. Where `import nest` fails (CI), the NEST runs are
 * skipped and the model says in one line how to get NEST.
 *
 * Tolerance: none beyond rounding. Both integrate iaf_psc_alpha exactly on the same 1 ms grid with the
 * same order of update, threshold, reset and delivery, so the spike trains match unless rounding
 * (NEST's propagator code against ours) puts a membrane on the other side of the threshold; the world
 * is the same code, so a colony then diverges from that tick on. We require equal food on at least
 * 5 of 6 colonies and the mean within 10 % (seen: all equal).
 */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { antsSchema, AntsModel } from '../../src/optimizees/ants/index.js';
import { embeddedPython } from '../../src/experiment/execution/native.js';
import type { BatchContext } from '../../src/core/optimizee.js';
import { loadAnts } from '../../src/native/loader.js';
import { antNetwork, NEST_LAYOUT } from '../../src/optimizees/ants/network.js';

const nestThere = spawnSync('/usr/bin/python3', ['-c', 'import nest'], { encoding: 'utf8' }).status === 0;
const config = (backend: 'native' | 'nest') => antsSchema.parse({
  brain: 'snn', ticks: 300, colonies: 2, population: 15, snn: { backend },
  parameters: [{ path: 'weights', lower: -20, upper: 20 }, { path: 'delays', lower: 1, upper: 7 }],
});

/** n genomes from a small LCG: weights in [-20, 20], delays in [1, 7]. */
function genomes(n: number, seed: number): Float64Array {
  let x = seed >>> 0;
  const r = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const out = new Float64Array(n * 500);
  for (let i = 0; i < n; i++) for (let g = 0; g < 500; g++) out[i * 500 + g] = g < 250 ? 1 + 6 * r() : -20 + 40 * r();  // delays sort first
  return out;
}

t.test('through the optimizee (snn.backend nest): the native brains\' fitness', { skip: nestThere ? false : 'NEST is not importable here (build NEST 3 from its public source and put its site-packages on PYTHONPATH)' }, async (t) => {
  const n = 3;
  const ctx: BatchContext = { generation: 0, index: Int32Array.from({ length: n }, (_, i) => i), seed: Uint32Array.from({ length: n }, (_, i) => 5 + i), threads: 1, python: embeddedPython };
  const x = genomes(n, 13);
  const native = new AntsModel(config('native'));
  t.same(native.space.params.map((p) => p.name), ['delays', 'weights'], 'the layout the genomes above assume');
  const a = await native.evaluateAsync(x, ctx, { cancel: new Int32Array(1), progress: new Float64Array(2) });
  const b = await new AntsModel(config('nest')).evaluateAsync(x, ctx, { cancel: new Int32Array(1), progress: new Float64Array(2) });
  t.comment(`native ${Array.from(a.fitness)}, nest ${Array.from(b.fitness)}`);
  const equal = Array.from(a.fitness).filter((f, i) => f === b.fitness[i]).length;
  t.ok(equal >= n - 1, `equal fitness for ${equal} of ${n} individuals`);
  const mean = (f: Float64Array) => f.reduce((s, v) => s + v, 0) / f.length;
  t.ok(Math.abs(mean(a.fitness) - mean(b.fitness)) <= 0.1 * Math.max(1, mean(a.fitness)), `mean food ${mean(a.fitness)} (native) and ${mean(b.fitness)} (NEST) within 10 %`);
});

t.test('NEST brains in lockstep: the colonies of the native brains, ant by ant and patch by patch', { skip: nestThere ? false : 'NEST is not importable here' }, async (t) => {
  const ants = loadAnts();
  const G = 4, C = 2, P = 15, T = 300;
  const x = genomes(G, 13);  // genomes whose ants find food, and bring some home, in 300 ticks
  const weights = new Float64Array(G * 250), delays = new Int32Array(G * 250);
  for (let g = 0; g < G; g++) {
    weights.set(x.subarray(g * 500 + 250, g * 500 + 500), g * 250);
    for (let k = 0; k < 250; k++) delays[g * 250 + k] = Math.round(x[g * 500 + k]);
  }
  const seeds = Uint32Array.from({ length: G * C }, (_, i) => 300 + i);
  const expected = await ants.run({ instances: G * C, ticks: T, seeds, population: P, brain: 'snn', snn: { weights, delays }, record: { final: true } });
  const colonies = new ants.Colonies({ instances: G * C, seeds, population: P });
  const nets = Array.from({ length: G }, (_, g) => antNetwork(weights, delays, 100, g * 250));
  const version = await embeddedPython.invoke('l2l_ants_nest', 'build', [nets, C, P, T, { ...NEST_LAYOUT, steps_per_tick: 20, heartbeat_every: 2, input_current: 1000 }]);
  t.comment(`NEST ${version}`);
  const started = performance.now();
  for (let tick = 0; tick < T; tick++) {
    const counts = (await embeddedPython.invoke('l2l_ants_nest', 'tick', [colonies.sense()])) as Uint8Array;
    colonies.act(new Int32Array(counts.buffer.slice(counts.byteOffset, counts.byteOffset + counts.byteLength)));
  }
  t.comment(`${G * C} colonies x ${T} ticks with NEST brains: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const s = colonies.state(), f = expected.final!;
  t.ok(f.x.some((v) => v !== 0) && expected.picked.some((p) => p > 0), `the ants move and find food (picked ${Array.from(expected.picked)})`);
  const same = (i: number) => s.picked[i] === expected.picked[i] && s.returned[i] === expected.returned[i] &&
    Array.from({ length: P }, (_, a) => s.x[i * P + a] === f.x[i * P + a] && s.y[i * P + a] === f.y[i * P + a]).every(Boolean);
  const agree = Array.from({ length: G * C }, (_, i) => same(i));
  t.comment(`colonies identical to the native run: ${agree.map((a) => (a ? 1 : 0)).join('')}`);
  t.ok(agree.filter(Boolean).length >= G * C - 1, `${agree.filter(Boolean).length} of ${G * C} colonies identical (food, every ant's position) after ${T} ticks`);
  t.same(Array.from(s.picked), Array.from(expected.picked), 'food picked up, colony by colony');
  t.same(Array.from(s.returned), Array.from(expected.returned), 'food returned, colony by colony');
});

t.test('snn.backend nest where NEST is not there: one line that says how to get it', { skip: nestThere ? 'NEST is importable here' : false }, async (t) => {
  t.throws(() => new AntsModel(config('nest')), /^backend: got "nest", but `import nest` fails in \/usr\/bin\/python3 \(ModuleNotFoundError: No module named 'nest'\): build NEST 3 from its source/);
});
