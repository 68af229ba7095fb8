/**
 * The colony's animated GIF (src/report/colony-animation.ts), decoded here block by block and LZW by
 * LZW (test/helpers/gif.ts) rather than trusted: a GIF89a of the frames' count and size, looping, one
 * global palette of NetLogo's colours; each patch coloured as NetLogo's Ants recolors it (chemical as
 * scale-color green 0.1 5 where the chemical is, the nest violet, food by source) and each ant a red or
 * orange dot where it stands; the frames of a real colony decoded from the assessment's encoding.
 */
import t from 'tap';
import { chemicalIndex, colonyGif, decodeColonyFrames, drawFrame, INDEX, netlogoRgb, PALETTE, pixelsPerPatch, type ColonyFrames } from '../../src/report/colony-animation.js';
import { colonyFrames } from '../../src/optimizees/ants/frames.js';
import { decodeGif } from '../helpers/gif.js';

const M = 5, SIDE = 2 * M + 1, CELLS = SIDE * SIDE;
/** NetLogo's patch order: rows from the top. */
const at = (px: number, py: number) => (M - py) * SIDE + (px + M);

/** A small world: the nest at the centre patch, source 2's food at (-4, -4), chemical 2 at (3, 3) from the second frame on. */
function world(): ColonyFrames {
  const nest = new Uint8Array(CELLS), source = new Uint8Array(CELLS);
  nest[at(0, 0)] = 1;
  source[at(-4, -4)] = 2;
  source[at(4, -4)] = 1; // a source whose food is gone: drawn by its chemical
  const frame = (tick: number, chem: number) => {
    const chemical = new Float64Array(CELLS), food = new Uint8Array(CELLS);
    chemical[at(3, 3)] = chem;
    food[at(-4, -4)] = 2;
    return { tick, returned: tick, chemical, food, ants: [{ x: -2, y: 2, carrying: 0 }, { x: 2.3, y: -1.6, carrying: 1 }] };
  };
  return { max_pxcor: M, nest, source, frames: [frame(1, 0), frame(2, 2), frame(3, 60)] };
}

t.test('a GIF89a: the frames\' count and size, looping forever, 100 ms a frame and the last held, one palette', async (t) => {
  const scale = 6;
  const gif = decodeGif(colonyGif(world(), { scale }));
  t.equal(gif.version, '89a');
  t.equal(gif.width, SIDE * scale);
  t.equal(gif.height, SIDE * scale);
  t.equal(gif.images.length, 3, 'three image descriptors');
  t.ok(gif.images.every((im) => im.left === 0 && im.top === 0 && im.width === SIDE * scale && im.height === SIDE * scale && im.palette === null), 'whole frames on the global palette');
  t.same(gif.images.map((im) => im.delay), [100, 100, 1000]);
  t.equal(gif.loops, 0, 'loops forever');
  t.ok(gif.trailer, 'ends with the trailer');
  t.equal(gif.palette!.length, 128, '106 colours in a table of 128');
  t.same(gif.palette!.slice(0, PALETTE.length), PALETTE);
});

t.test('NetLogo\'s colours: its base colours as NetLogo shows them, green from near black to near white', async (t) => {
  t.same(netlogoRgb(15), [215, 50, 41], 'red');
  t.same(netlogoRgb(55), [89, 176, 60], 'green');
  t.same(netlogoRgb(85), [84, 196, 196], 'cyan');
  t.same(netlogoRgb(95), [45, 141, 190], 'sky');
  t.same(netlogoRgb(105), [52, 93, 169], 'blue');
  t.same(netlogoRgb(115), [124, 80, 164], 'violet');
  t.ok(netlogoRgb(50).every((v) => v <= 4), `green - 5 near black: ${netlogoRgb(50)}`);
  t.ok(netlogoRgb(59.9).every((v) => v >= 250), `green + 4.9 near white: ${netlogoRgb(59.9)}`);
  t.throws(() => netlogoRgb(45), /not a shade of a colour this report uses/);
  t.equal(chemicalIndex(0), 0, 'no chemical: green - 5');
  t.equal(chemicalIndex(0.1), 0);
  t.equal(chemicalIndex(2.56), 50, 'just past half way from 0.1 to 5: green');
  t.equal(chemicalIndex(5), 99, 'at 5: green + 4.9');
  t.equal(chemicalIndex(60), 99);
  t.equal(pixelsPerPatch(71), 6, '71 patches: 426 pixels');
});

t.test('patches and ants where they are, in their colours', async (t) => {
  const scale = 6, W = SIDE * scale;
  const c = world();
  const gif = decodeGif(colonyGif(c, { scale }));
  const pixels = (k: number, px: number, py: number) => {
    const out: number[] = [];
    const row0 = (M - py) * scale, col0 = (px + M) * scale;
    for (let r = 0; r < scale; r++) for (let q = 0; q < scale; q++) out.push(gif.images[k].indices[(row0 + r) * W + col0 + q]);
    return out;
  };
  const all = (v: number) => Array(scale * scale).fill(v);
  t.same(pixels(0, 3, 3), all(0), 'frame 1: no chemical at (3, 3)');
  t.same(pixels(1, 3, 3), all(chemicalIndex(2)), 'frame 2: chemical 2 at (3, 3), its green');
  t.equal(chemicalIndex(2), 38, 'scale-color green 2 0.1 5 is green - 5 + 3.88: tenth 38');
  t.same(pixels(2, 3, 3), all(99), 'frame 3: chemical 60, green + 4.9');
  t.same(gif.palette![38], netlogoRgb(53.8), 'the palette holds that shade');
  for (let k = 0; k < 3; k++) {
    t.same(pixels(k, 0, 0), all(INDEX.violet), `frame ${k + 1}: the nest violet`);
    t.same(pixels(k, -4, -4), all(INDEX.sky), `frame ${k + 1}: source 2's food sky`);
    t.same(pixels(k, 4, -4), all(0), `frame ${k + 1}: an emptied source is drawn by its chemical`);
  }
  // the chemical only where it is: frame 2's green pixels are exactly patch (3, 3)
  const green = gif.images[1].indices.reduce((s, v) => s + (v === chemicalIndex(2) ? 1 : 0), 0);
  t.equal(green, scale * scale, 'frame 2: that green nowhere else');
  // ants: a dot at the ant's place (the pixel under its centre), red searching, orange carrying
  const antPixel = (k: number, x: number, y: number) => gif.images[k].indices[Math.floor((M + 0.5 - y) * scale) * W + Math.floor((x + M + 0.5) * scale)];
  for (let k = 0; k < 3; k++) {
    t.equal(antPixel(k, -2, 2), INDEX.red, `frame ${k + 1}: the searching ant red`);
    t.equal(antPixel(k, 2.3, -1.6), INDEX.orange, `frame ${k + 1}: the carrying ant orange`);
  }
  const dots = gif.images[0].indices.reduce((s, v) => s + (v === INDEX.red ? 1 : 0), 0);
  t.ok(dots >= 4 && dots <= 16, `a small dot (${dots} pixels at ${scale} per patch)`);
  t.same(drawFrame(c, c.frames[1], scale), gif.images[1].indices, 'the GIF holds the drawn frame exactly');
});

t.test('a real colony: the assessment\'s encoding decoded, each frame in the GIF', async (t) => {
  const T = 80;
  const frames = await colonyFrames({ instances: 1, ticks: T, seeds: Uint32Array.of(4242), diffusion_rate: 50, evaporation_rate: 10 }, T, 20);
  const c = decodeColonyFrames(JSON.parse(JSON.stringify(frames)))!;
  t.equal(c.frames.length, 20);
  t.same(c.frames.map((f) => f.tick), frames.ticks);
  t.equal(c.frames[19].ants.length, 125);
  t.ok(c.frames[19].ants.every((a) => Math.abs(a.x) <= 35.5 && Math.abs(a.y) <= 35.5 && (a.carrying === 0 || a.carrying === 1)), 'ants in the world, carrying 0 or 1');
  t.equal(Array.from(c.nest).filter((v) => v === 1).length, 69, 'the nest\'s 69 patches');
  const bytes = colonyGif(c);
  const gif = decodeGif(bytes);
  t.equal(gif.images.length, 20);
  t.equal(gif.width, 426);
  t.ok(bytes.length < 200_000, `20 frames in ${bytes.length} bytes`);
  t.ok(gif.images[19].indices.some((v) => v > 0 && v < 100), 'the last frame has chemical');
});

t.test('no animation: none drawn; a malformed one: an error naming the field', async (t) => {
  t.equal(decodeColonyFrames(undefined), null);
  const good = JSON.parse(JSON.stringify(await colonyFrames({ instances: 1, ticks: 5, seeds: Uint32Array.of(1) }, 5))) as Record<string, unknown>;
  t.throws(() => decodeColonyFrames({ ...good, chemical: 'not zlib' }), /assessment\.json animation: chemical is not base64 of zlib-compressed bytes/);
  t.throws(() => decodeColonyFrames({ ...good, ticks: [1, 2] }), /returned has 5 values for 2 frames/);
  t.throws(() => decodeColonyFrames({ ...good, food: good.nest }), /food holds 5041 bytes, expected 25205/);
  t.throws(() => decodeColonyFrames({ ...good, chemical_scale: undefined }), /chemical_scale must be/);
  t.throws(() => colonyGif({ max_pxcor: 1, nest: [], source: [], frames: [] }), /no frames to draw/);
});
