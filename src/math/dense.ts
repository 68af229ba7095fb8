/**
 * Dense row-major matrices for the optimizers' linear algebra: products, the Gram matrix and the
 * Cholesky solve of the ensemble Kalman update, on native kernels (native/linalg). Every element is
 * summed in the order ml-matrix's plain loops sum it (mmul, transposeMultiply, gram, mmulByTranspose,
 * mean, CholeskyDecomposition.solve in ml-matrix 6.15), so results are theirs bit for bit
 * (test/math/dense.test.ts holds them to it), only tens of times faster. The factorization itself,
 * small next to the products, is ml-matrix's.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { loadLinalg } from '../native/loader.js';

export interface Dense {
  rows: number;
  cols: number;
  /** rows * cols, row-major. */
  data: Float64Array;
}

export function dense(rows: number, cols: number, data: Float64Array = new Float64Array(rows * cols)): Dense {
  if (data.length !== rows * cols) throw new RangeError(`dense: ${data.length} values for ${rows} x ${cols}`);
  return { rows, cols, data };
}

/** Columns [from, to) of these rows, minus their column means (summed down the rows in order, then divided). */
export function centred(rows: readonly ArrayLike<number>[], from: number, to: number): Dense {
  const n = rows.length;
  const w = to - from;
  const out = dense(n, w);
  const mean = new Float64Array(w);
  for (let j = 0; j < n; j++) {
    const r = rows[j];
    for (let c = 0; c < w; c++) {
      out.data[j * w + c] = r[from + c];
      mean[c] += r[from + c];
    }
  }
  for (let c = 0; c < w; c++) mean[c] /= n;
  for (let j = 0; j < n; j++) for (let c = 0; c < w; c++) out.data[j * w + c] -= mean[c];
  return out;
}

/** A B. */
export function mul(a: Dense, b: Dense): Dense {
  if (a.cols !== b.rows) throw new RangeError(`mul: ${a.rows} x ${a.cols} times ${b.rows} x ${b.cols}`);
  return dense(a.rows, b.cols, loadLinalg().mul(a.data, b.data, a.rows, a.cols, b.cols));
}

/** A^T B. */
export function transposeMul(a: Dense, b: Dense): Dense {
  if (a.rows !== b.rows) throw new RangeError(`transposeMul: ${a.rows} x ${a.cols} transposed times ${b.rows} x ${b.cols}`);
  return dense(a.cols, b.cols, loadLinalg().transposeMul(a.data, b.data, a.rows, a.cols, b.cols));
}

export function transpose(a: Dense): Dense {
  const t = dense(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) t.data[j * a.rows + i] = a.data[i * a.cols + j];
  return t;
}

/** A^T A, its upper triangle summed and mirrored (ml-matrix's gram). */
export function gram(a: Dense): Dense {
  const g = transposeMul(a, a);
  const n = g.rows;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) g.data[j * n + i] = g.data[i * n + j];
  return g;
}

/** A A^T (ml-matrix's mmulByTranspose). */
export function mulByTranspose(a: Dense): Dense {
  return mul(a, transpose(a));
}

/** Every element divided by x, in place. */
export function divide(a: Dense, x: number): Dense {
  for (let i = 0; i < a.data.length; i++) a.data[i] /= x;
  return a;
}

/** The lower Cholesky factor of a symmetric matrix (row-major), or null when it is not positive definite. */
export function cholesky(a: Dense): Float64Array | null {
  const m = new Matrix(a.rows, a.cols);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j < a.cols; j++) m.set(i, j, a.data[i * a.cols + j]);
  const chol = new CholeskyDecomposition(m);
  if (!chol.isPositiveDefinite()) return null;
  const l = chol.lowerTriangularMatrix;
  const out = new Float64Array(a.rows * a.rows);
  for (let i = 0; i < a.rows; i++) for (let j = 0; j <= i; j++) out[i * a.rows + j] = l.get(i, j);
  return out;
}

/** (L L^T)^-1 B, a new matrix (L from cholesky, B with as many rows as L). */
export function choleskySolve(l: Float64Array, b: Dense): Dense {
  if (l.length !== b.rows * b.rows) throw new RangeError(`choleskySolve: a factor of ${l.length} values for ${b.rows} rows`);
  const x = dense(b.rows, b.cols, b.data.slice());
  loadLinalg().choleskySolve(l, x.data, b.rows, b.cols);
  return x;
}
