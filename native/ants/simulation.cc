#include "simulation.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace l2l_ants {

namespace {

// How often a colony publishes its progress, in ticks.
constexpr int64_t kReportEvery = 64;

}  // namespace

Simulation::Simulation(const RunSpec& run, const RunOutput& out) : run_(run), out_(out) {}

void Simulation::Run(l2l::CallControl& control) {
  const int32_t n = run_.instances;
  control.SetTotal(static_cast<double>(n) * static_cast<double>(run_.ticks));
  std::atomic<int32_t> next{0};
  std::atomic<bool> stopped{false};
  auto worker = [&]() {
    Colony colony(run_.max_pxcor);
    for (int32_t i = next.fetch_add(1); i < n && !stopped.load(std::memory_order_relaxed); i = next.fetch_add(1)) {
      if (!RunColony(colony, i, control)) stopped.store(true, std::memory_order_relaxed);
    }
  };
  const int threads = std::max(1, std::min(run_.threads, n));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; t++) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
}

bool Simulation::RunColony(Colony& colony, int32_t i, l2l::CallControl& control) {
  ColonyParams p;
  p.population = run_.population;
  p.diffusion_rate = run_.diffusion_rate[i];
  p.evaporation_rate = run_.evaporation_rate[i];
  p.seed = run_.seeds[i];
  p.brain = run_.brain;
  p.initial_chemical = run_.initial_chemical ? run_.initial_chemical + run_.initial_chemical_stride * i : nullptr;
  if (run_.brain == BrainKind::kSnn) {
    const int32_t per_genome = run_.instances / static_cast<int32_t>(run_.networks.size());
    p.network = run_.networks[i / per_genome];
    p.snn = run_.snn;
  }
  colony.Setup(p);
  for (int32_t s = 1; s <= 3; s++) out_.food_initial[3 * i + s - 1] = colony.world().initial_food(s);
  int64_t unreported = 0;
  bool finished = true;
  for (int64_t k = 0; k < run_.ticks; k++) {
    if (control.Cancelled()) {
      finished = false;
      break;
    }
    colony.Tick();
    RecordTick(colony, i, k);
    if (++unreported == kReportEvery) {
      control.Add(static_cast<uint64_t>(unreported));
      unreported = 0;
    }
  }
  if (unreported > 0) control.Add(static_cast<uint64_t>(unreported));
  RecordEnd(colony, i);
  out_.finished[i] = finished ? 1 : 0;
  return finished;
}

void Simulation::RecordTick(const Colony& colony, int32_t i, int64_t tick) {
  const int64_t at = static_cast<int64_t>(i) * run_.ticks + tick;
  if (out_.returned_trace) out_.returned_trace[at] = colony.returned();
  if (out_.food_trace) {
    for (int32_t s = 1; s <= 3; s++) out_.food_trace[3 * at + s - 1] = colony.food_left(s);
  }
  if (out_.ants_x) {
    const int32_t n = colony.population();
    const int64_t base = at * n;
    std::copy(colony.x(), colony.x() + n, out_.ants_x + base);
    std::copy(colony.y(), colony.y() + n, out_.ants_y + base);
    std::copy(colony.carrying(), colony.carrying() + n, out_.ants_carrying + base);
  }
}

void Simulation::RecordEnd(const Colony& colony, int32_t i) {
  out_.ticks_done[i] = static_cast<int32_t>(colony.ticks());
  out_.returned[i] = colony.returned();
  out_.picked[i] = colony.picked();
  for (int32_t s = 1; s <= 3; s++) out_.food_left[3 * i + s - 1] = colony.food_left(s);
  if (out_.final_chemical) {
    const World& w = colony.world();
    const int64_t patches = w.patches();
    std::copy(w.chemical(), w.chemical() + patches, out_.final_chemical + i * patches);
    std::copy(w.food(), w.food() + patches, out_.final_food + i * patches);
    const int32_t n = colony.population();
    const int64_t base = static_cast<int64_t>(i) * n;
    std::copy(colony.x(), colony.x() + n, out_.final_x + base);
    std::copy(colony.y(), colony.y() + n, out_.final_y + base);
    std::copy(colony.heading(), colony.heading() + n, out_.final_heading + base);
    std::copy(colony.carrying(), colony.carrying() + n, out_.final_carrying + base);
  }
}

}  // namespace l2l_ants
