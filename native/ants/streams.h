// The purposes of a colony's random draws: every draw is l2l::CounterUniform(seed, purpose, a, b)
// (native/common/counter_rng.h), keyed by what it belongs to, never by the thread that makes it, so a
// colony's run depends on its seed and its parameters only.
#pragma once

#include <cstdint>

namespace l2l_ants {

// one-of [1 2] at a food patch: (seed, kStreamFood, patch, 0)
constexpr uint64_t kStreamFood = 1;
// create-turtles' random 360 heading: (seed, kStreamHeading, ant, 0)
constexpr uint64_t kStreamHeading = 2;
// ask turtles' random order in tick t: (seed, kStreamOrder, t, position in the shuffle)
constexpr uint64_t kStreamOrder = 3;
// wiggle's random 40 twice in tick t: (seed, kStreamWiggle, t, 2 * ant + draw)
constexpr uint64_t kStreamWiggle = 4;

}  // namespace l2l_ants
