/**
 * The genetic algorithm core, after the reference framework's GeneticAlgorithmOptimizer (a DEAP
 * eaSimple loop): evaluate what changed; select pop_size parents by tournament; blend consecutive
 * pairs with cx_prob; mutate each child with mut_prob (Gaussian, per gene with ind_prob); mutate
 * duplicates again; clip into the box after each operator; replace the whole population.
 *
 * Deviations from the reference, each on purpose:
 * - An individual is re-evaluated only if its coordinates differ from its parent's. The reference
 *   re-evaluates whatever an operator touched, also a mutation that changed no gene (most of them
 *   at ind_prob 0.02) and a blend of identical parents; those evaluations told it nothing new.
 * - Duplicates are found after rounding to 4 decimals (the reference compares exact values).
 * - The seed is applied: all draws come from streams derived from (seed, 'ga', generation, purpose),
 *   where the reference seeds nothing and shares Python's global generator.
 * - There is no n_iteration: the experiment's budget decides when to stop, so stop() returns [].
 */
import type { CoreStats, Evaluations, Generation, GenerationalCore, OptimizerContext } from '../../core/optimizer.js';
import { STATUS_CODES } from '../../core/fitness.js';
import { row, stackRows } from '../../math/rows.js';
import { Rng } from '../../math/rng.js';
import { HallOfFame } from './hall-of-fame.js';
import { blend, mutateGaussian, remutateDuplicates, tournament } from './operators.js';
import { makeFit, weightedSum, type Fit } from './ranking.js';
import { decodeSnapshot, encodeSnapshot, type GaSnapshot } from './snapshot.js';

export interface GaParams {
  pop_size: number;
  cx_prob: number;
  mut_prob: number;
  ind_prob: number;
  tourn_size: number;
  /** Blend crossover's alpha. */
  mate_par: number;
  /** Gaussian mutation's sigma, in the parameters' own units. */
  mut_par: number;
}

/** The reference keeps the 20 best distinct individuals. */
export const HALL_OF_FAME_SIZE = 20;

function sameCoords(a: Float64Array, b: Float64Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class GaCore implements GenerationalCore {
  readonly mode = 'generational' as const;
  private generation = 0;
  private xs: Float64Array[];
  /** Per individual: its evaluation, or null while it waits for one. */
  private fits: (Fit | null)[];
  private readonly hof = new HallOfFame(HALL_OF_FAME_SIZE);

  constructor(
    private readonly params: GaParams,
    private readonly ctx: OptimizerContext,
  ) {
    const rng = this.stream(0, 'init');
    this.xs = Array.from({ length: params.pop_size }, () => ctx.space.sample(rng));
    this.fits = this.xs.map(() => null);
  }

  private stream(generation: number, purpose: string): Rng {
    return Rng.derive(this.ctx.seed, 'ga', generation, purpose);
  }

  /** The individuals of the current generation that still need an evaluation. Repeatable until tell(). */
  ask(): Generation {
    const waiting: number[] = [];
    for (let i = 0; i < this.xs.length; i++) if (this.fits[i] === null) waiting.push(i);
    const dim = this.ctx.space.dim;
    return { generation: this.generation, index: Int32Array.from(waiting), x: stackRows(waiting.map((i) => this.xs[i]), dim) };
  }

  tell(ev: Evaluations): CoreStats {
    if (ev.generation !== this.generation) throw new RangeError(`ga: told generation ${ev.generation}, but generation ${this.generation} is in progress`);
    const told = this.acceptEvaluations(ev);
    this.hof.update(told.map((i) => ({ x: this.xs[i], fit: this.fits[i]! })));
    const failed = told.filter((i) => this.fits[i]!.w === null).length;
    this.breed();
    const best = this.hof.entries[0];
    return {
      evaluated: told.length,
      failed,
      hof_size: this.hof.entries.length,
      ...(best ? { hof_best: weightedSum(best.fit) } : {}),
      next_evaluations: this.fits.reduce((n, f) => n + (f === null ? 1 : 0), 0),
    };
  }

  /** Stores each evaluation on its individual; every asked individual must be told exactly once. */
  private acceptEvaluations(ev: Evaluations): number[] {
    const fresh = new Map<number, Fit>();
    for (let k = 0; k < ev.index.length; k++) {
      const i = ev.index[k];
      if (!(i >= 0 && i < this.xs.length) || this.fits[i] !== null) {
        throw new RangeError(`ga: evaluation for individual ${i}, which generation ${this.generation} did not ask for`);
      }
      if (fresh.has(i)) throw new RangeError(`ga: individual ${i} told twice`);
      fresh.set(i, makeFit(row(ev.fitness, k, ev.nObj), this.ctx.weights, ev.status[k] === STATUS_CODES.ok));
    }
    const missing = this.fits.reduce((n, f, i) => n + (f === null && !fresh.has(i) ? 1 : 0), 0);
    if (missing > 0) throw new RangeError(`ga: ${missing} individual(s) of generation ${this.generation} were asked but not told`);
    const told = [...fresh.keys()].sort((a, b) => a - b);
    for (const i of told) this.fits[i] = fresh.get(i)!;
    return told;
  }

  /** The next generation: select, blend, mutate, re-mutate duplicates; unchanged children keep their fitness. */
  private breed(): void {
    const g = this.generation + 1;
    const { pop_size: n, cx_prob, mut_prob, ind_prob, tourn_size, mate_par, mut_par } = this.params;
    const space = this.ctx.space;
    const parents = tournament(this.fits as Fit[], n, tourn_size, this.stream(g, 'select'));
    const kids = parents.map((p) => this.xs[p].slice());

    const rngMate = this.stream(g, 'mate');
    for (let k = 0; k + 1 < n; k += 2) {
      if (rngMate.uniform() < cx_prob) {
        blend(kids[k], kids[k + 1], mate_par, rngMate);
        space.clip(kids[k]);
        space.clip(kids[k + 1]);
      }
    }
    const rngMutate = this.stream(g, 'mutate');
    for (const kid of kids) {
      if (rngMutate.uniform() < mut_prob) space.clip(mutateGaussian(kid, mut_par, ind_prob, rngMutate));
    }
    const rngDup = this.stream(g, 'duplicates');
    remutateDuplicates(kids, (x) => space.clip(mutateGaussian(x, mut_par, ind_prob, rngDup)), rngDup);

    this.fits = kids.map((x, i) => (sameCoords(x, this.xs[parents[i]]) ? this.fits[parents[i]] : null));
    this.xs = kids;
    this.generation = g;
  }

  stop(): string[] {
    return [];
  }

  /** The best distinct individuals evaluated so far, best first. */
  hallOfFame(): { x: Float64Array; fitness: Float64Array; weighted: number }[] {
    return this.hof.entries.map((h) => ({ x: h.x.slice(), fitness: h.fit.fitness.slice(), weighted: weightedSum(h.fit) }));
  }

  snapshot(): GaSnapshot {
    return encodeSnapshot({ generation: this.generation, xs: this.xs, fits: this.fits, hallOfFame: [...this.hof.entries] });
  }

  restore(snapshot: unknown): void {
    const s = decodeSnapshot(snapshot, this.params.pop_size, this.ctx.space.dim, this.ctx.weights);
    this.generation = s.generation;
    this.xs = s.xs;
    this.fits = s.fits;
    this.hof.replace(s.hallOfFame);
  }
}
