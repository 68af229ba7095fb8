/**
 * Simulated annealing (Kirkpatrick, Gelatt and Vecchi 1983), after the reference framework's
 * SimulatedAnnealingOptimizer: n_parallel_runs independent Metropolis chains sharing one cooling
 * schedule. A generation is one proposal per chain (row index = chain).
 *
 * Deviations from the reference, each on purpose:
 * - Generation 0 evaluates the chains' uniform starting points themselves; the reference perturbs
 *   them first (by N(0, noisy_step) * noisy_step, a doubled step), which a uniform draw does not need.
 * - The seed is applied to every draw, the starting points included (the reference draws those from
 *   the optimizee's global generator): streams are derived from (seed, 'simulated-annealing',
 *   generation, purpose).
 * - Start and final temperature are hyper-parameters (temperature_bounds, default the reference's
 *   fixed 1 and 0), and the additive schedules use their documented formulas (see
 *   ../shared/annealing/schedules.ts).
 */
import type { CoreStats, Evaluations, Generation, GenerationalCore, OptimizerContext } from '../../core/optimizer.js';
import { Rng } from '../../math/rng.js';
import { annealingStopReasons, Chains, type ChainsSnapshot } from '../shared/annealing/chains.js';
import { temperature, type Schedule, type ScheduleName } from '../shared/annealing/schedules.js';

export interface SimulatedAnnealingParams {
  n_parallel_runs: number;
  /** Proposal scale: x' = x + N(0, 1) * noisy_step * T, in the parameters' own units. */
  noisy_step: number;
  temp_decay: number;
  n_iteration: number;
  stop_criterion?: number;
  cooling_schedule: ScheduleName;
  /** [T0, Tn]. */
  temperature_bounds: [number, number];
  /** alpha of the multiplicative schedules; absent: the reference's constant for the schedule. */
  decay_parameter?: number;
}

export interface SimulatedAnnealingSnapshot extends ChainsSnapshot {
  type: 'simulated-annealing';
  version: 1;
  /** The generation in progress: asked, or about to be. */
  generation: number;
}

const WHO = 'simulated-annealing';

export class SimulatedAnnealingCore implements GenerationalCore {
  readonly mode = 'generational' as const;
  private generation = 0;
  private readonly chains: Chains;

  constructor(
    private readonly params: SimulatedAnnealingParams,
    private readonly ctx: OptimizerContext,
    private readonly schedule: Schedule,
  ) {
    this.chains = new Chains(params.n_parallel_runs, ctx.space, this.stream(0, 'init'));
  }

  private stream(generation: number, purpose: string): Rng {
    return Rng.derive(this.ctx.seed, WHO, generation, purpose);
  }

  /** T_k of the schedule; generation g proposes at T_g and is judged at T_{g+1}, as in the reference. */
  temperatureAt(k: number): number {
    return temperature(this.schedule, k);
  }

  ask(): Generation {
    const g = this.generation;
    const n = this.params.n_parallel_runs;
    const index = Int32Array.from({ length: n }, (_, i) => i);
    if (g === 0) return { generation: g, index, x: this.chains.starts() };
    // x'_i = clip(x_i + N(0, I) * noisy_step * T_g)
    const step = new Float64Array(n).fill(this.params.noisy_step * this.temperatureAt(g));
    return { generation: g, index, x: this.chains.propose(step, this.stream(g, 'step')) };
  }

  tell(ev: Evaluations): CoreStats {
    const g = this.generation;
    if (ev.generation !== g) throw new RangeError(`${WHO}: told generation ${ev.generation}, but generation ${g} is in progress`);
    // T_{g+1} = schedule(k = g + 1): the reference cools before it judges the proposals
    const t = this.temperatureAt(g + 1);
    // accept x'_i with probability min(1, exp((f'_i - f_i) / T))
    const temps = new Float64Array(this.chains.n).fill(t);
    const accepted = this.chains.accept(ev, temps, this.stream(g, 'accept'), WHO);
    this.generation = g + 1;
    const best = this.chains.best();
    return { temperature: t, acceptance_rate: accepted / this.chains.n, ...(Number.isFinite(best) ? { best } : {}) };
  }

  stop(): string[] {
    return annealingStopReasons(this.generation, this.params, this.chains.best());
  }

  /** Each chain's current point and weighted fitness (copies). */
  current(): { x: Float64Array; fitness: number }[] {
    const dim = this.ctx.space.dim;
    return Array.from({ length: this.chains.n }, (_, i) => ({ x: this.chains.x.slice(i * dim, (i + 1) * dim), fitness: this.chains.f[i] }));
  }

  snapshot(): SimulatedAnnealingSnapshot {
    return { type: WHO, version: 1, generation: this.generation, ...this.chains.snapshot() };
  }

  restore(raw: unknown): void {
    const s = raw as Partial<SimulatedAnnealingSnapshot> | null;
    if (s?.type !== WHO || s.version !== 1) throw new TypeError(`${WHO} snapshot: not a version-1 simulated-annealing snapshot`);
    if (!Number.isInteger(s.generation) || s.generation! < 0) throw new TypeError(`${WHO} snapshot: generation must be a non-negative integer`);
    this.chains.restore(s, WHO);
    this.generation = s.generation!;
  }
}
