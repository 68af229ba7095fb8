// Dense row-major kernels for the optimizers' linear algebra (src/math/dense.ts), each summing every
// element of its result in the same order, with the same operations, as ml-matrix's plain loops do
// (ml-matrix 6.15: mmul, transposeMultiply and gram, CholeskyDecomposition.solve), so the results are
// bit for bit the ones those loops give, on any x86-64 and at any vector width: the lanes run across
// independent elements of the result, never across a sum, and there is no fused multiply-add
// (-ffp-contract=off). What they add is speed: register tiles, vectorized (AVX-512, AVX2 or SSE2,
// picked at load time), with no per-element calls.
#pragma once

#include <cstdint>

namespace l2l_linalg {

// C (m x p) = A (m x k) B (k x p):  C[i][j] = (((0 + A[i][0] B[0][j]) + A[i][1] B[1][j]) + ...).
void Mul(const double* a, const double* b, double* c, int64_t m, int64_t k, int64_t p);

// C (m x p) = A^T B for A (r x m), B (r x p):  C[i][j] = sum over rows q in order of A[q][i] B[q][j],
// a row whose A[q][i] is 0 skipped (as ml-matrix's transposeMultiply and gram skip it).
void TransposeMul(const double* a, const double* b, double* c, int64_t r, int64_t m, int64_t p);

// Solves L L^T X = B in place (B: dim x count, becomes X) for L lower triangular (dim x dim, only the
// lower triangle read): forward, B[k][j] = (B[k][j] - B[0][j] L[k][0] - ... - B[k-1][j] L[k][k-1]) / L[k][k],
// then backward with L^T, each subtraction in turn.
void CholeskySolve(const double* l, double* b, int64_t dim, int64_t count);

}  // namespace l2l_linalg
