#include "propagators.h"

#include <cmath>

namespace l2l_snn {

namespace {

// e^{-h/tau_m} (e^{a h} - 1) / a: the integral over [0, h] of e^{-(h - s)/tau_m} e^{-s/tau_s} ds.
double ExpConvolution(double h, double tau_m, double a) {
  const double x = a * h;
  if (std::fabs(x) < 1e-6) {
    // (e^x - 1)/a = h (1 + x/2 + x^2/6 + ...): the series is exact to rounding here
    return std::exp(-h / tau_m) * h * (1.0 + x / 2.0 + x * x / 6.0);
  }
  return std::exp(-h / tau_m) * std::expm1(x) / a;
}

// e^{-h/tau_m} [e^{a h} (h/a - 1/a^2) + 1/a^2]: the integral over [0, h] of e^{-(h - s)/tau_m} s e^{-s/tau_s} ds.
double AlphaConvolution(double h, double tau_m, double a) {
  const double x = a * h;
  if (std::fabs(x) < 1e-4) {
    // h^2 (1/2 + x/3 + x^2/8 + x^3/30): the series of (e^x (x - 1) + 1) / x^2
    return std::exp(-h / tau_m) * h * h * (0.5 + x / 3.0 + x * x / 8.0 + x * x * x / 30.0);
  }
  // (e^x (x - 1) + 1) / a^2 = (x e^x - expm1(x)) / a^2
  return std::exp(-h / tau_m) * (x * std::exp(x) - std::expm1(x)) / (a * a);
}

}  // namespace

Propagators ExpPropagators(double h, double tau_m, double tau_s, double c) {
  const double a = 1.0 / tau_m - 1.0 / tau_s;
  Propagators p{};
  p.mm = std::exp(-h / tau_m);
  p.ie = -tau_m / c * std::expm1(-h / tau_m);
  p.ss = std::exp(-h / tau_s);
  p.sm = ExpConvolution(h, tau_m, a) / c;
  p.js = 0;
  p.jm = 0;
  p.jump = 1.0;
  return p;
}

Propagators AlphaPropagators(double h, double tau_m, double tau_s, double c) {
  const double a = 1.0 / tau_m - 1.0 / tau_s;
  Propagators p = ExpPropagators(h, tau_m, tau_s, c);
  p.js = h * std::exp(-h / tau_s);
  p.jm = AlphaConvolution(h, tau_m, a) / c;
  p.jump = std::exp(1.0) / tau_s;
  return p;
}

}  // namespace l2l_snn
