#include "network_spec.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace l2l_snn {

namespace {

void CheckLength(const std::vector<double>& v, int32_t n, const char* name) {
  if (static_cast<int64_t>(v.size()) != n) throw std::invalid_argument(std::string("neuron parameter ") + name + ": expected one value per neuron");
}

}  // namespace

NetworkSpec::NetworkSpec(int32_t n, double dt, bool alpha, bool strict_threshold, NeuronParams params,
                         std::vector<int32_t> pre, std::vector<int32_t> post, std::vector<int32_t> delay,
                         std::vector<uint8_t> receptor, std::vector<double> weight)
    : n_(n), dt_(dt), alpha_(alpha), strict_(strict_threshold), params_(std::move(params)), pre_(std::move(pre)),
      post_(std::move(post)), delay_(std::move(delay)), receptor_(std::move(receptor)), weight_(std::move(weight)) {
  if (n_ < 1) throw std::invalid_argument("a network needs at least one neuron");
  if (!(dt_ > 0)) throw std::invalid_argument("dt must be positive");
  const auto& p = params_;
  CheckLength(p.tau_m, n_, "tau_m");
  CheckLength(p.c_m, n_, "C_m");
  CheckLength(p.tau_ex, n_, "tau_syn_ex");
  CheckLength(p.tau_in, n_, "tau_syn_in");
  CheckLength(p.e_l, n_, "E_L");
  CheckLength(p.v_th, n_, "V_th");
  CheckLength(p.v_reset, n_, "V_reset");
  CheckLength(p.i_e, n_, "I_e");
  if (static_cast<int64_t>(p.ref_steps.size()) != n_) throw std::invalid_argument("neuron parameter ref_steps: expected one value per neuron");
  const size_t m = weight_.size();
  if (pre_.size() != m || post_.size() != m || delay_.size() != m || receptor_.size() != m) {
    throw std::invalid_argument("synapses: pre, post, delay, receptor and weight must have one value per synapse");
  }
  for (size_t k = 0; k < m; k++) {
    if (pre_[k] < 0 || pre_[k] >= n_ || post_[k] < 0 || post_[k] >= n_) throw std::invalid_argument("synapse " + std::to_string(k) + ": a neuron index outside the network");
    if (delay_[k] < 0) throw std::invalid_argument("synapse " + std::to_string(k) + ": a negative delay");
    if (receptor_[k] > 1) throw std::invalid_argument("synapse " + std::to_string(k) + ": receptor 0 (excitatory) or 1 (inhibitory)");
    max_delay_ = std::max(max_delay_, delay_[k]);
  }
  ex_.resize(n_);
  in_.resize(n_);
  for (int32_t i = 0; i < n_; i++) {
    if (!(p.tau_m[i] > 0 && p.c_m[i] > 0 && p.tau_ex[i] > 0 && p.tau_in[i] > 0)) throw std::invalid_argument("neuron " + std::to_string(i) + ": tau_m, C_m and the synaptic time constants must be positive");
    if (p.ref_steps[i] < 0) throw std::invalid_argument("neuron " + std::to_string(i) + ": negative refractory steps");
    ex_[i] = alpha_ ? AlphaPropagators(dt_, p.tau_m[i], p.tau_ex[i], p.c_m[i]) : ExpPropagators(dt_, p.tau_m[i], p.tau_ex[i], p.c_m[i]);
    in_[i] = alpha_ ? AlphaPropagators(dt_, p.tau_m[i], p.tau_in[i], p.c_m[i]) : ExpPropagators(dt_, p.tau_m[i], p.tau_in[i], p.c_m[i]);
    const bool same = i > 0 && p.tau_m[i] == p.tau_m[i - 1] && p.c_m[i] == p.c_m[i - 1] && p.tau_ex[i] == p.tau_ex[i - 1] && p.tau_in[i] == p.tau_in[i - 1] &&
                      p.e_l[i] == p.e_l[i - 1] && p.v_th[i] == p.v_th[i - 1] && p.v_reset[i] == p.v_reset[i - 1] && p.ref_steps[i] == p.ref_steps[i - 1];
    if (same) {
      groups_.back().hi = i + 1;
    } else {
      groups_.push_back(Group{i, i + 1, ex_[i], in_[i], p.v_th[i] - p.e_l[i], p.v_reset[i] - p.e_l[i], p.ref_steps[i]});
    }
  }
}

std::shared_ptr<const std::vector<SynapsePart>> NetworkSpec::Parts(const std::vector<int32_t>& bounds) const {
  std::lock_guard<std::mutex> lock(parts_mutex_);
  for (const auto& [b, parts] : parts_) {
    if (b == bounds) return parts;
  }
  const size_t threads = bounds.size() - 1;
  const int64_t m = synapses();
  // Synapses in the order a step applies them: by presynaptic neuron, then in the order given (the
  // order in which additions to one target happen, so the sums are the same at any thread count).
  std::vector<int64_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [this](int64_t a, int64_t b) { return pre_[a] < pre_[b]; });
  auto parts = std::make_shared<std::vector<SynapsePart>>(threads);
  for (size_t t = 0; t < threads; t++) {
    SynapsePart& part = (*parts)[t];
    part.start.assign(static_cast<size_t>(n_) + 1, 0);
    for (int64_t k : order) {
      const int32_t target = post_[k];
      if (target < bounds[t] || target >= bounds[t + 1]) continue;
      part.post.push_back(target);
      part.delay.push_back(delay_[k]);
      part.receptor.push_back(receptor_[k]);
      part.index.push_back(k);
      part.weight.push_back(weight_[k]);
      part.start[static_cast<size_t>(pre_[k]) + 1]++;
    }
    for (int32_t i = 0; i < n_; i++) part.start[i + 1] += part.start[i];
  }
  parts_.emplace_back(bounds, parts);
  return parts;
}

}  // namespace l2l_snn
