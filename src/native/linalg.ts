/**
 * Typed facade of the l2l_linalg addon (native/linalg): declarations only. Dense row-major kernels,
 * synchronous, whose every result element is summed in the order of ml-matrix's plain loops (bit for
 * bit its results); src/math/dense.ts is what the rest of the program calls.
 */
export interface LinalgAddon {
  /** A (m x k) B (k x p), a new m x p array. */
  mul(a: Float64Array, b: Float64Array, m: number, k: number, p: number): Float64Array;
  /** A^T B for A (r x m) and B (r x p), a new m x p array; zero entries of A skipped (ml-matrix's transposeMultiply). */
  transposeMul(a: Float64Array, b: Float64Array, r: number, m: number, p: number): Float64Array;
  /** b (dim x count) <- (L L^T)^-1 b in place, L lower triangular (dim x dim, row-major). */
  choleskySolve(l: Float64Array, b: Float64Array, dim: number, count: number): void;
}
