/**
 * CMA-ES with IPOP/BIPOP restarts as a pure ask/tell core (pycma's purecma for the run, pycma's
 * fmin for the restarts, BoundPenalty for the box).
 *
 * The core works in internal coordinates u = (x - lower) / width, the box scaled to [0, 1]^n, so
 * that one step size suits parameters of any units (pycma's CMA_stds set to the box widths); x0
 * and every asked or reported point are in parameter units. A coordinate of zero width keeps unit
 * scale and an internal box [0, 0].
 *
 * Ranking: f = -weighted is minimised; failed rows (status != 0) get f = +Infinity and rank last.
 * Randomness: the samples of generation g come from Rng.derive(seed, 'cmaes', g, 'sample'), a
 * restart's draws from (seed, 'cmaes', g, 'restart'), so snapshots hold no random state.
 */
import { STATUS_CODES } from '../../core/fitness.js';
import type { CoreStats, Evaluations, Generation, GenerationalCore, OptimizerContext } from '../../core/optimizer.js';
import { Rng } from '../../math/rng.js';
import { boundPenalty, isOutside, repairInto, updateBoundPenalty } from './bounds.js';
import { sample, updateDistribution, updateEigensystem } from './distribution.js';
import { defaultPopSize, type StrategyParameters } from './parameters.js';
import { firstRun, newRestartBook, planRestart, recordRun, restartsExhausted, restartsMade, type RestartSettings } from './restarts.js';
import { finishedRecord, newRun, runSettings, type RunRecord } from './run.js';
import type { CmaesParams } from './schema.js';
import { decodeSnapshot, encodeSnapshot, type CmaesSnapshot, type CoreState } from './snapshot.js';
import { recordGeneration, terminationReasons, type Tolerances } from './termination.js';

const REGIME_CODE = { first: 0, large: 1, small: 2 } as const;

export class CmaesCore implements GenerationalCore {
  readonly mode = 'generational' as const;
  private readonly n: number;
  private readonly lower: Float64Array;
  /** Parameter units per internal unit. */
  private readonly scale: Float64Array;
  /** The box in internal units: [0, 1] per coordinate ([0, 0] where the width is 0). */
  private readonly lo: Float64Array;
  private readonly hi: Float64Array;
  private readonly x0: Float64Array;
  private readonly settings: RestartSettings;
  private s!: CoreState;
  private p!: StrategyParameters;
  private tol!: Tolerances;
  /** The unrepaired samples of the generation in progress, recomputed on demand (they are a function of the state). */
  private cache: { generation: number; xs: Float64Array } | null = null;

  constructor(private readonly cfg: CmaesParams, private readonly ctx: OptimizerContext) {
    const { space } = ctx;
    this.n = space.dim;
    this.lower = space.lower.slice();
    this.scale = space.upper.map((u, i) => (u > space.lower[i] ? u - space.lower[i] : 1));
    this.lo = new Float64Array(this.n);
    this.hi = space.upper.map((u, i) => (u > space.lower[i] ? 1 : 0));
    this.x0 = this.toInternal(initialMean(cfg.x0, ctx));
    this.settings = {
      mode: cfg.restarts, maxRestarts: cfg.max_restarts, incPopsize: cfg.inc_popsize, n: this.n,
      lambda0: cfg.pop_size ?? defaultPopSize(this.n), sigma0: cfg.sigma0, maxiter: cfg.maxiter,
    };
    const run = newRun(firstRun(this.settings), this.x0, 0);
    this.adopt({ generation: 0, run, book: newRestartBook(), history: [], final: [], best: { weighted: -Infinity, x: null } });
  }

  private adopt(s: CoreState): void {
    this.s = s;
    ({ p: this.p, tol: this.tol } = runSettings(s.run.plan, this.n, this.cfg));
    this.cache = null;
  }

  private toInternal(x: Float64Array): Float64Array {
    return x.map((v, i) => (v - this.lower[i]) / this.scale[i]);
  }

  /** The current generation's sampled points, internal units, unrepaired. */
  private population(): Float64Array {
    if (this.cache?.generation !== this.s.generation) {
      const rng = Rng.derive(this.ctx.seed, 'cmaes', this.s.generation, 'sample');
      this.cache = { generation: this.s.generation, xs: sample(this.s.run.d, rng, this.p.lambda) };
    }
    return this.cache.xs;
  }

  /** lambda points, repaired into the box (BoundPenalty), in parameter units. Repeatable until tell(). */
  ask(): Generation {
    const { n } = this;
    const xs = this.population();
    const x = new Float64Array(xs.length);
    const u = new Float64Array(n);
    for (let k = 0; k < this.p.lambda; k++) {
      repairInto(xs.subarray(k * n, (k + 1) * n), this.lo, this.hi, u);
      for (let i = 0; i < n; i++) x[k * n + i] = this.lower[i] + this.scale[i] * u[i];
      this.ctx.space.clip(x.subarray(k * n, (k + 1) * n)); // lower + width * 1 may round past upper
    }
    return { generation: this.s.generation, index: Int32Array.from({ length: this.p.lambda }, (_, k) => k), x };
  }

  tell(ev: Evaluations): CoreStats {
    const f = this.objectiveValues(ev);
    const { run } = this.s;
    const { d } = run;
    const xs = this.population();
    // Boundary handling: update the penalty weights, then rank by f + penalty of the unrepaired point
    updateBoundPenalty(run.bounds, f, d, this.p, this.lo, this.hi, d.countiter + 1);
    const key = Float64Array.from(f, (v, k) => v + boundPenalty(run.bounds, xs.subarray(k * this.n, (k + 1) * this.n), this.lo, this.hi));
    const order = Array.from(key, (_, k) => k).sort((a, b) => key[a] - key[b] || a - b);
    this.noteBest(f, ev);
    recordGeneration(run.h, Float64Array.from(f).sort(), d.countiter + 1, this.p);
    // Mean, paths, covariance and step size (distribution.ts), then the lazy eigendecomposition
    updateDistribution(d, this.p, xs, order);
    const positive = updateEigensystem(d, this.p);
    const reasons = this.reasons(f, positive);
    const stats = this.stats(xs);
    // a core told on after its final stop keeps updating its last run but records no more runs
    const ended = reasons.length > 0 && this.s.final.length === 0;
    if (ended) this.endRun(reasons);
    this.s.generation += 1;
    stats.run_ended = ended ? 1 : 0;
    return stats;
  }

  /** f = -weighted per asked individual, +Infinity where the evaluation failed; checks the rows. */
  private objectiveValues(ev: Evaluations): Float64Array {
    const lambda = this.p.lambda;
    if (ev.generation !== this.s.generation) throw new RangeError(`cmaes: told generation ${ev.generation}, but generation ${this.s.generation} is in progress`);
    if (ev.index.length !== lambda) throw new RangeError(`cmaes: told ${ev.index.length} evaluations, expected all ${lambda} of generation ${this.s.generation}`);
    const f = new Float64Array(lambda).fill(NaN);
    for (let k = 0; k < lambda; k++) {
      const i = ev.index[k];
      if (!(i >= 0 && i < lambda) || !Number.isNaN(f[i])) throw new RangeError(`cmaes: evaluation for individual ${i}, which is not one of 0..${lambda - 1} or was told twice`);
      const w = ev.weighted[k];
      f[i] = ev.status[k] === STATUS_CODES.ok && !Number.isNaN(w) ? -w : Infinity;
    }
    return f;
  }

  /** Best of the run and best overall, among successful evaluations (points as evaluated, in the box). */
  private noteBest(f: Float64Array, ev: Evaluations): void {
    const { run, best } = this.s;
    let k = -1;
    for (let i = 0; i < f.length; i++) if (f[i] < Infinity && (k < 0 || f[i] < f[k])) k = i;
    if (k < 0) return;
    const row = ev.index.indexOf(k);
    const x = ev.x.slice(row * this.n, (row + 1) * this.n);
    if (f[k] < run.best.f) run.best = { f: f[k], x, evals: run.d.counteval + f.length };
    if (-f[k] > best.weighted) this.s.best = { weighted: -f[k], x };
  }

  private reasons(f: Float64Array, positive: boolean): string[] {
    const { run } = this.s;
    const reasons = terminationReasons({
      d: run.d, p: this.p, h: run.h, tol: this.tol, sorted: Float64Array.from(f).sort(), sigma0: run.plan.sigma0,
      bestEvals: run.best.evals, scale: this.scale, lower: this.lower,
    });
    if (!positive) reasons.push('tolconditioncov: the covariance matrix is no longer positive definite');
    return reasons;
  }

  private stats(xs: Float64Array): CoreStats {
    const { run, history } = this.s;
    let repaired = 0;
    for (let k = 0; k < this.p.lambda; k++) if (isOutside(xs.subarray(k * this.n, (k + 1) * this.n), this.lo, this.hi)) repaired++;
    return {
      sigma: run.d.sigma, condition: run.d.condition, restart: history.length, lambda: this.p.lambda, regime: REGIME_CODE[run.plan.regime],
      run_generation: run.d.countiter, run_best: -run.best.f, repaired,
    };
  }

  /** Records the finished run and starts the next one, or sets the final stop reasons. */
  private endRun(reasons: string[]): void {
    const s = this.s;
    s.history.push(finishedRecord(s.run, reasons));
    recordRun(s.book, s.run.plan.regime, s.run.d.counteval);
    if (restartsExhausted(s.book, this.settings)) {
      s.final = this.settings.mode === 'none' ? reasons : [...reasons, this.restartSummary()];
      return;
    }
    const rng = Rng.derive(this.ctx.seed, 'cmaes', s.generation, 'restart');
    const plan = planRestart(s.book, this.settings, rng);
    const mean = this.cfg.restart_from === 'uniform' ? Float64Array.from(this.hi, (h) => h * rng.uniform()) : this.x0;
    this.adopt({ ...s, run: newRun(plan, mean, s.generation + 1) });
  }

  private restartSummary(): string {
    const made = restartsMade(this.s.book);
    const sizes = this.s.history.map((r) => (r.regime === 'small' ? `${r.lambda} (small)` : `${r.lambda}`)).join(', ');
    return `max_restarts: ${made} restart${made === 1 ? '' : 's'} made (${this.settings.mode}; population sizes ${sizes}), none left`;
  }

  /** Empty while a run goes on or a restart remains; then the last run's reasons and the restart summary. */
  stop(): string[] {
    return [...this.s.final];
  }

  /** The finished runs, oldest first. */
  runs(): RunRecord[] {
    return this.s.history.map((r) => ({ ...r, reasons: [...r.reasons] }));
  }

  /** The best successful evaluation so far: weighted fitness and point (parameter units); null before any. */
  best(): { weighted: number; x: Float64Array } | null {
    const { best } = this.s;
    return best.x === null ? null : { weighted: best.weighted, x: best.x.slice() };
  }

  /** The run in progress, for inspection: mean (parameter units), step size (internal units), lambda, regime. */
  current(): { mean: Float64Array; sigma: number; lambda: number; regime: string; generation: number } {
    const { run } = this.s;
    const mean = run.d.mean.map((v, i) => this.lower[i] + this.scale[i] * v);
    return { mean, sigma: run.d.sigma, lambda: this.p.lambda, regime: run.plan.regime, generation: run.d.countiter };
  }

  snapshot(): CmaesSnapshot {
    return encodeSnapshot(this.s);
  }

  restore(snapshot: unknown): void {
    this.adopt(decodeSnapshot(snapshot, this.n));
  }
}

/** x0 in parameter units: a number for every coordinate, one per coordinate, or the box centre. */
function initialMean(x0: CmaesParams['x0'], ctx: OptimizerContext): Float64Array {
  const { dim, lower, upper } = ctx.space;
  if (x0 === null) return lower.map((l, i) => l + (upper[i] - l) / 2);
  if (Array.isArray(x0) && x0.length !== dim) throw new RangeError(`optimizer.x0: got ${x0.length} values, expected ${dim} (one per parameter)`);
  const x = Array.isArray(x0) ? Float64Array.from(x0) : new Float64Array(dim).fill(x0);
  for (let i = 0; i < dim; i++) {
    if (!(x[i] >= lower[i] && x[i] <= upper[i])) throw new RangeError(`optimizer.x0: got ${x[i]} for coordinate ${i}, expected a value in [${lower[i]}, ${upper[i]}]`);
  }
  return x;
}
