#include "update_kernels.h"

#include <cstring>

namespace l2l_snn {

namespace {

constexpr int kLanes = 8;
typedef double V8 __attribute__((vector_size(kLanes * sizeof(double))));
typedef long long M8 __attribute__((vector_size(kLanes * sizeof(long long))));
typedef signed char C8 __attribute__((vector_size(kLanes)));

__attribute__((always_inline)) inline V8 Load(const double* p) {
  V8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

__attribute__((always_inline)) inline void Store(double* p, V8 v) { std::memcpy(p, &v, sizeof v); }

// (x - 0 is x exactly; written so, GCC broadcasts in one instruction where the braces cost one per lane)
__attribute__((always_inline)) inline V8 Splat(double x) { return x - V8{}; }

// Lanes [0, count) set.
__attribute__((always_inline)) inline M8 FirstLanes(int32_t count) {
  const M8 iota{0, 1, 2, 3, 4, 5, 6, 7};
  const long long c = count;
  return iota < M8{c, c, c, c, c, c, c, c};
}

// The scalar form of one neuron (the lanes' arithmetic, in the same order).
__attribute__((always_inline)) inline bool ExpOne(const ExpConstants& c, const StateArrays& s, int32_t i, bool strict) {
  const double ri = s.r[i];
  const double vi = s.v[i];
  double moved = c.mm * vi + c.smx * s.x[i] + c.smi * s.y[i];
  if (s.drive) moved = moved + c.pie * s.drive[i];
  const bool frozen = ri > 0.5;
  const double nv = frozen ? vi : moved;
  const double nr = frozen ? ri - 1.0 : 0.0;
  s.x[i] = s.x[i] * c.ssx;
  s.y[i] = s.y[i] * c.ssi;
  if (s.ring_x) {
    s.x[i] = s.x[i] + c.jumpx * s.ring_x[i];
    s.y[i] = s.y[i] + c.jumpy * s.ring_y[i];
    s.ring_x[i] = 0;
    s.ring_y[i] = 0;
  }
  s.v[i] = nv;
  s.r[i] = nr;
  return nr < 0.5 && (strict ? nv > c.th : nv >= c.th);
}

__attribute__((always_inline)) inline bool AlphaOne(const AlphaConstants& c, const StateArrays& s, int32_t i, bool strict) {
  const double ri = s.r[i];
  const double vi = s.v[i];
  double moved = c.mm * vi + c.smx * s.x[i] + c.jmx * s.jx[i] + c.smi * s.y[i] + c.jmi * s.jy[i];
  if (s.drive) moved = moved + c.pie * s.drive[i];
  const bool frozen = ri > 0.5;
  const double nv = frozen ? vi : moved;
  const double nr = frozen ? ri - 1.0 : 0.0;
  s.x[i] = c.jsx * s.jx[i] + c.ssx * s.x[i];
  s.y[i] = c.jsi * s.jy[i] + c.ssi * s.y[i];
  s.jx[i] = s.jx[i] * c.ssx;
  s.jy[i] = s.jy[i] * c.ssi;
  if (s.ring_x) {
    s.jx[i] = s.jx[i] + c.jumpx * s.ring_x[i];
    s.jy[i] = s.jy[i] + c.jumpy * s.ring_y[i];
    s.ring_x[i] = 0;
    s.ring_y[i] = 0;
  }
  s.v[i] = nv;
  s.r[i] = nr;
  return nr < 0.5 && (strict ? nv > c.th : nv >= c.th);
}

__attribute__((always_inline)) inline void Spikes(M8 hit, int32_t i, std::vector<int32_t>& spiking) {
  // the lanes narrowed to a byte each (one instruction on AVX-512), read as one 64-bit word
  const C8 bytes = __builtin_convertvector(hit, C8);
  uint64_t bits;
  std::memcpy(&bits, &bytes, sizeof bits);
  if (bits == 0) return;
  for (int k = 0; k < kLanes; k++) if ((bits >> (8 * k)) & 0xff) spiking.push_back(i + k);
}

// The constants splat across the lanes once per call (built in the loop, GCC would rebuild them lane
// by lane for every chunk).
struct ExpLanes {
  V8 mm, pie, smx, smi, ssx, ssi, th, jumpx, jumpy;
  explicit ExpLanes(const ExpConstants& c)
      : mm(Splat(c.mm)), pie(Splat(c.pie)), smx(Splat(c.smx)), smi(Splat(c.smi)), ssx(Splat(c.ssx)), ssi(Splat(c.ssi)), th(Splat(c.th)), jumpx(Splat(c.jumpx)), jumpy(Splat(c.jumpy)) {}
};

struct AlphaLanes {
  V8 mm, pie, smx, smi, jmx, jmi, jsx, jsi, ssx, ssi, th, jumpx, jumpy;
  explicit AlphaLanes(const AlphaConstants& c)
      : mm(Splat(c.mm)), pie(Splat(c.pie)), smx(Splat(c.smx)), smi(Splat(c.smi)), jmx(Splat(c.jmx)), jmi(Splat(c.jmi)), jsx(Splat(c.jsx)), jsi(Splat(c.jsi)),
        ssx(Splat(c.ssx)), ssi(Splat(c.ssi)), th(Splat(c.th)), jumpx(Splat(c.jumpx)), jumpy(Splat(c.jumpy)) {}
};

// One chunk of eight neurons from i; with kTail, only the first `count` lanes change (the others are
// stored back as they were).
template <bool kTail>
__attribute__((always_inline)) inline void ExpChunk(const ExpLanes& c, const StateArrays& s, int32_t i, int32_t count, bool strict, std::vector<int32_t>& spiking) {
  const V8 half = Splat(0.5), one = Splat(1.0), zero = Splat(0.0);
  const V8 ri = Load(s.r + i);
  const V8 vi = Load(s.v + i);
  const V8 xi = Load(s.x + i);
  const V8 yi = Load(s.y + i);
  V8 moved = c.mm * vi + c.smx * xi + c.smi * yi;
  if (s.drive) moved = moved + c.pie * Load(s.drive + i);
  const M8 frozen = ri > half;
  V8 nv = frozen ? vi : moved;
  V8 nr = frozen ? ri - one : zero;
  V8 nx = xi * c.ssx, ny = yi * c.ssi;
  M8 hit = (nr < half) & (strict ? (nv > c.th) : (nv >= c.th));
  if (s.ring_x) {
    const V8 rx = Load(s.ring_x + i), ry = Load(s.ring_y + i);
    nx = nx + c.jumpx * rx;
    ny = ny + c.jumpy * ry;
    V8 zx = zero, zy = zero;
    if (kTail) {
      const M8 in = FirstLanes(count);
      zx = in ? zero : rx;
      zy = in ? zero : ry;
    }
    Store(s.ring_x + i, zx);
    Store(s.ring_y + i, zy);
  }
  if (kTail) {
    const M8 in = FirstLanes(count);
    nx = in ? nx : xi;
    ny = in ? ny : yi;
    nv = in ? nv : vi;
    nr = in ? nr : ri;
    hit = hit & in;
  }
  Store(s.x + i, nx);
  Store(s.y + i, ny);
  Store(s.v + i, nv);
  Store(s.r + i, nr);
  Spikes(hit, i, spiking);
}

template <bool kTail>
__attribute__((always_inline)) inline void AlphaChunk(const AlphaLanes& c, const StateArrays& s, int32_t i, int32_t count, bool strict, std::vector<int32_t>& spiking) {
  const V8 half = Splat(0.5), one = Splat(1.0), zero = Splat(0.0);
  const V8 ri = Load(s.r + i);
  const V8 vi = Load(s.v + i);
  const V8 xi = Load(s.x + i);
  const V8 yi = Load(s.y + i);
  const V8 jxi = Load(s.jx + i);
  const V8 jyi = Load(s.jy + i);
  V8 moved = c.mm * vi + c.smx * xi + c.jmx * jxi + c.smi * yi + c.jmi * jyi;
  if (s.drive) moved = moved + c.pie * Load(s.drive + i);
  const M8 frozen = ri > half;
  V8 nv = frozen ? vi : moved;
  V8 nr = frozen ? ri - one : zero;
  V8 nx = c.jsx * jxi + c.ssx * xi;
  V8 ny = c.jsi * jyi + c.ssi * yi;
  V8 njx = jxi * c.ssx, njy = jyi * c.ssi;
  M8 hit = (nr < half) & (strict ? (nv > c.th) : (nv >= c.th));
  if (s.ring_x) {
    const V8 rx = Load(s.ring_x + i), ry = Load(s.ring_y + i);
    njx = njx + c.jumpx * rx;
    njy = njy + c.jumpy * ry;
    V8 zx = zero, zy = zero;
    if (kTail) {
      const M8 in = FirstLanes(count);
      zx = in ? zero : rx;
      zy = in ? zero : ry;
    }
    Store(s.ring_x + i, zx);
    Store(s.ring_y + i, zy);
  }
  if (kTail) {
    const M8 in = FirstLanes(count);
    nx = in ? nx : xi;
    ny = in ? ny : yi;
    njx = in ? njx : jxi;
    njy = in ? njy : jyi;
    nv = in ? nv : vi;
    nr = in ? nr : ri;
    hit = hit & in;
  }
  Store(s.x + i, nx);
  Store(s.y + i, ny);
  Store(s.jx + i, njx);
  Store(s.jy + i, njy);
  Store(s.v + i, nv);
  Store(s.r + i, nr);
  Spikes(hit, i, spiking);
}

}  // namespace

// Whole chunks, then the last partial one as a masked chunk where the arrays allow it (else neuron by
// neuron).
__attribute__((target_clones("avx512f", "avx2", "default")))
void UpdateExpRange(const ExpConstants& cref, const StateArrays& sref, int32_t a, int32_t b, int32_t writable, bool strict, std::vector<int32_t>& spiking) {
  // local copies: the stores through the state's pointers cannot touch them, so the constants stay in
  // registers across the loop
  const ExpConstants c = cref;
  const StateArrays s = sref;
  const ExpLanes lanes(c);
  int32_t i = a;
  for (; i + kLanes <= b; i += kLanes) ExpChunk<false>(lanes, s, i, kLanes, strict, spiking);
  if (i < b && i + kLanes <= writable) {
    ExpChunk<true>(lanes, s, i, b - i, strict, spiking);
    return;
  }
  for (; i < b; i++) {
    if (ExpOne(c, s, i, strict)) spiking.push_back(i);
  }
}

__attribute__((target_clones("avx512f", "avx2", "default")))
void UpdateAlphaRange(const AlphaConstants& cref, const StateArrays& sref, int32_t a, int32_t b, int32_t writable, bool strict, std::vector<int32_t>& spiking) {
  // local copies: the stores through the state's pointers cannot touch them, so the constants stay in
  // registers across the loop
  const AlphaConstants c = cref;
  const StateArrays s = sref;
  const AlphaLanes lanes(c);
  int32_t i = a;
  for (; i + kLanes <= b; i += kLanes) AlphaChunk<false>(lanes, s, i, kLanes, strict, spiking);
  if (i < b && i + kLanes <= writable) {
    AlphaChunk<true>(lanes, s, i, b - i, strict, spiking);
    return;
  }
  for (; i < b; i++) {
    if (AlphaOne(c, s, i, strict)) spiking.push_back(i);
  }
}

}  // namespace l2l_snn
