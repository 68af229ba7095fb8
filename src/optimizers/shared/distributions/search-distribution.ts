/**
 * A cross-entropy search distribution, shared by cross-entropy and FACE: one Gaussian or a mixture of them, optionally with decaying
 * noise on the covariance diagonal. One representation serves all four reference distributions (a
 * Gaussian is a mixture of one), so smoothing, noise, sampling and snapshots are written once.
 */
import type { Space } from '../../../core/space.js';
import type { Rng } from '../../../math/rng.js';
import { row } from '../../../math/rows.js';
import { meanCov, sampleGaussianInto, samplingFactor } from './gaussian.js';
import { fitMixture, type Component } from './mixture-em.js';
import { componentCount, noiseOf, type DistributionConfig } from './schema.js';
import { decodeDistribution, encodeDistribution, type DistributionState } from './state.js';

export type { DistributionState } from './state.js';

export interface FitReport {
  /** EM iterations (0 for a single Gaussian). */
  iterations: number;
}

export class SearchDistribution {
  private comps: Component[] | null = null;
  /** Per component, the variance added to the diagonal by the last fit; null when not noisy. */
  private noise: Float64Array[] | null = null;
  private magnitude: number | null;
  private readonly k: number;
  private readonly noiseScale: Float64Array | null;
  /** Sampling factors of (cov + noise), derived from the state, so never stored. */
  private factors: Float64Array[] | null = null;

  constructor(
    readonly config: DistributionConfig,
    readonly dim: number,
  ) {
    this.k = componentCount(config);
    const noise = noiseOf(config);
    this.magnitude = noise?.magnitude ?? null;
    if (noise?.scale && noise.scale.length !== dim) {
      throw new RangeError(`distribution.coordinate_scale has ${noise.scale.length} values but the parameter space has ${dim} coordinates`);
    }
    this.noiseScale = noise ? (noise.scale ? Float64Array.from(noise.scale) : new Float64Array(dim).fill(1)) : null;
  }

  get components(): readonly Component[] {
    if (!this.comps) throw new Error('distribution: not fitted yet');
    return this.comps;
  }

  get noiseValues(): readonly Float64Array[] | null {
    return this.noise;
  }

  /**
   * Refits to the rows: new = smoothing * old + (1 - smoothing) * fitted, per weight, mean and
   * covariance (component k of the old mixture with component k of the new), then fresh noise.
   */
  fit(rows: readonly Float64Array[], smoothing: number, rng: Rng): FitReport {
    if (rows.length === 0) throw new RangeError('distribution: nothing to fit');
    let fitted: Component[];
    let iterations = 0;
    if (this.k === 1) {
      fitted = [{ weight: 1, ...meanCov(rows, this.dim) }];
    } else {
      const m = fitMixture(rows, this.k, this.comps, rng);
      fitted = m.components;
      iterations = m.iterations;
    }
    // theta_t = s * theta_{t-1} + (1 - s) * theta_fitted (the CE method's smoothed update)
    const old = this.comps;
    if (old && smoothing > 0) {
      fitted.forEach((c, j) => {
        c.weight = smoothing * old[j].weight + (1 - smoothing) * c.weight;
        for (let i = 0; i < c.mean.length; i++) c.mean[i] = smoothing * old[j].mean[i] + (1 - smoothing) * c.mean[i];
        for (let i = 0; i < c.cov.length; i++) c.cov[i] = smoothing * old[j].cov[i] + (1 - smoothing) * c.cov[i];
      });
    }
    this.comps = fitted;
    this.drawNoise(rng);
    this.factors = null;
    return { iterations };
  }

  /** The reference's NoisyGaussian: |N(0, magnitude * scale_i)| added to variance i, then the magnitude decays. */
  private drawNoise(rng: Rng): void {
    if (this.magnitude === null || this.noiseScale === null) return;
    const mag = this.magnitude;
    const scale = this.noiseScale;
    this.noise = this.comps!.map(() => Float64Array.from(scale, (s) => Math.abs(rng.normal() * mag * s)));
    this.magnitude = mag * noiseOf(this.config)!.decay;
  }

  /** n rows drawn from the distribution into x (n x dim), each clipped into the box (the reference's bounding). */
  sampleInto(rng: Rng, x: Float64Array, n: number, space: Space): void {
    const comps = this.components;
    const factors = (this.factors ??= comps.map((c, j) => samplingFactor(this.noisyCov(c, j), this.dim)));
    const z = new Float64Array(this.dim);
    for (let r = 0; r < n; r++) {
      const j = comps.length === 1 ? 0 : pickComponent(comps, rng.uniform());
      const out = row(x, r, this.dim);
      sampleGaussianInto(comps[j].mean, factors[j], rng, out, z);
      space.clip(out);
    }
  }

  private noisyCov(c: Component, j: number): Float64Array {
    const noise = this.noise?.[j];
    if (!noise) return c.cov;
    const cov = c.cov.slice();
    for (let i = 0; i < this.dim; i++) cov[i * this.dim + i] += noise[i];
    return cov;
  }

  /**
   * Per coordinate, the standard deviation of the whole sampling distribution (the law of total
   * variance over components, noise included): what the statistics and the collapse test read.
   */
  stds(): Float64Array {
    const comps = this.components;
    const d = this.dim;
    const m = new Float64Array(d);
    for (const c of comps) for (let i = 0; i < d; i++) m[i] += c.weight * c.mean[i];
    return Float64Array.from(m, (mi, i) => {
      const v = comps.reduce((s, c, j) => s + c.weight * (c.cov[i * d + i] + (this.noise?.[j][i] ?? 0) + (c.mean[i] - mi) ** 2), 0);
      return Math.sqrt(Math.max(v, 0));
    });
  }

  /** Statistics for the generation record. */
  summary(): Record<string, number> {
    const s = this.stds();
    const out: Record<string, number> = { std_mean: s.reduce((a, v) => a + v, 0) / s.length, std_max: Math.max(...s) };
    if (this.k > 1) out.components_used = this.components.filter((c) => c.weight >= 0.01).length;
    if (this.magnitude !== null) out.noise_magnitude = this.magnitude;
    return out;
  }

  state(): DistributionState {
    return encodeDistribution(this.components, this.noise, this.magnitude);
  }

  restore(raw: unknown): void {
    const s = decodeDistribution(raw, this.k, this.dim, this.magnitude !== null);
    this.comps = s.components;
    this.noise = s.noise;
    this.magnitude = s.magnitude;
    this.factors = null;
  }
}

/** The component whose cumulative weight first exceeds u. */
function pickComponent(comps: readonly Component[], u: number): number {
  let acc = 0;
  for (let j = 0; j < comps.length; j++) {
    acc += comps[j].weight;
    if (u < acc) return j;
  }
  return comps.length - 1;
}
