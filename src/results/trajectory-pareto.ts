/**
 * /pareto: the non-dominated set of every successful evaluation of a run whose fitness has two or more
 * nonzero weights, whatever its optimizer, with objectives as the multi-objective cores rank them
 * (src/core/pareto.ts): sign(w_j) * fitness_j over the nonzero weights; a row that failed, or whose
 * ranked components are not all finite, is never on it. The successes' objective vectors are gathered
 * as the rows are written (16 bytes a success with two objectives) and filtered once at the end:
 * O(N log N) with two objectives, O(m N f) for more (f the front's size).
 */
import { nondominated, rankedObjectives } from '../core/pareto.js';
import type { H5, H5File } from './trajectory-table.js';

/** The front, gathered as trajectory.h5's /individuals are written, then written as /pareto. */
export class ParetoFront {
  private y: Float64Array;
  private rows: Float64Array;
  private n = 0;

  private constructor(private readonly component: number[], private readonly sign: number[], private readonly names: string[], private readonly nObj: number, capacity: number) {
    this.y = new Float64Array(Math.max(1, capacity) * component.length);
    this.rows = new Float64Array(Math.max(1, capacity));
  }

  /**
   * The front of a run with two or more ranked objectives (its fitness `weights`, one per each of
   * `nObj` values, and their `objectives` names; `rows` individuals); null otherwise, or when the
   * weights are not known or do not fit the fitness.
   */
  static of(weights: unknown, objectives: string[] | undefined, nObj: number, rows: number): ParetoFront | null {
    if (!Array.isArray(weights) || weights.length !== nObj || !weights.every((w) => typeof w === 'number' && Number.isFinite(w))) return null;
    const { component, sign } = rankedObjectives(weights as number[]);
    if (component.length < 2) return null;
    const names = component.map((c) => objectives?.[c] ?? `fitness[${c}]`);
    return new ParetoFront(component, sign, names, nObj, Math.min(rows, 1 << 16));
  }

  /** Rows [at, at + n) of the individuals' block (fitness [., nObj], status), the first being row `row0` of /individuals. */
  append(fitness: Float64Array, status: Uint8Array, at: number, n: number, row0: number): void {
    const m = this.component.length;
    for (let i = 0; i < n; i++) {
      if (status[at + i] !== 0) continue;
      if (this.n === this.rows.length) this.grow();
      const base = (at + i) * this.nObj;
      let ok = true;
      for (let j = 0; j < m; j++) {
        const v = this.sign[j] * fitness[base + this.component[j]];
        if (!Number.isFinite(v)) ok = false;
        this.y[this.n * m + j] = v;
      }
      if (!ok) continue;
      this.rows[this.n++] = row0 + i;
    }
  }

  private grow(): void {
    const y = new Float64Array(this.y.length * 2);
    y.set(this.y);
    this.y = y;
    const rows = new Float64Array(this.rows.length * 2);
    rows.set(this.rows);
    this.rows = rows;
  }

  /** /pareto/rows: the front's rows, by the first objective's fitness value ascending (ties by row); the objectives as attributes. */
  write(file: H5File): void {
    const m = this.component.length;
    const front = nondominated(this.y, m, this.n);
    const first = (k: number) => this.sign[0] * this.y[k * m];
    front.sort((a, b) => first(a) - first(b) || this.rows[a] - this.rows[b]);
    file.create_group('pareto');
    const g = file.get('pareto') as InstanceType<H5['Group']>;
    const rows = BigInt64Array.from(front, (k) => BigInt(this.rows[k]));
    g.create_dataset({ name: 'rows', data: rows, shape: [rows.length], dtype: '<q' });
    g.create_attribute('objectives', this.names, null, 'S');
    g.create_attribute('components', this.component, null, '<i');
    g.create_attribute('signs', this.sign, null, '<i');
    g.create_attribute('evaluations', this.n, null, '<q');
  }
}
