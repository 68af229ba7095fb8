// The options a run (run_call.h) and a set of colonies stepped from JS (colonies.h) share, read and
// checked on the JS thread: TypeError for a wrong type, RangeError for a wrong value, each naming its
// field (options.<key>).
#pragma once

#include <napi.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "run_spec.h"

namespace l2l_ants {

inline const char* const kWhere = "options";

bool Given(const Napi::Object& o, const char* key);
// An integer option in [lo, hi]: TypeError when not a number, RangeError when out of range or fractional.
int64_t IntegerField(const Napi::Object& o, const char* key, int64_t lo, int64_t hi, const std::string& where = kWhere);
// A rate (percent, in [0, 100]) for all colonies (a number) or each (a Float64Array of instances).
std::vector<double> RateField(const Napi::Object& o, const char* key, double fallback, int32_t instances);
// options.snn's drive (input_current, weight_scale, steps_per_tick, heartbeat_every, turn, deposit, wiggle).
void ReadSnnDrive(const Napi::Object& o, SnnParams& p);
// brain 'snn': options.snn (the genomes, checked, made networks; how a tick drives them).
void ReadSnn(const Napi::Object& o, RunSpec& run);
// The colonies: instances, ticks, population, max_pxcor, threads, brain (and snn), seeds, the rates,
// initial_chemical (whose array `keep` is given, to hold it for as long as the colonies read it).
// `stepped`: colonies stepped from JS (colonies.h): no ticks, the brains outside (kExternal), and
// options.snn only for how the motors move the ants.
void ReadColonyOptions(const Napi::Object& o, RunSpec& run, const std::function<void(Napi::Value)>& keep, bool stepped = false);

}  // namespace l2l_ants
