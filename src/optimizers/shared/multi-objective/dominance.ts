/**
 * Pareto dominance over maximised objective vectors (objectives.ts), the non-dominated sort and the
 * crowding distance of NSGA-II (Deb, Pratap, Agarwal and Meyarivan, IEEE TEC 6(2), 2002, sections
 * III-A and III-B). A failure (null) is dominated by every success and dominates nothing. `dominates`
 * itself lives in src/core/pareto.ts, which what reads a run (trajectory.h5, the report) shares.
 */
import { dominates } from '../../../core/pareto.js';

export { dominates };

/**
 * The fronts, best first, as indices into ys, ascending within each: front 0 is the non-dominated
 * set, front r+1 what is non-dominated once fronts 0..r are removed. The failures form one last
 * front of their own. Deb's fast non-dominated sort, O(m n^2) time; each individual's dominated set
 * is scanned again when it leaves, rather than stored, so memory stays O(n).
 */
export function nondominatedSort(ys: readonly (Float64Array | null)[]): number[][] {
  const ok: number[] = [];
  const failed: number[] = [];
  ys.forEach((y, i) => (y === null ? failed : ok).push(i));
  // count[i]: how many individuals dominate i
  const count = new Int32Array(ys.length);
  for (let s = 0; s < ok.length; s++) {
    for (let t = s + 1; t < ok.length; t++) {
      const a = ok[s];
      const b = ok[t];
      if (dominates(ys[a], ys[b])) count[b]++;
      else if (dominates(ys[b], ys[a])) count[a]++;
    }
  }
  const fronts: number[][] = [];
  let current = ok.filter((i) => count[i] === 0);
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const p of current) {
      for (const q of ok) {
        if (count[q] > 0 && dominates(ys[p], ys[q]) && --count[q] === 0) next.push(q);
      }
    }
    current = next.sort((a, b) => a - b);
  }
  if (failed.length > 0) fronts.push(failed);
  return fronts;
}

/** The indices of the non-dominated successes among ys, ascending. */
export function firstFront(ys: readonly (Float64Array | null)[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < ys.length; i++) {
    if (ys[i] === null) continue;
    let dominated = false;
    for (let j = 0; j < ys.length && !dominated; j++) dominated = j !== i && dominates(ys[j], ys[i]);
    if (!dominated) out.push(i);
  }
  return out;
}

/**
 * The crowding distance of each member of a front (aligned with `front`): per objective, the members
 * sorted by it (ties by position in the front), the two extremes get Infinity and every other member
 * the gap between its neighbours divided by the objective's range on the front, summed over the
 * objectives (an objective constant on the front adds nothing). Failures get 0.
 */
export function crowdingDistance(ys: readonly (Float64Array | null)[], front: readonly number[]): Float64Array {
  const n = front.length;
  const d = new Float64Array(n);
  const first = n === 0 ? null : ys[front[0]];
  if (first === null) return d;
  const order = Array.from({ length: n }, (_, k) => k);
  for (let j = 0; j < first.length; j++) {
    const v = (k: number) => ys[front[k]]![j];
    order.sort((a, b) => v(a) - v(b) || a - b);
    d[order[0]] = Infinity;
    d[order[n - 1]] = Infinity;
    const range = v(order[n - 1]) - v(order[0]);
    if (!(range > 0)) continue;
    for (let t = 1; t < n - 1; t++) d[order[t]] += (v(order[t + 1]) - v(order[t - 1])) / range;
  }
  return d;
}
