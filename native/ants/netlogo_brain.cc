#include "netlogo_brain.h"

namespace l2l_ants {

double NetlogoBrain::Uphill(double left, double ahead, double right) {
  if (right > ahead || left > ahead) return right > left ? 45 : -45;
  return 0;
}

Action NetlogoBrain::Decide(const Sensors& s) {
  Action a;
  if (!s.carrying) {
    // look-for-food
    if (s.food_here) {
      a.pick_up = true;
      a.turn = 180;
      return a;
    }
    if (s.chemical_here >= 0.05 && s.chemical_here < 2) a.turn = Uphill(s.chemical_left, s.chemical_ahead, s.chemical_right);
    return a;
  }
  // return-to-nest
  if (s.on_nest) {
    a.drop = true;
    a.turn = 180;
  } else {
    a.deposit = 60;
    a.turn = Uphill(s.scent_left, s.scent_ahead, s.scent_right);
  }
  return a;
}

}  // namespace l2l_ants
