// The cell kernel: every (instance, protocol) pair of a run is one cable cell of one Arbor recipe
// (cell_recipe.h; gid = instance * protocols + protocol), simulated through Arbor's C++ API on
// `threads` threads, no GPU, all from v_init at t = 0 to the longest protocol's last sample.
//
// What is simulated, by Arbor (as python/l2l_cell.py has NEURON simulate it):
//   - the cable equation on the cell's tree of frusta (each section a chain of frusta through its
//     points, diameters as given),
//         c_m dV/dt = d/dx( (pi a^2 / r_a) dV/dx ) / (2 pi a) - i_mech(V, states) + i_stim,
//     in Arbor's finite-volume discretization: control volumes (CVs) bounded at x = i/nseg
//     (i = 0..nseg) of every section, i.e. nseg equal-length CVs per section as NEURON has nseg
//     segments. A CV's voltage is taken at its midpoint (NEURON's node at the segment's centre), its
//     membrane is the frusta's lateral area between its boundaries, and two adjacent CVs are coupled
//     by the exact axial resistance of the frusta between their midpoints. A boundary at a fork (a
//     section's end and its children's starts, or the root's start with children there) is a CV of
//     zero area: NEURON's zero-area node at the parent's x = 1 (x = 0), a pure resistive junction;
//   - in time, implicit (backward) Euler at the fixed dt: each step takes the mechanisms' currents
//     and their conductances at the step's start, solves the tree's linear system for V(t + dt), then
//     lets each mechanism update its own states with the new V by its NMODL solver (hh: cnexp, exact
//     for its linear gates); this is NEURON's fixed-step scheme with secondorder 0;
//   - the mechanisms of Arbor's default catalogue (hh, pas, ...: NEURON's own hh.mod and pas.mod
//     equations, with NEURON's parameter names and units, hh's q10 = 3^((celsius - 6.3) / 10)).
//
// Conventions (each as the NEURON back end has it):
//   units: the spec's (um, ms, mV, nA, uF/cm2, ohm cm, S/cm2, degrees C); Arbor takes c_m in F/m2
//     (x 0.01), the temperature in K (+ 273.15), conductances in S/cm2 as the mod files declare them;
//   ions: the reversal potentials ena and ek held fixed (ions na and k), the rest as Arbor's
//     neuron_parameter_defaults (NEURON's defaults);
//   stimuli: a current step (delay, duration, amplitude) on in the steps whose midpoint t + dt/2 lies
//     in [delay, delay + duration), as IClamp is in NEURON's fixed step; at sec(x) it goes into the
//     node of the segment holding x, its centre (cell_recipe.cc);
//   recording: the voltage at the node of the segment holding the record's x (interpolated by Arbor
//     only at x = 0 or 1); sample k is V(t_k), t_k = k sample_every dt, k = 0..floor(tstop /
//     (sample_every dt)), sample 0 = v_init. Arbor takes a sample that falls in step [t, t + dt) at
//     the step's start t, so sample k is scheduled at t_k + dt/2 (robust to rounding) and the run
//     goes one step past the last t_k.
#include "cell_simulation.h"

#include <arbor/arbexcept.hpp>
#include <arbor/context.hpp>
#include <arbor/load_balance.hpp>
#include <arbor/mechcat.hpp>
#include <arbor/sampling.hpp>
#include <arbor/schedule.hpp>
#include <arbor/simulation.hpp>
#include <arbor/units.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "cell_recipe.h"

namespace l2l_arbor {

namespace U = arb::units;

namespace {

// Simulated time between two looks at the cancel flag (and two progress reports).
constexpr double kChunkMs = 5.0;

// A message on one line (Arbor's can span several).
std::string OneLine(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::string Names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Checks every mechanism and parameter the run names against Arbor's default catalogue (the
// worker thread's first work), so that a refusal says which entry of the spec is wrong rather than
// what Arbor met first.
void CheckMechanisms(const CellSpec& spec, const CellRunOptions& options) {
  const arb::mechanism_catalogue& catalogue = arb::global_default_catalogue();
  auto density = [&](const std::string& name, const std::string& where) {
    // (A derived name, "pas/e=-70", is how the recipe sets a GLOBAL: the spec gives it in params.)
    if (name.find('/') != std::string::npos) throw std::runtime_error(where + ": '" + name + "': give the mechanism's plain name, its parameters (GLOBALs too) in params");
    if (!catalogue.has(name)) throw std::runtime_error(where + ": Arbor's default catalogue has no mechanism '" + name + "'");
    arb::mechanism_info info = catalogue[name];
    if (info.kind != arb_mechanism_kind_density) throw std::runtime_error(where + ": '" + name + "' is not a density mechanism in Arbor's default catalogue");
    return info;
  };
  auto parameter = [&](const arb::mechanism_info& info, const std::string& mechanism, const std::string& param, const std::string& where) {
    if (info.parameters.count(param) || info.globals.count(param)) return;
    std::vector<std::string> known;
    for (const auto& [name, field] : info.parameters) known.push_back(name);
    for (const auto& [name, field] : info.globals) known.push_back(name);
    std::sort(known.begin(), known.end());
    throw std::runtime_error(where + ": Arbor's " + mechanism + " has no parameter '" + param + "' (it has: " + Names(known) + ")");
  };
  for (size_t m = 0; m < spec.mechanisms.size(); m++) {
    const std::string where = "spec.mechanisms[" + std::to_string(m) + "]";
    const auto info = density(spec.mechanisms[m].name, where);
    for (const auto& [param, value] : spec.mechanisms[m].params) parameter(info, spec.mechanisms[m].name, param, where + ".params");
  }
  for (size_t j = 0; j < options.free.size(); j++) {
    const CellFree& f = options.free[j];
    if (f.mechanism.empty()) continue;
    const std::string where = "options.free[" + std::to_string(j) + "]";
    parameter(density(f.mechanism, where), f.mechanism, f.param, where + ".param");
  }
}

void Simulate(const CellSpec& spec, const CellRunOptions& options, l2l::CallControl& control, CellRunOutput& out) {
  const size_t P = options.protocols.size();
  const size_t cells = static_cast<size_t>(options.instances) * P;
  const double dt = spec.dt;
  const int64_t every = options.sample_every;

  // Where each (instance, protocol) pair's samples go: instance-major, then protocol.
  std::vector<size_t> protocol_offset(P + 1, 0);
  int64_t last_sample = 0;
  for (size_t p = 0; p < P; p++) {
    protocol_offset[p + 1] = protocol_offset[p] + static_cast<size_t>(options.protocols[p].samples);
    last_sample = std::max(last_sample, options.protocols[p].samples - 1);
  }
  const size_t per_instance = protocol_offset[P];
  out.traces.assign(per_instance * options.instances, std::numeric_limits<double>::quiet_NaN());
  out.finished.assign(options.instances, 0);

  CellRecipe recipe(spec, options);
  const auto context = arb::make_context(arb::proc_allocation(static_cast<unsigned long>(options.threads), -1));
  // One cell group per thread: a group integrates its cells as one system (one mechanism call covers
  // all of them), which is faster than many small groups, and the threads still share the work.
  arb::partition_hint hint;
  hint.cpu_group_size = (cells + options.threads - 1) / options.threads;
  hint.prefer_gpu = false;
  arb::simulation simulation(recipe, context, arb::partition_load_balance(recipe, context, {{arb::cell_kind::cable, hint}}));

  // Sample k scheduled at t_k + dt/2, so taken at the start t_k of the step that holds it, which is
  // the time Arbor reports with it. The sampler is called from Arbor's threads, each call with one
  // cell's samples: no two calls write the same place.
  std::vector<double> times;
  for (int64_t k = 0; k <= last_sample; k++) times.push_back((static_cast<double>(k * every) + 0.5) * dt);
  const double sample_dt = static_cast<double>(every) * dt;
  simulation.add_sampler(arb::all_probes, arb::explicit_schedule_from_milliseconds(times),
                         [&](const arb::probe_metadata& meta, size_t n, const arb::sample_record* records) {
                           const size_t gid = meta.id.gid;
                           const size_t p = gid % P;
                           double* trace = out.traces.data() + (gid / P) * per_instance + protocol_offset[p];
                           const int64_t samples = options.protocols[p].samples;
                           for (size_t r = 0; r < n; r++) {
                             const int64_t k = std::llround(records[r].time / sample_dt);
                             if (k < 0 || k >= samples) continue;
                             trace[k] = *arb::util::any_cast<const double*>(records[r].data);
                           }
                         });

  // In chunks of whole steps, each ending at (its last step) x dt; progress counts cell steps.
  const int64_t steps = last_sample * every + 1;
  const int64_t chunk = std::max<int64_t>(1, std::llround(kChunkMs / dt));
  control.SetTotal(static_cast<double>(steps) * static_cast<double>(cells));
  for (int64_t done = 0; done < steps;) {
    if (control.Cancelled()) return;
    const int64_t next = std::min(steps, done + chunk);
    simulation.run(static_cast<double>(next) * dt * U::ms, dt * U::ms);
    control.Add(static_cast<uint64_t>(next - done) * cells);
    done = next;
  }
  out.finished.assign(options.instances, 1);
}

}  // namespace

void SimulateCells(const CellSpec& spec, const CellRunOptions& options, l2l::CallControl& control, CellRunOutput& out) {
  try {
    CheckMechanisms(spec, options);
    Simulate(spec, options, control, out);
  } catch (const arb::arbor_exception& e) {
    throw std::runtime_error("Arbor: " + OneLine(e.what()));
  } catch (const std::exception& e) {
    throw std::runtime_error(OneLine(e.what()));
  }
}

}  // namespace l2l_arbor
