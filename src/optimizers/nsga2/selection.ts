/**
 * NSGA-II's selections (Deb, Pratap, Agarwal and Meyarivan, A fast and elitist multiobjective genetic
 * algorithm: NSGA-II, IEEE TEC 6(2), 2002).
 *
 * Environmental: the merged parents and offspring sorted into non-dominated fronts; whole fronts are
 * kept, best first, while they fit; the front that does not fit is cut by crowding distance, the
 * least crowded kept (ties: the earlier individual, parents before offspring). Failures form the
 * last front, so they survive only when fewer than pop_size individuals succeeded.
 *
 * Mating: binary tournaments as Deb's C code (tourselect.c) and DEAP's selTournamentDCD hold them:
 * the contestants are taken in pairs from successive random permutations of the population (each
 * individual enters about two tournaments per generation); the winner dominates the other, or else
 * has the larger crowding distance (computed within its front of the merged population), or else
 * wins a coin toss.
 */
import type { CoreStats } from '../../core/optimizer.js';
import type { Rng } from '../../math/rng.js';
import { crowdingDistance, dominates, nondominatedSort } from '../shared/multi-objective/dominance.js';
import type { Member } from '../shared/multi-objective/objectives.js';
import type { Selection } from '../shared/multi-objective/core.js';

/** A random permutation of 0 .. n-1 (Fisher-Yates). */
function permutation(n: number, rng: Rng): Int32Array {
  const p = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

export class CrowdedSelection implements Selection {
  /** Of the last survivors: objective vectors and crowding distances, aligned with survive()'s result. */
  private ys: (Float64Array | null)[] = [];
  private crowding = new Float64Array(0);
  private fronts = 0;
  private cut = 0;

  survive(pop: readonly Member[], n: number): number[] {
    const ys = pop.map((p) => p.y);
    const fronts = nondominatedSort(ys);
    const crowd = new Float64Array(pop.length);
    const chosen: number[] = [];
    this.cut = 0;
    for (const front of fronts) {
      if (chosen.length >= n) break;
      const d = crowdingDistance(ys, front);
      front.forEach((i, k) => (crowd[i] = d[k]));
      if (chosen.length + front.length <= n) {
        chosen.push(...front);
        continue;
      }
      const order = front.map((_, k) => k).sort((a, b) => (d[a] > d[b] ? -1 : d[a] < d[b] ? 1 : a - b));
      const take = n - chosen.length;
      this.cut = front.length - take;
      for (let t = 0; t < take; t++) chosen.push(front[order[t]]);
    }
    chosen.sort((a, b) => a - b);
    this.ys = chosen.map((i) => ys[i]);
    this.crowding = Float64Array.from(chosen, (i) => crowd[i]);
    this.fronts = fronts.filter((f) => ys[f[0]] !== null).length;
    return chosen;
  }

  mates(survivors: readonly Member[], count: number, rng: Rng): number[] {
    const n = survivors.length;
    if (n !== this.ys.length) throw new Error(`nsga2: mates() asked for ${n} survivors, but the last survive() chose ${this.ys.length}`);
    const out: number[] = [];
    let perm = permutation(n, rng);
    let at = 0;
    const next = (): number => {
      if (at === n) {
        perm = permutation(n, rng);
        at = 0;
      }
      return perm[at++];
    };
    for (let s = 0; s < count; s++) {
      const a = next();
      const b = next();
      out.push(this.winner(a, b, rng));
    }
    return out;
  }

  private winner(a: number, b: number, rng: Rng): number {
    if (dominates(this.ys[a], this.ys[b])) return a;
    if (dominates(this.ys[b], this.ys[a])) return b;
    if (this.crowding[a] > this.crowding[b]) return a;
    if (this.crowding[b] > this.crowding[a]) return b;
    return rng.uniform() < 0.5 ? a : b;
  }

  /** fronts: non-dominated fronts among the merged successes; cut: individuals of the last front kept in part that crowding dropped. */
  stats(): CoreStats {
    return { fronts: this.fronts, crowding_cut: this.cut };
  }
}
