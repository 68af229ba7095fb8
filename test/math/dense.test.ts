/**
 * src/math/dense.ts on the native/linalg kernels: every result bit for bit ml-matrix's (the loops the
 * ensemble Kalman update used before, whose trajectories test/e2e/fingerprints.test.ts still holds),
 * on shapes that exercise whole register tiles, partial ones and the element-by-element remainders,
 * with exact zeros in the data (skipped by transposeMultiply and gram); and small exact cases.
 */
import t from 'tap';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { centred, cholesky, choleskySolve, dense, gram, mul, mulByTranspose, transpose, transposeMul, type Dense } from '../../src/math/dense.js';
import { loadLinalg } from '../../src/native/loader.js';
import { Rng } from '../../src/math/rng.js';

const rng = Rng.derive(4, 'dense');

/** A random matrix, about a tenth of its entries exactly zero, magnitudes over six decades. */
function random(rows: number, cols: number): Dense {
  return dense(rows, cols, Float64Array.from({ length: rows * cols }, () => (rng.uniform() < 0.1 ? 0 : rng.normal() * 10 ** rng.between(-3, 3))));
}

const toMatrix = (a: Dense) => new Matrix(Array.from({ length: a.rows }, (_, i) => Array.from(a.data.subarray(i * a.cols, (i + 1) * a.cols))));
const fromMatrix = (m: Matrix) => Float64Array.from(m.to1DArray());

/** Whether two arrays hold the same doubles, bit for bit (-0 and 0 told apart). */
function same(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}

// rows and columns around the tiles (4 rows, 16 columns) and their remainders
const SHAPES: Array<[number, number, number]> = [[1, 1, 1], [3, 5, 7], [4, 16, 16], [5, 17, 33], [13, 40, 47], [37, 125, 260], [130, 50, 126]];

t.test('mul is ml-matrix mmul, bit for bit', async (t) => {
  for (const [m, k, p] of SHAPES) {
    const a = random(m, k), b = random(k, p);
    t.ok(same(mul(a, b).data, fromMatrix(toMatrix(a).mmul(toMatrix(b)))), `${m}x${k} times ${k}x${p}`);
  }
});

t.test('transposeMul is ml-matrix transposeMultiply, gram its gram, mulByTranspose its mmulByTranspose', async (t) => {
  for (const [r, m, p] of SHAPES) {
    const a = random(r, m), b = random(r, p);
    t.ok(same(transposeMul(a, b).data, fromMatrix(toMatrix(a).transposeMultiply(toMatrix(b)))), `(${r}x${m})^T times ${r}x${p}`);
    t.ok(same(gram(a).data, fromMatrix(toMatrix(a).gram())), `gram of ${r}x${m}`);
    t.ok(same(mulByTranspose(a).data, fromMatrix(toMatrix(a).mmulByTranspose())), `${r}x${m} times its transpose`);
  }
});

t.test('choleskySolve is ml-matrix CholeskyDecomposition.solve, bit for bit', async (t) => {
  for (const [dim, count] of [[1, 1], [3, 5], [16, 16], [50, 1260], [61, 37]]) {
    // a well-conditioned symmetric positive definite system: G^T G / rows + I
    const g = random(2 * dim, dim);
    const sys = gram(g);
    for (let i = 0; i < dim; i++) for (let j = 0; j < dim; j++) sys.data[i * dim + j] = sys.data[i * dim + j] / (2 * dim) + (i === j ? 1 : 0);
    const rhs = random(dim, count);
    const l = cholesky(sys);
    t.ok(l, `${dim}x${dim} positive definite`);
    const ours = choleskySolve(l!, rhs).data;
    t.ok(same(ours, fromMatrix(new CholeskyDecomposition(toMatrix(sys)).solve(toMatrix(rhs)))), `${dim}x${dim}, ${count} right-hand sides`);
    // and it solves the system: sys x = rhs to rounding
    const back = mul(sys, dense(dim, count, ours)).data;
    const worst = back.reduce((w, x, i) => Math.max(w, Math.abs(x - rhs.data[i]) / (1 + Math.abs(rhs.data[i]))), 0);
    t.ok(worst < 1e-9, `residual ${worst.toExponential(2)}`);
  }
  t.equal(cholesky(dense(2, 2, Float64Array.of(1, 2, 2, 1))), null, 'not positive definite: null');
});

t.test('centred is the rows minus ml-matrix column means, bit for bit', async (t) => {
  const rows = Array.from({ length: 23 }, () => random(1, 41).data);
  const m = new Matrix(rows.map((r) => Array.from(r.subarray(5, 30))));
  t.ok(same(centred(rows, 5, 30).data, fromMatrix(m.subRowVector(m.mean('column')))));
});

t.test('small exact cases, and arguments that do not fit are refused', async (t) => {
  const a = dense(2, 3, Float64Array.of(1, 2, 3, 4, 5, 6));
  t.same(Array.from(mul(a, transpose(a)).data), [14, 32, 32, 77]);
  t.same(Array.from(transposeMul(a, a).data), [17, 22, 27, 22, 29, 36, 27, 36, 45]);
  t.same(Array.from(choleskySolve(Float64Array.of(2, 0, 1, 1), dense(2, 1, Float64Array.of(4, 3))).data), [0.5, 1], 'L = [[2, 0], [1, 1]]: [[4, 2], [2, 2]] x = [4, 3]');
  t.throws(() => mul(a, a), /2 x 3 times 2 x 3/);
  const addon = loadLinalg();
  t.throws(() => addon.mul(new Float64Array(5), new Float64Array(6), 2, 3, 2), /a has 5 elements, expected 6/);
  t.throws(() => addon.transposeMul(new Float32Array(6) as unknown as Float64Array, new Float64Array(6), 2, 3, 3), /a must be a Float64Array/);
  t.throws(() => addon.choleskySolve(new Float64Array(4), new Float64Array(4), 2, -2), /count must be a non-negative integer/);
});
