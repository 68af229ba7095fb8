/** The TVB reference fixtures (test/fixtures/tvb/README.md) and the synthetic connectome, for the tvb tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { kernelConnectome, readConnectome } from '../../src/optimizees/tvb/connectome.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/tvb/', import.meta.url));
export const SYNTHETIC76 = fileURLToPath(new URL('../../native/tvb/connectomes/synthetic76', import.meta.url));

/** A fixture table: rows of numbers (comment lines dropped). */
export function table(name: string): number[][] {
  return gunzipSync(readFileSync(FIXTURES + name + '.gz')).toString().split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).map((l) => l.trim().split(/\s+/).map(Number));
}

export const conn76 = () => kernelConnectome(readConnectome(SYNTHETIC76));

/** TVB's four reference runs: model, coupling, the columns of initial_conditions.txt, variables, file stem, default parameters (model-file order). */
export const CASES = [
  { model: 'generic_2d_oscillator', coupling: 'linear', cols: [0, 1], vars: ['V', 'W'], file: 'g2do_linear', params: [1, 0, -2, -10, 0, 0.02, 3, 1, 0, 1, 1, 1] },
  { model: 'kuramoto', coupling: 'kuramoto', cols: [2], vars: ['theta'], file: 'kuramoto_kuramoto', params: [1] },
  { model: 'montbrio_pazo_roxin', coupling: 'linear', cols: [3, 4], vars: ['r', 'V'], file: 'mpr_linear', params: [1, 1, 15, -5, 0, 1, 0] },
  { model: 'reduced_wong_wang', coupling: 'linear', cols: [5], vars: ['S'], file: 'rww_linear', params: [0.27, 0.108, 154, 0.641, 100, 0.6, 0.2609, 0.33] },
] as const;

/** x0 (state-major) of a case, from initial_conditions.txt. */
export function initialState(cols: readonly number[], nodes = 76): Float64Array {
  const ic = table('initial_conditions.txt');
  const x0 = new Float64Array(cols.length * nodes);
  cols.forEach((col, s) => {
    for (let i = 0; i < nodes; i++) x0[s * nodes + i] = ic[i][col];
  });
  return x0;
}
