// The Arbor side of a build with Arbor: its version, its default catalogue, and run() as a long call.
#include "arbor_backend.h"

#include <arbor/mechcat.hpp>
#include <arbor/version.hpp>

#include <algorithm>

#include "run_call.h"

namespace l2l_arbor {

BackendStatus Status() {
  BackendStatus s;
  s.built = true;
  s.version = arb::version;
  return s;
}

std::vector<std::pair<std::string, std::vector<std::string>>> DensityMechanisms() {
  const arb::mechanism_catalogue& catalogue = arb::global_default_catalogue();
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  auto names = catalogue.mechanism_names();
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    const arb::mechanism_info info = catalogue[name];
    if (info.kind != arb_mechanism_kind_density) continue;
    std::vector<std::string> params;
    // Its GLOBALs too (pas's e): run() sets them as it sets the rest (cell_recipe.cc).
    for (const auto& [param, field] : info.parameters) params.push_back(param);
    for (const auto& [param, field] : info.globals) params.push_back(param);
    std::sort(params.begin(), params.end());
    out.emplace_back(name, std::move(params));
  }
  return out;
}

Napi::Value Run(const Napi::CallbackInfo& info, Napi::Function error_class) {
  auto* call = new RunCall(info, error_class);
  return call->Start();
}

}  // namespace l2l_arbor
