// One call's colonies run to the end (or to a cancel) on `threads` threads: each colony whole on one
// thread, taken in turn from a shared counter; a colony's numbers depend on its seed and parameters
// only (its draws are keyed by them, streams.h), never on the thread count or its neighbours in the call.
// The cancel flag is looked at before every tick; progress counts colony-ticks.
#pragma once

#include "../common/call_control.h"
#include "colony.h"
#include "run_spec.h"

namespace l2l_ants {

class Simulation {
 public:
  Simulation(const RunSpec& run, const RunOutput& out);

  void Run(l2l::CallControl& control);

 private:
  // Runs colony `i` on `colony` (set up afresh); false when a cancel stopped it.
  bool RunColony(Colony& colony, int32_t i, l2l::CallControl& control);
  // The record of the tick just ended (`tick`, from 0).
  void RecordTick(const Colony& colony, int32_t i, int64_t tick);
  // The counters, and the final state when asked, as the colony stands.
  void RecordEnd(const Colony& colony, int32_t i);

  const RunSpec& run_;
  RunOutput out_;
};

}  // namespace l2l_ants
