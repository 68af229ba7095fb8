#include "update_kernels.h"

#include <cstring>

namespace l2l_snn {

namespace {

constexpr int kLanes = 8;
typedef double V8 __attribute__((vector_size(kLanes * sizeof(double))));
typedef long long M8 __attribute__((vector_size(kLanes * sizeof(long long))));

inline V8 Load(const double* p) {
  V8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

inline void Store(double* p, V8 v) { std::memcpy(p, &v, sizeof v); }

inline V8 Splat(double x) { return V8{x, x, x, x, x, x, x, x}; }

inline bool Any(M8 m) {
  long long acc = 0;
  for (int k = 0; k < kLanes; k++) acc |= m[k];
  return acc != 0;
}

// The scalar form of one neuron (the lanes' arithmetic, in the same order).
inline bool ExpOne(const ExpConstants& c, double* v, double* x, double* y, double* r, const double* drive, int32_t i, bool strict) {
  const double ri = r[i];
  const double vi = v[i];
  double moved = c.mm * vi + c.smx * x[i] + c.smi * y[i];
  if (drive) moved = moved + c.pie * drive[i];
  const bool frozen = ri > 0.5;
  const double nv = frozen ? vi : moved;
  const double nr = frozen ? ri - 1.0 : 0.0;
  x[i] = x[i] * c.ssx;
  y[i] = y[i] * c.ssi;
  v[i] = nv;
  r[i] = nr;
  return nr < 0.5 && (strict ? nv > c.th : nv >= c.th);
}

inline bool AlphaOne(const AlphaConstants& c, double* v, double* x, double* y, double* jx, double* jy, double* r, const double* drive, int32_t i, bool strict) {
  const double ri = r[i];
  const double vi = v[i];
  double moved = c.mm * vi + c.smx * x[i] + c.jmx * jx[i] + c.smi * y[i] + c.jmi * jy[i];
  if (drive) moved = moved + c.pie * drive[i];
  const bool frozen = ri > 0.5;
  const double nv = frozen ? vi : moved;
  const double nr = frozen ? ri - 1.0 : 0.0;
  x[i] = c.jsx * jx[i] + c.ssx * x[i];
  y[i] = c.jsi * jy[i] + c.ssi * y[i];
  jx[i] = jx[i] * c.ssx;
  jy[i] = jy[i] * c.ssi;
  v[i] = nv;
  r[i] = nr;
  return nr < 0.5 && (strict ? nv > c.th : nv >= c.th);
}

}  // namespace

__attribute__((target_clones("avx512f", "avx2", "default")))
void UpdateExpRange(const ExpConstants& c, double* v, double* x, double* y, double* r, const double* drive,
                    int32_t a, int32_t b, bool strict, std::vector<int32_t>& spiking) {
  const V8 mm = Splat(c.mm), smx = Splat(c.smx), smi = Splat(c.smi), pie = Splat(c.pie), ssx = Splat(c.ssx), ssi = Splat(c.ssi), th = Splat(c.th);
  const V8 half = Splat(0.5), one = Splat(1.0), zero = Splat(0.0);
  int32_t i = a;
  for (; i + kLanes <= b; i += kLanes) {
    const V8 ri = Load(r + i);
    const V8 vi = Load(v + i);
    const V8 xi = Load(x + i);
    const V8 yi = Load(y + i);
    V8 moved = mm * vi + smx * xi + smi * yi;
    if (drive) moved = moved + pie * Load(drive + i);
    const M8 frozen = ri > half;
    const V8 nv = frozen ? vi : moved;
    const V8 nr = frozen ? ri - one : zero;
    Store(x + i, xi * ssx);
    Store(y + i, yi * ssi);
    Store(v + i, nv);
    Store(r + i, nr);
    const M8 hit = (nr < half) & (strict ? (nv > th) : (nv >= th));
    if (Any(hit)) {
      for (int k = 0; k < kLanes; k++) if (hit[k]) spiking.push_back(i + k);
    }
  }
  for (; i < b; i++) {
    if (ExpOne(c, v, x, y, r, drive, i, strict)) spiking.push_back(i);
  }
}

__attribute__((target_clones("avx512f", "avx2", "default")))
void UpdateAlphaRange(const AlphaConstants& c, double* v, double* x, double* y, double* jx, double* jy, double* r,
                      const double* drive, int32_t a, int32_t b, bool strict, std::vector<int32_t>& spiking) {
  const V8 mm = Splat(c.mm), smx = Splat(c.smx), smi = Splat(c.smi), jmx = Splat(c.jmx), jmi = Splat(c.jmi), pie = Splat(c.pie);
  const V8 jsx = Splat(c.jsx), jsi = Splat(c.jsi), ssx = Splat(c.ssx), ssi = Splat(c.ssi), th = Splat(c.th);
  const V8 half = Splat(0.5), one = Splat(1.0), zero = Splat(0.0);
  int32_t i = a;
  for (; i + kLanes <= b; i += kLanes) {
    const V8 ri = Load(r + i);
    const V8 vi = Load(v + i);
    const V8 xi = Load(x + i);
    const V8 yi = Load(y + i);
    const V8 jxi = Load(jx + i);
    const V8 jyi = Load(jy + i);
    V8 moved = mm * vi + smx * xi + jmx * jxi + smi * yi + jmi * jyi;
    if (drive) moved = moved + pie * Load(drive + i);
    const M8 frozen = ri > half;
    const V8 nv = frozen ? vi : moved;
    const V8 nr = frozen ? ri - one : zero;
    Store(x + i, jsx * jxi + ssx * xi);
    Store(y + i, jsi * jyi + ssi * yi);
    Store(jx + i, jxi * ssx);
    Store(jy + i, jyi * ssi);
    Store(v + i, nv);
    Store(r + i, nr);
    const M8 hit = (nr < half) & (strict ? (nv > th) : (nv >= th));
    if (Any(hit)) {
      for (int k = 0; k < kLanes; k++) if (hit[k]) spiking.push_back(i + k);
    }
  }
  for (; i < b; i++) {
    if (AlphaOne(c, v, x, y, jx, jy, r, drive, i, strict)) spiking.push_back(i);
  }
}

}  // namespace l2l_snn
