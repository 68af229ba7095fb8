#include "world.h"

#include <algorithm>
#include <cmath>

#include "../common/counter_rng.h"
#include "streams.h"

namespace l2l_ants {

namespace {

// NetLogo's distancexy from a patch centre (Protractor.distance, no wrapping): dx = x - pxcor, dy = y -
// pycor, the root of dx * dx + dy * dy (RootsTable.gridRoot: the correctly rounded square root).
double DistanceXY(int32_t pxcor, int32_t pycor, double x, double y) {
  const double dx = x - pxcor;
  const double dy = y - pycor;
  return std::sqrt(dx * dx + dy * dy);
}

// NetLogo's Topology.sum4: the sum of four numbers the same whatever their order, as
// (two lowest) + (two highest) whenever the pairs overlap.
// Written without branches (both groupings computed, one selected), so that the compiler can
// vectorize the loops over a row.
inline double Sum4(double a, double b, double c, double d) {
  const bool ab = a < b;
  const bool cd = c < d;
  const double low1 = ab ? a : b;
  const double high1 = ab ? b : a;
  const double low2 = cd ? c : d;
  const double high2 = cd ? d : c;
  const double overlapping = (low1 + low2) + (high1 + high2);
  const double apart = (low1 + high1) + (low2 + high2);
  return ((low2 < high1) & (low1 < high2)) ? overlapping : apart;
}

// NetLogo's Topology.updatePatch for eight directions.
inline double Update(double amount, double old, double sum) { return old + amount * (sum / 8 - old); }

}  // namespace

World::World(int32_t max_pxcor) : max_(max_pxcor), side_(2 * max_pxcor + 1), lo_(-max_pxcor - 0.5), hi_(max_pxcor + 0.5) {
  const int32_t n = patches();
  chemical_.assign(n, 0.0);
  scratch_.assign(n, 0.0);
  food_.assign(n, 0);
  nest_.assign(n, 0);
  nest_scent_.assign(n, 0.0);
  source_.assign(n, 0);
  // setup-nest and the food sources of setup-food (a later source takes a patch an earlier one had)
  const double m = max_pxcor;
  for (int32_t py = max_; py >= -max_; py--) {
    for (int32_t px = -max_; px <= max_; px++) {
      const int32_t i = Index(px, py);
      nest_[i] = DistanceXY(px, py, 0, 0) < 5 ? 1 : 0;
      nest_scent_[i] = 200 - DistanceXY(px, py, 0, 0);
      if (DistanceXY(px, py, 0.6 * m, 0) < 5) source_[i] = 1;
      if (DistanceXY(px, py, -0.6 * m, -0.6 * m) < 5) source_[i] = 2;
      if (DistanceXY(px, py, -0.8 * m, 0.8 * m) < 5) source_[i] = 3;
    }
  }
}

void World::Setup(uint64_t seed, const double* initial_chemical) {
  const int32_t n = patches();
  if (initial_chemical) {
    for (int32_t i = 0; i < n; i++) chemical_[i] = initial_chemical[i] + 0.0;  // (+0.0: no negative zero)
  } else {
    std::fill(chemical_.begin(), chemical_.end(), 0.0);
  }
  initial_food_[0] = initial_food_[1] = initial_food_[2] = 0;
  for (int32_t i = 0; i < n; i++) {
    food_[i] = 0;
    if (source_[i] == 0) continue;
    // one-of [1 2]
    food_[i] = 1 + static_cast<int32_t>(l2l::CounterUniform(seed, kStreamFood, static_cast<uint64_t>(i), 0) * 2);
    initial_food_[source_[i] - 1] += food_[i];
  }
}

// Topology.diffuse on a box (Topology.scala with the XBlocks and YBlocks traits, Box.diffuseCorners):
// every patch becomes old + amount * (sum / 8 - old), where sum adds its eight neighbours' old values
// with Sum4 in NetLogo's grouping, a neighbour outside the world counting as the patch's own old value
// (so a patch keeps the shares it cannot give, and the total is conserved). s(x, y) below is NetLogo's
// scratch(x)(y): column x from the left, row y from the top.
void World::Diffuse(double amount) {
  // the old values stay where they are (NetLogo's scratch), the new ones go to the other buffer
  chemical_.swap(scratch_);
  const int32_t w = side_;
  const int32_t last = side_ - 1;
  const double* s = scratch_.data();
  double* out = chemical_.data();
  auto at = [s, w](int32_t x, int32_t y) { return s[y * w + x]; };
  // diffuseCenter: sum4(e, w, n, s) + sum4(se, ne, sw, nw)
  for (int32_t y = 1; y < last; y++) {
    const double* north = s + (y - 1) * w;
    const double* row = s + y * w;
    const double* south = s + (y + 1) * w;
    double* dst = out + y * w;
    for (int32_t x = 1; x < last; x++) {
      const double old = row[x];
      const double sum = Sum4(row[x + 1], row[x - 1], north[x], south[x]) + Sum4(south[x + 1], north[x + 1], south[x - 1], north[x - 1]);
      dst[x] = Update(amount, old, sum);
    }
  }
  // XBlocks.diffuseXBorder: the first and last columns, corners apart
  auto x_border = [&](int32_t x, int32_t inner, int32_t y) {
    const double old = at(x, y);
    const double sum = Sum4(at(x, y - 1), at(x, y + 1), at(inner, y), old) + Sum4(at(inner, y - 1), at(inner, y + 1), old, old);
    out[y * w + x] = Update(amount, old, sum);
  };
  for (int32_t y = 1; y < last; y++) {
    x_border(0, 1, y);
    x_border(last, last - 1, y);
  }
  // YBlocks.diffuseYBorder: the first and last rows, corners apart
  auto y_border = [&](int32_t x, int32_t y, int32_t inner) {
    const double old = at(x, y);
    const double sum = Sum4(at(x - 1, y), at(x + 1, y), at(x, inner), old) + Sum4(at(x - 1, inner), at(x + 1, inner), old, old);
    out[y * w + x] = Update(amount, old, sum);
  };
  for (int32_t x = 1; x < last; x++) {
    y_border(x, 0, 1);
    y_border(x, last, last - 1);
  }
  // Box.diffuseCorners
  const int32_t corners[4][4] = {{0, 0, 1, 1}, {0, last, 1, last - 1}, {last, 0, last - 1, 1}, {last, last, last - 1, last - 1}};
  for (const auto& c : corners) {
    const int32_t x = c[0], y = c[1], ix = c[2], iy = c[3];
    const double old = at(x, y);
    const double sum = Sum4(at(ix, y), at(x, iy), old, old) + Sum4(at(ix, iy), old, old, old);
    out[y * w + x] = Update(amount, old, sum);
  }
}

void World::Evaporate(double evaporation_rate) {
  const double keep = 100 - evaporation_rate;
  for (double& c : chemical_) c = c * keep / 100;
}

}  // namespace l2l_ants
