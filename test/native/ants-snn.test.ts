/**
 * Ants steered by spiking networks (native/ants/snn_brain.h, brain 'snn'): a network that never
 * reaches its motors leaves every ant at the nest; a heartbeat wired to the move motor walks each ant
 * one patch per tick it acts, straight along its heading; the world's rules hold under any genome
 * (ants in the world, food counted once); a colony's numbers depend on its seed and genome only (any
 * thread count, any company); colonies stepped from JS with brains outside (new Colonies: the NEST
 * brain's lockstep) are run()'s colonies tick for tick when those brains compute what the native
 * ones do (here the same networks written out by src/optimizees/ants/network.ts, stepped by
 * network.loop()); arguments are checked.
 */
import t from 'tap';
import { loadAnts, loadSnn } from '../../src/native/loader.js';
import { SNN_GENES, type AntsRunOptions } from '../../src/native/ants.js';
import { antNetwork, FIRST_MOTOR, HEARTBEAT, MOTORS, SENSORS } from '../../src/optimizees/ants/network.js';

const ants = loadAnts();
const MAX = 35;
const seedsOf = (n: number, base = 1) => Uint32Array.from({ length: n }, (_, i) => base + 7919 * i);

/** Genome offsets (snn_brain.h): sensory i -> hidden j, heartbeat -> hidden j, hidden s -> motor m. */
const inputToHidden = (i: number, j: number) => 10 * i + j;
const heartbeatToHidden = (j: number) => 110 + j;
const hiddenToMotor = (s: number, m: number) => 210 + 4 * s + m;
const MOVE = 0, LEFT = 1, RIGHT = 2, PHEROMONE = 3;

function randomGenomes(n: number, seed: number): { weights: Float64Array; delays: Int32Array } {
  let x = seed >>> 0;
  const r = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return { weights: Float64Array.from({ length: n * SNN_GENES }, () => -20 + 40 * r()), delays: Int32Array.from({ length: n * SNN_GENES }, () => 1 + Math.floor(7 * r())) };
}

const run = (o: Partial<AntsRunOptions> & { snn: AntsRunOptions['snn'] }) => ants.run({ instances: 1, ticks: 50, seeds: seedsOf(1), population: 15, brain: 'snn', ...o });

t.test('a network that never reaches its motors: no ant leaves the nest, nothing is laid', async (t) => {
  const weights = new Float64Array(SNN_GENES);
  for (let g = 0; g < 210; g++) weights[g] = 20;  // sensors, heartbeat and hidden all busy, no hidden -> motor synapse
  const r = await run({ ticks: 100, snn: { weights, delays: new Int32Array(SNN_GENES).fill(1) }, record: { final: true } });
  t.ok(r.final!.x.every((v) => v === 0) && r.final!.y.every((v) => v === 0), 'every ant still at (0, 0)');
  t.ok(r.final!.chemical.every((c) => c === 0), 'no chemical anywhere');
  t.equal(r.returned[0], 0);
});

t.test('a heartbeat wired to the move motor: each ant walks one patch per tick it acts, straight ahead', async (t) => {
  const weights = new Float64Array(SNN_GENES);
  weights[heartbeatToHidden(0)] = 20;     // 2 nA: hidden 0 fires on every heartbeat
  weights[hiddenToMotor(0, MOVE)] = 20;   // and the move motor with it
  const T = 25;  // ant k acts in ticks k + 1 .. T - 1: T - 1 - k steps, never as far as the edge (35)
  const r = await run({ ticks: T, snn: { weights, delays: new Int32Array(SNN_GENES).fill(1), turn: 45 }, record: { final: true } });
  const f = r.final!;
  for (let k = 0; k < 15; k++) {
    const d = Math.hypot(f.x[k], f.y[k]);
    t.ok(Math.abs(d - (T - 1 - k)) < 1e-9, `ant ${k}: ${d.toFixed(6)} patches out, ${T - 1 - k} steps`);
  }
  // the rotate motors never fired: headings are the initial ones, along which the ants went
  for (let k = 0; k < 15; k++) {
    const h = (Math.atan2(f.x[k], f.y[k]) * 180) / Math.PI;
    t.ok(Math.abs(((h - f.heading[k] + 540) % 360) - 180) < 1e-6, `ant ${k}: moved along its heading ${f.heading[k]}`);
  }
});

t.test('a heartbeat wired to move and rotate right: the ants walk octagons back to the nest', async (t) => {
  const weights = new Float64Array(SNN_GENES);
  weights[heartbeatToHidden(0)] = 20;
  weights[hiddenToMotor(0, MOVE)] = 20;
  weights[hiddenToMotor(0, RIGHT)] = 20;
  // ant 0 acts from tick 1: 8 ticks of (turn 45, step 1) close an octagon
  const r = await run({ ticks: 9, population: 1, snn: { weights, delays: new Int32Array(SNN_GENES).fill(1), turn: 45 }, record: { final: true } });
  t.ok(Math.hypot(r.final!.x[0], r.final!.y[0]) < 1e-9, `back at the nest after 8 steps (${r.final!.x[0]}, ${r.final!.y[0]})`);
});

t.test('a sensor steers: on the nest the pheromone motor lays chemical, elsewhere it does not', async (t) => {
  const weights = new Float64Array(SNN_GENES);
  weights[heartbeatToHidden(0)] = 20;
  weights[hiddenToMotor(0, MOVE)] = 20;          // walk straight out
  weights[inputToHidden(10, 1)] = 20;            // on the nest -> hidden 1 -> pheromone
  weights[hiddenToMotor(1, PHEROMONE)] = 20;
  const r = await run({ ticks: 30, population: 1, diffusion_rate: 0, evaporation_rate: 0, snn: { weights, delays: new Int32Array(SNN_GENES).fill(1) }, record: { final: true } });
  const f = r.final!, side = r.side;
  let inside = 0, far = 0;
  for (let k = 0; k < side * side; k++) {
    if (!(f.chemical[k] > 0)) continue;
    if (f.nest[k]) inside++;
    // (px, py) of patch k; the nest is the disc of radius 5
    else if (Math.hypot((k % side) - MAX, MAX - Math.floor(k / side)) > 7) far++;
  }
  t.ok(inside >= 1, `chemical on nest patches (${inside})`);
  // the pheromone is laid after the move, and the network's latency (the sensory membrane, two synaptic
  // delays) carries a nest tick's spikes into the next tick or two: chemical just past the nest's edge,
  // none farther out along the 29-patch walk
  t.equal(far, 0, 'no chemical more than 2 patches past the nest');
  t.ok(Math.hypot(f.x[0], f.y[0]) > 20, 'the ant walked on, out of the nest');
});

t.test('random genomes: ants in the world, food counted once, a colony its own whatever the company and threads', async (t) => {
  const G = 6, C = 2;
  const genomes = randomGenomes(G, 11);
  const seeds = Uint32Array.from({ length: G * C }, (_, i) => 100 + (i % C));
  const all = await ants.run({ instances: G * C, ticks: 300, seeds, population: 15, brain: 'snn', snn: genomes, threads: 1, record: { final: true } });
  const threaded = await ants.run({ instances: G * C, ticks: 300, seeds, population: 15, brain: 'snn', snn: genomes, threads: 4 });
  t.same(Array.from(threaded.returned), Array.from(all.returned), 'threads 4: the same food returned');
  t.same(Array.from(threaded.food_left), Array.from(all.food_left), 'threads 4: the same food left');
  // genome 3 alone, its two colonies
  const alone = await ants.run({ instances: C, ticks: 300, seeds: seeds.slice(3 * C, 4 * C), population: 15, brain: 'snn', snn: { weights: genomes.weights.slice(3 * SNN_GENES, 4 * SNN_GENES), delays: genomes.delays.slice(3 * SNN_GENES, 4 * SNN_GENES) } });
  t.same(Array.from(alone.picked), Array.from(all.picked.slice(3 * C, 4 * C)), 'a genome\'s colonies alone: the same numbers as in company');
  const f = all.final!;
  for (let i = 0; i < G * C; i++) {
    const initial = all.food_initial.slice(3 * i, 3 * i + 3).reduce((a, b) => a + b, 0);
    const left = all.food_left.slice(3 * i, 3 * i + 3).reduce((a, b) => a + b, 0);
    t.equal(all.picked[i], initial - left, `colony ${i}: picked = initial - left`);
    t.ok(all.returned[i] <= all.picked[i], `colony ${i}: returned ${all.returned[i]} <= picked ${all.picked[i]}`);
    const carrying = f.carrying.slice(15 * i, 15 * i + 15).reduce((a, b) => a + b, 0);
    t.equal(all.picked[i] - all.returned[i], carrying, `colony ${i}: the difference is being carried`);
  }
  t.ok(Array.from(f.x).every((x) => x >= -MAX - 0.5 && x < MAX + 0.5) && Array.from(f.y).every((y) => y >= -MAX - 0.5 && y < MAX + 0.5), 'every ant in the world');
  t.ok(Array.from(all.picked).some((p) => p > 0), 'some random network picks food up (the test sees food moving)');
});

t.test('colonies stepped from JS with brains outside: run()\'s colonies, tick for tick', async (t) => {
  const snn = loadSnn();
  const G = 3, C = 2, P = 15, T = 150;
  const genomes = randomGenomes(G, 23);
  const seeds = Uint32Array.from({ length: G * C }, (_, i) => 40 + (i % C));
  const expected = await ants.run({ instances: G * C, ticks: T, seeds, population: P, brain: 'snn', snn: genomes, record: { final: true, returned: true } });
  const colonies = new ants.Colonies({ instances: G * C, seeds, population: P });
  // one loop per ant, each colony's ants with their genome's network
  const nets = Array.from({ length: G }, (_, g) => new snn.Network(antNetwork(genomes.weights, genomes.delays, 100, g * SNN_GENES)));
  const loops = Array.from({ length: G * C * P }, (_, a) => nets[Math.floor(a / (C * P))].loop());
  const counts = new Int32Array(G * C * P * MOTORS);
  const returned: number[] = [];
  for (let tick = 0; tick < T; tick++) {
    const sensors = colonies.sense();
    counts.fill(0);
    loops.forEach((loop, a) => {
      for (let i = 0; i < SENSORS; i++) loop.setCurrent(i, (sensors[a] >>> i) & 1 ? 1000 : 0);
      for (let k = 0; k < 20; k++) {
        if (loop.steps % 2 === 0) loop.emit(HEARTBEAT);
        for (const i of loop.step()) if (i >= FIRST_MOTOR) counts[a * MOTORS + i - FIRST_MOTOR]++;
      }
    });
    colonies.act(counts);
    returned.push(colonies.state().returned[0]);
  }
  t.equal(colonies.ticks, T);
  const s = colonies.state(), f = expected.final!;
  t.same(Array.from(s.picked), Array.from(expected.picked), 'the same food picked up, colony by colony');
  t.same(Array.from(s.returned), Array.from(expected.returned), 'the same food returned');
  t.same(Array.from(s.x), Array.from(f.x), 'every ant where run() left it (x)');
  t.same(Array.from(s.y), Array.from(f.y), '(y)');
  t.same(Array.from(s.heading), Array.from(f.heading), 'and heading');
  t.same(Array.from(s.chemical), Array.from(f.chemical), 'the same chemical on every patch');
  t.same(returned, Array.from(expected.returned_trace!.slice(0, T)), 'colony 0: the same food returned at every tick');
  t.ok(expected.picked.some((p) => p > 0) || f.x.some((x) => x !== 0), 'the ants did something (the comparison means something)');
  t.throws(() => colonies.act(counts), /sense\(\) first/, 'act before sense');
  colonies.sense();
  t.throws(() => colonies.sense(), /act\(counts\) ends the tick first/, 'sense twice');
  t.throws(() => colonies.act(new Int32Array(3)), RangeError, 'counts of the wrong length');
});

t.test('snn arguments are checked, each error naming its field', async (t) => {
  const g = randomGenomes(1, 1);
  const bad = (snn: unknown, over: Partial<AntsRunOptions> = {}) => () => ants.run({ instances: 2, ticks: 5, seeds: seedsOf(2), brain: 'snn', snn, ...over } as AntsRunOptions);
  t.throws(bad(undefined), { name: 'TypeError', message: /options\.snn/ }, 'brain snn without genomes');
  t.throws(bad({ weights: g.weights }), { name: 'TypeError', message: /options\.snn\.delays/ });
  t.throws(bad({ weights: g.weights.slice(1), delays: g.delays.slice(1) }), { name: 'RangeError', message: /options\.snn\.weights/ }, 'not a whole genome');
  t.throws(bad({ weights: randomGenomes(3, 1).weights, delays: randomGenomes(3, 1).delays }), { name: 'RangeError', message: /options\.snn\.weights/ }, '3 genomes for 2 colonies');
  const d = g.delays.slice(); d[17] = 8;
  t.throws(bad({ weights: g.weights, delays: d }), { name: 'RangeError', message: /options\.snn\.delays\[17\]/ }, 'a delay of 8 steps');
  const w = g.weights.slice(); w[3] = Number.NaN;
  t.throws(bad({ weights: w, delays: g.delays }), { name: 'RangeError', message: /options\.snn\.weights\[3\]/ });
  t.throws(bad({ ...g, turn: 200 }), { name: 'RangeError', message: /options\.snn\.turn/ });
  t.throws(bad({ ...g, steps_per_tick: 0 }), { name: 'RangeError', message: /options\.snn\.steps_per_tick/ });
  t.throws(bad({ ...g, wiggle: 1 }), { name: 'TypeError', message: /options\.snn\.wiggle/ });
});
