/**
 * What the cell-fit end-to-end tests share (test/e2e/cell.test.ts, cell-seeds.test.ts, cell-input.test.ts): the example's
 * true densities, a run's best individual, and how far it is from them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeGenerations } from '../../src/results/journal-codec.js';
import { ROOT } from './mpirun.js';

export const CELL_FIT_EXAMPLE = readFileSync(join(ROOT, 'examples', 'cell-fit.yaml'), 'utf8');
export const TRUTH: Record<string, number> = { 'soma.hh.gnabar': 0.12, 'soma.hh.gkbar': 0.036, 'soma.hh.gl': 0.0003, 'apical.pas.g': 0.00005, 'oblique.pas.g': 0.0001 };

/** The example for `seed`, within its budget (3,000 evaluations) and stopping once the summed MSE is below 1e-4 mV^2 (by then every density is well within 2%: docs/cell.md). */
export function cellFitFile(dir: string, seed: number): string {
  const file = join(dir, `fit-${seed}.yaml`);
  writeFileSync(file, CELL_FIT_EXAMPLE.replace(/^seed: \d+$/m, `seed: ${seed}`).replace('  evaluations: 3000', '  evaluations: 3000\n  target: -0.0001'));
  return file;
}

/** The run's best individual as values (10^ of its log10 coordinates), and the evaluations it took. */
export function bestOf(out: string): { values: Record<string, number>; evaluations: number; mse: number } {
  const space = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).space as Array<{ name: string }>;
  let best = { w: -Infinity, x: new Float64Array(0) }, evaluations = 0;
  for (const g of decodeGenerations(readFileSync(join(out, 'generations.msgpack')))) {
    for (let i = 0; i < g.index.length; i++) {
      evaluations++;
      let w = 0;
      for (let j = 0; j < g.nObj; j++) w -= g.fitness[i * g.nObj + j];
      if (w > best.w) best = { w, x: g.x.slice(i * g.dim, (i + 1) * g.dim) };
    }
  }
  const values = Object.fromEntries(space.map((p, k) => [p.name.replace(/^log10\((.*)\)$/, '$1'), 10 ** best.x[k]]));
  return { values, evaluations, mse: -best.w };
}

/** The largest relative error over the five densities. */
export const worstError = (values: Record<string, number>) => Math.max(...Object.entries(TRUTH).map(([k, v]) => Math.abs(values[k] / v - 1)));

/** One line on a run's best: evaluations, MSE, the worst density's error, every value. */
export const describeBest = (seed: number, b: ReturnType<typeof bestOf>) =>
  `seed ${seed}: ${b.evaluations} evaluations, MSE ${b.mse.toExponential(2)}, worst parameter ${(100 * worstError(b.values)).toFixed(3)}% off (${Object.entries(b.values).map(([k, v]) => `${k} ${v.toPrecision(4)}`).join(', ')})`;
