// The Arbor recipe of one run: instances x protocols copies of the cell, gid = instance * protocols +
// protocol, each a cable cell with the instance's parameter values, the protocol's current clamps and
// one voltage probe. The morphology, the control volumes and the stimulus and probe locations are the
// same for every copy and are worked out once, here; cell_simulation.cc has the conventions.
#pragma once

#include <arbor/cable_cell.hpp>
#include <arbor/cv_policy.hpp>
#include <arbor/morph/morphology.hpp>
#include <arbor/morph/primitives.hpp>
#include <arbor/morph/region.hpp>
#include <arbor/recipe.hpp>

#include <any>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cell_spec.h"

namespace l2l_arbor {

class CellRecipe : public arb::recipe {
 public:
  // Keeps references to `spec` and `options`, which must outlive it.
  CellRecipe(const CellSpec& spec, const CellRunOptions& options);

  arb::cell_size_type num_cells() const override;
  arb::cell_kind get_cell_kind(arb::cell_gid_type) const override { return arb::cell_kind::cable; }
  arb::util::unique_any get_cell_description(arb::cell_gid_type gid) const override;
  std::vector<arb::probe_info> get_probes(arb::cell_gid_type gid) const override;
  std::any get_global_properties(arb::cell_kind) const override { return properties_; }

 private:
  const CellSpec& spec_;
  const CellRunOptions& options_;
  arb::morphology morphology_;
  std::vector<arb::region> regions_;            // per spec region: its sections, joined
  std::vector<bool> region_used_;               // whether any section is in it
  std::optional<arb::cv_policy> policy_;        // explicit CV boundaries at i / nseg of every section
  std::vector<std::vector<arb::mlocation>> stimulus_at_;  // per protocol, per stimulus
  std::vector<arb::mlocation> record_at_;       // per protocol
  std::vector<std::set<std::string>> globals_;   // per spec mechanism: its GLOBAL parameters
  arb::cable_cell_global_properties properties_;
};

}  // namespace l2l_arbor
