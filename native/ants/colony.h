// One colony of NetLogo's Ants model (Uri Wilensky, 1997; Sample Models/Biology/Ants.nlogox of
// github.com/NetLogo/models, read at commit 5e492535b458e57d0f4697c44d0599275c171608), its world
// (world.h) and its ants, tick by tick.
//
// The world: patches pxcor, pycor in [-max_pxcor, max_pxcor] (default 35: 71 x 71), no wrapping.
// Setup (setup, setup-patches):
//   nest?       = distancexy 0 0 < 5
//   nest-scent  = 200 - distancexy 0 0
//   food-source = 1 where distancexy (0.6 max-pxcor) 0 < 5, then 2 where distancexy (-0.6 max-pxcor)
//                 (-0.6 max-pycor) < 5, then 3 where distancexy (-0.8 max-pxcor) (0.8 max-pycor) < 5
//                 (a later source takes a patch an earlier one had); food = one-of [1 2] there
//   chemical    = 0 (or a field the caller gives: tests)
//   `population` ants (turtles, who = 0 .. population - 1) at (0, 0), create-turtles' random integer
//   heading (random 360), searching (red).
// Headings are degrees, 0 north, clockwise; a step of 1 moves by (sin h, cos h), from NetLogo's
// TrigTables for whole degrees (sin and cos of n * pi / 180, |value| < 3.2e-15 made 0). An ant's patch
// is its point rounded NetLogo's way (halves up); a point is in the world when
// -max - 0.5 <= x, y < max + 0.5.
//
// A tick (go), with NetLogo's tick counter t = 0, 1, 2, ... during it:
//   1. ask turtles, in a random order drawn afresh each tick:
//        if who >= t [ stop ]              (ants leave one per tick: min(t, population) act in tick t,
//                                           ant k first in tick k + 1; in tick 0 none)
//        the brain's decision (brain.h, netlogo_brain.h for NetLogo's rules), from the sensors:
//          searching -> look-for-food:  if food > 0 [ pick up one unit (food - 1), rt 180, stop ]
//                                       if 0.05 <= chemical < 2 [ uphill-chemical ]
//          carrying  -> return-to-nest: ifelse nest? [ drop the unit (counted returned), rt 180 ]
//                                                    [ chemical + 60 here, uphill-nest-scent ]
//          uphill-X compares X on the patches right-and-ahead at +45, 0 and -45 degrees, distance 1
//          (0 outside the world): if right > ahead or left > ahead [ ifelse right > left [ rt 45 ] [ lt 45 ] ]
//        wiggle: rt random 40, lt random 40, if not can-move? 1 [ rt 180 ]
//        fd 1: NetLogo's fd 1 is jump 1, which leaves an ant whose step would end outside the world where
//        it is (a corner can turn it back into the wall)
//   2. diffuse chemical (diffusion-rate / 100)   (World::Diffuse: NetLogo's box diffusion to the operation)
//   3. ask patches [ set chemical chemical * (100 - evaporation-rate) / 100 ]
//   4. tick
//
// Where this differs from running the .nlogox, and why:
//   - The random numbers are the colony's counter stream (streams.h), not NetLogo's Mersenne Twister:
//     runs are NetLogo's in distribution, not draw for draw. The random order of step 1 shuffles the
//     ants that act (who < t) rather than all of them and skipping the rest: the same distribution.
//   - The model counts no food at the nest; we count a unit returned at the moment of return-to-nest
//     where nest? is true for a carrying ant (it turns red there). Food is counted once: picked up =
//     initial - remaining, returned <= picked up, and picked up - returned = the ants carrying.
//   - The body honours a pick-up or a drop only where the model allows one (brain.h), so any brain
//     keeps that count.
//
// A tick with a brain that decides for all ants at once (kSnn: snn_brain.h; or a brain outside, the
// caller stepping Sense and Act itself), the reference's NetLogo-NEST go:
//   1. Sense: the ants that act (who < t, as above), in a random order drawn afresh each tick: contact
//      first (a searching ant on food picks a unit up, a carrying ant on the nest hands it over), then
//      the sensors (snn_brain.h's 11), encoded; an ant that does not act yet senses nothing (0);
//   2. the brains: every ant's network runs the tick's steps with its sensors' currents;
//   3. Act, the same ants in the same order: turn toward the rotate motor with more spikes, wiggle if
//      asked, move 1 (jump) if the move motor fired, then add the deposit where it stands if the
//      pheromone motor fired; then diffusion, evaporation and the tick counter as above.
//   - sin and cos are the C library's (NetLogo: StrictMath, fdlibm); both are within an ulp, and the
//     table's values at whole degrees rarely if ever differ in the last bit.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "brain.h"
#include "snn_brain.h"
#include "world.h"

namespace l2l_ants {

struct ColonyParams {
  int32_t population = 125;
  double diffusion_rate = 50;    // percent
  double evaporation_rate = 10;  // percent
  uint64_t seed = 0;
  BrainKind brain = BrainKind::kNetlogo;
  const double* initial_chemical = nullptr;  // patches values, or null for 0
  // kSnn: the ants' network (one genome for the colony) and how a tick drives it
  std::shared_ptr<const l2l_snn::NetworkSpec> network;
  SnnParams snn;
};

class Colony {
 public:
  explicit Colony(int32_t max_pxcor);

  // setup: the patches and `population` ants at the nest; the tick counter at 0.
  void Setup(const ColonyParams& params);
  // go: one tick (the order above).
  void Tick();

  // The halves of a tick for a brain outside (above, steps 1 and 3): Sense writes each ant's sensors
  // (SnnBrain::Encode's bits; 0 for an ant that does not act yet), Act takes each ant's motor spike
  // counts (SnnBrain::kMotors per ant) and ends the tick.
  void Sense(uint32_t* sensors);
  void Act(const int32_t* counts);

  int64_t ticks() const { return ticks_; }
  int32_t population() const { return params_.population; }
  int32_t returned() const { return returned_; }
  int32_t picked() const { return picked_; }
  // Food left at source 1 to 3.
  int32_t food_left(int32_t source) const { return food_left_[source - 1]; }
  const World& world() const { return world_; }
  const double* x() const { return x_.data(); }
  const double* y() const { return y_.data(); }
  const double* heading() const { return heading_.data(); }
  const uint8_t* carrying() const { return carrying_.data(); }

 private:
  // One ant's turn in step 1 of the tick (NetLogo's brain).
  void ActNetlogo(int32_t ant);
  // What ant `ant` senses standing on patch `here` (every sensor of brain.h).
  Sensors SensorsOf(int32_t ant, int32_t here) const;
  // The body's contact with its patch: a searching ant on food takes a unit (true when it did); a
  // carrying ant on the nest hands its unit over (counted returned). Elsewhere nothing happens.
  bool PickUp(int32_t ant, int32_t here);
  void HandOver(int32_t ant, int32_t here);
  // The ants that act this tick, in this tick's random order, into order_.
  void Shuffle();
  // After the ants: diffusion, evaporation, the tick counter.
  void EndTick();
  // NetLogo's turtle moves: jump 1 along heading h (not off the world); wiggle's two draws.
  void Forward(int32_t ant, double h);
  double Wiggle(int32_t ant, double h) const;
  // The patch right-and-ahead of the ant by `angle` degrees at distance 1, or -1 (nobody).
  int32_t PatchRightAndAhead(int32_t ant, double angle) const;

  World world_;
  ColonyParams params_;
  int64_t ticks_ = 0;
  int32_t returned_ = 0;
  int32_t picked_ = 0;
  int32_t food_left_[3] = {0, 0, 0};
  std::vector<double> x_, y_, heading_;
  std::vector<uint8_t> carrying_;
  std::vector<int32_t> order_;
  std::unique_ptr<SnnBrain> snn_;
  std::vector<uint32_t> sensors_;
  std::vector<int32_t> counts_;
};

}  // namespace l2l_ants
