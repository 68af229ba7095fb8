// What one call runs (RunSpec: read and checked on the JS thread by RunCall) and where it writes
// (RunOutput: the memory of typed arrays RunCall made on the JS thread, kept alive for the call).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "brain.h"
#include "snn_brain.h"

namespace l2l_ants {

struct RunSpec {
  int32_t instances = 1;  // colonies
  int64_t ticks = 0;
  int32_t population = 125;
  int32_t max_pxcor = 35;
  int32_t threads = 1;
  BrainKind brain = BrainKind::kNetlogo;
  std::vector<uint64_t> seeds;             // per colony
  std::vector<double> diffusion_rate;      // per colony, percent
  std::vector<double> evaporation_rate;    // per colony, percent
  const double* initial_chemical = nullptr;  // patches values (stride 0) or instances x patches
  int64_t initial_chemical_stride = 0;
  // kSnn: the genomes' networks; colony i uses networks[i / (instances / networks.size())] (the
  // colonies of one genome consecutive)
  std::vector<std::shared_ptr<const l2l_snn::NetworkSpec>> networks;
  SnnParams snn;
};

// Arrays by colony, colony-major; a null pointer is a record not asked for.
struct RunOutput {
  uint8_t* finished = nullptr;      // instances
  int32_t* ticks_done = nullptr;    // instances
  int32_t* returned = nullptr;      // instances
  int32_t* picked = nullptr;        // instances
  int32_t* food_initial = nullptr;  // instances x 3
  int32_t* food_left = nullptr;     // instances x 3
  // record.returned: the food returned by the end of each tick (instances x ticks)
  int32_t* returned_trace = nullptr;
  // record.food: the food left at each source by the end of each tick (instances x ticks x 3)
  int32_t* food_trace = nullptr;
  // record.ants: every ant at the end of each tick (instances x ticks x population)
  double* ants_x = nullptr;
  double* ants_y = nullptr;
  uint8_t* ants_carrying = nullptr;
  // record.final: the state at the end (patches: instances x patches; ants: instances x population)
  double* final_chemical = nullptr;
  int32_t* final_food = nullptr;
  double* final_x = nullptr;
  double* final_y = nullptr;
  double* final_heading = nullptr;
  uint8_t* final_carrying = nullptr;
};

}  // namespace l2l_ants
