/**
 * The GA's checkpoint as plain data (numbers, arrays, booleans), and its validation on the way back.
 *
 * No random state is stored: every generation's draws come from a stream derived from
 * (seed, 'ga', generation, purpose), so the population, its fitnesses and the hall of fame are the
 * whole state. Non-finite fitness values survive msgpack; a JSON round trip turns them into null,
 * read back as NaN, which ranks as -Infinity.
 */
import type { Famer } from './hall-of-fame.js';
import { makeFit, type Fit } from './ranking.js';

export interface GaSnapshot {
  type: 'ga';
  version: 1;
  /** The generation in progress: asked, or about to be. */
  generation: number;
  population: number[][];
  /** Per individual: null when it still has to be evaluated in this generation. */
  fitness: (number[] | null)[];
  /** Per individual: true when its evaluation failed (its fitness is then []). */
  failed: boolean[];
  hallOfFame: { x: number[]; fitness: number[] }[];
}

export interface GaState {
  generation: number;
  xs: Float64Array[];
  fits: (Fit | null)[];
  hallOfFame: Famer[];
}

export function encodeSnapshot(s: GaState): GaSnapshot {
  return {
    type: 'ga',
    version: 1,
    generation: s.generation,
    population: s.xs.map((x) => Array.from(x)),
    fitness: s.fits.map((f) => (f === null ? null : f.w === null ? [] : Array.from(f.fitness))),
    failed: s.fits.map((f) => f !== null && f.w === null),
    hallOfFame: s.hallOfFame.map((h) => ({ x: Array.from(h.x), fitness: Array.from(h.fit.fitness) })),
  };
}

function fail(what: string): never {
  throw new TypeError(`ga snapshot: ${what}`);
}

function numbers(v: unknown, what: string, length?: number): Float64Array {
  if (!Array.isArray(v) || (length !== undefined && v.length !== length)) fail(`${what} must be an array of ${length ?? 'some'} numbers`);
  return Float64Array.from(v, (e: unknown) => (e === null ? NaN : typeof e === 'number' ? e : fail(`${what} holds a non-number`)));
}

/** Rebuilds the state, checking it fits this run's population size and parameter space. */
export function decodeSnapshot(raw: unknown, popSize: number, dim: number, weights: readonly number[]): GaState {
  const s = raw as Partial<GaSnapshot> | null;
  if (s === null || typeof s !== 'object' || s.type !== 'ga' || s.version !== 1) fail('not a version-1 GA snapshot');
  if (!Number.isInteger(s.generation) || s.generation! < 0) fail('generation must be a non-negative integer');
  const { population, fitness, failed, hallOfFame } = s;
  if (!Array.isArray(population) || !Array.isArray(fitness) || !Array.isArray(failed) || !Array.isArray(hallOfFame)) {
    fail('population, fitness, failed and hallOfFame must be arrays');
  }
  if (population.length !== popSize) fail(`holds ${population.length} individuals but pop_size is ${popSize}`);
  if (fitness.length !== popSize || failed.length !== popSize) fail('fitness and failed need one entry per individual');
  const xs = population.map((x, i) => numbers(x, `population[${i}]`, dim));
  const fits = fitness.map((f, i) => (f === null ? null : makeFit(numbers(f, `fitness[${i}]`), weights, failed[i] !== true)));
  const famers = hallOfFame.map((h, i) => ({ x: numbers(h?.x, `hallOfFame[${i}].x`, dim), fit: makeFit(numbers(h?.fitness, `hallOfFame[${i}].fitness`), weights, true) }));
  return { generation: s.generation!, xs, fits, hallOfFame: famers };
}
