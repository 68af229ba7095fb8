#include "cell_spec.h"

#include <cmath>
#include <cstdio>

#include "../common/typed_fields.h"

namespace l2l_arbor {

namespace {

using l2l::Float64Field;
using l2l::NumberField;
using l2l::StringField;

// A number as an error message shows it.
std::string Show(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.10g", v);
  return buffer;
}

void Require(bool ok, Napi::Env env, const std::string& message) {
  if (!ok) throw Napi::RangeError::New(env, message);
}

Napi::Object ObjectOf(Napi::Value v, const std::string& where) {
  if (!v.IsObject() || v.IsArray()) throw Napi::TypeError::New(v.Env(), where + ": expected an object");
  return v.As<Napi::Object>();
}

Napi::Array ArrayField(const Napi::Object& o, const char* key, const std::string& where) {
  Napi::Value v = o.Get(key);
  if (!v.IsArray()) throw Napi::TypeError::New(o.Env(), where + "." + key + ": expected an array");
  return v.As<Napi::Array>();
}

double FiniteField(const Napi::Object& o, const char* key, const std::string& where) {
  const double v = NumberField(o, key, where);
  Require(std::isfinite(v), o.Env(), where + "." + key + ": expected a finite number, got " + Show(v));
  return v;
}

int32_t IntegerField(const Napi::Object& o, const char* key, const std::string& where) {
  const double v = NumberField(o, key, where);
  Require(std::floor(v) == v && std::fabs(v) < 2147483648.0, o.Env(), where + "." + key + ": expected an integer, got " + Show(v));
  return static_cast<int32_t>(v);
}

// An index into a list of `count` things (sections, regions), as field `key`.
int32_t IndexField(const Napi::Object& o, const char* key, const std::string& where, size_t count, const char* what) {
  const int32_t i = IntegerField(o, key, where);
  Require(i >= 0 && static_cast<size_t>(i) < count, o.Env(), where + "." + key + ": expected " + what + " index 0.." + std::to_string(static_cast<int64_t>(count) - 1) + ", got " + std::to_string(i));
  return i;
}

// A Float64Array of one positive value per region.
std::vector<double> PerRegion(const Napi::Object& o, const char* key, const std::string& where, size_t regions) {
  auto a = Float64Field(o, key, where);
  Require(a.ElementLength() == regions, o.Env(), where + "." + key + ": expected one value per region (" + std::to_string(regions) + "), got " + std::to_string(a.ElementLength()));
  auto values = l2l::Copy<double>(a);
  for (size_t r = 0; r < regions; r++) {
    Require(std::isfinite(values[r]) && values[r] > 0, o.Env(), where + "." + key + "[" + std::to_string(r) + "]: expected a positive number, got " + Show(values[r]));
  }
  return values;
}

CellSection ReadSection(Napi::Value value, size_t k, size_t regions) {
  const std::string where = "spec.sections[" + std::to_string(k) + "]";
  const auto o = ObjectOf(value, where);
  const Napi::Env env = o.Env();
  CellSection s;
  s.name = StringField(o, "name", where);
  s.region = IndexField(o, "region", where, regions, "a region");
  s.parent = IntegerField(o, "parent", where);
  if (k == 0) {
    Require(s.parent == -1, env, where + ".parent: the first section is the root, expected -1, got " + std::to_string(s.parent));
  } else {
    Require(s.parent >= 0 && static_cast<size_t>(s.parent) < k, env, where + ".parent: expected an earlier section (0.." + std::to_string(k - 1) + "), got " + std::to_string(s.parent));
  }
  const Napi::Value end = o.Get("parent_end");
  s.parent_end = end.IsUndefined() ? 1 : IntegerField(o, "parent_end", where);
  Require(s.parent_end == 0 || s.parent_end == 1, env, where + ".parent_end: expected 0 or 1, got " + std::to_string(s.parent_end));
  Require(s.parent_end == 1 || k == 0 || s.parent == 0, env, where + ".parent_end: 0 (the parent's start) is only for children of the root section");
  s.points = l2l::Copy<double>(Float64Field(o, "points", where));
  const size_t n = s.points.size() / 4;
  Require(s.points.size() % 4 == 0 && n >= 2, env, where + ".points: expected n x 4 values (x, y, z, diameter) with n >= 2, got " + std::to_string(s.points.size()) + " values");
  double length = 0;
  for (size_t i = 0; i < n; i++) {
    const double* p = &s.points[4 * i];
    Require(std::isfinite(p[0]) && std::isfinite(p[1]) && std::isfinite(p[2]), env, where + ".points: point " + std::to_string(i) + " is not finite");
    Require(std::isfinite(p[3]) && p[3] > 0, env, where + ".points: point " + std::to_string(i) + " has diameter " + Show(p[3]) + ", expected > 0");
    if (i > 0) length += std::hypot(p[0] - p[-4], p[1] - p[-3], p[2] - p[-2]);
  }
  Require(length > 0, env, where + ".points: the section has length 0");
  s.nseg = IntegerField(o, "nseg", where);
  Require(s.nseg >= 1, env, where + ".nseg: expected an integer >= 1, got " + std::to_string(s.nseg));
  return s;
}

CellMechanism ReadMechanism(Napi::Value value, size_t k, size_t regions) {
  const std::string where = "spec.mechanisms[" + std::to_string(k) + "]";
  const auto o = ObjectOf(value, where);
  CellMechanism m;
  m.region = IndexField(o, "region", where, regions, "a region");
  m.name = StringField(o, "name", where);
  Require(!m.name.empty(), o.Env(), where + ".name: expected a mechanism's name, got ''");
  const auto params = ObjectOf(o.Get("params"), where + ".params");
  const auto keys = params.GetPropertyNames();
  for (uint32_t j = 0; j < keys.Length(); j++) {
    const std::string key = keys.Get(j).As<Napi::String>().Utf8Value();
    m.params.emplace_back(key, FiniteField(params, key.c_str(), where + ".params"));
  }
  return m;
}

CellStimulus ReadStimulus(Napi::Value value, const std::string& where, size_t sections) {
  const auto o = ObjectOf(value, where);
  CellStimulus s;
  s.section = IndexField(o, "section", where, sections, "a section");
  s.x = FiniteField(o, "x", where);
  Require(s.x >= 0 && s.x <= 1, o.Env(), where + ".x: expected a position 0..1, got " + Show(s.x));
  s.delay = FiniteField(o, "delay", where);
  s.duration = FiniteField(o, "duration", where);
  s.amplitude = FiniteField(o, "amplitude", where);
  Require(s.delay >= 0, o.Env(), where + ".delay: expected >= 0, got " + Show(s.delay));
  Require(s.duration >= 0, o.Env(), where + ".duration: expected >= 0, got " + Show(s.duration));
  return s;
}

}  // namespace

CellSpec ReadCellSpec(Napi::Value value) {
  const std::string where = "spec";
  if (!value.IsObject() || value.IsArray()) throw Napi::TypeError::New(value.Env(), "run(spec, options, control?): spec: expected an object");
  const auto o = value.As<Napi::Object>();
  const Napi::Env env = o.Env();
  CellSpec spec;
  const auto regions = ArrayField(o, "regions", where);
  Require(regions.Length() >= 1, env, "spec.regions: expected at least one region");
  for (uint32_t r = 0; r < regions.Length(); r++) {
    const Napi::Value name = regions.Get(r);
    if (!name.IsString()) throw Napi::TypeError::New(env, "spec.regions[" + std::to_string(r) + "]: expected a string");
    spec.regions.push_back(name.As<Napi::String>().Utf8Value());
  }
  const size_t R = spec.regions.size();
  spec.cm = PerRegion(o, "cm", where, R);
  spec.ra = PerRegion(o, "ra", where, R);
  const auto sections = ArrayField(o, "sections", where);
  Require(sections.Length() >= 1, env, "spec.sections: expected at least one section");
  for (uint32_t k = 0; k < sections.Length(); k++) spec.sections.push_back(ReadSection(sections.Get(k), k, R));
  const auto mechanisms = ArrayField(o, "mechanisms", where);
  for (uint32_t k = 0; k < mechanisms.Length(); k++) spec.mechanisms.push_back(ReadMechanism(mechanisms.Get(k), k, R));
  spec.ena = FiniteField(o, "ena", where);
  spec.ek = FiniteField(o, "ek", where);
  spec.temperature = FiniteField(o, "temperature", where);
  Require(spec.temperature > -273.15, env, "spec.temperature: expected degrees Celsius above absolute zero, got " + Show(spec.temperature));
  spec.v_init = FiniteField(o, "v_init", where);
  spec.dt = FiniteField(o, "dt", where);
  Require(spec.dt > 0, env, "spec.dt: expected a time step > 0, got " + Show(spec.dt));
  return spec;
}

CellRunOptions ReadRunOptions(Napi::Value value, const CellSpec& spec) {
  const std::string where = "options";
  if (!value.IsObject() || value.IsArray()) throw Napi::TypeError::New(value.Env(), "run(spec, options, control?): options: expected an object");
  const auto o = value.As<Napi::Object>();
  const Napi::Env env = o.Env();
  const size_t R = spec.regions.size();
  const size_t S = spec.sections.size();
  CellRunOptions options;
  options.instances = IntegerField(o, "instances", where);
  Require(options.instances >= 1, env, "options.instances: expected an integer >= 1, got " + std::to_string(options.instances));

  const auto free = ArrayField(o, "free", where);
  for (uint32_t j = 0; j < free.Length(); j++) {
    const std::string fw = "options.free[" + std::to_string(j) + "]";
    const auto f = ObjectOf(free.Get(j), fw);
    CellFree entry;
    entry.region = IndexField(f, "region", fw, R, "a region");
    const Napi::Value mechanism = f.Get("mechanism");
    if (!mechanism.IsNull() && !mechanism.IsUndefined()) entry.mechanism = StringField(f, "mechanism", fw);
    entry.param = StringField(f, "param", fw);
    const std::string region = "region '" + spec.regions[entry.region] + "'";
    if (entry.mechanism.empty()) {
      Require(entry.param == "cm" || entry.param == "ra", env, fw + ".param: the membrane's own parameters are 'cm' and 'ra', got '" + entry.param + "'");
    } else {
      bool painted = false;
      for (const auto& m : spec.mechanisms) painted = painted || (m.region == entry.region && m.name == entry.mechanism);
      Require(painted, env, fw + ".mechanism: spec.mechanisms paints no '" + entry.mechanism + "' on " + region);
    }
    options.free.push_back(entry);
  }
  const size_t F = options.free.size();
  options.values = l2l::Copy<double>(Float64Field(o, "values", where));
  Require(options.values.size() == static_cast<size_t>(options.instances) * F, env, "options.values: expected instances x free.length = " + std::to_string(static_cast<size_t>(options.instances) * F) + " values, got " + std::to_string(options.values.size()));
  for (size_t i = 0; i < options.values.size(); i++) {
    const CellFree& f = options.free[i % F];
    const double v = options.values[i];
    Require(std::isfinite(v), env, "options.values[" + std::to_string(i) + "]: expected a finite number, got " + Show(v));
    Require(!f.mechanism.empty() || v > 0, env, "options.values[" + std::to_string(i) + "]: " + f.param + " must be positive, got " + Show(v));
  }

  options.sample_every = IntegerField(o, "sample_every", where);
  Require(options.sample_every >= 1, env, "options.sample_every: expected an integer >= 1, got " + std::to_string(options.sample_every));
  options.threads = IntegerField(o, "threads", where);
  Require(options.threads >= 1, env, "options.threads: expected an integer >= 1, got " + std::to_string(options.threads));

  const auto protocols = ArrayField(o, "protocols", where);
  Require(protocols.Length() >= 1, env, "options.protocols: expected at least one protocol");
  Require(static_cast<int64_t>(options.instances) * protocols.Length() < (int64_t{1} << 31), env, "options: instances x protocols must stay below 2^31 cells");
  const double sample_dt = options.sample_every * spec.dt;
  int64_t samples = 0;
  for (uint32_t p = 0; p < protocols.Length(); p++) {
    const std::string pw = "options.protocols[" + std::to_string(p) + "]";
    const auto po = ObjectOf(protocols.Get(p), pw);
    CellProtocol protocol;
    protocol.tstop = FiniteField(po, "tstop", pw);
    Require(protocol.tstop > 0, env, pw + ".tstop: expected a time > 0, got " + Show(protocol.tstop));
    const auto stimuli = ArrayField(po, "stimuli", pw);
    for (uint32_t s = 0; s < stimuli.Length(); s++) {
      protocol.stimuli.push_back(ReadStimulus(stimuli.Get(s), pw + ".stimuli[" + std::to_string(s) + "]", S));
    }
    const std::string rw = pw + ".record";
    const auto record = ObjectOf(po.Get("record"), rw);
    protocol.record_section = IndexField(record, "section", rw, S, "a section");
    protocol.record_x = FiniteField(record, "x", rw);
    Require(protocol.record_x >= 0 && protocol.record_x <= 1, env, rw + ".x: expected a position 0..1, got " + Show(protocol.record_x));
    // As python/l2l_cell.py counts them (the tolerance keeps tstop = K sample_every dt at K + 1 samples).
    protocol.samples = static_cast<int64_t>(std::floor(protocol.tstop / sample_dt + 1e-9)) + 1;
    samples += protocol.samples;
    options.protocols.push_back(std::move(protocol));
  }
  Require(static_cast<double>(samples) * options.instances < 1e9, env, "options: the traces would hold more than 1e9 samples");
  return options;
}

}  // namespace l2l_arbor
