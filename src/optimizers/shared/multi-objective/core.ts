/**
 * The generational loop nsga2 and ibea share: an elitist (mu + lambda) evolutionary algorithm over
 * objective vectors. Generation 0 evaluates pop_size uniform points of the box. Every tell merges the
 * parents with the offspring just evaluated (2 pop_size individuals, parents first; pop_size in
 * generation 0), keeps pop_size of them by the algorithm's environmental selection, draws mates
 * among those by its mating selection, and breeds the next pop_size offspring by SBX and polynomial
 * mutation (variation.ts). The two algorithms differ only in their Selection: NSGA-II's
 * non-dominated sorting with crowding (src/optimizers/nsga2), IBEA's additive epsilon indicator
 * (src/optimizers/ibea).
 *
 * Objectives are sign(w_j) * fitness_j, maximised, zero weights left out; a failed row is dominated by
 * every success (objectives.ts). Every offspring is evaluated, also one that variation left equal
 * to its parent. All draws come from streams derived from (seed, type, generation, purpose):
 * 'init', 'select', 'mate', 'mutate'. There is no generation limit: the experiment's budget decides
 * when to stop, so stop() returns [].
 */
import type { CoreStats, Evaluations, Generation, GenerationalCore, OptimizerContext } from '../../../core/optimizer.js';
import { stackRows } from '../../../math/rows.js';
import { Rng } from '../../../math/rng.js';
import { rowPositions } from '../evaluations.js';
import { firstFront } from './dominance.js';
import { hypervolume2d } from './hypervolume.js';
import { Objectives, type Member } from './objectives.js';
import type { EmoParams } from './schema.js';
import { decodeEmoSnapshot, encodeEmoSnapshot, type EmoSnapshot } from './snapshot.js';
import { vary } from './variation.js';

/** An algorithm's two selections. Both see members' maximised objective vectors (null: failed). */
export interface Selection {
  /**
   * Environmental selection: n of the merged population `pop`, as indices into it, ascending. It may
   * remember what it computed about them for mates(), which is called next, on these survivors.
   */
  survive(pop: readonly Member[], n: number): number[];
  /** Mating selection: `count` parents drawn from the survivors just chosen, as indices into them. */
  mates(survivors: readonly Member[], count: number, rng: Rng): number[];
  /** Statistics of the last survive(), recorded with the generation's. */
  stats(): CoreStats;
}

/** An individual of the population as the core reports it. */
export interface EmoIndividual {
  x: Float64Array;
  fitness: Float64Array;
  /** No objective vector: the evaluation failed, or a ranked objective was not finite. */
  failed: boolean;
}

export class EmoCore implements GenerationalCore {
  readonly mode = 'generational' as const;
  private generation = 0;
  /** The parents: what the last tell kept (none before the first). */
  private parents: Member[] = [];
  /** The generation in progress: row i is asked as index i. */
  private offspring: Float64Array[];
  /** The hypervolume's reference point (two objectives only): the worst of each, as first evaluated. */
  private reference: Float64Array | null = null;
  private readonly objectives: Objectives;
  private readonly mutProb: number;

  constructor(
    readonly type: string,
    private readonly params: EmoParams,
    private readonly ctx: OptimizerContext,
    private readonly selection: Selection,
  ) {
    this.objectives = new Objectives(ctx.weights, type);
    this.mutProb = params.mut_prob ?? 1 / ctx.space.dim;
    const rng = this.stream(0, 'init');
    this.offspring = Array.from({ length: params.pop_size }, () => ctx.space.sample(rng));
  }

  private stream(generation: number, purpose: string): Rng {
    return Rng.derive(this.ctx.seed, this.type, generation, purpose);
  }

  /** The generation's pop_size offspring, indices 0 .. pop_size-1. Repeatable until tell(). */
  ask(): Generation {
    const n = this.params.pop_size;
    return { generation: this.generation, index: Int32Array.from({ length: n }, (_, i) => i), x: stackRows(this.offspring, this.ctx.space.dim) };
  }

  /** Every asked individual exactly once; selects the survivors and breeds the next generation. */
  tell(ev: Evaluations): CoreStats {
    const n = this.params.pop_size;
    const pos = rowPositions(this.type, ev, this.generation, n);
    const born = this.offspring.map((x, i) => this.objectives.member(x, ev, pos[i]));
    const before = this.parents.length;
    const pop = [...this.parents, ...born];
    const chosen = this.selection.survive(pop, n);
    this.parents = chosen.map((i) => pop[i]);
    if (this.reference === null && this.objectives.m === 2) this.reference = worst(born);
    const front = this.front();
    const stats: CoreStats = {
      evaluated: n,
      failed: born.reduce((k, b) => k + (b.y === null ? 1 : 0), 0),
      front_size: front.length,
      new_survivors: chosen.reduce((k, i) => k + (i >= before ? 1 : 0), 0),
      ...this.selection.stats(),
      ...(this.reference ? { hypervolume: hypervolume2d(front.map((p) => p.y!), this.reference) } : {}),
    };
    this.breed();
    return stats;
  }

  /** The next offspring: mates drawn from the parents, recombined in pairs, mutated. */
  private breed(): void {
    const g = this.generation + 1;
    const n = this.params.pop_size;
    const mates = this.selection.mates(this.parents, 2 * Math.ceil(n / 2), this.stream(g, 'select'));
    const kids = vary(mates.map((i) => this.parents[i].x), this.params, this.mutProb, this.ctx.space, this.stream(g, 'mate'), this.stream(g, 'mutate'));
    this.offspring = kids.slice(0, n);
    this.generation = g;
  }

  /** The parents no other parent dominates (failures never). */
  private front(): Member[] {
    return firstFront(this.parents.map((p) => p.y)).map((i) => this.parents[i]);
  }

  stop(): string[] {
    return [];
  }

  /** The population's non-dominated individuals: the Pareto front reached so far. Copies. */
  paretoFront(): EmoIndividual[] {
    return this.front().map(copy);
  }

  /** The parents, in population order. Copies. */
  population(): EmoIndividual[] {
    return this.parents.map(copy);
  }

  /** The hypervolume's reference point in maximised objectives, or null (not two objectives, or no success yet). */
  hypervolumeReference(): Float64Array | null {
    return this.reference?.slice() ?? null;
  }

  snapshot(): EmoSnapshot {
    return encodeEmoSnapshot(this.type, { generation: this.generation, parents: this.parents, offspring: this.offspring, reference: this.reference }, this.front());
  }

  restore(snapshot: unknown): void {
    const s = decodeEmoSnapshot(snapshot, this.type, this.params.pop_size, this.ctx.space.dim, this.objectives);
    this.generation = s.generation;
    this.parents = s.parents;
    this.offspring = s.offspring;
    this.reference = this.objectives.m === 2 ? s.reference : null;
  }
}

function copy(p: Member): EmoIndividual {
  return { x: p.x.slice(), fitness: p.fitness.slice(), failed: p.y === null };
}

/** The worst value of each objective among the successes, or null when there is none. */
function worst(members: readonly Member[]): Float64Array | null {
  let out: Float64Array | null = null;
  for (const { y } of members) {
    if (y === null) continue;
    if (out === null) out = y.slice();
    else for (let j = 0; j < y.length; j++) out[j] = Math.min(out[j], y[j]);
  }
  return out;
}
