#include "simulation.h"

#include "instance_state.h"
#include "update_kernels.h"
#include "../common/counter_rng.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace l2l_snn {

namespace {

// A counter-based uniform in [0, 1) from (seed, trial, source, event): the same draw whatever thread
// makes it, and in whatever order.
inline double Uniform(uint64_t seed, uint64_t trial, uint64_t source, uint64_t event) { return l2l::CounterUniform(seed, trial, source, event); }

// A barrier for a fixed set of threads: it spins for a while (a step of a large network takes
// microseconds, and the other threads are usually almost there), then sleeps on a condition variable,
// so that threads waiting on a loaded machine (ranks may outnumber cores) do not steal the cores the
// late ones need. The last to arrive touches the mutex only when someone sleeps.
class SpinBarrier {
 public:
  // About a hundred microseconds of polling (a pause is some tens of cycles): longer than a step of
  // the networks worth splitting, shorter than a time slice on a machine with more threads than cores.
  static constexpr int kSpins = 20000;

  explicit SpinBarrier(int n) : n_(n) {}

  void Wait() {
    const int gen = generation_.load(std::memory_order_acquire);
    if (count_.fetch_add(1, std::memory_order_acq_rel) == n_ - 1) {
      count_.store(0, std::memory_order_relaxed);
      generation_.store(gen + 1, std::memory_order_seq_cst);
      if (sleepers_.load(std::memory_order_seq_cst) > 0) {
        std::lock_guard<std::mutex> lock(mutex_);
        cv_.notify_all();
      }
      return;
    }
    for (int spins = 0; spins < kSpins; spins++) {
      if (generation_.load(std::memory_order_acquire) != gen) return;
      __builtin_ia32_pause();
    }
    std::unique_lock<std::mutex> lock(mutex_);
    sleepers_.fetch_add(1, std::memory_order_seq_cst);
    cv_.wait(lock, [&] { return generation_.load(std::memory_order_seq_cst) != gen; });
    sleepers_.fetch_sub(1, std::memory_order_relaxed);
  }

 private:
  const int n_;
  alignas(64) std::atomic<int> count_{0};
  alignas(64) std::atomic<int> generation_{0};
  alignas(64) std::atomic<int> sleepers_{0};
  std::mutex mutex_;
  std::condition_variable cv_;
};

// How often progress is published and a cancel looked at, in steps.
constexpr int64_t kCheckEvery = 64;

}  // namespace

// The external inputs of one trial of one instance into neurons [lo, hi), step by step: step currents
// (changes of the constant drive), listed spikes and Poisson sources. A source's events are drawn in
// windows of kWindow steps (exponential gaps, from the instance's seed, the trial and the source: the
// same whichever thread draws them) and sorted into the window's steps, sources in order within a step.
class InputFeed {
 public:
  static constexpr int64_t kWindow = 256;

  InputFeed(const RunSpec& run, int32_t instance, int32_t trial, int32_t lo, int32_t hi, double dt)
      : run_(run), seed_(run.seeds[instance]), trial_(static_cast<uint64_t>(trial)) {
    const auto& sp = run.spikes;
    for (size_t k = 0; k < sp.step.size(); k++) {
      if ((sp.instance[k] == -1 || sp.instance[k] == instance) && sp.target[k] >= lo && sp.target[k] < hi) spikes_.push_back(k);
    }
    std::stable_sort(spikes_.begin(), spikes_.end(), [&sp](size_t a, size_t b) { return sp.step[a] < sp.step[b]; });
    const auto& c = run.currents;
    for (size_t k = 0; k < c.target.size(); k++) {
      if ((c.instance[k] != -1 && c.instance[k] != instance) || c.target[k] < lo || c.target[k] >= hi) continue;
      currents_.push_back({c.start[k], {c.target[k], c.amplitude[k]}});
      currents_.push_back({c.stop[k], {c.target[k], -c.amplitude[k]}});
    }
    std::stable_sort(currents_.begin(), currents_.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    const auto& ps = run.poisson;
    const int64_t k = static_cast<int64_t>(ps.target.size());
    for (int64_t q = 0; q < k; q++) {
      if (ps.target[q] < lo || ps.target[q] >= hi) continue;
      const double hz = ps.trial_rate_hz ? ps.trial_rate_hz[trial * k + q] : ps.rate_hz.At(instance, q);
      const double lambda = std::max(0.0, hz) * dt / 1000.0;  // events per step
      if (!(lambda > 0)) continue;
      Source src{static_cast<size_t>(q), 1.0 / lambda, 0.0, 0};
      src.next = Gap(src);
      sources_.push_back(src);
    }
  }

  // What step k brings (steps in increasing order, from 0): current changes into the state now, spikes
  // into `inputs` (delivered after the update).
  template <typename State>
  void Step(int64_t k, State& s, Pending& inputs) {
    while (next_current_ < currents_.size() && currents_[next_current_].first <= k) {
      s.AddCurrent(currents_[next_current_].second.first, currents_[next_current_].second.second);
      next_current_++;
    }
    const auto& sp = run_.spikes;
    while (next_spike_ < spikes_.size() && sp.step[spikes_[next_spike_]] <= k) {
      const size_t e = spikes_[next_spike_++];
      if (sp.step[e] == k) inputs.Add(sp.target[e], sp.receptor[e], sp.weight[e]);
    }
    if (sources_.empty()) return;
    if (k >= window_end_) Refill(k);
    const auto& ps = run_.poisson;
    const size_t slot = static_cast<size_t>(k - window_start_);
    for (uint32_t e = offsets_[slot]; e < offsets_[slot + 1]; e++) {
      const size_t q = sources_[sorted_[e]].q;
      inputs.Add(ps.target[q], ps.receptor[q], ps.weight[q]);
    }
  }

 private:
  struct Source {
    size_t q;          // index in run.poisson
    double mean_gap;   // steps between events, on average (1 / lambda)
    double next;       // time of the next event, in steps
    uint64_t events;   // drawn so far (the stream's counter)
  };

  // The next gap of a source, in steps: exponential with mean 1 / lambda.
  double Gap(Source& src) const { return -std::log1p(-Uniform(seed_, trial_, src.q, src.events++)) * src.mean_gap; }

  // The events of steps [k, k + kWindow), counting-sorted by step (sources in order within a step).
  void Refill(int64_t k) {
    window_start_ = k;
    window_end_ = k + kWindow;
    slot_.clear();
    source_.clear();
    for (uint32_t m = 0; m < sources_.size(); m++) {
      Source& src = sources_[m];
      while (src.next < static_cast<double>(window_end_)) {
        slot_.push_back(static_cast<uint16_t>(static_cast<int64_t>(src.next) - window_start_));
        source_.push_back(m);
        src.next += Gap(src);
      }
    }
    offsets_.assign(kWindow + 1, 0);
    for (uint16_t sl : slot_) offsets_[sl + 1]++;
    for (int64_t i = 0; i < kWindow; i++) offsets_[i + 1] += offsets_[i];
    sorted_.resize(slot_.size());
    fill_.assign(offsets_.begin(), offsets_.end() - 1);
    for (size_t e = 0; e < slot_.size(); e++) sorted_[fill_[slot_[e]]++] = source_[e];
  }

  const RunSpec& run_;
  const uint64_t seed_;
  const uint64_t trial_;
  std::vector<size_t> spikes_;  // indices into run.spikes, by step
  std::vector<std::pair<int32_t, std::pair<int32_t, double>>> currents_;  // (step, (target, +/- amplitude)), by step
  std::vector<Source> sources_;
  int64_t window_start_ = 0, window_end_ = 0;
  std::vector<uint16_t> slot_;                  // the window's events: step within the window
  std::vector<uint32_t> source_, sorted_;       // and source (index into sources_), then sorted by step
  std::vector<uint32_t> offsets_, fill_;        // events of slot s: sorted_[offsets_[s] .. offsets_[s + 1])
  size_t next_spike_ = 0, next_current_ = 0;
};

Simulation::Simulation(const NetworkSpec& net, const RunSpec& run) : net_(net), run_(run) {
  if (run.instances < 1) throw std::invalid_argument("instances must be at least 1");
  if (run.trials < 1) throw std::invalid_argument("trials must be at least 1");
  if (run.threads < 1) throw std::invalid_argument("threads must be at least 1");
  if (run.record_every < 1) throw std::invalid_argument("record_every must be at least 1");
  if (static_cast<int32_t>(run.seeds.size()) != run.instances) throw std::invalid_argument("one seed per instance");
}

namespace {

// A run's weights (in the order the synapses were given) in the order `syn` applies them.
std::vector<double> Gather(const SynapsePart& syn, const double* given) {
  std::vector<double> w(syn.index.size());
  for (size_t e = 0; e < w.size(); e++) w[e] = given[syn.index[e]];
  return w;
}

}  // namespace

void Simulation::Run(l2l::CallControl& control, RunOutput& out) {
  const int32_t n = net_.n();
  const int32_t I = run_.instances;
  const int32_t R = run_.trials;
  const int64_t items = static_cast<int64_t>(I) * R;
  control.SetTotal(static_cast<double>(items) * static_cast<double>(run_.steps));
  out.spike_steps.assign(items, {});
  out.spike_neurons.assign(items, {});
  out.counts.assign(static_cast<size_t>(items) * n, 0);
  out.samples = run_.steps / run_.record_every;
  out.v.assign(static_cast<size_t>(items) * out.samples * run_.record_v.size(), 0.0);
  out.finished.assign(I, 0);
  if (items == 1 && run_.threads > 1 && n >= 2 * run_.min_split_neurons) {
    RunSplit(control, out);
    return;
  }
  // (instance, trial) pairs over threads, each whole on one thread, instance-major so that a thread
  // mostly keeps the weights it gathered
  std::atomic<int64_t> next{0};
  std::vector<std::atomic<int32_t>> done(I);
  auto worker = [&]() {
    InstanceState s(net_);
    const auto parts = net_.Parts({0, n});
    const SynapsePart& syn = (*parts)[0];
    std::vector<double> gathered;
    int32_t gathered_for = -1;
    for (int64_t item = next.fetch_add(1); item < items; item = next.fetch_add(1)) {
      const int32_t instance = static_cast<int32_t>(item / R);
      const int32_t trial = static_cast<int32_t>(item % R);
      // the weights in the order the synapses are applied: this instance's gathered, or the network's own
      if (run_.weights.data && gathered_for != instance) {
        gathered = Gather(syn, run_.weights.data + run_.weights.stride * instance);
        gathered_for = instance;
      }
      const double* w = run_.weights.data ? gathered.data() : syn.weight.data();
      if (!RunTrial(s, syn, w, instance, trial, control, out)) return;
      if (done[instance].fetch_add(1) + 1 == R) out.finished[instance] = 1;
    }
  };
  const int threads = static_cast<int>(std::min<int64_t>(run_.threads, items));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; t++) pool.emplace_back(worker);
  worker();
  for (auto& th : pool) th.join();
}

bool Simulation::RunTrial(InstanceState& s, const SynapsePart& syn, const double* w, int32_t instance, int32_t trial, l2l::CallControl& control, RunOutput& out) {
  const NetworkSpec& net = net_;
  const RunSpec& run = run_;
  const int32_t n = net.n();
  const size_t item = static_cast<size_t>(instance) * run.trials + trial;
  s.Reset(run, instance);
  InputFeed feed(run, instance, trial, 0, n, net.dt());
  std::vector<int32_t> spiking;
  Pending inputs;
  auto& steps_out = out.spike_steps[item];
  auto& neurons_out = out.spike_neurons[item];
  int32_t* counts = out.counts.data() + item * n;
  const size_t nv = run.record_v.size();
  double* vout = out.v.data() + item * out.samples * nv;
  int64_t unreported = 0;
  for (int64_t k = 0; k < run.steps; k++) {
    if (k % kCheckEvery == 0 && control.Cancelled()) return false;
    feed.Step(k, s, inputs);
    // update and threshold, then reset and propagation
    spiking.clear();
    s.Update(0, n, s.stride, k, spiking, inputs);
    for (int32_t i : spiking) {
      s.Fire(i);
      counts[i]++;
      if (run.record_spikes) {
        steps_out.push_back(static_cast<int32_t>(k));
        neurons_out.push_back(i);
      }
      s.Propagate(syn, w, i, k);
    }
    if (nv > 0 && (k + 1) % run.record_every == 0) {
      const int64_t sample = (k + 1) / run.record_every - 1;
      for (size_t r = 0; r < nv; r++) {
        const int32_t i = run.record_v[r];
        vout[sample * nv + r] = s.v[i] + net.params().e_l[i];
      }
    }
    if (++unreported == kCheckEvery) {
      control.Add(static_cast<uint64_t>(unreported));
      unreported = 0;
    }
  }
  if (unreported > 0) control.Add(static_cast<uint64_t>(unreported));
  return true;
}

void Simulation::RunSplit(l2l::CallControl& control, RunOutput& out) {
  const NetworkSpec& net = net_;
  const RunSpec& run = run_;
  const int32_t n = net.n();
  const int T = std::max(1, std::min<int>(run.threads, n / std::max(1, run.min_split_neurons)));
  std::vector<int32_t> bounds(T + 1);
  // each thread's neurons start at a whole chunk of the update's lanes, so no chunk straddles two threads
  for (int t = 0; t <= T; t++) bounds[t] = t == T ? n : static_cast<int32_t>(static_cast<int64_t>(n) * t / T / 8 * 8);
  const auto parts = net.Parts(bounds);
  InstanceState s(net);
  s.Reset(run, 0);
  const double* given = run.weights.data;
  // spikes of each thread's neurons, by step parity: thread u writes [u][k % 2] while others read it after the barrier
  // Each thread's lists on cache lines of their own (a thread appends to its lists while the others
  // read theirs): the spikes of its neurons by step parity (thread u writes [k % 2] while the others
  // read it after the barrier), and what it recorded.
  struct alignas(64) PerThread {
    std::vector<int32_t> spikes[2];
    std::vector<int32_t> steps, neurons;
  };
  std::vector<PerThread> per(T);
  SpinBarrier barrier(T);
  std::atomic<bool> stop{false};
  const size_t nv = run.record_v.size();
  int32_t* counts = out.counts.data();
  double* vout = out.v.data();
  std::vector<uint8_t> finished(T, 0);

  auto work = [&](int t) {
    InstanceState& st = s;
    Pending inputs;
    const int32_t lo = bounds[t], hi = bounds[t + 1];
    const SynapsePart& syn = (*parts)[t];
    std::vector<double> gathered;
    if (given) gathered = Gather(syn, given);
    const double* w = given ? gathered.data() : syn.weight.data();
    InputFeed feed(run, 0, 0, lo, hi, net.dt());  // the Poisson sources, spikes and currents of this thread's targets
    int64_t unreported = 0;
    for (int64_t k = 0; k < run.steps; k++) {
      // a cancel is looked at by thread 0 and seen by all after the step's barrier, at the same step
      if (t == 0 && k % kCheckEvery == 0) stop.store(control.Cancelled(), std::memory_order_relaxed);
      feed.Step(k, st, inputs);
      auto& list = per[t].spikes[k & 1];
      list.clear();
      st.Update(lo, hi, t == T - 1 ? st.stride : hi, k, list, inputs);
      for (int32_t i : list) {
        st.Fire(i);
        counts[i]++;
        if (run.record_spikes) {
          per[t].steps.push_back(static_cast<int32_t>(k));
          per[t].neurons.push_back(i);
        }
      }
      barrier.Wait();
      if (stop.load(std::memory_order_relaxed)) return;
      // every thread's spikes of this step, in neuron order, into this thread's targets
      for (int u = 0; u < T; u++) {
        for (int32_t i : per[u].spikes[k & 1]) {
          st.Propagate(syn, w, i, k);
        }
      }
      if (nv > 0 && (k + 1) % run.record_every == 0) {
        const int64_t sample = (k + 1) / run.record_every - 1;
        for (size_t r = 0; r < nv; r++) {
          const int32_t i = run.record_v[r];
          if (i >= lo && i < hi) vout[sample * nv + r] = st.v[i] + net.params().e_l[i];
        }
      }
      if (t == 0 && ++unreported == kCheckEvery) {
        control.Add(static_cast<uint64_t>(unreported));
        unreported = 0;
      }
    }
    if (t == 0 && unreported > 0) control.Add(static_cast<uint64_t>(unreported));
    finished[t] = 1;
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < T; t++) pool.emplace_back(work, t);
  work(0);
  for (auto& th : pool) th.join();
  // the threads' spikes merged by step, then neuron (thread ranges are in neuron order)
  std::vector<size_t> at(T, 0);
  auto& steps_out = out.spike_steps[0];
  auto& neurons_out = out.spike_neurons[0];
  for (;;) {
    int best = -1;
    for (int t = 0; t < T; t++) {
      if (at[t] < per[t].steps.size() && (best < 0 || per[t].steps[at[t]] < per[best].steps[at[best]])) best = t;
    }
    if (best < 0) break;
    const int32_t step = per[best].steps[at[best]];
    while (at[best] < per[best].steps.size() && per[best].steps[at[best]] == step) {
      steps_out.push_back(step);
      neurons_out.push_back(per[best].neurons[at[best]++]);
    }
  }
  out.finished[0] = std::all_of(finished.begin(), finished.end(), [](uint8_t f) { return f == 1; }) ? 1 : 0;
}

}  // namespace l2l_snn
