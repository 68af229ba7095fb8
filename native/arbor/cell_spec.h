// The cell and the run as JS describes them (src/native/arbor.ts: CellSpec, CellRunOptions), read on
// the JS thread into plain C++ values that the worker thread can use without Node. Every field is
// checked here, each error naming it: a Napi::TypeError for a value of the wrong type, a
// Napi::RangeError for one out of range. What only Arbor knows (its mechanisms and their parameters)
// is checked by the kernel (cell_simulation.h).
//
// Units are the experiment file's (NEURON's): um, ms, mV, nA, uF/cm2, ohm cm, S/cm2, degrees C.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace l2l_arbor {

// An unbranched section: a chain of frusta through its points.
struct CellSection {
  std::string name;
  int32_t region = 0;
  int32_t parent = -1;     // -1 for the root (section 0), else an earlier section
  int32_t parent_end = 1;  // 1: at the parent's end; 0: at the root's start (children of the root only)
  std::vector<double> points;  // n x 4 (x, y, z, diameter), n >= 2, from where it attaches
  int32_t nseg = 1;
};

// A density mechanism painted on every section of a region, with its parameters' values.
struct CellMechanism {
  int32_t region = 0;
  std::string name;
  std::vector<std::pair<std::string, double>> params;
};

struct CellSpec {
  std::vector<CellSection> sections;
  std::vector<std::string> regions;
  std::vector<double> cm;  // per region, uF/cm2
  std::vector<double> ra;  // per region, ohm cm
  std::vector<CellMechanism> mechanisms;
  double ena = 0, ek = 0;   // mV
  double temperature = 0;   // degrees C
  double v_init = 0;        // mV
  double dt = 0;            // ms
};

// One property an individual sets on every section of a region: a mechanism's parameter, or (with
// an empty mechanism) the membrane's "cm" or "ra".
struct CellFree {
  int32_t region = 0;
  std::string mechanism;
  std::string param;
};

struct CellStimulus {
  int32_t section = 0;
  double x = 0.5;
  double delay = 0, duration = 0, amplitude = 0;  // ms, ms, nA
};

struct CellProtocol {
  double tstop = 0;
  std::vector<CellStimulus> stimuli;
  int32_t record_section = 0;
  double record_x = 0.5;
  int64_t samples = 0;  // floor(tstop / (sample_every dt)) + 1, the first at t = 0
};

struct CellRunOptions {
  int32_t instances = 1;
  std::vector<CellFree> free;
  std::vector<double> values;  // instances x free.size(), row-major
  std::vector<CellProtocol> protocols;
  int32_t sample_every = 1;
  int32_t threads = 1;
};

// Reads and checks run()'s first argument.
CellSpec ReadCellSpec(Napi::Value value);

// Reads and checks run()'s second argument against the cell it runs.
CellRunOptions ReadRunOptions(Napi::Value value, const CellSpec& spec);

}  // namespace l2l_arbor
