/**
 * The animation of the best individual's first colony (the ants optimizee's assessment field
 * `animation`, written by src/optimizees/ants/frames.ts): an animated GIF in NetLogo's Ants colours.
 *
 * Each patch is drawn as NetLogo's Ants recolors it: the nest violet; a patch with food in its
 * source's colour (source 1 cyan, 2 sky, 3 blue); any other `scale-color green chemical 0.1 5`, the
 * shade 50 + 10 p (at most 59.9999), p = clamp((chemical - 0.1) / (5 - 0.1), 0, 1), in NetLogo's own RGB
 * of each tenth of a shade (near black to near white). The ants are dots, red while searching and
 * orange + 1 while carrying food, as the model colours them. One global palette of those colours,
 * so no quantization; every frame 100 ms, the last held 1 s, looping forever.
 */
import { unzlibSync } from 'fflate';
import gifenc, { type GifPalette } from 'gifenc';
import type { ReportData } from './data.js';

/** NetLogo's base colours (org.nlogo.core.Color's table) by colour number. */
const NETLOGO_BASE: Record<number, [number, number, number]> = {
  15: [215, 48, 39], 25: [241, 105, 19], 55: [87, 176, 58], 85: [82, 196, 196], 95: [43, 140, 190], 105: [50, 92, 168], 115: [123, 78, 163],
};

/**
 * The RGB NetLogo shows for colour number `c` (one of the base colours' shades): with t = floor(10 c)
 * and s = ((t mod 100) - 50) / 50.48 + 0.012, each channel v of the base colour becomes
 * v + trunc(v s) below the base (s < 0, toward black) and v + trunc((255 - v) s) above it (toward white).
 */
export function netlogoRgb(c: number): [number, number, number] {
  const t = Math.floor(c * 10 + 1e-6); // c in tenths, as NetLogo rounds down to a tenth (1e-6: 50.7 * 10 is not 507 in floating point)
  const base = NETLOGO_BASE[Math.floor(t / 100) * 10 + 5];
  if (!base) throw new RangeError(`netlogoRgb: colour ${c} is not a shade of a colour this report uses`);
  const s = ((t % 100) - 50) / 50.48 + 0.012;
  return base.map((v) => (s < 0 ? v + Math.trunc(v * s) : v + Math.trunc((255 - v) * s))) as [number, number, number];
}

/** Palette indices: 0..99 the green shades 50.0..59.9 (index k: shade 50 + k / 10), then the rest. */
export const INDEX = { violet: 100, cyan: 101, sky: 102, blue: 103, red: 104, orange: 105 } as const;

/** The GIF's one colour table. */
export const PALETTE: GifPalette = [
  ...Array.from({ length: 100 }, (_, k) => netlogoRgb(50 + k / 10)),
  netlogoRgb(115), netlogoRgb(85), netlogoRgb(95), netlogoRgb(105), netlogoRgb(15), netlogoRgb(26),
];

/** The palette index of `scale-color green chemical 0.1 5`. */
export function chemicalIndex(chemical: number): number {
  const p = Math.min(1, Math.max(0, (chemical - 0.1) / (5 - 0.1)));
  return Math.floor(Math.min(9.9999, 10 * p) * 10);
}

/** One frame: each patch's chemical and food (NetLogo's patch order), and the ants. */
export interface ColonyFrame {
  tick: number;
  returned: number;
  chemical: ArrayLike<number>;
  food: ArrayLike<number>;
  ants: Array<{ x: number; y: number; carrying: number }>;
}

/** The colony's frames and its layout (nest and food sources, side^2 each, NetLogo's order). */
export interface ColonyFrames {
  max_pxcor: number;
  nest: ArrayLike<number>;
  source: ArrayLike<number>;
  frames: ColonyFrame[];
}

class AnimationError extends Error {
  constructor(message: string) {
    super(`assessment.json animation: ${message}`);
  }
}

const unpack = (s: unknown, field: string, length: number): Uint8Array => {
  if (typeof s !== 'string') throw new AnimationError(`${field} must be a base64 string of zlib-compressed bytes`);
  let bytes: Uint8Array;
  try {
    bytes = unzlibSync(Buffer.from(s, 'base64'));
  } catch (err) {
    throw new AnimationError(`${field} is not base64 of zlib-compressed bytes (${(err as Error).message})`);
  }
  if (bytes.length !== length) throw new AnimationError(`${field} holds ${bytes.length} bytes, expected ${length}`);
  return bytes;
};

const numbers = (v: unknown, field: string): number[] => {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) throw new AnimationError(`${field} must be an array of numbers`);
  return v as number[];
};

/**
 * The assessment's `animation` as frames (the encoding frames.ts states), or null where it has none;
 * a malformed one throws, naming the field.
 */
export function decodeColonyFrames(a: unknown): ColonyFrames | null {
  if (a === undefined || a === null) return null;
  if (typeof a !== 'object') throw new AnimationError('must be an object');
  const o = a as Record<string, unknown>;
  const m = o.max_pxcor, P = o.population;
  if (typeof m !== 'number' || !Number.isInteger(m) || m < 0) throw new AnimationError(`max_pxcor must be an integer >= 0, got ${JSON.stringify(m)}`);
  if (typeof P !== 'number' || !Number.isInteger(P) || P < 0) throw new AnimationError(`population must be an integer >= 0, got ${JSON.stringify(P)}`);
  const ticks = numbers(o.ticks, 'ticks'), returned = numbers(o.returned, 'returned');
  if (returned.length !== ticks.length) throw new AnimationError(`returned has ${returned.length} values for ${ticks.length} frames`);
  const scale = o.chemical_scale as { lo?: unknown; hi?: unknown; steps?: unknown } | undefined;
  if (!scale || typeof scale.lo !== 'number' || typeof scale.hi !== 'number' || typeof scale.steps !== 'number' || !(scale.lo > 0 && scale.hi > scale.lo && scale.steps > 0)) {
    throw new AnimationError('chemical_scale must be {lo, hi, steps} with 0 < lo < hi and steps > 0');
  }
  const { lo, hi, steps } = scale as { lo: number; hi: number; steps: number };
  const side = 2 * m + 1, cells = side * side, F = ticks.length;
  const chemical = unpack(o.chemical, 'chemical', F * cells), food = unpack(o.food, 'food', F * cells);
  const antBytes = unpack(o.ants, 'ants', F * P * 6);
  const ants = new DataView(antBytes.buffer, antBytes.byteOffset, antBytes.byteLength);
  // q = 0 below lo, else lo (hi / lo)^((q - 1) / steps): the byte scale frames.ts states
  const level = Float64Array.from({ length: 256 }, (_, q) => (q === 0 ? 0 : lo * (hi / lo) ** ((q - 1) / steps)));
  return {
    max_pxcor: m,
    nest: unpack(o.nest, 'nest', cells),
    source: unpack(o.source, 'source', cells),
    frames: ticks.map((tick, f) => ({
      tick, returned: returned[f],
      chemical: Float64Array.from(chemical.subarray(f * cells, (f + 1) * cells), (q) => level[q]),
      food: food.subarray(f * cells, (f + 1) * cells),
      ants: Array.from({ length: P }, (_, a) => {
        const k = 6 * (f * P + a);
        return { x: ants.getInt16(k, true) / 10, y: ants.getInt16(k + 2, true) / 10, carrying: ants.getInt16(k + 4, true) };
      }),
    })),
  };
}

/** Pixels per patch: about 430 pixels across for NetLogo's 71 patches, 1 to 8 for other worlds. */
export function pixelsPerPatch(side: number): number {
  return Math.max(1, Math.min(8, Math.floor(432 / side)));
}

/** One frame as palette indices, `scale` pixels per patch, row by row from the top (NetLogo's +y up). */
export function drawFrame(c: ColonyFrames, frame: ColonyFrame, scale: number): Uint8Array {
  const m = c.max_pxcor, side = 2 * m + 1, W = side * scale;
  const px = new Uint8Array(W * W);
  for (let k = 0; k < side * side; k++) {
    const source = c.source[k];
    const color = c.nest[k] ? INDEX.violet
      : frame.food[k] > 0 && source >= 1 && source <= 3 ? [INDEX.cyan, INDEX.sky, INDEX.blue][source - 1]
        : chemicalIndex(frame.chemical[k]);
    const row0 = Math.floor(k / side) * scale, col0 = (k % side) * scale;
    for (let r = 0; r < scale; r++) px.fill(color, (row0 + r) * W + col0, (row0 + r) * W + col0 + scale);
  }
  // a dot of radius max(1, scale / 3) pixels at the ant's place: x from the left edge, y from the top
  const radius = Math.max(1, scale / 3), reach = Math.ceil(radius);
  const dot = (x: number, y: number, color: number) => {
    const cx = (x + m + 0.5) * scale, cy = (m + 0.5 - y) * scale;
    for (let i = Math.floor(cy) - reach; i <= Math.floor(cy) + reach; i++) {
      for (let j = Math.floor(cx) - reach; j <= Math.floor(cx) + reach; j++) {
        if (i < 0 || j < 0 || i >= W || j >= W) continue;
        if ((i + 0.5 - cy) ** 2 + (j + 0.5 - cx) ** 2 <= radius * radius) px[i * W + j] = color;
      }
    }
  };
  // the carriers last, on top
  for (const a of frame.ants) if (!a.carrying) dot(a.x, a.y, INDEX.red);
  for (const a of frame.ants) if (a.carrying) dot(a.x, a.y, INDEX.orange);
  return px;
}

/** The frames as an animated GIF89a: `delay` ms a frame, the last held `hold` ms, looping forever. */
export function colonyGif(c: ColonyFrames, options: { scale?: number; delay?: number; hold?: number } = {}): Uint8Array {
  if (c.frames.length === 0) throw new AnimationError('no frames to draw');
  const side = 2 * c.max_pxcor + 1, scale = options.scale ?? pixelsPerPatch(side), W = side * scale;
  if (W > 65535) throw new AnimationError(`a world ${side} patches wide at ${scale} pixels per patch is wider than a GIF can be`);
  const delay = options.delay ?? 100, hold = options.hold ?? 1000;
  const gif = gifenc.GIFEncoder();
  c.frames.forEach((f, k) => {
    const last = k === c.frames.length - 1;
    // the palette on the first frame only: it becomes the global colour table
    gif.writeFrame(drawFrame(c, f, scale), W, W, { ...(k === 0 ? { palette: PALETTE, repeat: 0 } : {}), delay: last ? Math.max(delay, hold) : delay });
  });
  gif.finish();
  return gif.bytes();
}

/** An animation of the report: written as its file beside the figures and shown in report.html after figure `after`. */
export interface Animation {
  id: string;
  title: string;
  caption: string;
  /** File name in the report's folder. */
  file: string;
  mime: 'image/gif';
  bytes: Uint8Array;
  width: number;
  height: number;
  /** The figure it follows on the page. */
  after?: string;
}

/** The colony's animation, where the assessment has frames. */
export function colonyAnimation(d: ReportData): Animation | null {
  const c = decodeColonyFrames(d.assessment?.animation);
  if (!c || c.frames.length === 0) return null;
  const side = 2 * c.max_pxcor + 1, scale = pixelsPerPatch(side);
  const first = c.frames[0], last = c.frames[c.frames.length - 1];
  return {
    id: 'colony-animation', title: 'The colony, animated', file: 'colony.gif', mime: 'image/gif',
    bytes: colonyGif(c, { scale }), width: side * scale, height: side * scale, after: 'colony',
    caption: `The best individual's first colony from tick ${first.tick} to tick ${last.tick} in ${c.frames.length} frames (10 per second, the last held 1 s), as NetLogo colours it: the nest violet, food at source 1 cyan, 2 sky and 3 blue, the chemical green (NetLogo's scale-color from 0.1, black, to 5, near white), the ants red while searching and orange while carrying food; ${last.returned} food returned by the last frame. From the run's assessment (assessment.json animation); also colony.gif beside this page.`,
  };
}

/** Every animation the report has (so far the ants optimizee's colony). */
export function allAnimations(d: ReportData): Animation[] {
  return [colonyAnimation(d)].filter((a): a is Animation => a !== null);
}
