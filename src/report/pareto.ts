/**
 * The Pareto front of a run's records, whatever its optimizer (see ParetoData).
 */
import type { GenerationRecord } from '../results/records.js';
import { nondominated, rankedObjectives } from '../core/pareto.js';

/**
 * The Pareto front of a run with two or more ranked objectives (nonzero weights), whatever its
 * optimizer: objectives sign(w_j) * fitness_j as the multi-objective cores rank them (src/core/pareto.ts),
 * over every successful evaluation with finite ranked components; the same set as trajectory.h5's
 * /pareto/rows. Values are the fitness components as recorded.
 */
export interface ParetoData {
  /** Every ranked objective: its fitness component, name (config.json's `objectives`, else fitness[j]) and sign (+1 maximised, -1 minimised). */
  objectives: Array<{ component: number; name: string; sign: number }>;
  /** Successful evaluations with finite ranked components (the set the front is taken from). */
  evaluations: number;
  /** The first two ranked objectives of some of them (at most the report's SAMPLE_TARGET: every k-th, in journal order). */
  points: Array<{ a: number; b: number }>;
  /** The front, by the first objective ascending (ties by evaluation): its first two ranked objectives, and its 0-based evaluation number. */
  front: Array<{ a: number; b: number; evaluation: number }>;
}

/**
 * The Pareto front of the records for the run's `weights` (null: unknown), its objectives named by
 * `names` (config.json's `objectives`), at most about `maxPoints` points of the set drawn; null with
 * fewer than two ranked objectives.
 */
export function paretoOf(records: GenerationRecord[], weights: number[] | null, names: string[] | undefined, maxPoints: number): ParetoData | null {
  if (!weights) return null;
  const { component, sign } = rankedObjectives(weights);
  const m = component.length;
  if (m < 2) return null;
  const total = records.reduce((n, r) => n + r.index.length, 0);
  const y = new Float64Array(total * m);
  const evaluation = new Float64Array(total);
  let n = 0;
  let e = 0;
  for (const r of records) {
    for (let k = 0; k < r.index.length; k++, e++) {
      if (r.status[k] !== 0) continue;
      let ok = true;
      for (let j = 0; j < m; j++) {
        const v = sign[j] * r.fitness[k * r.nObj + component[j]];
        if (!Number.isFinite(v)) ok = false;
        y[n * m + j] = v;
      }
      if (ok) evaluation[n++] = e;
    }
  }
  const front = nondominated(y, m, n);
  front.sort((p, q) => sign[0] * (y[p * m] - y[q * m]) || p - q);
  const step = Math.max(1, Math.ceil(n / maxPoints));
  const points: ParetoData['points'] = [];
  for (let i = 0; i < n; i += step) points.push({ a: sign[0] * y[i * m], b: sign[1] * y[i * m + 1] });
  return {
    objectives: component.map((c, j) => ({ component: c, name: names?.[c] ?? `fitness[${c}]`, sign: sign[j] })),
    evaluations: n, points,
    front: front.map((i) => ({ a: sign[0] * y[i * m], b: sign[1] * y[i * m + 1], evaluation: evaluation[i] })),
  };
}
