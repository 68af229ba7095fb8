#include "snn_brain.h"

#include <stdexcept>
#include <string>

namespace l2l_ants {

namespace {

// The one of left / ahead / right strictly above both others; ahead otherwise (sense-pheromone).
inline int32_t Winner(double left, double ahead, double right) {
  if (right > ahead && right > left) return 2;
  if (left > ahead && left > right) return 0;
  return 1;
}

}  // namespace

std::shared_ptr<const l2l_snn::NetworkSpec> SnnBrain::Network(const SnnParams& p, const double* weights, const int32_t* delays) {
  const double h = 1.0;
  l2l_snn::NeuronParams np;
  np.tau_m.assign(kNeurons, 10.0);
  np.c_m.assign(kNeurons, 250.0);
  np.tau_ex.assign(kNeurons, 2.0);
  np.tau_in.assign(kNeurons, 2.0);
  np.e_l.assign(kNeurons, -70.0);
  np.v_th.assign(kNeurons, -55.0);
  np.v_reset.assign(kNeurons, -70.0);
  np.i_e.assign(kNeurons, 0.0);
  np.ref_steps.assign(kNeurons, 1);  // t_ref 1 ms at h = 1 ms
  std::vector<int32_t> pre, post, delay;
  std::vector<uint8_t> receptor;
  std::vector<double> weight;
  pre.reserve(kGenes);
  auto add = [&](int32_t from, int32_t to) {
    const size_t g = pre.size();
    const int32_t d = delays[g];
    if (d < 1 || d > 7) throw std::invalid_argument("delay " + std::to_string(g) + ": expected an integer in [1, 7], got " + std::to_string(d));
    const double w = weights[g] * p.weight_scale;
    pre.push_back(from);
    post.push_back(to);
    delay.push_back(d);
    receptor.push_back(w < 0 ? 1 : 0);
    weight.push_back(w);
  };
  for (int32_t i = 0; i < kSensors; i++)
    for (int32_t j = 0; j < kHidden; j++) add(i, kFirstHidden + j);
  for (int32_t j = 0; j < kHidden; j++) add(kHeartbeat, kFirstHidden + j);
  for (int32_t s = 0; s < kHidden; s++)
    for (int32_t t = 0; t < kHidden; t++)
      if (t != s) add(kFirstHidden + s, kFirstHidden + t);
  for (int32_t s = 0; s < kHidden; s++)
    for (int32_t m = 0; m < kMotors; m++) add(kFirstHidden + s, kFirstMotor + m);
  return std::make_shared<const l2l_snn::NetworkSpec>(kNeurons, h, /*alpha=*/true, /*strict_threshold=*/false, std::move(np), std::move(pre), std::move(post),
                                                      std::move(delay), std::move(receptor), std::move(weight));
}

uint32_t SnnBrain::Encode(const Sensors& s) {
  uint32_t bits = 0;
  if (s.edge_ahead) bits |= 1u << 0;
  if (s.food_ahead) bits |= 1u << 1;
  bits |= 1u << (2 + Winner(s.chemical_left, s.chemical_ahead, s.chemical_right));
  if (s.carrying) bits |= 1u << 5;
  if (s.food_here) bits |= 1u << 6;
  bits |= 1u << (7 + Winner(s.scent_left, s.scent_ahead, s.scent_right));
  if (s.on_nest) bits |= 1u << 10;
  return bits;
}

SnnBrain::SnnBrain(const SnnParams& p, std::shared_ptr<const l2l_snn::NetworkSpec> net, int32_t ants) : p_(p), net_(std::move(net)) {
  ants_.reserve(ants);
  for (int32_t a = 0; a < ants; a++) ants_.emplace_back(*net_);
}

void SnnBrain::Tick(const uint32_t* sensors, int32_t* counts) {
  for (size_t a = 0; a < ants_.size(); a++) {
    l2l_snn::Stepper& net = ants_[a];
    for (int32_t i = 0; i < kSensors; i++) net.SetCurrent(i, (sensors[a] >> i) & 1u ? p_.input_current : 0.0);
    int32_t* c = counts + a * kMotors;
    for (int32_t m = 0; m < kMotors; m++) c[m] = 0;
    for (int32_t k = 0; k < p_.steps_per_tick; k++) {
      if (net.steps() % p_.heartbeat_every == 0) net.Emit(kHeartbeat);
      net.Step(spiking_);
      for (int32_t i : spiking_) {
        if (i >= kFirstMotor) c[i - kFirstMotor]++;
      }
    }
  }
}

}  // namespace l2l_ants
