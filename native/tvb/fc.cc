// The functional connectivity of each finished instance of a call (RunSpec::fc_from): computed after
// the run, on the call's threads, so that an optimizee fitting FC does not compute it on its JS thread.
#include <algorithm>
#include <cmath>
#include <thread>
#include <vector>

#include "simulation.h"

namespace l2l_tvb {

namespace {

// The FC of instance p's first recorded variable over samples [from, samples), as
// src/optimizees/tvb/fc.ts functionalConnectivity computes it, loop for loop in float64 (the same
// numbers, bit for bit: this file is compiled with -ffp-contract=off): the means, the upper triangle of
// the sums of products of deviations, sd_i = sqrt(cov_ii), flat where sd_i / sqrt(n) is not above
// flat x max(1, |mean_i|), r_ij = cov_ij / (sd_i sd_j), 1 on the diagonal.
void InstanceFc(const RunSpec& run, RunOutput& out, int32_t p, std::vector<double>& cov, std::vector<double>& d, std::vector<double>& mean) {
  const int64_t N = run.nodes, S = out.samples, from = run.fc_from, nobs = static_cast<int64_t>(run.record_state.size());
  const double* series = out.observed.data() + static_cast<size_t>(p) * S * nobs * N;  // sample k, region i: series[k * nobs * N + i]
  const double n = static_cast<double>(S - from);
  std::fill(mean.begin(), mean.end(), 0.0);
  for (int64_t k = from; k < S; k++) for (int64_t i = 0; i < N; i++) mean[i] += series[k * nobs * N + i];
  for (int64_t i = 0; i < N; i++) mean[i] /= n;
  std::fill(cov.begin(), cov.end(), 0.0);
  for (int64_t k = from; k < S; k++) {
    for (int64_t i = 0; i < N; i++) d[i] = series[k * nobs * N + i] - mean[i];
    for (int64_t i = 0; i < N; i++) {
      const double di = d[i];
      double* row = cov.data() + i * N;
      for (int64_t j = i; j < N; j++) row[j] += di * d[j];
    }
  }
  double* fc = out.fc.data() + static_cast<size_t>(p) * N * N;
  uint8_t* flat = out.flat.data() + static_cast<size_t>(p) * N;
  for (int64_t i = 0; i < N; i++) {
    const double sd = std::sqrt(cov[i * N + i]);
    flat[i] = sd / std::sqrt(n) > run.fc_flat * std::max(1.0, std::fabs(mean[i])) ? 0 : 1;
  }
  for (int64_t i = 0; i < N; i++) {
    for (int64_t j = i; j < N; j++) {
      const double r = i == j ? 1.0 : cov[i * N + j] / (std::sqrt(cov[i * N + i]) * std::sqrt(cov[j * N + j]));
      fc[i * N + j] = fc[j * N + i] = r;
    }
  }
}

}  // namespace

void FunctionalConnectivity(const RunSpec& run, RunOutput& out) {
  const int64_t N = run.nodes;
  out.fc.assign(static_cast<size_t>(run.instances) * N * N, 0.0);
  out.flat.assign(static_cast<size_t>(run.instances) * N, 0);
  if (run.record_state.empty() || out.samples - run.fc_from < 1) return;
  const int32_t threads = std::max(1, std::min(run.threads, run.instances));
  auto work = [&](int32_t t) {
    std::vector<double> cov(static_cast<size_t>(N * N)), d(N), mean(N);
    for (int32_t p = t; p < run.instances; p += threads) {
      if (out.finished[p]) InstanceFc(run, out, p, cov, d, mean);
    }
  };
  std::vector<std::thread> pool;
  for (int32_t t = 1; t < threads; t++) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
}

}  // namespace l2l_tvb
