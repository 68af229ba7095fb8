// The JS class Colonies: colonies whose ants' brains live outside the addon (the NEST brain, stepped
// through the embedded Python bridge in lockstep), made by colonies(options). Each tick is the caller's
// three moves: sense() -> every ant's sensors (snn_brain.h's bits; 0 for an ant that does not act yet),
// the brains' turn outside, act(counts) with every ant's motor spike counts, which ends the tick
// (colony.h states the order). The world's rules are the same code as run()'s with brain 'snn', so a
// brain outside that computes what the native one does gives the same colony, tick for tick.
// Synchronous, on the JS thread: a tick of a colony is microseconds, the brains' turn is the cost.
#pragma once

#include <napi.h>

#include <memory>
#include <vector>

#include "colony.h"
#include "run_spec.h"

namespace l2l_ants {

class Colonies : public Napi::ObjectWrap<Colonies> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Colonies(const Napi::CallbackInfo& info);

 private:
  Napi::Value Sense(const Napi::CallbackInfo& info);
  Napi::Value Act(const Napi::CallbackInfo& info);
  Napi::Value State(const Napi::CallbackInfo& info);
  Napi::Value Ticks(const Napi::CallbackInfo& info);

  RunSpec run_;
  std::vector<std::unique_ptr<Colony>> colonies_;
  bool sensed_ = false;
};

}  // namespace l2l_ants
