/**
 * The function generator's test functions, as pure functions of a coordinate vector.
 *
 * These run once per evaluation in the workers, so each is a plain loop over the Float64Array with
 * nothing allocated per call: parameterised functions precompute their tables (and scratch buffers)
 * once, in the factory, and return a closure. Formulas follow the reference framework's function
 * generator; where it differs from the textbook form, the comment says so.
 */

/** A benchmark function: the value at x (length = the dimensionality it was built for). */
export type BenchFn = (x: Float64Array) => number;

const TWO_PI = 2 * Math.PI;

/** Rastrigin: many regular local minima; 0 at the origin. */
export function rastrigin(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i] + 10 - 10 * Math.cos(TWO_PI * x[i]);
  return s;
}

/** Rosenbrock: a curved valley; 0 at (1, ..., 1). */
export function rosenbrock(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    s += 100 * a * a + b * b;
  }
  return s;
}

/** Ackley (a = 20, b = 0.2, c = 2 pi): a deep hole at the origin in a bumpy plateau; 0 at the origin. */
export function ackley(x: Float64Array): number {
  let sq = 0;
  let cs = 0;
  for (let i = 0; i < x.length; i++) {
    sq += x[i] * x[i];
    cs += Math.cos(TWO_PI * x[i]);
  }
  const d = x.length;
  return Math.E + 20 - 20 * Math.exp(-0.2 * Math.sqrt(sq / d)) - Math.exp(cs / d);
}

/** Chasm (2-D only): a flat plateau split by a steep cleft along x0 = 0; 0 at the origin. */
export function chasm(x: Float64Array): number {
  const a = 1e3 * Math.abs(x[0]);
  return a / (a + 1) + 1e-2 * Math.abs(x[1]);
}

/** Easom: flat almost everywhere, one narrow well; -1 at (pi, ..., pi). */
export function easom(x: Float64Array): number {
  let prod = 1;
  let sq = 0;
  for (let i = 0; i < x.length; i++) {
    prod *= Math.cos(x[i]);
    const d = x[i] - Math.PI;
    sq += d * d;
  }
  return -prod * Math.exp(-sq);
}

/** Sphere: not in the reference's generator; the trivial fitness benchmarks and smoke tests use. */
export function sphere(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

/** Michalewicz with steepness m: -sum sin(x_i) sin(i x_i^2 / pi)^(2m), i from 1. */
export function michalewicz(m: number): BenchFn {
  const p = 2 * m;
  return (x) => {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += Math.sin(x[i]) * Math.pow(Math.sin(((i + 1) * x[i] * x[i]) / Math.PI), p);
    return -s;
  };
}

/** Copies a row-major m x dims matrix into one flat array, so the loops below index it directly. */
function flatten(a: readonly (readonly number[])[]): Float64Array {
  const dims = a[0]?.length ?? 0;
  const out = new Float64Array(a.length * dims);
  a.forEach((row, i) => out.set(row, i * dims));
  return out;
}

/**
 * Shekel (foxholes) with minima at the rows of A, inverse depths c.
 * The reference sums (x_j - A_ij)^2 + c_i over j, so c_i enters dims times: the textbook Shekel with
 * c scaled by dims. Kept so that values and optima match runs of the reference framework.
 */
export function shekel(A: readonly (readonly number[])[], c: readonly number[]): BenchFn {
  const a = flatten(A);
  const m = c.length;
  const dims = a.length / m;
  const cd = Float64Array.from(c, (ci) => ci * dims);
  return (x) => {
    let s = 0;
    for (let i = 0; i < m; i++) {
      let r = cd[i];
      for (let j = 0; j < dims; j++) {
        const d = x[j] - a[i * dims + j];
        r += d * d;
      }
      s += 1 / r;
    }
    return -s;
  };
}

/** Langermann: sum c_i exp(-r_i / pi) cos(pi r_i), r_i the squared distance to row i of A. */
export function langermann(A: readonly (readonly number[])[], c: readonly number[]): BenchFn {
  const a = flatten(A);
  const m = c.length;
  const dims = a.length / m;
  const cc = Float64Array.from(c);
  return (x) => {
    let s = 0;
    for (let i = 0; i < m; i++) {
      let r = 0;
      for (let j = 0; j < dims; j++) {
        const d = x[j] - a[i * dims + j];
        r += d * d;
      }
      s += cc[i] * Math.exp(-r / Math.PI) * Math.cos(Math.PI * r);
    }
    return s;
  };
}

/**
 * Permutation ("perm d, beta"): sum_k (sum_i (i^k + beta) ((x_i / i)^k - 1))^2, i, k from 1 to d;
 * 0 at x_i = i. The power (x_i / i)^k is built up by multiplication over k, so the inner sums for
 * every k are accumulated at once in a scratch buffer allocated here, not per call.
 */
export function permutation(beta: number, dims: number): BenchFn {
  const coef = new Float64Array(dims * dims); // coef[i * dims + (k - 1)] = i^k + beta
  const invI = new Float64Array(dims);
  for (let i = 1; i <= dims; i++) {
    invI[i - 1] = 1 / i;
    for (let k = 1; k <= dims; k++) coef[(i - 1) * dims + k - 1] = Math.pow(i, k) + beta;
  }
  const sums = new Float64Array(dims);
  return (x) => {
    sums.fill(0);
    for (let i = 0; i < dims; i++) {
      const r = x[i] * invI[i];
      let p = 1;
      for (let k = 0; k < dims; k++) {
        p *= r;
        sums[k] += coef[i * dims + k] * (p - 1);
      }
    }
    let s = 0;
    for (let k = 0; k < dims; k++) s += sums[k] * sums[k];
    return s;
  };
}
