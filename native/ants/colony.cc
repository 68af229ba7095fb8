#include "colony.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "../common/counter_rng.h"
#include "netlogo_brain.h"
#include "streams.h"

namespace l2l_ants {

namespace {

// Java's Math.toRadians factor, and NetLogo's Numbers.Infinitesimal.
constexpr double kDegreesToRadians = 0.017453292519943295;
constexpr double kInfinitesimal = 3.2e-15;

// NetLogo's TrigTables: sin and cos of whole degrees, values below Infinitesimal made 0.
struct TrigTable {
  std::array<double, 360> sin, cos;
  TrigTable() {
    for (int n = 0; n < 360; n++) {
      const double s = std::sin(n * kDegreesToRadians);
      const double c = std::cos(n * kDegreesToRadians);
      sin[n] = std::abs(s) < kInfinitesimal ? 0 : s;
      cos[n] = std::abs(c) < kInfinitesimal ? 0 : c;
    }
  }
};

const TrigTable kTrig;

// Turtle.headingHelper: a heading brought into [0, 360) as ((h % 360) + 360) % 360. The two cases a
// turn makes (one turn off the range) are written out, the same operations without fmod's cost: for
// -360 < h < 0, h % 360 = h; for 360 <= h < 720, h % 360 = h - 360 (exact); and the outer % 360 of a
// value in [360, 720] subtracts 360 (exact) or gives 0 at 720.
inline double Normalize(double h) {
  if (h >= 0 && h < 360) return h;
  if (h < 0 && h > -360) {
    const double r = h + 360;
    return r < 360 ? r : 0;
  }
  if (h >= 360 && h < 720) {
    const double r = (h - 360) + 360;
    return r < 720 ? r - 360 : 0;
  }
  return std::fmod(std::fmod(h, 360) + 360, 360);
}

// (sin h, cos h) as NetLogo takes them: the table at whole degrees; otherwise the functions, with
// Protractor's zeroing of tiny values when locating a patch (`zero_tiny`) and without it for a jump.
inline void Direction(double h, bool zero_tiny, double* dx, double* dy) {
  const int whole = static_cast<int>(h);
  if (h == whole) {
    *dx = kTrig.sin[whole];
    *dy = kTrig.cos[whole];
    return;
  }
  *dx = std::sin(h * kDegreesToRadians);
  *dy = std::cos(h * kDegreesToRadians);
  if (zero_tiny) {
    if (std::abs(*dx) < kInfinitesimal) *dx = 0;
    if (std::abs(*dy) < kInfinitesimal) *dy = 0;
  }
}

// `random n` for a positive integer n, from one uniform draw.
inline int32_t RandomInt(double u, int32_t n) { return static_cast<int32_t>(u * n); }

}  // namespace

Colony::Colony(int32_t max_pxcor) : world_(max_pxcor) {}

void Colony::Setup(const ColonyParams& params) {
  params_ = params;
  world_.Setup(params.seed, params.initial_chemical);
  ticks_ = 0;
  returned_ = 0;
  picked_ = 0;
  for (int32_t s = 1; s <= 3; s++) food_left_[s - 1] = world_.initial_food(s);
  const int32_t n = params.population;
  x_.assign(n, 0.0);
  y_.assign(n, 0.0);
  carrying_.assign(n, 0);
  heading_.resize(n);
  for (int32_t k = 0; k < n; k++) heading_[k] = RandomInt(l2l::CounterUniform(params.seed, kStreamHeading, static_cast<uint64_t>(k), 0), 360);
  order_.reserve(n);
  snn_.reset();
  if (params.brain == BrainKind::kSnn) {
    if (!params.network) throw std::invalid_argument("a spiking brain needs its network");
    snn_ = std::make_unique<SnnBrain>(params.snn, params.network, n);
    sensors_.assign(n, 0);
    counts_.assign(static_cast<size_t>(n) * SnnBrain::kMotors, 0);
  }
}

void Colony::Shuffle() {
  // ask turtles [ if who >= ticks [ stop ] ... ], in a random order (Fisher-Yates over those that act)
  const int32_t acting = static_cast<int32_t>(std::min<int64_t>(ticks_, params_.population));
  order_.resize(acting);
  std::iota(order_.begin(), order_.end(), 0);
  const uint64_t t = static_cast<uint64_t>(ticks_);
  for (int32_t i = acting - 1; i > 0; i--) {
    const int32_t j = RandomInt(l2l::CounterUniform(params_.seed, kStreamOrder, t, static_cast<uint64_t>(i)), i + 1);
    std::swap(order_[i], order_[j]);
  }
}

void Colony::EndTick() {
  // 2. diffuse chemical (diffusion-rate / 100)
  world_.Diffuse(params_.diffusion_rate / 100);
  // 3. evaporation
  world_.Evaporate(params_.evaporation_rate);
  // 4. tick
  ticks_++;
}

void Colony::Tick() {
  if (snn_) {
    Sense(sensors_.data());
    snn_->Tick(sensors_.data(), counts_.data());
    Act(counts_.data());
    return;
  }
  Shuffle();
  for (int32_t ant : order_) ActNetlogo(ant);
  EndTick();
}

void Colony::Sense(uint32_t* sensors) {
  Shuffle();
  std::fill(sensors, sensors + params_.population, 0u);
  for (int32_t ant : order_) {
    const int32_t here = world_.PatchAt(x_[ant], y_[ant]);
    // contact: food picked up, food handed to the nest
    if (!PickUp(ant, here)) HandOver(ant, here);
    sensors[ant] = SnnBrain::Encode(SensorsOf(ant, here));
  }
}

void Colony::Act(const int32_t* counts) {
  const SnnParams& p = params_.snn;
  for (int32_t ant : order_) {
    const int32_t* c = counts + static_cast<size_t>(ant) * SnnBrain::kMotors;
    double h = heading_[ant];
    if (c[SnnBrain::kLeft] > c[SnnBrain::kRight]) h = Normalize(h - p.turn);
    else if (c[SnnBrain::kRight] > c[SnnBrain::kLeft]) h = Normalize(h + p.turn);
    if (p.wiggle) h = Wiggle(ant, h);
    heading_[ant] = h;
    if (c[SnnBrain::kMove] > 0) Forward(ant, h);
    if (c[SnnBrain::kPheromone] > 0) {
      double* chemical = world_.chemical();
      const int32_t here = world_.PatchAt(x_[ant], y_[ant]);
      chemical[here] = chemical[here] + p.deposit;
    }
  }
  EndTick();
}

double Colony::Wiggle(int32_t ant, double h) const {
  // rt random 40, lt random 40
  const uint64_t t = static_cast<uint64_t>(ticks_);
  h = Normalize(h + RandomInt(l2l::CounterUniform(params_.seed, kStreamWiggle, t, 2 * static_cast<uint64_t>(ant)), 40));
  return Normalize(h - RandomInt(l2l::CounterUniform(params_.seed, kStreamWiggle, t, 2 * static_cast<uint64_t>(ant) + 1), 40));
}

void Colony::Forward(int32_t ant, double h) {
  // fd 1 (jump 1: no move when the step would leave the world)
  double dx, dy;
  Direction(h, false, &dx, &dy);
  const double nx = x_[ant] + dx;
  const double ny = y_[ant] + dy;
  if (world_.Inside(nx, ny)) {
    x_[ant] = nx;
    y_[ant] = ny;
  }
}

int32_t Colony::PatchRightAndAhead(int32_t ant, double angle) const {
  double dx, dy;
  Direction(Normalize(heading_[ant] + angle), true, &dx, &dy);
  return world_.PatchAt(x_[ant] + dx, y_[ant] + dy);
}

Sensors Colony::SensorsOf(int32_t ant, int32_t here) const {
  const double* chemical = world_.chemical();
  const int32_t* food = world_.food();
  const double* scent = world_.nest_scent();
  Sensors s;
  s.chemical_here = chemical[here];
  s.food_here = food[here] > 0;
  s.on_nest = world_.nest()[here] != 0;
  s.carrying = carrying_[ant] != 0;
  const int32_t left = PatchRightAndAhead(ant, -45);
  const int32_t ahead = PatchRightAndAhead(ant, 0);
  const int32_t right = PatchRightAndAhead(ant, 45);
  s.chemical_left = left < 0 ? 0 : chemical[left];
  s.chemical_ahead = ahead < 0 ? 0 : chemical[ahead];
  s.chemical_right = right < 0 ? 0 : chemical[right];
  s.scent_left = left < 0 ? 0 : scent[left];
  s.scent_ahead = ahead < 0 ? 0 : scent[ahead];
  s.scent_right = right < 0 ? 0 : scent[right];
  s.edge_ahead = ahead < 0;
  s.food_ahead = ahead >= 0 && food[ahead] > 0;
  return s;
}

bool Colony::PickUp(int32_t ant, int32_t here) {
  int32_t* food = world_.food();
  if (carrying_[ant] || food[here] <= 0) return false;
  food[here] -= 1;
  food_left_[world_.source()[here] - 1] -= 1;
  carrying_[ant] = 1;
  picked_++;
  return true;
}

void Colony::HandOver(int32_t ant, int32_t here) {
  if (!carrying_[ant] || world_.nest()[here] == 0) return;
  carrying_[ant] = 0;
  returned_++;
}

void Colony::ActNetlogo(int32_t ant) {
  double* chemical = world_.chemical();
  const int32_t here = world_.PatchAt(x_[ant], y_[ant]);  // an ant is always in the world

  // the sensors, then the brain's decision
  const Sensors s = SensorsOf(ant, here);
  const Action a = NetlogoBrain::Decide(s);

  // the body carries it out
  if (a.deposit != 0) chemical[here] = chemical[here] + a.deposit;
  if (a.pick_up) PickUp(ant, here);
  if (a.drop && s.carrying) HandOver(ant, here);
  double h = heading_[ant];
  if (a.turn != 0) h = Normalize(h + a.turn);

  // wiggle: rt random 40, lt random 40, if not can-move? 1 [ rt 180 ]
  h = Wiggle(ant, h);
  heading_[ant] = h;
  double dx, dy;
  Direction(h, true, &dx, &dy);
  if (!world_.Inside(x_[ant] + dx, y_[ant] + dy)) heading_[ant] = h = Normalize(h + 180);
  Forward(ant, h);
}

}  // namespace l2l_ants
