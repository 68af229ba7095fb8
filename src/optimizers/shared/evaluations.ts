/**
 * Reading a generation's evaluations the way the gradient-estimating cores (es, nes, gradient-descent)
 * need: every asked row exactly once, found by its individual index, and a failed row recognised so it
 * can be left out of the estimate instead of poisoning it with -Infinity.
 */
import { STATUS_CODES } from '../../core/fitness.js';
import type { Evaluations } from '../../core/optimizer.js';

/**
 * pos[i] = the row of `ev` that holds individual i. Throws unless `ev` belongs to `generation` and
 * holds each of the individuals 0 .. n-1 exactly once.
 */
export function rowPositions(name: string, ev: Evaluations, generation: number, n: number): Int32Array {
  if (ev.generation !== generation) throw new RangeError(`${name}: told generation ${ev.generation}, but generation ${generation} is in progress`);
  if (ev.index.length !== n) throw new RangeError(`${name}: told ${ev.index.length} evaluations, expected the ${n} asked`);
  const pos = new Int32Array(n).fill(-1);
  for (let k = 0; k < n; k++) {
    const i = ev.index[k];
    if (!(i >= 0 && i < n)) throw new RangeError(`${name}: evaluation for individual ${i}, which generation ${generation} did not ask for`);
    if (pos[i] !== -1) throw new RangeError(`${name}: individual ${i} told twice`);
    pos[i] = k;
  }
  return pos;
}

/** A row whose evaluation can enter an estimate: status ok and a finite weighted fitness. */
export function usable(ev: Evaluations, k: number): boolean {
  return ev.status[k] === STATUS_CODES.ok && Number.isFinite(ev.weighted[k]);
}

/** The individuals among 0 .. count-1 whose rows (pos[i]) are usable, in individual order. */
export function usableIndividuals(ev: Evaluations, pos: Int32Array, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) if (usable(ev, pos[i])) out.push(i);
  return out;
}

/** The listed rows of a row-major matrix, stacked into a new one. */
export function gatherRows(a: Float64Array, rows: readonly number[], width: number): Float64Array {
  const out = new Float64Array(rows.length * width);
  rows.forEach((i, r) => out.set(a.subarray(i * width, (i + 1) * width), r * width));
  return out;
}

/** The best weighted fitness among the usable rows, or null when none is. */
export function bestWeighted(ev: Evaluations): number | null {
  let best: number | null = null;
  for (let k = 0; k < ev.index.length; k++) if (usable(ev, k) && (best === null || ev.weighted[k] > best)) best = ev.weighted[k];
  return best;
}

/** Euclidean norm of a - b (of a alone when b is omitted). */
export function distance(a: ArrayLike<number>, b?: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - (b === undefined ? 0 : b[i]);
    s += d * d;
  }
  return Math.sqrt(s);
}
