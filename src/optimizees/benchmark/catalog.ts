/**
 * The catalogue of benchmark functions: how each is configured (a zod schema), the box it lives in,
 * which configurations make sense for a dimensionality, and how it is built.
 *
 * A function spec is plain data ({ function: 'shekel', A, c }) so that it can be validated once,
 * recorded, and sent to every worker, which then builds the fast closure locally.
 */
import { z } from 'zod';
import { ackley, chasm, easom, langermann, michalewicz, permutation, rastrigin, rosenbrock, shekel, sphere, type BenchFn } from './functions.js';
import { cholesky, gaussian } from './gaussian.js';

/** The reference's default foxholes (2-D only): minima at the rows of A, inverse depths c. */
export const SHEKEL_DEFAULT = {
  A: [[3, 5], [5, 2], [2, 1], [3, 3], [2, 7], [1, 4], [7, 9]],
  c: [0.1, 0.2, 0.5, 0.2, 0.3, 0.1, 0.1],
} as const;

/** The reference's default Langermann centres and intensities (2-D only). */
export const LANGERMANN_DEFAULT = {
  A: [[3, 5], [5, 2], [2, 1], [1, 4], [7, 9]],
  c: [1, 2, 5, 2, 3],
} as const;

const DEFAULT = z.literal('default');
const vector = z.array(z.number()).min(1);
const matrix = z.array(vector).min(1);

const plain = <N extends string>(name: N) => z.strictObject({ function: z.literal(name) });

const functionUnion = z.discriminatedUnion('function', [
  plain('rastrigin'),
  plain('rosenbrock'),
  plain('ackley'),
  plain('chasm'),
  plain('easom'),
  plain('sphere'),
  z.strictObject({
    function: z.literal('gaussian'),
    sigma: matrix.optional().describe('covariance matrix, dims x dims (default: identity)'),
    mean: vector.optional().describe('location of the peak, dims numbers (default: origin)'),
  }),
  z.strictObject({
    function: z.literal('shekel'),
    A: z.union([DEFAULT, matrix]).default('default').describe('minima, one row of dims numbers each'),
    c: z.union([DEFAULT, vector]).default('default').describe('inverse depth of each minimum'),
  }),
  z.strictObject({
    function: z.literal('michalewicz'),
    // an integer: sin^(2m) of a negative sine is NaN for fractional m (the reference would return NaN)
    m: z.union([DEFAULT, z.number().int().positive()]).default(10).describe('steepness of the valleys (a positive integer)'),
  }),
  z.strictObject({
    function: z.literal('langermann'),
    A: z.union([DEFAULT, matrix]).default('default').describe('centres, one row of dims numbers each'),
    c: z.union([DEFAULT, vector]).default('default').describe('intensity of each centre'),
  }),
  z.strictObject({
    function: z.literal('permutation'),
    beta: z.number().min(0).default(0.005).describe('gap between the global and the permuted minima'),
  }),
]);

export const FUNCTION_NAMES = functionUnion.options.map((o) => o.shape.function.value);

/**
 * One function of a sum; the name is matched case-insensitively. The name is checked on its own
 * first, so an unknown one is reported as that name against the list of valid ones.
 */
export const functionSpecSchema = z.preprocess(
  (v) => {
    if (v !== null && typeof v === 'object' && typeof (v as { function?: unknown }).function === 'string') {
      const o = v as { function: string };
      return { ...o, function: o.function.toLowerCase() };
    }
    return v;
  },
  z.looseObject({ function: z.enum(FUNCTION_NAMES) }).pipe(functionUnion),
);

export type FunctionSpec = z.output<typeof functionUnion>;
export type FunctionName = FunctionSpec['function'];
type SpecOf<N extends FunctionName> = Extract<FunctionSpec, { function: N }>;

/** What is wrong with a spec: where, and what was expected there (read as "got <value>, expected <message>"). */
export interface Problem {
  path: (string | number)[];
  message: string;
}

interface FunctionInfo<N extends FunctionName> {
  /** The reference's default box for this function at this dimensionality. */
  bounds(dims: number): [number, number];
  /** What is wrong with this spec at this dimensionality; empty when it can be built. */
  check(spec: SpecOf<N>, dims: number): Problem[];
  build(spec: SpecOf<N>, dims: number): BenchFn;
}

const fixed = (lo: number, hi: number) => (): [number, number] => [lo, hi];
const anyDims = (): Problem[] => [];

/** Checks A (m rows of dims) against c (m numbers), or that both are the 2-D defaults. */
function checkCentres(spec: { A: 'default' | number[][]; c: 'default' | number[] }, dims: number, positiveC: boolean): Problem[] {
  const { A, c } = spec;
  if (A === 'default' || c === 'default') {
    if (A !== c) return [{ path: [A === 'default' ? 'A' : 'c'], message: 'both A and c, or neither (then the reference\'s 2-D defaults)' }];
    return dims === 2 ? [] : [{ path: ['A'], message: `A (rows of ${dims} numbers) and c: the default A and c are 2-D, dims is ${dims}` }];
  }
  const out: Problem[] = [];
  A.forEach((row, i) => {
    if (row.length !== dims) out.push({ path: ['A', i], message: `a row of dims = ${dims} numbers` });
  });
  if (c.length !== A.length) out.push({ path: ['c'], message: `one number per row of A (${A.length})` });
  if (positiveC && c.some((ci) => !(ci > 0))) out.push({ path: ['c'], message: 'numbers > 0 (they keep the foxholes finite)' });
  return out;
}

function checkGaussian(spec: SpecOf<'gaussian'>, dims: number): Problem[] {
  const out: Problem[] = [];
  if (spec.mean && spec.mean.length !== dims) out.push({ path: ['mean'], message: `dims = ${dims} numbers` });
  if (spec.sigma) {
    if (spec.sigma.length !== dims || spec.sigma.some((r) => r.length !== dims)) {
      out.push({ path: ['sigma'], message: `a ${dims} x ${dims} matrix (dims x dims)` });
    } else if (!cholesky(spec.sigma)) {
      out.push({ path: ['sigma'], message: 'a symmetric positive definite matrix (a covariance)' });
    }
  }
  return out;
}

const identity = (n: number) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));

const CATALOG: { [N in FunctionName]: FunctionInfo<N> } = {
  rastrigin: { bounds: fixed(-5, 5), check: anyDims, build: () => rastrigin },
  rosenbrock: { bounds: fixed(-2, 2), check: anyDims, build: () => rosenbrock },
  ackley: { bounds: fixed(-2, 2), check: anyDims, build: () => ackley },
  chasm: {
    bounds: fixed(-2, 2),
    check: (_s, dims) => (dims === 2 ? [] : [{ path: ['function'], message: `a function defined for dims ${dims} (chasm is 2-D only)` }]),
    build: () => chasm,
  },
  easom: { bounds: fixed(-10, 10), check: anyDims, build: () => easom },
  sphere: { bounds: fixed(-5, 5), check: anyDims, build: () => sphere },
  gaussian: {
    bounds: fixed(-5, 5),
    check: checkGaussian,
    build: (s, dims) => gaussian(s.sigma ?? identity(dims), s.mean ?? new Array<number>(dims).fill(0)),
  },
  shekel: {
    bounds: fixed(0, 10),
    check: (s, dims) => checkCentres(s, dims, true),
    build: (s) => (s.A === 'default' || s.c === 'default' ? shekel(SHEKEL_DEFAULT.A, SHEKEL_DEFAULT.c) : shekel(s.A, s.c)),
  },
  michalewicz: { bounds: fixed(0, Math.PI), check: anyDims, build: (s) => michalewicz(s.m === 'default' ? 10 : s.m) },
  langermann: {
    bounds: fixed(0, 10),
    check: (s, dims) => checkCentres(s, dims, false),
    build: (s) => (s.A === 'default' || s.c === 'default' ? langermann(LANGERMANN_DEFAULT.A, LANGERMANN_DEFAULT.c) : langermann(s.A, s.c)),
  },
  permutation: { bounds: (dims) => [-dims, dims], check: anyDims, build: (s, dims) => permutation(s.beta, dims) },
};

function info<N extends FunctionName>(spec: SpecOf<N>): FunctionInfo<N> {
  return CATALOG[spec.function as N];
}

export function functionBounds(spec: FunctionSpec, dims: number): [number, number] {
  return info(spec).bounds(dims);
}

export function checkFunction(spec: FunctionSpec, dims: number): Problem[] {
  return info(spec).check(spec, dims);
}

/** Builds the fast closure; throws a RangeError when checkFunction would report problems. */
export function buildFunction(spec: FunctionSpec, dims: number): BenchFn {
  const problems = checkFunction(spec, dims);
  if (problems.length > 0) throw new RangeError(`${spec.function} at dims ${dims}: expected ${problems.map((p) => p.message).join('; ')}`);
  return info(spec).build(spec, dims);
}
