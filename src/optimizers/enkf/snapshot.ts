/**
 * The EnKF's checkpoint as plain data, and its validation on the way back.
 *
 * The ensemble to evaluate next is the whole state besides the generation counter and the output
 * length fixed by the first evaluations: the Kalman update keeps nothing between generations, and
 * the resampling's draws come from a stream derived from (seed, 'enkf', generation). Every value is
 * finite (the core rejects non-finite updates and clips into the box), so JSON carries it unchanged.
 */

export interface EnkfSnapshot {
  type: 'enkf';
  version: 1;
  /** The generation in progress: asked, or about to be. */
  generation: number;
  /** One row of parameters per member. */
  ensemble: number[][];
  /** Length of the model outputs, once known (from observations or the first evaluations). */
  outputLength: number | null;
}

export interface EnkfState {
  generation: number;
  ensemble: Float64Array[];
  outputLength: number | null;
}

export function encodeSnapshot(s: EnkfState): EnkfSnapshot {
  return {
    type: 'enkf',
    version: 1,
    generation: s.generation,
    ensemble: s.ensemble.map((u) => Array.from(u)),
    outputLength: s.outputLength,
  };
}

function fail(what: string): never {
  throw new TypeError(`enkf snapshot: ${what}`);
}

/** Rebuilds the state, checking it fits this run's ensemble size and parameter space. */
export function decodeSnapshot(raw: unknown, popSize: number, dim: number): EnkfState {
  const s = raw as Partial<EnkfSnapshot> | null;
  if (s === null || typeof s !== 'object' || s.type !== 'enkf' || s.version !== 1) fail('not a version-1 EnKF snapshot');
  if (!Number.isInteger(s.generation) || s.generation! < 0) fail('generation must be a non-negative integer');
  const { ensemble, outputLength } = s;
  if (outputLength !== null && !(Number.isInteger(outputLength) && outputLength! >= 1)) fail('outputLength must be null or a positive integer');
  if (!Array.isArray(ensemble)) fail('ensemble must be an array of rows');
  if (ensemble.length !== popSize) fail(`holds ${ensemble.length} members but pop_size is ${popSize}`);
  const rows = ensemble.map((u: unknown, j) => {
    if (!Array.isArray(u) || u.length !== dim || !u.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      fail(`ensemble[${j}] must be ${dim} finite numbers`);
    }
    return Float64Array.from(u as number[]);
  });
  return { generation: s.generation!, ensemble: rows, outputLength: outputLength ?? null };
}
