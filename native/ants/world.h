// The patches of one colony's world, as NetLogo's Ants model has them (rules: colony.h): a square
// world of patches pxcor, pycor in [-max_pxcor, max_pxcor], not wrapping, each with its chemical, its
// food, whether it is nest, its nest-scent and the number of its food source (0: none, 1 to 3).
//
// Patches are stored in NetLogo's own order (World2D.createPatches): row by row from the top,
// index = (max_pycor - pycor) * side + (pxcor + max_pxcor); the arrays a call records use it too.
#pragma once

#include <cstdint>
#include <vector>

namespace l2l_ants {

class World {
 public:
  // The geometry and what never changes (nest, nest-scent, food sources); chemical and food are set by Setup.
  explicit World(int32_t max_pxcor);

  int32_t max_pxcor() const { return max_; }
  int32_t side() const { return side_; }
  int32_t patches() const { return side_ * side_; }
  int32_t Index(int32_t pxcor, int32_t pycor) const { return (max_ - pycor) * side_ + (pxcor + max_); }

  // Whether the point lies in the world (NetLogo's Box.wrapX / wrapY do not throw):
  // min-pxcor - 0.5 <= x < max-pxcor + 0.5, and the same for y.
  bool Inside(double x, double y) const { return x >= lo_ && x < hi_ && y >= lo_ && y < hi_; }
  // The patch holding the point, or -1 outside the world (NetLogo's getPatchAt: `nobody`).
  int32_t PatchAt(double x, double y) const {
    if (!Inside(x, y)) return -1;
    return Index(Round(x), Round(y));
  }
  // NetLogo's coordinate rounding (DimensionManagement.wrapAndRoundX): halves go up.
  static int32_t Round(double v) {
    if (v > 0) return static_cast<int32_t>(v + 0.5);
    const int32_t whole = static_cast<int32_t>(v);
    return (whole - v > 0.5) ? whole - 1 : whole;
  }

  // setup-patches for one colony: chemical 0 (or the given field, `patches()` values), and at every
  // food-source patch one-of [1 2] units of food, drawn from the colony's counter stream (seed).
  void Setup(uint64_t seed, const double* initial_chemical);

  // `diffuse chemical amount`: NetLogo's Topology.diffuse on a box, to the operation (below).
  void Diffuse(double amount);
  // `ask patches [ set chemical chemical * (100 - evaporation-rate) / 100 ]`, those operations in that
  // order (at rate 0 too, where c * 100 / 100 is not always c in the last bit: NetLogo computes it).
  void Evaporate(double evaporation_rate);

  double* chemical() { return chemical_.data(); }
  const double* chemical() const { return chemical_.data(); }
  int32_t* food() { return food_.data(); }
  const int32_t* food() const { return food_.data(); }
  const uint8_t* nest() const { return nest_.data(); }
  const double* nest_scent() const { return nest_scent_.data(); }
  const uint8_t* source() const { return source_.data(); }
  // The food a source held at setup (source 1 to 3).
  int32_t initial_food(int32_t source) const { return initial_food_[source - 1]; }

 private:
  int32_t max_;
  int32_t side_;
  double lo_, hi_;
  std::vector<double> chemical_;
  std::vector<double> scratch_;  // the other buffer of Diffuse: the old values while it runs
  std::vector<int32_t> food_;
  std::vector<uint8_t> nest_;
  std::vector<double> nest_scent_;
  std::vector<uint8_t> source_;
  int32_t initial_food_[3] = {0, 0, 0};
};

}  // namespace l2l_ants
