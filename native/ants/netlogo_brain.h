// NetLogo's rule set as a brain (the "reflex" brain of Ants.nlogo):
//   searching (red):  look-for-food:  if food > 0 [ pick up, rt 180, stop ]
//                                     if 0.05 <= chemical < 2 [ uphill-chemical ]
//   carrying:         return-to-nest: ifelse nest? [ drop, rt 180 ] [ chemical + 60, uphill-nest-scent ]
//   uphill-X:  if X-right > X-ahead or X-left > X-ahead [ ifelse X-right > X-left [ rt 45 ] [ lt 45 ] ]
#pragma once

#include "brain.h"

namespace l2l_ants {

class NetlogoBrain {
 public:
  static Action Decide(const Sensors& s);

  // The turn of uphill-chemical / uphill-nest-scent: +45, -45 or 0.
  static double Uphill(double left, double ahead, double right);
};

}  // namespace l2l_ants
