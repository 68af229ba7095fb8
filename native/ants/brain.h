// The per-ant decision of a tick as one function of what the ant senses: Sensors -> Action. The
// colony (colony.h) computes the sensors, asks the colony's brain, then carries the action out (the
// body: food, chemical, heading) and adds the motor noise and the step every ant takes (wiggle, fd 1).
// NetLogo's rule set is one brain (netlogo_brain.h), asked ant by ant as NetLogo's ask does; a
// spiking network per ant (snn_brain.h) is the other, asked for every ant at once between the tick's
// two halves (colony.h: Sense, then Act), which is also where a brain outside the process (NEST,
// stepped in lockstep through Python) takes its turn.
#pragma once

#include <cstdint>

namespace l2l_ants {

enum class BrainKind : int32_t {
  kNetlogo = 0,  // NetLogo's reflexes: look-for-food, return-to-nest, uphill-chemical, uphill-nest-scent
  kSnn = 1,      // a spiking network per ant (snn_brain.h), all ants sensing, then all acting
  kExternal = 2, // the same, with the networks outside (the caller steps Sense and Act: colonies.h)
};

// What an ant senses where it stands, before it acts. "Left", "ahead" and "right" are the patches at
// distance 1 at -45, 0 and +45 degrees from its heading (patch-right-and-ahead); a point outside the
// world senses 0, as the model's *-scent-at-angle report for nobody.
struct Sensors {
  double chemical_here = 0;
  double chemical_left = 0, chemical_ahead = 0, chemical_right = 0;
  double scent_left = 0, scent_ahead = 0, scent_right = 0;
  bool food_here = false;  // food > 0 on its patch
  bool food_ahead = false;  // food > 0 on the patch ahead
  bool edge_ahead = false;  // the point ahead is outside the world
  bool on_nest = false;    // nest? of its patch
  bool carrying = false;   // it holds a unit of food (NetLogo: color is not red)
};

// What the ant does before wiggle and fd 1. The body honours pick_up only for an ant that carries
// nothing standing on food, and drop only for a carrying ant on the nest (where the unit counts as
// returned); elsewhere they do nothing.
struct Action {
  double turn = 0;       // degrees, clockwise (rt); negative turns left
  bool pick_up = false;  // take one unit of the food here
  bool drop = false;     // hand the unit carried to the nest
  double deposit = 0;    // chemical added to the patch here
};

}  // namespace l2l_ants
