/**
 * The ensemble Kalman filter core, after the reference framework's EnsembleKalmanFilter optimizer
 * (Iglesias, Law & Stuart 2013, with the reference's mini-batches and resampling). Each generation
 * the whole ensemble is evaluated; tell() then
 *   1. ranks the members by fitness and replaces the worst by noisy copies of the best (resample.ts),
 *   2. moves every usable member by the Kalman update, batch by batch (update.ts),
 *   3. clips the members into the box after each batch update.
 * The targets y are the `observations` hyper-parameter, or zeros: the model outputs are driven to
 * zero, which suits optimizees whose outputs are residuals G(u) - y.
 *
 * A member is usable when its evaluation succeeded and gave a finite output vector; the others
 * (failed, timed out, no or non-finite outputs) stay out of the covariances and keep their
 * parameters, unless the resampling replaces them (they rank last, so it does first).
 *
 * Deviations from the reference, each on purpose:
 * - No n_iteration, stop_criterion or test phase: the experiment's budget (stop.generations,
 *   stop.target) decides when to stop, and every generation updates (the reference skips the update
 *   and resampling every 10th generation, its MNIST test pass).
 * - Members keep their positions (index) through the resampling; the reference returns the
 *   ensemble sorted by fitness while its model outputs stay in the old order.
 * - No weight scaling: the noise of a copy is in parameter units (the reference divides all
 *   weights by their largest magnitude first, so its noise scale is relative to that).
 * - The initial ensemble is uniform in the box, from a stream derived from the seed.
 */
import type { CoreStats, Evaluations, Generation, GenerationalCore, OptimizerContext } from '../../core/optimizer.js';
import { STATUS_CODES } from '../../core/fitness.js';
import { stackRows } from '../../math/rows.js';
import { Rng } from '../../math/rng.js';
import { countOf, resample, type ResampleParams } from './resample.js';
import { decodeSnapshot, encodeSnapshot, type EnkfSnapshot } from './snapshot.js';
import { kalmanUpdate, miniBatches } from './update.js';

export interface EnkfParams extends ResampleParams {
  gamma: number;
  pop_size: number;
  n_batches: number;
  maxit: number;
  observations?: number[];
}

/** What tell() learnt from one generation's rows, per member. */
interface Told {
  /** Weighted fitness per member (-Infinity where failed). */
  weighted: Float64Array;
  /** The member's model output, or null when it cannot enter the update. */
  outputs: (Float64Array | null)[];
}

export class EnkfCore implements GenerationalCore {
  readonly mode = 'generational' as const;
  private generation = 0;
  private ensemble: Float64Array[];
  private outputLength: number | null;

  constructor(
    private readonly params: EnkfParams,
    private readonly ctx: OptimizerContext,
  ) {
    const rng = Rng.derive(ctx.seed, 'enkf', 0, 'init');
    this.ensemble = Array.from({ length: params.pop_size }, () => ctx.space.sample(rng));
    this.outputLength = params.observations?.length ?? null;
  }

  /** The whole ensemble, member i at index i. Repeatable until tell(). */
  ask(): Generation {
    const n = this.ensemble.length;
    return { generation: this.generation, index: Int32Array.from({ length: n }, (_, i) => i), x: stackRows(this.ensemble, this.ctx.space.dim) };
  }

  tell(ev: Evaluations): CoreStats {
    if (ev.generation !== this.generation) throw new RangeError(`enkf: told generation ${ev.generation}, but generation ${this.generation} is in progress`);
    const told = this.accept(ev);
    const usable = told.outputs.filter((g): g is Float64Array => g !== null);
    const y = this.targets();
    // Misfit of the evaluated ensemble: |y - mean_j g_j|^2 and mean_j |y - g_j|^2
    const misfit = meanMisfit(usable, y);

    // Resampling: u_worst <- u_best + N(0, sample_scale^2 I), g_worst <- g_best
    const replaced = resample(this.ensemble, told.outputs, told.weighted, this.params, Rng.derive(this.ctx.seed, 'enkf', this.generation, 'resample'));
    for (const r of replaced) this.ctx.space.clip(this.ensemble[r.worst]);

    // Kalman update per mini-batch: U += Cup (Cpp + gamma I)^-1 (y - G), then clip into the box
    const members: Float64Array[] = [];
    const outputs: Float64Array[] = [];
    told.outputs.forEach((g, i) => {
      if (g === null) return;
      members.push(this.ensemble[i]);
      outputs.push(g);
    });
    const { applied, rejected } = kalmanUpdate(members, outputs, y, {
      gamma: this.params.gamma, nBatches: this.params.n_batches, maxit: this.params.maxit, bound: (u) => this.ctx.space.clip(u),
    });

    this.generation++;
    return {
      used: members.length,
      excluded: this.ensemble.length - usable.length,
      resampled: replaced.length,
      batches: usable.length > 0 ? miniBatches(y.length, this.params.n_batches).length : 0,
      updates: applied,
      rejected_updates: rejected,
      ...misfit,
      spread: spread(this.ensemble),
    };
  }

  /** Checks that every member is told once and collects each one's fitness and usable output. */
  private accept(ev: Evaluations): Told {
    const n = this.ensemble.length;
    const weighted = new Float64Array(n).fill(NaN);
    const outputs: (Float64Array | null)[] = new Array(n).fill(null);
    const anyOk = ev.status.some((s) => s === STATUS_CODES.ok);
    if (ev.outputs === null && anyOk) {
      throw new RangeError('enkf: the evaluations carry no model outputs; the EnKF needs each member\'s outputs G(u), not only a fitness (use an optimizee that returns outputs)');
    }
    for (let k = 0; k < ev.index.length; k++) {
      const i = ev.index[k];
      if (!(i >= 0 && i < n)) throw new RangeError(`enkf: evaluation for member ${i}, but the ensemble has ${n} members`);
      if (!Number.isNaN(weighted[i])) throw new RangeError(`enkf: member ${i} told twice`);
      weighted[i] = ev.status[k] === STATUS_CODES.ok ? ev.weighted[k] : -Infinity;
      if (Number.isNaN(weighted[i])) weighted[i] = -Infinity;
      if (ev.status[k] === STATUS_CODES.ok) outputs[i] = this.usableOutput(ev.outputs?.[k], i);
    }
    const missing = weighted.reduce((c, w) => c + (Number.isNaN(w) ? 1 : 0), 0);
    if (missing > 0) throw new RangeError(`enkf: ${missing} member(s) of generation ${this.generation} were asked but not told`);
    return { weighted, outputs };
  }

  /** A successful member's output: null when absent or not finite; a length mismatch is an error. */
  private usableOutput(g: Float64Array | null | undefined, member: number): Float64Array | null {
    if (g === undefined || g === null) return null;
    this.outputLength ??= g.length;
    if (g.length !== this.outputLength) {
      const what = this.params.observations ? `observations has ${this.outputLength} values` : `earlier outputs had ${this.outputLength} values`;
      throw new RangeError(`enkf: member ${member} returned ${g.length} model outputs, but ${what}; the outputs must match the observations one for one`);
    }
    return g.every(Number.isFinite) ? g : null;
  }

  /** y: the observations, or zeros of the output length. */
  private targets(): ArrayLike<number> {
    return this.params.observations ?? new Float64Array(this.outputLength ?? 0);
  }

  /** The ensemble cannot move any more when every member is equal and nothing adds noise. */
  stop(): string[] {
    const { pop_size, worst_n, best_n, sample_scale } = this.params;
    const resampling = countOf(pop_size, worst_n) > 0 && countOf(pop_size, best_n) > 0 && sample_scale > 0;
    if (this.generation === 0 || resampling || spread(this.ensemble) > 0) return [];
    return ['ensemble collapsed: every member is equal, so the covariances and the update are zero'];
  }

  /** The ensemble mean: the EnKF's estimate of the solution. */
  mean(): Float64Array {
    const dim = this.ctx.space.dim;
    const m = new Float64Array(dim);
    for (const u of this.ensemble) for (let d = 0; d < dim; d++) m[d] += u[d] / this.ensemble.length;
    return m;
  }

  snapshot(): EnkfSnapshot {
    return encodeSnapshot({ generation: this.generation, ensemble: this.ensemble, outputLength: this.outputLength });
  }

  restore(snapshot: unknown): void {
    const s = decodeSnapshot(snapshot, this.params.pop_size, this.ctx.space.dim);
    if (this.params.observations && s.outputLength !== this.params.observations.length) {
      throw new TypeError(`enkf snapshot: outputLength ${s.outputLength} does not match the ${this.params.observations.length} observations`);
    }
    this.generation = s.generation;
    this.ensemble = s.ensemble;
    this.outputLength = s.outputLength;
  }
}

/** |y - mean G|^2 and the members' mean |y - g_j|^2, over the usable members (absent when none). */
function meanMisfit(outputs: readonly Float64Array[], y: ArrayLike<number>): CoreStats {
  if (outputs.length === 0) return {};
  let ofMean = 0;
  let members = 0;
  for (let c = 0; c < y.length; c++) {
    let g = 0;
    for (const o of outputs) {
      g += o[c];
      members += (y[c] - o[c]) ** 2;
    }
    ofMean += (y[c] - g / outputs.length) ** 2;
  }
  return { misfit: ofMean, misfit_members: members / outputs.length };
}

/** Root mean square distance of the members from their mean. */
export function spread(ensemble: readonly Float64Array[]): number {
  const n = ensemble.length;
  const dim = ensemble[0].length;
  let s = 0;
  for (let d = 0; d < dim; d++) {
    let m = 0;
    for (const u of ensemble) m += u[d];
    m /= n;
    for (const u of ensemble) s += (u[d] - m) ** 2;
  }
  return Math.sqrt(s / n);
}
