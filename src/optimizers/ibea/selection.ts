/**
 * IBEA's selections with the additive epsilon indicator (Zitzler and Kuenzli, Indicator-based
 * selection in multiobjective search, PPSN VIII, LNCS 3242, 2004; the adaptive variant, objectives
 * scaled by their range).
 *
 * Objectives are the maximised vectors y (objectives.ts), each divided by its range over the merged
 * population's successes (a range of 0 counts as 1, as BluePyOpt does). The indicator
 * I(a, b) = max_j (y_b,j - y_a,j) is the least amount by which a must improve in every objective to
 * weakly dominate b (at most 0 when a already does). With c = max |I(a, b)| over all pairs, each
 * individual's fitness is
 *
 *   F(b) = sum over a != b of -exp(-I(a, b) / (c kappa)),
 *
 * the loss in quality indicator were b removed: near 0 for an individual nothing comes close to,
 * strongly negative for one others dominate. On scaled objectives every |I| is at most 1, and the
 * two individuals holding an objective's minimum and maximum give exactly 1, so c = 1 (it is 0 only
 * when every success is the same point, and then every F is the same whatever c): F uses kappa alone.
 *
 * Environmental: while more than pop_size remain, the one with the smallest F goes (ties: the
 * earlier, parents before offspring) and every remaining b gets F(b) += exp(-I(removed, b) / (c kappa)).
 * Failures have no F and go first. Mating: tournaments of tourn_size contestants drawn with
 * replacement, the largest F wins (ties: the first drawn), failures lose to any success.
 *
 * Nothing n x n is stored: the indicator is recomputed from the scaled objectives where needed,
 * O(m n^2) time, O(m n) memory.
 */
import type { CoreStats } from '../../core/optimizer.js';
import type { Rng } from '../../math/rng.js';
import type { Member } from '../shared/multi-objective/objectives.js';
import type { Selection } from '../shared/multi-objective/core.js';

export class EpsilonIndicatorSelection implements Selection {
  /** Of the last survivors: their fitness F after the removals (-Infinity for a failure), aligned with survive()'s result. */
  private fit = new Float64Array(0);

  constructor(
    private readonly kappa: number,
    private readonly tournSize: number,
  ) {}

  survive(pop: readonly Member[], n: number): number[] {
    const size = pop.length;
    const ok: number[] = [];
    for (let i = 0; i < size; i++) if (pop[i].y !== null) ok.push(i);
    const z = scaled(pop, ok);
    const m = ok.length === 0 ? 0 : pop[ok[0]].y!.length;
    // I(a, b), a and b positions in ok
    const indicator = (a: number, b: number): number => {
      let v = -Infinity;
      for (let j = 0; j < m; j++) v = Math.max(v, z[b * m + j] - z[a * m + j]);
      return v;
    };
    const kappa = this.kappa; // c = 1 (see above): exp(-I / (c kappa)) = exp(-I / kappa)
    const fit = new Float64Array(ok.length);
    for (let b = 0; b < ok.length; b++) {
      let f = 0;
      for (let a = 0; a < ok.length; a++) if (a !== b) f -= Math.exp(-indicator(a, b) / kappa);
      fit[b] = f;
    }

    const alive = new Uint8Array(size).fill(1);
    let remaining = size;
    // failures first, earliest first
    for (let i = 0; i < size && remaining > n; i++) {
      if (pop[i].y === null) {
        alive[i] = 0;
        remaining--;
      }
    }
    const okAlive = new Uint8Array(ok.length).fill(1);
    while (remaining > n) {
      let worst = -1;
      for (let a = 0; a < ok.length; a++) if (okAlive[a] && (worst < 0 || fit[a] < fit[worst])) worst = a;
      okAlive[worst] = 0;
      alive[ok[worst]] = 0;
      remaining--;
      for (let b = 0; b < ok.length; b++) if (okAlive[b]) fit[b] += Math.exp(-indicator(worst, b) / kappa);
    }

    const chosen: number[] = [];
    for (let i = 0; i < size; i++) if (alive[i]) chosen.push(i);
    const fitOf = new Float64Array(size).fill(-Infinity);
    ok.forEach((i, a) => (fitOf[i] = fit[a]));
    this.fit = Float64Array.from(chosen, (i) => fitOf[i]);
    return chosen;
  }

  mates(survivors: readonly Member[], count: number, rng: Rng): number[] {
    const n = survivors.length;
    if (n !== this.fit.length) throw new Error(`ibea: mates() asked for ${n} survivors, but the last survive() chose ${this.fit.length}`);
    const out: number[] = [];
    for (let s = 0; s < count; s++) {
      let best = rng.int(n);
      for (let t = 1; t < this.tournSize; t++) {
        const c = rng.int(n);
        if (this.fit[c] > this.fit[best]) best = c;
      }
      out.push(best);
    }
    return out;
  }

  /** Nothing beyond the shared statistics (the indicator's scale c is always 1, see above). */
  stats(): CoreStats {
    return {};
  }
}

/** The successes' objective vectors (positions in ok), each objective divided by its range over them; row-major. */
function scaled(pop: readonly Member[], ok: readonly number[]): Float64Array {
  if (ok.length === 0) return new Float64Array(0);
  const m = pop[ok[0]].y!.length;
  const lo = new Float64Array(m).fill(Infinity);
  const hi = new Float64Array(m).fill(-Infinity);
  for (const i of ok) {
    const y = pop[i].y!;
    for (let j = 0; j < m; j++) {
      lo[j] = Math.min(lo[j], y[j]);
      hi[j] = Math.max(hi[j], y[j]);
    }
  }
  const z = new Float64Array(ok.length * m);
  ok.forEach((i, a) => {
    const y = pop[i].y!;
    for (let j = 0; j < m; j++) z[a * m + j] = (y[j] - lo[j]) / (hi[j] - lo[j] > 0 ? hi[j] - lo[j] : 1);
  });
  return z;
}
