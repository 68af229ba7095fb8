// Exact propagators of the leaky integrate-and-fire neuron with current synapses, over one step h.
//
// Membrane (V relative to the resting potential E_L; C the capacitance, I_e a constant current):
//     dV/dt = -V / tau_m + (I_syn + I_e) / C
// Exponential current synapses (NEST iaf_psc_exp; Brian2's CUBA form with C = tau_m and currents in
// voltage units):
//     dI/dt = -I / tau_s,                 a spike of weight w:  I += w
// Alpha-shaped current synapses (NEST iaf_psc_alpha), I(t) = w e/tau_s t e^{-t/tau_s} after a spike:
//     dJ/dt = -J / tau_s,  dI/dt = J - I / tau_s,    a spike of weight w:  J += w e / tau_s
// The system is linear, so one step is exact: x(t+h) = exp(M h) x(t). With a = 1/tau_m - 1/tau_s:
//     P_mm = e^{-h/tau_m}                                   V -> V
//     P_ie = (tau_m / C) (1 - e^{-h/tau_m})                  I_e -> V
//     P_ss = e^{-h/tau_s}                                    I -> I (and J -> J)
//     P_sm = e^{-h/tau_m} (e^{a h} - 1) / (a C)              I -> V
//     P_js = h e^{-h/tau_s}                                  J -> I (alpha)
//     P_jm = e^{-h/tau_m} [e^{a h} (h/a - 1/a^2) + 1/a^2] / C  J -> V (alpha)
// computed with expm1 and, near a = 0 (tau_s close to tau_m), by series, so that no cancellation
// costs digits (NEST's propagator_stability does the same for the same reason).
#pragma once

namespace l2l_snn {

struct Propagators {
  double mm;  // V -> V
  double ie;  // constant current -> V
  double ss;  // synaptic current decay (and J decay, alpha)
  double sm;  // synaptic current -> V
  double js;  // J -> I (alpha)
  double jm;  // J -> V (alpha)
  double jump;  // what a spike of weight 1 adds: 1 (exp) or e / tau_s (alpha)
};

// The propagators of one synapse time constant for a neuron (h, tau_m, tau_s in ms; C in the units
// that make w / C a voltage per ms).
Propagators ExpPropagators(double h, double tau_m, double tau_s, double c);
Propagators AlphaPropagators(double h, double tau_m, double tau_s, double c);

}  // namespace l2l_snn
