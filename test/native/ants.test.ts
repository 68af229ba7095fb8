/**
 * NetLogo's Ants model (native/ants) against what it must do exactly: setup as the model lays it out,
 * diffusion as NetLogo's diffuse computes it (hand-computed shares, a transcription of
 * Topology.scala on a random field, the total conserved), evaporation to the operation, ants inside
 * the world and leaving one per tick, food counted once, the colony's well-known foraging order, the
 * same numbers whatever the threads and the other colonies of the call, and the long-call contract
 * (progress, cancel, argument checks).
 */
import t from 'tap';
import { loadAnts } from '../../src/native/loader.js';
import type { AntsRunOptions, AntsRunResult, CallControl } from '../../src/native/ants.js';

const ants = loadAnts();
const control = (): CallControl => ({ cancel: new Int32Array(1), progress: new Float64Array(2) });

const MAX = 35;
const SIDE = 2 * MAX + 1;
const PATCHES = SIDE * SIDE;
/** NetLogo's patch order: rows from the top. */
const index = (px: number, py: number, max = MAX) => (max - py) * (2 * max + 1) + (px + max);
const seedsOf = (n: number, base = 1) => Uint32Array.from({ length: n }, (_, i) => base + 7919 * i);

/** A field of `PATCHES` values from a small LCG (values in [0, scale)). */
function randomField(seed: number, scale: number, n = PATCHES): Float64Array {
  let x = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return (x / 2 ** 32) * scale;
  });
}

/** NetLogo's Topology.sum4. */
function sum4(a: number, b: number, c: number, d: number): number {
  const [low1, high1] = a < b ? [a, b] : [b, a];
  const [low2, high2] = c < d ? [c, d] : [d, c];
  return low2 < high1 && low1 < high2 ? low1 + low2 + (high1 + high2) : low1 + high1 + (low2 + high2);
}

/**
 * NetLogo's `diffuse` on a box, transcribed from Topology.scala (diffuseCenter, XBlocks, YBlocks) and
 * Box.diffuseCorners: s(x, y) is column x from the left, row y from the top.
 */
function netlogoDiffuse(field: Float64Array, side: number, amount: number): Float64Array {
  const s = field.slice();
  const out = field.slice();
  const at = (x: number, y: number) => s[y * side + x];
  const update = (x: number, y: number, old: number, sum: number) => (out[y * side + x] = old + amount * (sum / 8 - old));
  const last = side - 1;
  for (let x = 1; x < last; x++) {
    for (let y = 1; y < last; y++) {
      const sum = sum4(at(x + 1, y), at(x - 1, y), at(x, y - 1), at(x, y + 1)) + sum4(at(x + 1, y + 1), at(x + 1, y - 1), at(x - 1, y + 1), at(x - 1, y - 1));
      update(x, y, at(x, y), sum);
    }
  }
  for (let y = 1; y < last; y++) {
    for (const [x, inner] of [[0, 1], [last, last - 1]]) {
      const old = at(x, y);
      update(x, y, old, sum4(at(x, y - 1), at(x, y + 1), at(inner, y), old) + sum4(at(inner, y - 1), at(inner, y + 1), old, old));
    }
  }
  for (let x = 1; x < last; x++) {
    for (const [y, inner] of [[0, 1], [last, last - 1]]) {
      const old = at(x, y);
      update(x, y, old, sum4(at(x - 1, y), at(x + 1, y), at(x, inner), old) + sum4(at(x - 1, inner), at(x + 1, inner), old, old));
    }
  }
  for (const [x, y, ix, iy] of [[0, 0, 1, 1], [0, last, 1, last - 1], [last, 0, last - 1, 1], [last, last, last - 1, last - 1]]) {
    const old = at(x, y);
    update(x, y, old, sum4(at(ix, y), at(x, iy), old, old) + sum4(at(ix, iy), old, old, old));
  }
  return out;
}

/**
 * One tick of the patches as go makes it: diffuse, then every patch's chemical * (100 - e) / 100 (which
 * NetLogo computes at e = 0 too, and which then is not always the identity in the last bit).
 */
function netlogoPatchTick(field: Float64Array, side: number, diffusionRate: number, evaporationRate: number): Float64Array {
  return netlogoDiffuse(field, side, diffusionRate / 100).map((v) => (v * (100 - evaporationRate)) / 100);
}

function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

/** A chemical-only world: no ants, the given field at setup, `ticks` ticks. */
async function chemicalOnly(field: Float64Array, ticks: number, diffusion_rate: number | Float64Array, evaporation_rate: number | Float64Array, instances = 1): Promise<AntsRunResult> {
  return ants.run({ instances, ticks, seeds: seedsOf(instances), population: 0, diffusion_rate, evaporation_rate, initial_chemical: field, record: { final: true } });
}

t.test('setup is the model\'s: nest, nest-scent, three food sources of 1 or 2 units, ants at the nest', async (t) => {
  const population = 125;
  const r = await ants.run({ instances: 3, ticks: 0, seeds: seedsOf(3), population, record: { final: true } });
  const f = r.final!;
  t.equal(r.side, SIDE);
  t.same(Array.from(r.finished), [1, 1, 1]);
  t.same(Array.from(r.ticks_done), [0, 0, 0]);
  const dist = (px: number, py: number, x: number, y: number) => Math.sqrt((x - px) * (x - px) + (y - py) * (y - py));
  let nest = 0;
  const sourcePatches = [0, 0, 0];
  for (let py = MAX; py >= -MAX; py--) {
    for (let px = -MAX; px <= MAX; px++) {
      const i = index(px, py);
      const d = dist(px, py, 0, 0);
      if (f.nest[i] !== (d < 5 ? 1 : 0)) t.fail(`nest? at (${px}, ${py})`);
      if (f.nest_scent[i] !== 200 - d) t.fail(`nest-scent at (${px}, ${py})`);
      nest += f.nest[i];
      let source = 0;
      if (dist(px, py, 0.6 * MAX, 0) < 5) source = 1;
      if (dist(px, py, -0.6 * MAX, -0.6 * MAX) < 5) source = 2;
      if (dist(px, py, -0.8 * MAX, 0.8 * MAX) < 5) source = 3;
      if (f.source[i] !== source) t.fail(`food-source-number at (${px}, ${py})`);
      if (source) sourcePatches[source - 1]++;
      for (let c = 0; c < 3; c++) {
        const food = f.food[c * PATCHES + i];
        if (source ? food !== 1 && food !== 2 : food !== 0) t.fail(`food ${food} at (${px}, ${py}) of colony ${c}`);
        if (f.chemical[c * PATCHES + i] !== 0) t.fail('chemical 0');
      }
    }
  }
  t.equal(nest, 69, 'the 69 patches within distance 5 of the origin are nest');
  t.same(sourcePatches, [69, 69, 69], 'each source 69 patches');
  for (let c = 0; c < 3; c++) {
    for (let s = 1; s <= 3; s++) {
      let food = 0;
      for (let i = 0; i < PATCHES; i++) if (f.source[i] === s) food += f.food[c * PATCHES + i];
      t.equal(r.food_initial[3 * c + s - 1], food, `colony ${c}: food_initial of source ${s} is its patches' food`);
      t.ok(food >= 69 && food <= 138);
      t.equal(r.food_left[3 * c + s - 1], food);
    }
  }
  t.not(r.food_initial.slice(0, 3).join(), r.food_initial.slice(3, 6).join(), 'colonies of different seeds draw different food');
  t.ok(f.x.every((v) => v === 0) && f.y.every((v) => v === 0), 'every ant at (0, 0)');
  t.ok(f.heading.every((h) => Number.isInteger(h) && h >= 0 && h < 360), 'random integer headings');
  t.ok(new Set(f.heading.slice(0, population)).size > 60, 'spread over the circle');
  t.ok(f.carrying.every((c) => c === 0), 'all searching');
});

t.test('diffusion: a unit at an interior, an edge and a corner patch gives each neighbour its share', async (t) => {
  // diffusion-rate 50: a patch gives 0.5 / 8 of its value to each neighbour and keeps the shares of
  // the neighbours it lacks (3 at an edge, 5 at a corner): dyadic numbers, so exact
  const field = new Float64Array(PATCHES);
  const interior = [10, 10];
  const edge = [MAX, 0];
  const corner = [-MAX, MAX];
  for (const [x, y] of [interior, edge, corner]) field[index(x, y)] = 1;
  const r = await chemicalOnly(field, 1, 50, 0);
  const c = r.final!.chemical;
  const want = new Float64Array(PATCHES);
  for (const [[x0, y0], keep] of [[interior, 0.5], [edge, 1 - 0.5 * (5 / 8)], [corner, 1 - 0.5 * (3 / 8)]] as const) {
    want[index(x0, y0)] = keep;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const x = x0 + dx;
        const y = y0 + dy;
        if ((dx || dy) && Math.abs(x) <= MAX && Math.abs(y) <= MAX) want[index(x, y)] = 0.5 / 8;
      }
    }
  }
  t.equal(c[index(...(interior as [number, number]))], 0.5, 'interior keeps half');
  t.equal(c[index(...(edge as [number, number]))], 0.6875, 'an edge patch keeps 1 - 0.5 * 5/8');
  t.equal(c[index(...(corner as [number, number]))], 0.8125, 'a corner keeps 1 - 0.5 * 3/8');
  t.same(Array.from(c), Array.from(want), 'every neighbour 1/16, every other patch 0');
  t.equal(sum(c), 3, 'the total conserved');
});

t.test('diffusion is NetLogo\'s diffuse to the operation, and conserves the total', async (t) => {
  for (const rate of [50, 37, 99]) {
    const field = randomField(rate, 10);
    const r = await chemicalOnly(field, 1, rate, 0);
    const want = netlogoPatchTick(field, SIDE, rate, 0);
    let differing = 0;
    for (let i = 0; i < PATCHES; i++) if (r.final!.chemical[i] !== want[i]) differing++;
    t.equal(differing, 0, `diffusion-rate ${rate}: every patch bit for bit`);
  }
  // fifty ticks of a spiky field: the total to rounding
  const field = new Float64Array(PATCHES);
  for (let i = 0; i < PATCHES; i += 97) field[i] = 60 + (i % 13);
  const before = sum(field);
  const r = await chemicalOnly(field, 50, 70, 0);
  const after = sum(r.final!.chemical);
  t.ok(Math.abs(after - before) <= 1e-12 * before, `total ${before} -> ${after}`);
  // and in a small world, where the edges are most of it
  const small = randomField(3, 5, 7 * 7);
  const rs = await ants.run({ instances: 1, ticks: 20, seeds: seedsOf(1), population: 0, max_pxcor: 3, evaporation_rate: 0, initial_chemical: small, record: { final: true } });
  let want = small;
  for (let k = 0; k < 20; k++) want = netlogoPatchTick(want, 7, 50, 0);
  t.same(Array.from(rs.final!.chemical), Array.from(want), 'a 7 x 7 world, 20 ticks: NetLogo\'s numbers');
  t.ok(Math.abs(sum(rs.final!.chemical) - sum(small)) <= 1e-12 * sum(small));
});

t.test('evaporation multiplies every patch by (100 - e) / 100, exactly', async (t) => {
  const field = randomField(11, 100);
  const rates = Float64Array.of(10, 0, 13, 99.5);
  const ticks = 3;
  const r = await chemicalOnly(field, ticks, 0, rates, rates.length);
  for (let c = 0; c < rates.length; c++) {
    let want = field;
    for (let k = 0; k < ticks; k++) want = want.map((v) => (v * (100 - rates[c])) / 100);
    t.same(Array.from(r.final!.chemical.subarray(c * PATCHES, (c + 1) * PATCHES)), Array.from(want), `evaporation-rate ${rates[c]}: chemical * (100 - e) / 100 each tick`);
  }
  // diffusion, then evaporation, in that order
  const both = await chemicalOnly(field, 1, 50, 10);
  const want = netlogoPatchTick(field, SIDE, 50, 10);
  t.same(Array.from(both.final!.chemical), Array.from(want), 'one tick: diffuse, then evaporate');
});

t.test('ants stay in the world, step 1 or not at all, and leave the nest one per tick', async (t) => {
  const population = 125;
  const ticks = 300;
  const n = 2;
  const r = await ants.run({ instances: n, ticks, seeds: seedsOf(n, 5), population, record: { ants: true } });
  const a = r.ants!;
  const inside = (v: number) => v >= -MAX - 0.5 && v < MAX + 0.5;
  for (let c = 0; c < n; c++) {
    const moved = new Uint8Array(population);
    let ok = true;
    for (let k = 0; k < ticks; k++) {
      const base = (c * ticks + k) * population;
      for (let i = 0; i < population; i++) {
        const x = a.x[base + i];
        const y = a.y[base + i];
        if (!inside(x) || !inside(y)) ok = false;
        if (x !== 0 || y !== 0) moved[i] = 1;
      }
      // in tick k the ants with who < k act: by its end exactly min(k, population) have left (0, 0)
      const left = sum(moved);
      if (left !== Math.min(k, population)) {
        t.fail(`colony ${c}, tick ${k}: ${left} ants have moved, expected ${Math.min(k, population)}`);
        ok = false;
        break;
      }
    }
    t.ok(ok, `colony ${c}: in the world at every tick, min(tick, population) ants gone`);
    // ant i first steps in tick i + 1, one unit from the nest
    for (const i of [0, 1, 57, 124]) {
      const at = (k: number) => (c * ticks + k) * population + i;
      t.equal(a.x[at(i)], 0, `ant ${i} still home after tick ${i}`);
      t.ok(Math.abs(Math.hypot(a.x[at(i + 1)], a.y[at(i + 1)]) - 1) < 1e-12, `ant ${i} one step out after tick ${i + 1}`);
    }
  }
  // a small world crowded with ants, many ticks: every step is of length 1 or 0 (jump 1 at a wall), all inside
  const small = 3;
  const steps = 400;
  const rs = await ants.run({ instances: 2, ticks: steps, seeds: seedsOf(2, 9), population: 40, max_pxcor: small, record: { ants: true, returned: true } });
  let bad = 0;
  let stayed = 0;
  for (let c = 0; c < 2; c++) {
    for (let k = 1; k < steps; k++) {
      for (let i = 0; i < 40; i++) {
        const p = (c * steps + k) * 40 + i;
        const q = p - 40;
        const x = rs.ants!.x[p];
        const y = rs.ants!.y[p];
        if (!(x >= -small - 0.5 && x < small + 0.5 && y >= -small - 0.5 && y < small + 0.5)) bad++;
        const d = Math.hypot(x - rs.ants!.x[q], y - rs.ants!.y[q]);
        if (d === 0) stayed++;
        else if (Math.abs(d - 1) > 1e-12) bad++;
      }
    }
  }
  t.equal(bad, 0, 'a 7 x 7 world: every step inside, of length 1 or 0');
  t.ok(stayed > 0 && stayed < 2 * 40 * steps * 0.5, `some ants wait (the ones not yet out, or cornered): ${stayed}`);
});

t.test('food is counted once: picked up = initial - left, returned <= picked up, the difference carried', async (t) => {
  const n = 4;
  const ticks = 1200;
  const r = await ants.run({ instances: n, ticks, seeds: seedsOf(n, 21), threads: 2, record: { final: true, returned: true, food: true } });
  const f = r.final!;
  // no food reaches the nest before an ant can have fetched it: a food patch has |pxcor| >= 17 (x >= 16.5
  // in its patch), a nest patch |pxcor| <= 4 (x < 4.5), ant 0 first steps in tick 1 and an ant moves at most
  // 1 a tick: 17 steps out (ticks 1 to 17, on food in tick 18 at the earliest), 13 back (16.5 - 12 = 4.5 is
  // not yet nest): the first return counts in tick 31 at the earliest
  let minFood = Infinity;
  let maxNest = 0;
  for (let py = MAX; py >= -MAX; py--) {
    for (let px = -MAX; px <= MAX; px++) {
      if (f.source[index(px, py)]) minFood = Math.min(minFood, Math.abs(px));
      if (f.nest[index(px, py)]) maxNest = Math.max(maxNest, Math.abs(px));
    }
  }
  t.same([minFood, maxNest], [17, 4], 'the layout the bound rests on');
  for (let c = 0; c < n; c++) {
    const initial = sum(r.food_initial.subarray(3 * c, 3 * c + 3));
    const left = sum(r.food_left.subarray(3 * c, 3 * c + 3));
    t.equal(r.picked[c], initial - left, `colony ${c}: picked up ${r.picked[c]} = initial ${initial} - left ${left}`);
    t.ok(r.returned[c] <= r.picked[c], `returned ${r.returned[c]} <= picked up ${r.picked[c]}`);
    t.ok(r.returned[c] > 0, 'some food came home');
    const carrying = sum(f.carrying.subarray(c * 125, (c + 1) * 125));
    t.equal(r.picked[c] - r.returned[c], carrying, `the ${carrying} units not returned are being carried`);
    for (let s = 1; s <= 3; s++) {
      let food = 0;
      for (let i = 0; i < PATCHES; i++) if (f.source[i] === s) food += f.food[c * PATCHES + i];
      t.equal(r.food_left[3 * c + s - 1], food, `source ${s}: food_left is its patches' food`);
    }
    const trace = r.returned_trace!.subarray(c * ticks, (c + 1) * ticks);
    t.ok(trace.subarray(0, 31).every((v) => v === 0), 'nothing returned by the end of tick 30');
    t.ok(trace.every((v, k) => k === 0 || v >= trace[k - 1]), 'returned never decreases');
    t.equal(trace[ticks - 1], r.returned[c]);
    const food = r.food_trace!.subarray(3 * c * ticks, 3 * (c + 1) * ticks);
    t.ok(food.every((v, k) => k < 3 || v <= food[k - 3]), 'the sources only shrink');
    t.same(Array.from(food.subarray(3 * (ticks - 1))), Array.from(r.food_left.subarray(3 * c, 3 * c + 3)));
  }
});

/** The tick at which source s (1 to 3) of colony c ran out, or Infinity. */
function depleted(r: AntsRunResult, ticks: number, c: number, s: number): number {
  for (let k = 0; k < ticks; k++) if (r.food_trace![(c * ticks + k) * 3 + s - 1] === 0) return k;
  return Infinity;
}

t.test('foraging: the nearest source goes first, and the chemical trail is what makes it quick', async (t) => {
  const n = 8;
  const ticks = 1000;
  const seeds = seedsOf(n, 1234);
  const r = await ants.run({ instances: n, ticks, seeds, threads: 2, record: { food: true, returned: true } });
  // with the model's defaults (evaporation 10): NetLogo's well-known order, source 1 (the nearest) first
  const first: number[] = [];
  for (let c = 0; c < n; c++) {
    const d = [1, 2, 3].map((s) => depleted(r, ticks, c, s));
    first.push(d[0]);
    t.ok(d[0] < d[1] && d[0] < d[2], `colony ${c}: source 1 empty at tick ${d[0]}, before 2 (${d[1]}) and 3 (${d[2]})`);
    t.ok(d[0] < 400, 'within 400 ticks');
    t.ok(r.returned[c] > 150, `${r.returned[c]} units returned in ${ticks} ticks`);
  }
  // no trail (evaporation 100: the chemical is gone at the end of the tick it was laid): random search
  // with the way home still empties the sources, but source 1 lasts far longer
  const none = await ants.run({ instances: n, ticks, seeds, threads: 2, evaporation_rate: 100, record: { food: true, returned: true } });
  const slow = Array.from({ length: n }, (_, c) => Math.min(depleted(none, ticks, c, 1), ticks));
  const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
  t.ok(mean(slow) > 2 * mean(first), `source 1 empty at tick ${mean(first).toFixed(0)} on average with the trail, ${mean(slow).toFixed(0)} without`);
  const at200 = (x: AntsRunResult) => mean(Array.from({ length: n }, (_, c) => x.returned_trace![c * ticks + 199]));
  t.ok(at200(r) > 1.3 * at200(none), `returned by tick 200: ${at200(r)} with the trail, ${at200(none)} without`);
});

/** Every array of a result, for comparisons. */
function arrays(r: AntsRunResult): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  const add = (key: string, v: unknown) => {
    if (ArrayBuffer.isView(v)) out[key] = Array.from(v as unknown as ArrayLike<number>);
    else if (v && typeof v === 'object') for (const [k, w] of Object.entries(v)) add(`${key}.${k}`, w);
  };
  add('r', r);
  return out;
}

/** Colony c's slice of every per-colony array of a result (the shared layout apart). */
function colony(r: AntsRunResult, c: number, ticks: number): Record<string, number[]> {
  const slice = (a: ArrayLike<number> | undefined, per: number) => (a ? Array.from(a).slice(c * per, (c + 1) * per) : []);
  return {
    scalars: [r.finished[c], r.ticks_done[c], r.returned[c], r.picked[c]],
    food_initial: slice(r.food_initial, 3),
    food_left: slice(r.food_left, 3),
    returned_trace: slice(r.returned_trace, ticks),
    food_trace: slice(r.food_trace, 3 * ticks),
    chemical: slice(r.final?.chemical, PATCHES),
    food: slice(r.final?.food, PATCHES),
    x: slice(r.final?.x, 125),
    y: slice(r.final?.y, 125),
    heading: slice(r.final?.heading, 125),
    carrying: slice(r.final?.carrying, 125),
  };
}

t.test('determinism: the same seeds, the same numbers, at any thread count and in any company', async (t) => {
  const ticks = 400;
  const record = { final: true, returned: true, food: true };
  const opts = (seeds: Uint32Array, threads: number, extra: Partial<AntsRunOptions> = {}): AntsRunOptions => ({ instances: seeds.length, ticks, seeds, threads, record, ...extra });
  const seeds = seedsOf(5, 99);
  const a = await ants.run(opts(seeds, 1));
  const b = await ants.run(opts(seeds, 1));
  t.same(arrays(b), arrays(a), 'the same call twice: identical');
  const two = await ants.run(opts(seeds, 2));
  t.same(arrays(two), arrays(a), '1 and 2 threads: identical');
  const many = await ants.run(opts(seeds, 5));
  t.same(arrays(many), arrays(a), '5 threads: identical');
  // colony 3 alone, and among strangers (other seeds, other rates)
  const alone = await ants.run(opts(seeds.slice(3, 4), 1));
  t.same(colony(alone, 0, ticks), colony(a, 3, ticks), 'a colony alone is the colony in the crowd');
  const mixed = await ants.run(opts(Uint32Array.of(7, seeds[3], 8), 2, { diffusion_rate: Float64Array.of(20, 50, 80), evaporation_rate: Float64Array.of(5, 10, 30) }));
  t.same(colony(mixed, 1, ticks), colony(a, 3, ticks), 'and among colonies of other seeds and rates');
  t.not(JSON.stringify(colony(mixed, 0, ticks)), JSON.stringify(colony(mixed, 2, ticks)), 'other seeds, other runs');
  // a colony's own rates matter
  const other = await ants.run(opts(seeds.slice(3, 4), 1, { evaporation_rate: 30 }));
  t.not(JSON.stringify(colony(other, 0, ticks).chemical), JSON.stringify(colony(a, 3, ticks).chemical), 'its evaporation rate changes its run');
});

t.test('off the JS thread, with progress in colony-ticks', async (t) => {
  const c = control();
  const instances = 4;
  const ticks = 4000;
  const call = ants.run({ instances, ticks, seeds: seedsOf(instances) }, c);
  let pending = true;
  void call.then(() => (pending = false));
  const seen: number[] = [];
  let turns = 0;
  while (pending) {
    await new Promise((r) => setTimeout(r, 5));
    turns++;
    seen.push(c.progress[0]);
  }
  const r = await call;
  t.same(Array.from(r.finished), [1, 1, 1, 1]);
  t.same(Array.from(r.ticks_done), [ticks, ticks, ticks, ticks]);
  t.ok(turns >= 10, `${turns} timer turns while the call ran`);
  t.equal(c.progress[1], instances * ticks, 'the total is known from the start');
  t.equal(c.progress[0], instances * ticks, 'all done at the end');
  const middle = seen.filter((p) => p > 0 && p < instances * ticks);
  t.ok(middle.length >= 3, `progress seen rising during the call (${middle.length} readings between start and end)`);
  t.ok(seen.every((p, i) => i === 0 || p >= seen[i - 1]), 'never backwards');
});

t.test('cancel: the colonies stop between ticks and say how far they got', async (t) => {
  const c = control();
  const instances = 4;
  const ticks = 50_000_000; // hours if it never stopped
  const call = ants.run({ instances, ticks, seeds: seedsOf(instances), threads: 2, record: { final: true } }, c);
  while (c.progress[0] < 500) await new Promise((r) => setTimeout(r, 5));
  c.cancel[0] = 1;
  const r = await call;
  t.same(Array.from(r.finished), [0, 0, 0, 0], 'nothing finished');
  t.ok(c.progress[0] < instances * ticks, `stopped after ${c.progress[0]} of ${instances * ticks} colony-ticks`);
  t.ok(r.ticks_done.every((k) => k < ticks), `ticks done: ${Array.from(r.ticks_done).join(', ')}`);
  t.ok(r.ticks_done[0] + r.ticks_done[1] > 0, 'the running colonies got somewhere');
  for (let k = 0; k < instances; k++) {
    if (r.ticks_done[k] === 0) continue;
    const initial = sum(r.food_initial.subarray(3 * k, 3 * k + 3));
    t.equal(r.picked[k], initial - sum(r.food_left.subarray(3 * k, 3 * k + 3)), `colony ${k}: its counters as of its last tick`);
  }
});

t.test('arguments are checked before anything runs, each error naming its field', async (t) => {
  const good = (): AntsRunOptions => ({ instances: 2, ticks: 5, seeds: seedsOf(2) });
  const bad = (over: Record<string, unknown>) => ({ ...good(), ...over }) as unknown as AntsRunOptions;
  t.same(ants.brains, ['netlogo', 'snn']);
  t.throws(() => ants.run(undefined as unknown as AntsRunOptions), TypeError);
  t.throws(() => ants.run(bad({ instances: undefined })), { name: 'TypeError', message: /options\.instances/ });
  t.throws(() => ants.run(bad({ instances: 0 })), { name: 'RangeError', message: /options\.instances/ });
  t.throws(() => ants.run(bad({ ticks: -1 })), { name: 'RangeError', message: /options\.ticks/ });
  t.throws(() => ants.run(bad({ ticks: 2.5 })), { name: 'RangeError', message: /options\.ticks/ });
  t.throws(() => ants.run(bad({ seeds: new Int32Array(2) })), { name: 'TypeError', message: /options\.seeds/ });
  t.throws(() => ants.run(bad({ seeds: seedsOf(3) })), { name: 'RangeError', message: /options\.seeds/ });
  t.throws(() => ants.run(bad({ threads: 0 })), { name: 'RangeError', message: /options\.threads/ });
  t.throws(() => ants.run(bad({ population: -1 })), { name: 'RangeError', message: /options\.population/ });
  t.throws(() => ants.run(bad({ population: '125' })), { name: 'TypeError', message: /options\.population/ });
  t.throws(() => ants.run(bad({ max_pxcor: 0 })), { name: 'RangeError', message: /options\.max_pxcor/ });
  t.throws(() => ants.run(bad({ diffusion_rate: 101 })), { name: 'RangeError', message: /options\.diffusion_rate/ });
  t.throws(() => ants.run(bad({ diffusion_rate: NaN })), { name: 'RangeError', message: /options\.diffusion_rate/ });
  t.throws(() => ants.run(bad({ evaporation_rate: Float64Array.of(10) })), { name: 'RangeError', message: /options\.evaporation_rate/ });
  t.throws(() => ants.run(bad({ evaporation_rate: Float64Array.of(10, -1) })), { name: 'RangeError', message: /options\.evaporation_rate/ });
  t.throws(() => ants.run(bad({ evaporation_rate: [10, 10] })), { name: 'TypeError', message: /options\.evaporation_rate/ });
  t.throws(() => ants.run(bad({ brain: 'spiking' })), { name: 'RangeError', message: /options\.brain/ });
  t.throws(() => ants.run(bad({ brain: 1 })), { name: 'TypeError', message: /options\.brain/ });
  t.throws(() => ants.run(bad({ initial_chemical: new Float64Array(10) })), { name: 'RangeError', message: /options\.initial_chemical/ });
  t.throws(() => ants.run(bad({ initial_chemical: new Float64Array(PATCHES).fill(-1) })), { name: 'RangeError', message: /options\.initial_chemical/ });
  t.throws(() => ants.run(bad({ initial_chemical: new Float32Array(PATCHES) })), { name: 'TypeError', message: /options\.initial_chemical/ });
  t.throws(() => ants.run(bad({ record: { ants: 'yes' } })), { name: 'TypeError', message: /options\.record\.ants/ });
  t.throws(() => ants.run(bad({ record: true })), { name: 'TypeError', message: /options\.record/ });
  t.throws(() => ants.run(bad({ instances: 1000, seeds: seedsOf(1000), ticks: 100_000, record: { ants: true } })), { name: 'RangeError', message: /options\.record\.ants/ });
  t.throws(() => ants.run(good(), { cancel: new Int32Array(1) } as unknown as CallControl), /control\.progress/);
  // the good options run, both initial_chemical shapes accepted
  const r = await ants.run({ ...good(), initial_chemical: new Float64Array(2 * PATCHES) });
  t.same(Array.from(r.finished), [1, 1]);
});
