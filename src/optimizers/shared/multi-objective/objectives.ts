/**
 * The objectives a multi-objective core (nsga2, ibea) ranks by. The project's fitness convention is
 * that a run maximises dot(fitness, weights); a multi-objective core never sums, it keeps every
 * objective apart and maximises sign(w_j) * fitness_j for each j: a positive weight maximises that
 * component, a negative one minimises it, and only the sign matters (a front does not change when an
 * objective is scaled). A zero weight leaves its component out (recorded, never ranked); at least one
 * weight must be nonzero.
 *
 * A row whose evaluation failed (status not ok), or whose ranked components are not all finite, has
 * no objective vector: it is dominated by every success (dominance.ts) and never on a front.
 */
import { STATUS_CODES } from '../../../core/fitness.js';
import type { Evaluations } from '../../../core/optimizer.js';
import { rankedObjectives } from '../../../core/pareto.js';
import { row } from '../../../math/rows.js';

/** An evaluated individual as a multi-objective core keeps it. */
export interface Member {
  x: Float64Array;
  /** The fitness vector as told (every component, also those of zero weight). */
  fitness: Float64Array;
  /** The evaluation's status was ok. */
  ok: boolean;
  /** The maximised objective vector, sign(w_j) * fitness_j over the nonzero weights; null for a failure. */
  y: Float64Array | null;
}

export class Objectives {
  /** Per ranked objective j: the fitness component it reads, and the sign it is maximised with. */
  readonly component: readonly number[];
  readonly sign: readonly number[];

  constructor(weights: readonly number[], who: string) {
    const { component, sign } = rankedObjectives(weights);
    if (component.length === 0) {
      throw new RangeError(`${who}: every fitness weight is 0, expected at least one nonzero weight (its sign says whether that objective is maximised or minimised)`);
    }
    this.component = component;
    this.sign = sign;
  }

  /** The number of ranked objectives (the nonzero weights). */
  get m(): number {
    return this.component.length;
  }

  /** The maximised objective vector of a fitness vector, or null when it failed or a ranked component is not finite. */
  read(fitness: ArrayLike<number>, ok: boolean): Float64Array | null {
    if (!ok) return null;
    const y = new Float64Array(this.component.length);
    for (let j = 0; j < y.length; j++) {
      const v = this.sign[j] * fitness[this.component[j]]; // a missing component reads as undefined: NaN
      if (!Number.isFinite(v)) return null;
      y[j] = v;
    }
    return y;
  }

  /** Row k of a generation's evaluations, for the individual x. */
  member(x: Float64Array, ev: Evaluations, k: number): Member {
    const fitness = row(ev.fitness, k, ev.nObj).slice();
    const ok = ev.status[k] === STATUS_CODES.ok;
    return { x, fitness, ok, y: this.read(fitness, ok) };
  }
}
