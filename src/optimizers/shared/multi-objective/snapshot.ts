/**
 * The checkpoint of a multi-objective core (nsga2, ibea) as plain data, and its validation on the way
 * back. No random state: every generation's draws come from streams derived from (seed, type,
 * generation, purpose), so the parents, the offspring asked and the hypervolume's reference point
 * are the whole state. Fitness vectors travel as plain vectors (non-finite values as strings).
 *
 * `front` is written for readers (the Pareto front a run has reached, for results and reports) and
 * ignored by restore, which recomputes it from the population.
 */
import { decodeVector, encodeVector, snapshotOf, type PlainVector } from '../plain-vector.js';
import type { Member, Objectives } from './objectives.js';

export interface EmoSnapshot {
  type: string;
  version: 1;
  /** The generation in progress: asked, or about to be. */
  generation: number;
  /** The parents: the individuals the last tell kept (none before the first). */
  population: { x: number[]; fitness: PlainVector; failed: boolean }[];
  /** The generation in progress's individuals, row i asked as index i. */
  offspring: number[][];
  /** The hypervolume's reference point in maximised objectives (two objectives only; null until set). */
  reference: number[] | null;
  /** The population's non-dominated individuals: x, and the fitness vector as told. */
  front: { x: number[]; fitness: PlainVector }[];
}

export interface EmoState {
  generation: number;
  parents: Member[];
  offspring: Float64Array[];
  reference: Float64Array | null;
}

export function encodeEmoSnapshot(type: string, s: EmoState, front: readonly Member[]): EmoSnapshot {
  return {
    type,
    version: 1,
    generation: s.generation,
    population: s.parents.map((p) => ({ x: Array.from(p.x), fitness: encodeVector(p.fitness), failed: !p.ok })),
    offspring: s.offspring.map((x) => Array.from(x)),
    reference: s.reference === null ? null : Array.from(s.reference),
    front: front.map((p) => ({ x: Array.from(p.x), fitness: encodeVector(p.fitness) })),
  };
}

/** Rebuilds the state, checking it fits this run's population size, parameter space and objectives. */
export function decodeEmoSnapshot(raw: unknown, type: string, popSize: number, dim: number, objectives: Objectives): EmoState {
  const s = snapshotOf(raw, type, 1);
  const fail = (what: string): never => {
    throw new TypeError(`${type} snapshot: ${what}`);
  };
  const generation = s.generation as number;
  const { population, offspring, reference } = s;
  if (!Array.isArray(population) || !Array.isArray(offspring)) fail('population and offspring must be arrays');
  const pop = population as unknown[];
  const kids = offspring as unknown[];
  const parentsExpected = generation === 0 ? 0 : popSize;
  if (pop.length !== parentsExpected) fail(`holds ${pop.length} parents in generation ${generation}, expected ${parentsExpected} (pop_size ${popSize})`);
  if (kids.length !== popSize) fail(`holds ${kids.length} offspring but pop_size is ${popSize}`);
  const parents = pop.map((e, i): Member => {
    const p = e as { x?: unknown; fitness?: unknown; failed?: unknown } | null;
    if (p === null || typeof p !== 'object' || typeof p.failed !== 'boolean' || !Array.isArray(p.fitness)) fail(`population[${i}] must be {x, fitness, failed}`);
    const x = decodeVector(p!.x, `${type} snapshot: population[${i}].x`, dim);
    const fitness = decodeVector(p!.fitness, `${type} snapshot: population[${i}].fitness`, (p!.fitness as unknown[]).length);
    const ok = p!.failed === false;
    return { x, fitness, ok, y: objectives.read(fitness, ok) };
  });
  const xs = kids.map((x, i) => decodeVector(x, `${type} snapshot: offspring[${i}]`, dim));
  let ref: Float64Array | null = null;
  if (reference !== null) {
    ref = decodeVector(reference, `${type} snapshot: reference`, objectives.m);
    if (!ref.every(Number.isFinite)) fail('reference must be finite');
  }
  return { generation, parents, offspring: xs, reference: ref };
}
