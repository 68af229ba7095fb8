#include "kernels.h"

#include <cstring>

namespace l2l_linalg {

namespace {

constexpr int kLanes = 8;
typedef double V8 __attribute__((vector_size(kLanes * sizeof(double))));

__attribute__((always_inline)) inline V8 Load(const double* p) {
  V8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

__attribute__((always_inline)) inline void Store(double* p, V8 v) { std::memcpy(p, &v, sizeof v); }

// (x - 0 is x exactly; GCC broadcasts it in one instruction)
__attribute__((always_inline)) inline V8 Splat(double x) { return x - V8{}; }

// Columns per register tile: two vectors of eight; rows per tile: four (eight accumulators).
constexpr int64_t kCols = 2 * kLanes;
constexpr int kRows = 4;

// Rows [i0, i0 + R) by columns [j0, j0 + kCols) of A B.
template <int R>
__attribute__((always_inline)) inline void MulTile(const double* a, const double* b, double* c, int64_t k, int64_t p, int64_t i0, int64_t j0) {
  V8 acc[R][2];
  for (int q = 0; q < R; q++) acc[q][0] = acc[q][1] = V8{};
  for (int64_t t = 0; t < k; t++) {
    const V8 b0 = Load(b + t * p + j0), b1 = Load(b + t * p + j0 + kLanes);
    for (int q = 0; q < R; q++) {
      const V8 x = Splat(a[(i0 + q) * k + t]);
      acc[q][0] = acc[q][0] + x * b0;
      acc[q][1] = acc[q][1] + x * b1;
    }
  }
  for (int q = 0; q < R; q++) {
    Store(c + (i0 + q) * p + j0, acc[q][0]);
    Store(c + (i0 + q) * p + j0 + kLanes, acc[q][1]);
  }
}

// Rows [i0, i0 + R) by columns [j0, j0 + kCols) of A^T B (A: r x m).
template <int R>
__attribute__((always_inline)) inline void TransposeMulTile(const double* a, const double* b, double* c, int64_t r, int64_t m, int64_t p, int64_t i0, int64_t j0) {
  V8 acc[R][2];
  for (int q = 0; q < R; q++) acc[q][0] = acc[q][1] = V8{};
  for (int64_t t = 0; t < r; t++) {
    const V8 b0 = Load(b + t * p + j0), b1 = Load(b + t * p + j0 + kLanes);
    for (int q = 0; q < R; q++) {
      const double x = a[t * m + i0 + q];
      if (x == 0) continue;
      const V8 xs = Splat(x);
      acc[q][0] = acc[q][0] + xs * b0;
      acc[q][1] = acc[q][1] + xs * b1;
    }
  }
  for (int q = 0; q < R; q++) {
    Store(c + (i0 + q) * p + j0, acc[q][0]);
    Store(c + (i0 + q) * p + j0 + kLanes, acc[q][1]);
  }
}

}  // namespace

__attribute__((target_clones("avx512f", "avx2", "default")))
void Mul(const double* a, const double* b, double* c, int64_t m, int64_t k, int64_t p) {
  const int64_t whole = p - p % kCols;
  for (int64_t j0 = 0; j0 < whole; j0 += kCols) {
    int64_t i0 = 0;
    for (; i0 + kRows <= m; i0 += kRows) MulTile<kRows>(a, b, c, k, p, i0, j0);
    for (; i0 < m; i0++) MulTile<1>(a, b, c, k, p, i0, j0);
  }
  // the last columns, one element at a time, in the same order
  for (int64_t i = 0; i < m; i++) {
    for (int64_t j = whole; j < p; j++) {
      double s = 0;
      for (int64_t t = 0; t < k; t++) s += a[i * k + t] * b[t * p + j];
      c[i * p + j] = s;
    }
  }
}

__attribute__((target_clones("avx512f", "avx2", "default")))
void TransposeMul(const double* a, const double* b, double* c, int64_t r, int64_t m, int64_t p) {
  const int64_t whole = p - p % kCols;
  for (int64_t j0 = 0; j0 < whole; j0 += kCols) {
    int64_t i0 = 0;
    for (; i0 + kRows <= m; i0 += kRows) TransposeMulTile<kRows>(a, b, c, r, m, p, i0, j0);
    for (; i0 < m; i0++) TransposeMulTile<1>(a, b, c, r, m, p, i0, j0);
  }
  for (int64_t i = 0; i < m; i++) {
    for (int64_t j = whole; j < p; j++) {
      double s = 0;
      for (int64_t t = 0; t < r; t++) {
        const double x = a[t * m + i];
        if (x != 0) s += x * b[t * p + j];
      }
      c[i * p + j] = s;
    }
  }
}

__attribute__((target_clones("avx512f", "avx2", "default")))
void CholeskySolve(const double* l, double* b, int64_t dim, int64_t count) {
  // column blocks of kCols, each carried through both sweeps in registers row by row
  const int64_t whole = count - count % kCols;
  for (int64_t j0 = 0; j0 < whole; j0 += kCols) {
    for (int64_t k = 0; k < dim; k++) {
      V8 x0 = Load(b + k * count + j0), x1 = Load(b + k * count + j0 + kLanes);
      for (int64_t i = 0; i < k; i++) {
        const V8 lki = Splat(l[k * dim + i]);
        x0 = x0 - Load(b + i * count + j0) * lki;
        x1 = x1 - Load(b + i * count + j0 + kLanes) * lki;
      }
      const V8 lkk = Splat(l[k * dim + k]);
      Store(b + k * count + j0, x0 / lkk);
      Store(b + k * count + j0 + kLanes, x1 / lkk);
    }
    for (int64_t k = dim - 1; k >= 0; k--) {
      V8 x0 = Load(b + k * count + j0), x1 = Load(b + k * count + j0 + kLanes);
      for (int64_t i = k + 1; i < dim; i++) {
        const V8 lik = Splat(l[i * dim + k]);
        x0 = x0 - Load(b + i * count + j0) * lik;
        x1 = x1 - Load(b + i * count + j0 + kLanes) * lik;
      }
      const V8 lkk = Splat(l[k * dim + k]);
      Store(b + k * count + j0, x0 / lkk);
      Store(b + k * count + j0 + kLanes, x1 / lkk);
    }
  }
  for (int64_t j = whole; j < count; j++) {
    for (int64_t k = 0; k < dim; k++) {
      double x = b[k * count + j];
      for (int64_t i = 0; i < k; i++) x = x - b[i * count + j] * l[k * dim + i];
      b[k * count + j] = x / l[k * dim + k];
    }
    for (int64_t k = dim - 1; k >= 0; k--) {
      double x = b[k * count + j];
      for (int64_t i = k + 1; i < dim; i++) x = x - b[i * count + j] * l[i * dim + k];
      b[k * count + j] = x / l[k * dim + k];
    }
  }
}

}  // namespace l2l_linalg
