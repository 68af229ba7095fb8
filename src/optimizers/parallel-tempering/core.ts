/**
 * Parallel tempering (replica exchange: Swendsen and Wang 1986; Earl and Deem 2005), after the
 * reference framework's ParallelTemperingOptimizer: n_parallel_runs simulated-annealing chains, each
 * following its own cooling schedule and temperature bounds; after every generation each chain
 * tries to exchange its schedule with a random partner by the Metropolis criterion (swap.ts). A
 * generation is one proposal per chain (row index = chain).
 *
 * Deviations from the reference, each on purpose:
 * - Exchanges happen. The reference's partner list holds only the chain itself (so every "swap" is
 *   a no-op), and it reads the partners' temperatures by chain instead of by schedule.
 * - The exchange criterion is the Metropolis one for the chains' own acceptance rule, which sends
 *   better points to colder chains; the reference's exp(-|(E1 - E2)(1/(5 T1) - 1/(5 T2))|) is
 *   symmetric (no drift to cold chains) and its constant 5 has no counterpart in the chains.
 * - A chain proposes at the temperature of the schedule it holds after the exchanges (the
 *   reference proposes before exchanging), so proposals are a function of the state alone.
 * - Generation 0 evaluates the uniform starting points; the seed is applied to every draw
 *   (the reference seeds nothing): streams from (seed, 'parallel-tempering', generation, purpose).
 * - The schedules are the closed forms of ../shared/annealing/schedules.ts, as in simulated annealing.
 */
import type { CoreStats, Evaluations, Generation, GenerationalCore, OptimizerContext } from '../../core/optimizer.js';
import { Rng } from '../../math/rng.js';
import { annealingStopReasons, Chains, type ChainsSnapshot } from '../shared/annealing/chains.js';
import { temperature, type Schedule } from '../shared/annealing/schedules.js';
import { swapPass } from './swap.js';

export interface ParallelTemperingParams {
  n_parallel_runs: number;
  noisy_step: number;
  n_iteration: number;
  stop_criterion?: number;
}

export interface ParallelTemperingSnapshot extends ChainsSnapshot {
  type: 'parallel-tempering';
  version: 1;
  /** The generation in progress: asked, or about to be. */
  generation: number;
  /** schedule[i]: the index (into cooling_schedules) of the schedule chain i follows. */
  schedule: number[];
}

const WHO = 'parallel-tempering';

export class ParallelTemperingCore implements GenerationalCore {
  readonly mode = 'generational' as const;
  private generation = 0;
  private readonly chains: Chains;
  /** A permutation: schedule[i] is the schedule chain i follows now. */
  private readonly schedule: Int32Array;

  constructor(
    private readonly params: ParallelTemperingParams,
    private readonly ctx: OptimizerContext,
    private readonly schedules: readonly Schedule[],
  ) {
    this.chains = new Chains(params.n_parallel_runs, ctx.space, this.stream(0, 'init'));
    this.schedule = Int32Array.from({ length: params.n_parallel_runs }, (_, i) => i);
  }

  private stream(generation: number, purpose: string): Rng {
    return Rng.derive(this.ctx.seed, WHO, generation, purpose);
  }

  /** T_s(k) for every schedule s. */
  private temperaturesAt(k: number): Float64Array {
    return Float64Array.from(this.schedules, (s) => temperature(s, k));
  }

  ask(): Generation {
    const g = this.generation;
    const n = this.params.n_parallel_runs;
    const index = Int32Array.from({ length: n }, (_, i) => i);
    if (g === 0) return { generation: g, index, x: this.chains.starts() };
    // x'_i = clip(x_i + N(0, I) * noisy_step * T_{s(i)}(g)), s(i) the schedule chain i holds
    const tempOf = this.temperaturesAt(g);
    const step = Float64Array.from(this.schedule, (s) => this.params.noisy_step * tempOf[s]);
    return { generation: g, index, x: this.chains.propose(step, this.stream(g, 'step')) };
  }

  tell(ev: Evaluations): CoreStats {
    const g = this.generation;
    if (ev.generation !== g) throw new RangeError(`${WHO}: told generation ${ev.generation}, but generation ${g} is in progress`);
    // T_s = schedule_s(k = g + 1) for every schedule: cool before judging, as the reference does
    const tempOf = this.temperaturesAt(g + 1);
    // accept x'_i with probability min(1, exp((f'_i - f_i) / T_{s(i)}))
    const temps = Float64Array.from(this.schedule, (s) => tempOf[s]);
    const accepted = this.chains.accept(ev, temps, this.stream(g, 'accept'), WHO);
    // exchange schedules of i and a random j with probability min(1, exp((1/T_i - 1/T_j)(f_j - f_i)))
    const swaps = swapPass(this.schedule, this.chains.f, tempOf, this.stream(g, 'swap'));
    this.generation = g + 1;
    const best = this.chains.best();
    return { acceptance_rate: accepted / this.chains.n, swaps_accepted: swaps, ...(Number.isFinite(best) ? { best } : {}) };
  }

  stop(): string[] {
    return annealingStopReasons(this.generation, this.params, this.chains.best());
  }

  /** Each chain's current point, weighted fitness, schedule and the temperature it proposes at next. */
  current(): { x: Float64Array; fitness: number; schedule: number; temperature: number }[] {
    const dim = this.ctx.space.dim;
    const tempOf = this.temperaturesAt(this.generation);
    return Array.from(this.schedule, (s, i) => ({
      x: this.chains.x.slice(i * dim, (i + 1) * dim), fitness: this.chains.f[i], schedule: s, temperature: tempOf[s],
    }));
  }

  snapshot(): ParallelTemperingSnapshot {
    return { type: WHO, version: 1, generation: this.generation, schedule: Array.from(this.schedule), ...this.chains.snapshot() };
  }

  restore(raw: unknown): void {
    const s = raw as Partial<ParallelTemperingSnapshot> | null;
    const n = this.params.n_parallel_runs;
    if (s?.type !== WHO || s.version !== 1) throw new TypeError(`${WHO} snapshot: not a version-1 parallel-tempering snapshot`);
    if (!Number.isInteger(s.generation) || s.generation! < 0) throw new TypeError(`${WHO} snapshot: generation must be a non-negative integer`);
    const perm = s.schedule;
    if (!Array.isArray(perm) || perm.length !== n || [...perm].sort((a, b) => a - b).some((v, i) => v !== i)) {
      throw new TypeError(`${WHO} snapshot: schedule must be a permutation of 0..${n - 1}`);
    }
    this.chains.restore(s, WHO);
    this.schedule.set(perm);
    this.generation = s.generation!;
  }
}
