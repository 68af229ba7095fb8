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

/** A window of a reference run: the fixture's suffix, recorded every `every` steps, over `steps` steps. */
type Window = readonly [suffix: string, every: number, steps: number];
const TVB_WINDOWS: readonly Window[] = [['first2ms_everystep', 1, 20], ['first200ms', 10, 2000], ['last100ms', 10, 20000]];

/**
 * TVB's reference runs: model, coupling, the initial-conditions fixture and its columns, variables, file
 * stem, the windows of its fixtures, parameters (model-file order). The Epileptor's run couples its
 * regions through Kvf = 0.05, Ks = -0.2, Kf = 0.1 (TVB's defaults are 0: no interaction at all), in TVB
 * and here alike (test/fixtures/tvb/README.md).
 */
export const CASES = [
  { model: 'generic_2d_oscillator', coupling: 'linear', ic: 'initial_conditions.txt', cols: [0, 1], vars: ['V', 'W'], file: 'g2do_linear', windows: TVB_WINDOWS, params: [1, 0, -2, -10, 0, 0.02, 3, 1, 0, 1, 1, 1] },
  { model: 'kuramoto', coupling: 'kuramoto', ic: 'initial_conditions.txt', cols: [2], vars: ['theta'], file: 'kuramoto_kuramoto', windows: TVB_WINDOWS, params: [1] },
  { model: 'montbrio_pazo_roxin', coupling: 'linear', ic: 'initial_conditions.txt', cols: [3, 4], vars: ['r', 'V'], file: 'mpr_linear', windows: TVB_WINDOWS, params: [1, 1, 15, -5, 0, 1, 0] },
  { model: 'reduced_wong_wang', coupling: 'linear', ic: 'initial_conditions.txt', cols: [5], vars: ['S'], file: 'rww_linear', windows: TVB_WINDOWS, params: [0.27, 0.108, 154, 0.641, 100, 0.6, 0.2609, 0.33] },
  {
    model: 'epileptor', coupling: 'linear', ic: 'tvb_epileptor_initial_conditions.txt', cols: [0, 1, 2, 3, 4, 5], vars: ['x1', 'y1', 'z', 'x2', 'y2', 'g'], file: 'epileptor_linear',
    windows: [['first2ms_everystep', 1, 20], ['every100ms', 1000, 40000]] as readonly Window[],
    // x0 Iext Iext2 a b slope tt Kvf c d r Ks Kf aa bb tau: TVB's defaults but Kvf, Ks, Kf
    params: [-1.6, 3.1, 0.45, 1, 3, 0, 1, 0.05, 1, 5, 0.00035, -0.2, 0.1, 6, 2, 10],
  },
] as const;

/** x0 (state-major) of a case, from initial_conditions.txt (or another initial-conditions fixture). */
export function initialState(cols: readonly number[], nodes = 76, file = 'initial_conditions.txt'): Float64Array {
  const ic = table(file);
  const x0 = new Float64Array(cols.length * nodes);
  cols.forEach((col, s) => {
    for (let i = 0; i < nodes; i++) x0[s * nodes + i] = ic[i][col];
  });
  return x0;
}
