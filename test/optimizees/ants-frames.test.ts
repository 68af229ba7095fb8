/**
 * The ants colony's frames for the report's animation (src/optimizees/ants/frames.ts): evenly spaced
 * ticks, the last frame the very state of a plain run to the end (a colony depends on its seed and
 * parameters only), food returned non-decreasing, the chemical's byte scale as stated, the encoding
 * decoded here by hand as frames.ts documents it, and the size kept small.
 */
import t from 'tap';
import { unzlibSync } from 'fflate';
import { CHEMICAL_SCALE, colonyFrames, dequantizeChemical, frameTicks, quantizeChemical } from '../../src/optimizees/ants/frames.js';
import { AntsModel, antsSchema } from '../../src/optimizees/ants/index.js';
import { loadAnts } from '../../src/native/loader.js';
import type { AntsRunOptions } from '../../src/native/ants.js';

const bytes = (s: string) => unzlibSync(Buffer.from(s, 'base64'));

t.test('frame ticks: evenly spaced from 1 to the last tick, distinct, at most one per tick', async (t) => {
  t.same(frameTicks(200, 5), [1, 51, 101, 150, 200], '1 + round(199 k / 4)');
  t.same(frameTicks(10, 48), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'fewer ticks than frames: every tick');
  t.same(frameTicks(7, 1), [7], 'one frame: the end');
  t.same(frameTicks(0, 48), []);
  for (const [T, F] of [[1000, 48], [49, 48], [48, 48], [150, 60], [3, 2]]) {
    const k = frameTicks(T, F);
    t.equal(k.length, Math.min(T, F), `${T} ticks, ${F} frames: the count`);
    t.ok(k[0] === 1 && k[k.length - 1] === T && k.every((v, i) => i === 0 || v > k[i - 1]), `${T} ticks, ${F} frames: 1 to ${T}, increasing`);
    const gaps = k.slice(1).map((v, i) => v - k[i]);
    t.ok(Math.max(...gaps) - Math.min(...gaps) <= 1, `${T} ticks, ${F} frames: gaps within 1 of each other`);
  }
});

t.test('the chemical byte: 0 below lo, a log scale of 254 steps up to hi, about 4.6% apart', async (t) => {
  const { lo, hi, steps } = CHEMICAL_SCALE;
  t.equal(quantizeChemical(0), 0);
  t.equal(quantizeChemical(lo * 0.99), 0);
  t.equal(quantizeChemical(lo), 1);
  t.equal(quantizeChemical(hi), 1 + steps);
  t.equal(quantizeChemical(hi * 10), 255, 'above hi: clamped');
  t.equal(quantizeChemical(Number.NaN), 0);
  const step = (hi / lo) ** (1 / steps);
  for (const c of [0.02, 0.1, 1, 5, 60, 400]) {
    const back = dequantizeChemical(quantizeChemical(c));
    t.ok(Math.abs(Math.log(back / c)) <= Math.log(step) / 2 + 1e-12, `${c} back as ${back.toPrecision(4)}, within half a step`);
  }
  t.ok(Math.abs(step - 1.0464) < 1e-3, `a step is ${step.toFixed(4)}`);
});

t.test('colonyFrames: the last frame is the end of a plain run; food returned never falls', async (t) => {
  const T = 150, P = 125, m = 35, side = 2 * m + 1, cells = side * side;
  const options: AntsRunOptions = { instances: 1, ticks: T, seeds: Uint32Array.of(987654321), diffusion_rate: 60, evaporation_rate: 8, population: P, max_pxcor: m };
  const [a, plain] = await Promise.all([colonyFrames(options, T, 30), loadAnts().run({ ...options, record: { final: true, returned: true } })]);
  const F = 30;
  t.same(a.ticks, frameTicks(T, F));
  t.equal(a.returned.length, F);
  t.ok(a.returned.every((v, i) => i === 0 || v >= a.returned[i - 1]), `returned non-decreasing: ${a.returned.join(' ')}`);
  t.ok(a.returned[F - 1] > 0, 'some food returned');
  t.equal(a.returned[F - 1], plain.returned[0], 'the last frame returned what the plain run did');
  t.same(a.returned, a.ticks.map((k) => plain.returned_trace![k - 1]), 'each frame returned what the plain run had by its tick');
  const f = plain.final!;
  const chemical = bytes(a.chemical), food = bytes(a.food), antBytes = bytes(a.ants);
  t.equal(chemical.length, F * cells);
  t.equal(food.length, F * cells);
  t.equal(antBytes.length, F * P * 6);
  t.same(bytes(a.nest), f.nest, 'the nest once');
  t.same(bytes(a.source), f.source, 'the food sources once');
  const last = (F - 1) * cells;
  t.same(Array.from(food.subarray(last)), Array.from(f.food), 'the last frame\'s food is the plain run\'s');
  t.same(Array.from(chemical.subarray(last)), Array.from(f.chemical, quantizeChemical), 'its chemical too, as bytes');
  const view = new DataView(antBytes.buffer, antBytes.byteOffset, antBytes.byteLength);
  const ants = Array.from({ length: P }, (_, k) => [0, 2, 4].map((o) => view.getInt16(6 * ((F - 1) * P + k) + o, true)));
  t.same(ants, Array.from({ length: P }, (_, k) => [Math.round(10 * f.x[k]), Math.round(10 * f.y[k]), f.carrying[k]]), 'its ants where the plain run left them, carrying what they carried');
  // the first frame: tick 1, one ant out, nothing returned
  t.equal(a.returned[0], 0);
  t.equal(food.subarray(0, cells).reduce((s, v) => s + v, 0), Array.from(plain.food_initial).reduce((s, v) => s + v, 0), 'at tick 1 all the food is there');
  const size = JSON.stringify(a).length;
  t.ok(size < 200_000, `${F} frames take ${size} bytes of JSON`);
});

t.test('colonyFrames: one colony only; ticks >= 1', async (t) => {
  const two: AntsRunOptions = { instances: 2, ticks: 10, seeds: Uint32Array.of(1, 2) };
  await t.rejects(colonyFrames(two, 10), /the options of one colony are needed \(instances 1 and one seed\), got instances 2/);
  await t.rejects(colonyFrames({ ...two, instances: 1, seeds: Uint32Array.of(1) }, 0), /ticks must be an integer >= 1, got 0/);
});

t.test('the assessment carries the first colony\'s frames, its end the colony drawn', async (t) => {
  const model = new AntsModel(antsSchema.parse({ ticks: 60, colonies: 3, parameters: [{ path: 'diffusion_rate', lower: 0, upper: 99 }, { path: 'evaporation_rate', lower: 0, upper: 99 }] }));
  const a = await model.assess(Float64Array.of(50, 10), { threads: 2 });
  const anim = a.animation as { ticks: number[]; returned: number[]; food: string; side: number };
  const colony = a.colony as { returned: number; patches: Array<{ x: number; y: number; food: number }> };
  t.equal(anim.ticks.length, 48);
  t.equal(anim.ticks.at(-1), 60);
  t.equal(anim.returned.at(-1), colony.returned, 'the last frame returned what colony 1 did');
  const food = bytes(anim.food).subarray(47 * anim.side * anim.side);
  const m = (anim.side - 1) / 2;
  t.same(colony.patches.filter((p) => p.food > 0).map((p) => p.food), colony.patches.filter((p) => p.food > 0).map((p) => food[(m - p.y) * anim.side + (p.x + m)]), 'and the food the frame figure draws');
  t.ok(JSON.stringify(a).length < 300_000, `the whole assessment takes ${JSON.stringify(a).length} bytes`);
});
