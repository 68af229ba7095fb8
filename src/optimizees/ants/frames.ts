/**
 * Frames of one colony for the report's animation (report/colony-animation.ts draws them as a GIF).
 *
 * No kernel change is needed for them: a colony depends only on its seed and parameters (native/ants),
 * so the state at the end of tick t is the `final` record of the same colony run for t ticks. The
 * frames' runs are independent, so they go to libuv's pool together (Promise.all), one thread each.
 *
 * The frames are kept in assessment.json, so they are stored compactly: every array field is the
 * base64 of zlib-compressed bytes (`zlib.decompress(base64.b64decode(s))` in Python), frame-major, the
 * patches in NetLogo's order (row by row from the top: patch (px, py) at (m - py) * side + (px + m)).
 * For a 71 x 71 world, 125 ants and 48 frames they take about 0.1 MB (the raw bytes about 0.5 MB).
 */
import { zlibSync } from 'fflate';
import type { AntsRunOptions, AntsRunResult } from '../../native/ants.js';
import { loadAnts } from '../../native/loader.js';

/** Frames by default: about 5 s of animation at 10 frames per second. */
export const DEFAULT_FRAMES = 48;
/** Raw bytes (before compression) the frames may take; fewer frames where a large world would pass it. */
const RAW_BUDGET = 16 * 2 ** 20;

/**
 * The chemical as one byte per patch, on a log scale (NetLogo's colouring reads 0.1 to 5 and the
 * trail is followed from 0.05; a carrier lays 60 per tick):
 *   q = 0                                                   where c < LO,
 *   q = min(255, 1 + round(254 ln(c / LO) / ln(HI / LO)))   otherwise,
 * and back c = LO (HI / LO)^((q - 1) / 254) for q >= 1 (0 for q = 0): 5 decades in 254 steps, each
 * about 4.6% apart, values above HI stored as HI.
 */
export const CHEMICAL_SCALE = { lo: 0.01, hi: 1000, steps: 254 } as const;

export function quantizeChemical(c: number): number {
  const { lo, hi, steps } = CHEMICAL_SCALE;
  if (!(c >= lo)) return 0;
  return Math.min(255, 1 + Math.round((steps * Math.log(c / lo)) / Math.log(hi / lo)));
}

export function dequantizeChemical(q: number): number {
  const { lo, hi, steps } = CHEMICAL_SCALE;
  return q === 0 ? 0 : lo * (hi / lo) ** ((q - 1) / steps);
}

/** The frames as assessment.json keeps them (field `animation`). */
export interface ColonyFrames {
  /** How the string fields are encoded, for a reader who has only the file. */
  encoding: string;
  max_pxcor: number;
  side: number;
  population: number;
  /** The tick whose end each frame shows (1 to the run's ticks, increasing). */
  ticks: number[];
  /** Food returned to the nest by then, per frame. */
  returned: number[];
  /** The chemical's byte scale (CHEMICAL_SCALE). */
  chemical_scale: { lo: number; hi: number; steps: number };
  /** side^2 bytes: 1 on nest patches. */
  nest: string;
  /** side^2 bytes: the food source a patch belongs to (1, 2, 3; 0 for none). */
  source: string;
  /** frames x side^2 bytes: quantizeChemical of each patch's chemical. */
  chemical: string;
  /** frames x side^2 bytes: each patch's food (at most 255). */
  food: string;
  /** frames x population x 3 int16, little-endian: x and y in tenths of a patch (round(10 x)), and 1 when the ant carries food. */
  ants: string;
}

const ENCODING = 'each of nest, source, chemical, food, ants: base64 of zlib-compressed bytes, frame-major, patches in NetLogo order (row by row from the top); chemical q: 0 below lo, else lo * (hi/lo)^((q-1)/steps); ants: int16 little-endian (round(10 x), round(10 y), carrying) per ant';

/** The ticks of `frames` frames evenly spaced from 1 to `ticks` (at most one per tick). */
export function frameTicks(ticks: number, frames = DEFAULT_FRAMES): number[] {
  const n = Math.min(Math.floor(frames), Math.floor(ticks));
  if (n <= 0) return [];
  if (n === 1) return [ticks];
  // the step (ticks - 1) / (n - 1) is >= 1, so the rounded ticks are distinct and increasing
  return Array.from({ length: n }, (_, k) => 1 + Math.round((k * (ticks - 1)) / (n - 1)));
}

const pack = (bytes: Uint8Array) => Buffer.from(zlibSync(bytes, { level: 9 })).toString('base64');

/**
 * The frames of one colony: `options` run for each frame's ticks (their `ticks`, `threads` and
 * `record` replaced), so they suit any brain the options carry. `options.instances` must be 1.
 */
export async function colonyFrames(options: AntsRunOptions, ticks: number, frames = DEFAULT_FRAMES): Promise<ColonyFrames> {
  if (options.instances !== 1 || options.seeds.length !== 1) {
    throw new RangeError(`ants frames: the options of one colony are needed (instances 1 and one seed), got instances ${options.instances} and ${options.seeds.length} seeds`);
  }
  if (!(Number.isInteger(ticks) && ticks >= 1)) throw new RangeError(`ants frames: ticks must be an integer >= 1, got ${ticks}`);
  const m = options.max_pxcor ?? 35, side = 2 * m + 1, cells = side * side, P = options.population ?? 125;
  const perFrame = 2 * cells + 6 * P;
  const at = frameTicks(ticks, Math.max(1, Math.min(frames, Math.floor(RAW_BUDGET / perFrame))));
  const ants = loadAnts();
  const runs: AntsRunResult[] = await Promise.all(at.map((t) => ants.run({ ...options, ticks: t, threads: 1, record: { final: true } })));
  const F = at.length;
  const chemical = new Uint8Array(F * cells), food = new Uint8Array(F * cells);
  const pos = new Int16Array(F * P * 3);
  runs.forEach((r, f) => {
    const s = r.final!;
    if (r.side !== side) throw new Error(`ants frames: the kernel's world is ${r.side} patches wide, expected ${side} from max_pxcor ${m}`);
    for (let k = 0; k < cells; k++) {
      chemical[f * cells + k] = quantizeChemical(s.chemical[k]);
      food[f * cells + k] = Math.min(255, s.food[k]);
    }
    for (let a = 0; a < P; a++) {
      const o = (f * P + a) * 3;
      pos[o] = Math.round(10 * s.x[a]);
      pos[o + 1] = Math.round(10 * s.y[a]);
      pos[o + 2] = s.carrying[a];
    }
  });
  // little-endian whatever the machine (an Int16Array's bytes are the machine's order)
  const posBytes = new Uint8Array(pos.length * 2);
  const view = new DataView(posBytes.buffer);
  pos.forEach((v, k) => view.setInt16(2 * k, v, true));
  const layout = runs[0]?.final;
  return {
    encoding: ENCODING,
    max_pxcor: m, side, population: P,
    ticks: at,
    returned: runs.map((r) => r.returned[0]),
    chemical_scale: { ...CHEMICAL_SCALE },
    nest: pack(layout ? layout.nest : new Uint8Array(cells)),
    source: pack(layout ? layout.source : new Uint8Array(cells)),
    chemical: pack(chemical),
    food: pack(food),
    ants: pack(posBytes),
  };
}
