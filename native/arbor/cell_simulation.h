// The cell kernel: every (instance, protocol) pair of a run simulated as one cable cell of one Arbor
// recipe, on a worker thread (no Napi here). cell_simulation.cc states what is simulated and how it
// corresponds to NEURON's (python/l2l_cell.py).
#pragma once

#include <cstdint>
#include <vector>

#include "../common/call_control.h"
#include "cell_spec.h"

namespace l2l_arbor {

struct CellRunOutput {
  // Per instance, per protocol, that protocol's samples of the recorded voltage (mV) at
  // t = k sample_every dt, k = 0 .. samples - 1 (NaN where a cancel stopped the run first).
  std::vector<double> traces;
  // Per instance: 1 when simulated to the end.
  std::vector<uint8_t> finished;
};

// Runs the cells to the longest protocol's last sample, in chunks, stopping between chunks when
// `control` says so (all instances then stay unfinished). Throws std::runtime_error with a one-line
// reason when Arbor refuses the cell (an unknown mechanism or parameter, a failed integration).
void SimulateCells(const CellSpec& spec, const CellRunOptions& options, l2l::CallControl& control, CellRunOutput& out);

}  // namespace l2l_arbor
