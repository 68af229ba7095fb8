#include "cell_recipe.h"

#include <arbor/cable_cell_param.hpp>
#include <arbor/mechcat.hpp>
#include <arbor/morph/locset.hpp>
#include <arbor/morph/mprovider.hpp>
#include <arbor/morph/segment_tree.hpp>
#include <arbor/units.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>

namespace l2l_arbor {

namespace U = arb::units;

namespace {

// Section k's segments carry tag k + 1 (Arbor's tags are the only names a segment has), so that
// (tag k + 1) is the section as a region, whatever branches Arbor makes of the tree.
int SectionTag(size_t k) { return static_cast<int>(k) + 1; }

// The sections as a segment tree: each a chain of frusta through its points, its first attached at
// the end of its parent's last segment (parent_end 1), or, for the root and a child of the root at
// its start (parent_end 0), at the tree's root: Arbor joins every segment whose parent is mnpos at
// one point, the root section's start, as NEURON joins those children to root(0).
arb::segment_tree SegmentTree(const CellSpec& spec) {
  arb::segment_tree tree;
  std::vector<arb::msize_t> last(spec.sections.size(), arb::mnpos);
  for (size_t k = 0; k < spec.sections.size(); k++) {
    const CellSection& s = spec.sections[k];
    arb::msize_t parent = s.parent >= 0 && s.parent_end == 1 ? last[s.parent] : arb::mnpos;
    const size_t n = s.points.size() / 4;
    for (size_t i = 0; i + 1 < n; i++) {
      const double* a = &s.points[4 * i];
      const double* b = a + 4;
      parent = tree.append(parent, arb::mpoint{a[0], a[1], a[2], a[3] / 2}, arb::mpoint{b[0], b[1], b[2], b[3] / 2}, SectionTag(k));
    }
    last[k] = parent;
  }
  return tree;
}

// Where x (0..1) of section k lies: x of the way along it, by length (NEURON's arc length).
// (thingify is found by argument-dependent lookup: a friend of arb::locset.)
arb::mlocation SectionLocation(const arb::mprovider& provider, size_t k, double x) {
  const auto at = thingify(arb::ls::on_components(x, arb::reg::tagged(SectionTag(k))), provider);
  if (at.empty()) throw std::runtime_error("no location at x = " + std::to_string(x) + " of section " + std::to_string(k));
  return at.front();
}

// Where NEURON puts a point process or a recording at sec(x): the node of the segment that holds x,
// its centre (x = 0 and x = 1 are the section's ends, where NEURON has its zero-area nodes).
arb::mlocation NodeLocation(const arb::mprovider& provider, const CellSpec& spec, size_t k, double x) {
  if (x <= 0 || x >= 1) return SectionLocation(provider, k, x);
  const int32_t nseg = spec.sections[k].nseg;
  const int32_t j = std::min(static_cast<int32_t>(x * nseg), nseg - 1);
  return SectionLocation(provider, k, (j + 0.5) / nseg);
}

// A value as a derived mechanism's name spells it, exactly (Arbor reads it back with strtod).
std::string Exact(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", v);
  return buffer;
}

}  // namespace

CellRecipe::CellRecipe(const CellSpec& spec, const CellRunOptions& options)
    : spec_(spec), options_(options), morphology_(SegmentTree(spec)) {
  const arb::mprovider provider(morphology_);
  // Control volumes: boundaries at i / nseg (i = 0..nseg) of every section, so nseg equal-length CVs
  // per section whose midpoints are NEURON's segment centres. A boundary at a fork (a section's end
  // and its children's starts) makes a zero-area CV there: NEURON's zero-area node at the parent's
  // x = 1 (or the root's x = 0). Arbor drops the boundaries at the root and at terminals itself.
  arb::mlocation_list boundaries;
  for (size_t k = 0; k < spec.sections.size(); k++) {
    const int32_t nseg = spec.sections[k].nseg;
    for (int32_t i = 0; i <= nseg; i++) boundaries.push_back(SectionLocation(provider, k, static_cast<double>(i) / nseg));
  }
  std::sort(boundaries.begin(), boundaries.end());
  boundaries.erase(std::unique(boundaries.begin(), boundaries.end()), boundaries.end());
  policy_.emplace(arb::cv_policy_explicit(arb::locset(boundaries)));

  regions_.assign(spec.regions.size(), arb::reg::nil());
  region_used_.assign(spec.regions.size(), false);
  for (size_t k = 0; k < spec.sections.size(); k++) {
    const int32_t r = spec.sections[k].region;
    const arb::region section = arb::reg::tagged(SectionTag(k));
    regions_[r] = region_used_[r] ? arb::join(regions_[r], section) : section;
    region_used_[r] = true;
  }

  for (const CellProtocol& protocol : options.protocols) {
    std::vector<arb::mlocation> at;
    for (const CellStimulus& s : protocol.stimuli) at.push_back(NodeLocation(provider, spec, s.section, s.x));
    stimulus_at_.push_back(std::move(at));
    record_at_.push_back(NodeLocation(provider, spec, protocol.record_section, protocol.record_x));
  }

  const arb::mechanism_catalogue& catalogue = arb::global_default_catalogue();
  for (const CellMechanism& m : spec.mechanisms) {
    std::set<std::string> globals;
    for (const auto& [name, field] : catalogue[m.name].globals) globals.insert(name);
    globals_.push_back(std::move(globals));
  }

  properties_.default_parameters = arb::neuron_parameter_defaults;
}

arb::cell_size_type CellRecipe::num_cells() const {
  return static_cast<arb::cell_size_type>(options_.instances) * static_cast<arb::cell_size_type>(options_.protocols.size());
}

arb::util::unique_any CellRecipe::get_cell_description(arb::cell_gid_type gid) const {
  const size_t P = options_.protocols.size();
  const size_t instance = gid / P;
  const CellProtocol& protocol = options_.protocols[gid % P];

  // The description's values, then the instance's free ones on top.
  std::vector<double> cm = spec_.cm;
  std::vector<double> ra = spec_.ra;
  std::vector<std::map<std::string, double>> params(spec_.mechanisms.size());
  for (size_t m = 0; m < spec_.mechanisms.size(); m++) {
    for (const auto& [name, value] : spec_.mechanisms[m].params) params[m][name] = value;
  }
  const size_t F = options_.free.size();
  for (size_t j = 0; j < F; j++) {
    const CellFree& f = options_.free[j];
    const double value = options_.values[instance * F + j];
    if (f.mechanism.empty()) {
      (f.param == "cm" ? cm : ra)[f.region] = value;
      continue;
    }
    for (size_t m = 0; m < spec_.mechanisms.size(); m++) {
      if (spec_.mechanisms[m].region == f.region && spec_.mechanisms[m].name == f.mechanism) params[m][f.param] = value;
    }
  }

  arb::decor decor;
  decor.set_default(arb::init_membrane_potential{spec_.v_init * U::mV});
  decor.set_default(arb::temperature{(spec_.temperature + 273.15) * U::Kelvin});
  decor.set_default(arb::init_reversal_potential{"na", spec_.ena * U::mV});
  decor.set_default(arb::init_reversal_potential{"k", spec_.ek * U::mV});
  for (size_t r = 0; r < regions_.size(); r++) {
    if (!region_used_[r]) continue;
    // uF/cm2 = 1e-6 F / 1e-4 m2 = 0.01 F/m2
    decor.paint(regions_[r], arb::membrane_capacitance{cm[r] * 0.01 * U::F / U::m2});
    decor.paint(regions_[r], arb::axial_resistivity{ra[r] * U::Ohm * U::cm});
  }
  for (size_t m = 0; m < spec_.mechanisms.size(); m++) {
    const CellMechanism& mechanism = spec_.mechanisms[m];
    if (!region_used_[mechanism.region]) continue;
    // A parameter the mod file declares GLOBAL (pas's e) is not set per location in Arbor but names a
    // derived mechanism, "pas/e=-65": the same values give the same name, so one mechanism for them.
    std::string derived;
    for (const auto& [name, value] : params[m]) {
      if (globals_[m].count(name)) derived += (derived.empty() ? "/" : ",") + name + "=" + Exact(value);
    }
    arb::mechanism_desc desc(mechanism.name + derived);
    for (const auto& [name, value] : params[m]) {
      if (!globals_[m].count(name)) desc.set(name, value);
    }
    decor.paint(regions_[mechanism.region], arb::density(desc));
  }
  // Arbor takes a clamp's current at the start t of each step, NEURON (IClamp, fixed step) at its
  // midpoint t + dt/2: the box moved dt/2 earlier is on in exactly the steps NEURON's is, both for a
  // delay off the step grid and for one on it (where the step's start, a sum of steps, may round
  // either side of the delay).
  const double half_step = spec_.dt / 2;
  for (size_t s = 0; s < protocol.stimuli.size(); s++) {
    const CellStimulus& stimulus = protocol.stimuli[s];
    const auto clamp = arb::i_clamp::box((stimulus.delay - half_step) * U::ms, stimulus.duration * U::ms, stimulus.amplitude * U::nA);
    decor.place(arb::locset(stimulus_at_[gid % P][s]), clamp, "stimulus" + std::to_string(s));
  }
  return arb::cable_cell(morphology_, decor, {}, *policy_);
}

std::vector<arb::probe_info> CellRecipe::get_probes(arb::cell_gid_type gid) const {
  const arb::mlocation at = record_at_[gid % options_.protocols.size()];
  return {arb::probe_info{arb::cable_probe_membrane_voltage{arb::locset(at)}, "v"}};
}

}  // namespace l2l_arbor
