// Ants steered by spiking networks: the network of the reference's NetLogo-NEST ants (L2L,
// optimizees/ants, Jimenez Romero, FZJ 2022), one per ant, on the native spiking simulator
// (native/snn: each ant's network a Stepper, exact integration of NEST's iaf_psc_alpha).
//
// Per ant, 26 neurons (iaf_psc_alpha with NEST's defaults: C_m 250 pF, tau_m 10 ms, tau_syn 2 ms,
// E_L = V_reset = -70 mV, V_th -55 mV, threshold V >= V_th; t_ref 1 ms as the reference sets), at
// h = 1 ms:
//   0..10   sensory neurons, each driven by a constant current while its sensor is on (below)
//   11      the heartbeat: a spike every `heartbeat_every` steps (the reference's spike generator)
//   12..21  10 hidden neurons, all to all (no autapses)
//   22..25  motor neurons: move, rotate left, rotate right, pheromone
// and 250 synapses, the genome, in the reference's order (source-major, targets ascending):
//   [0, 110)    sensory i -> hidden j          at 10 i + j
//   [110, 120)  heartbeat -> hidden j          at 110 + j
//   [120, 210)  hidden s -> hidden t, t != s   at 120 + 9 s + (t < s ? t : t - 1)
//   [210, 250)  hidden s -> motor m            at 210 + 4 s + m
// each with weight w * weight_scale (pA; the reference's 100: a gene in [-20, 20] is up to 2 nA;
// negative onto the inhibitory receptor, as NEST does) and an integer delay in [1, 7] steps (ms).
//
// The sensors (the reference's 11 inputs, mapped onto the Ants world; on = input_current pA):
//   0  the patch ahead is outside the world       (reference: a wall seen ahead)
//   1  food on the patch ahead                    (reference: food seen ahead)
//   2, 3, 4  chemical left / ahead / right: the one strictly above both others is on, ahead
//            otherwise (ties and no chemical included), as the reference's sense-pheromone
//   5  carrying food                              (reference: a noxious patch; the Ants world has none)
//   6  food on its own patch                      (reference: reward)
//   7, 8, 9  nest scent left / ahead / right, chosen as for the chemical
//   10 on the nest
// A tick of the colony runs each network `steps_per_tick` steps (the reference: 20 ms) with these
// currents, then reads the motors' spike counts: rotate by `turn` degrees toward the side with more
// spikes (none on a tie), move 1 patch when `move` fired (NetLogo's jump: not off the world), add
// `deposit` chemical to the patch where it stands after the move when `pheromone` fired. Picking food
// up and handing it to the nest happen on contact (the reference's check-creature-on-nest-or-food).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <vector>

#include "../snn/network_spec.h"
#include "../snn/stepper.h"
#include "brain.h"

namespace l2l_ants {

struct SnnParams {
  double input_current = 1000;  // pA, a sensor on
  double weight_scale = 100;    // pA per unit of a gene
  int32_t steps_per_tick = 20;  // 1 ms steps
  int32_t heartbeat_every = 2;  // steps between heartbeat spikes
  double turn = 45;             // degrees
  double deposit = 60;          // chemical
  bool wiggle = false;          // NetLogo's wiggle (rt random 40, lt random 40) after the turn
};

class SnnBrain {
 public:
  static constexpr int32_t kSensors = 11, kHidden = 10, kMotors = 4;
  static constexpr int32_t kHeartbeat = kSensors, kFirstHidden = kSensors + 1, kFirstMotor = kFirstHidden + kHidden;
  static constexpr int32_t kNeurons = kFirstMotor + kMotors;
  static constexpr int32_t kGenes = kSensors * kHidden + kHidden + kHidden * (kHidden - 1) + kHidden * kMotors;  // 250
  enum Motor { kMove = 0, kLeft = 1, kRight = 2, kPheromone = 3 };

  // The network of a genome (kGenes weights, kGenes delays in [1, 7]); throws std::invalid_argument.
  static std::shared_ptr<const l2l_snn::NetworkSpec> Network(const SnnParams& p, const double* weights, const int32_t* delays);

  // The sensory neurons that are on for what an ant senses (bit i: neuron i).
  static uint32_t Encode(const Sensors& s);

  SnnBrain(const SnnParams& p, std::shared_ptr<const l2l_snn::NetworkSpec> net, int32_t ants);

  // One tick of every ant's network: the sensors on (Encode's bits, one word per ant) in, the motors'
  // spike counts out (kMotors per ant).
  void Tick(const uint32_t* sensors, int32_t* counts);

 private:
  SnnParams p_;
  std::shared_ptr<const l2l_snn::NetworkSpec> net_;
  std::vector<l2l_snn::Stepper> ants_;
  std::vector<int32_t> spiking_;
};

}  // namespace l2l_ants
