#include "stepper.h"

#include <stdexcept>
#include <string>

#include "instance_state.h"

namespace l2l_snn {

Stepper::Stepper(const NetworkSpec& net) : net_(net), s_(std::make_unique<InstanceState>(net)), parts_(net.Parts({0, net.n()})) {
  syn_ = &(*parts_)[0];
  Reset();
}

Stepper::~Stepper() = default;
Stepper::Stepper(Stepper&&) noexcept = default;

void Stepper::Reset() {
  s_->Reset();
  current_.assign(net_.params().i_e.begin(), net_.params().i_e.end());
  emitted_.clear();
  k_ = 0;
}

void Stepper::SetCurrent(int32_t i, double amplitude) {
  if (i < 0 || i >= net_.n()) throw std::out_of_range("Stepper::SetCurrent: no neuron " + std::to_string(i));
  if (current_[i] == amplitude) return;
  s_->AddCurrent(i, amplitude - current_[i]);
  current_[i] = amplitude;
}

void Stepper::Emit(int32_t i) {
  if (i < 0 || i >= net_.n()) throw std::out_of_range("Stepper::Emit: no neuron " + std::to_string(i));
  emitted_.push_back(i);
}

void Stepper::Step(std::vector<int32_t>& spiking) {
  InstanceState& s = *s_;
  Pending none;
  spiking.clear();
  s.Update(0, net_.n(), s.stride, k_, spiking, none);
  // the relayed spikes first, then the neurons that fired: the order a spike generator connected
  // before the network's own synapses has in NEST's delivery (the sums are the same either way
  // for delays >= 1; for delay 0 the order of additions only)
  for (int32_t i : emitted_) s.Propagate(*syn_, syn_->weight.data(), i, k_);
  emitted_.clear();
  for (int32_t i : spiking) {
    s.Fire(i);
    s.Propagate(*syn_, syn_->weight.data(), i, k_);
  }
  k_++;
}

double Stepper::V(int32_t i) const { return s_->v[i] + net_.params().e_l[i]; }

}  // namespace l2l_snn
