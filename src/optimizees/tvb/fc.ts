/**
 * Functional connectivity and the seed's fitness: FC is the Pearson correlation between the regions'
 * time series over a window after a transient; the fitness is the Pearson correlation between the
 * off-diagonal entries of the simulated FC and a target's (an empirical FC, or the structural weights).
 * A region whose series does not move (a network settled on a fixed point, to the last bit or within
 * `flat` of it) has no defined correlation: the fitness is then a defined penalty, and the reason says
 * which regions were flat, never NaN (flat: a standard deviation below FLAT of the series' scale).
 */

/** A region whose standard deviation is below this fraction of max(1, |mean|) has settled (FC undefined). */
export const FLAT = 1e-9;

/** The FC of `nodes` series given sample by sample (series[k * nodes + i]: sample k of region i). */
export function functionalConnectivity(series: ArrayLike<number>, samples: number, nodes: number, from = 0): { fc: Float64Array; flat: number[] } {
  const n = samples - from;
  const mean = new Float64Array(nodes);
  for (let k = from; k < samples; k++) for (let i = 0; i < nodes; i++) mean[i] += series[k * nodes + i];
  for (let i = 0; i < nodes; i++) mean[i] /= n;
  const cov = new Float64Array(nodes * nodes);
  const d = new Float64Array(nodes);
  for (let k = from; k < samples; k++) {
    for (let i = 0; i < nodes; i++) d[i] = series[k * nodes + i] - mean[i];
    for (let i = 0; i < nodes; i++) {
      const di = d[i];
      for (let j = i; j < nodes; j++) cov[i * nodes + j] += di * d[j];
    }
  }
  const sd = Float64Array.from({ length: nodes }, (_, i) => Math.sqrt(cov[i * nodes + i]));
  // flat: a standard deviation below 1e-9 of the series' scale (a network that has settled: what is
  // left is the last digits of its approach, or rounding)
  const flat: number[] = [];
  for (let i = 0; i < nodes; i++) if (!(sd[i] / Math.sqrt(n) > FLAT * Math.max(1, Math.abs(mean[i])))) flat.push(i);
  const fc = new Float64Array(nodes * nodes);
  for (let i = 0; i < nodes; i++) {
    for (let j = i; j < nodes; j++) {
      const r = i === j ? 1 : cov[i * nodes + j] / (sd[i] * sd[j]);
      fc[i * nodes + j] = fc[j * nodes + i] = r;
    }
  }
  return { fc, flat };
}

/** Pearson correlation of the strictly upper triangles of two nodes x nodes matrices. */
export function matrixCorrelation(a: ArrayLike<number>, b: ArrayLike<number>, nodes: number): number {
  let n = 0, ma = 0, mb = 0;
  for (let i = 0; i < nodes; i++) {
    for (let j = i + 1; j < nodes; j++) {
      ma += a[i * nodes + j];
      mb += b[i * nodes + j];
      n++;
    }
  }
  ma /= n;
  mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < nodes; i++) {
    for (let j = i + 1; j < nodes; j++) {
      const x = a[i * nodes + j] - ma, y = b[i * nodes + j] - mb;
      sab += x * y;
      saa += x * x;
      sbb += y * y;
    }
  }
  return sab / Math.sqrt(saa * sbb);
}

export interface FcFitness {
  /** Correlation with the target in [-1, 1], or the penalty. */
  fitness: number;
  /** Why the penalty was given (null: a defined correlation). */
  reason: string | null;
  fc: Float64Array | null;
}

/**
 * The fitness of one simulated series against a target matrix; `penalty` where FC is undefined. `computed`:
 * the series' FC already computed (the tvb kernel's fc option: these same numbers, on its threads).
 */
export function fcFitness(series: ArrayLike<number>, samples: number, nodes: number, from: number, target: ArrayLike<number>, penalty: number, computed?: { fc: Float64Array; flat: number[] }): FcFitness {
  if (samples - from < 3) return { fitness: penalty, reason: `${samples - from} samples after the transient: too few for a correlation`, fc: null };
  for (let k = from * nodes; k < samples * nodes; k++) {
    if (!Number.isFinite(series[k])) return { fitness: penalty, reason: `the simulation diverged (a non-finite value at sample ${Math.floor(k / nodes)}, region ${k % nodes})`, fc: null };
  }
  const { fc, flat } = computed ?? functionalConnectivity(series, samples, nodes, from);
  if (flat.length > 0) {
    const which = flat.length === nodes ? 'every region' : `${flat.length} region${flat.length === 1 ? '' : 's'} (${flat.slice(0, 5).join(', ')}${flat.length > 5 ? ', ...' : ''})`;
    return { fitness: penalty, reason: `FC undefined: ${which} settled on a fixed point after the transient`, fc: null };
  }
  const r = matrixCorrelation(fc, target, nodes);
  if (!Number.isFinite(r)) return { fitness: penalty, reason: 'FC correlation undefined: the simulated or the target FC is constant off the diagonal', fc };
  return { fitness: r, reason: null, fc };
}
