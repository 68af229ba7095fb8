"""The reservoir of examples/reservoir-digits.yaml on the snn optimizee's Brian2 back end
(python/l2l_snn.py, the very code `backend: brian2` runs), for bench/reservoir.ts: on stdin, JSON with
the network spec and the run options exactly as the native simulator is given them (every neuron
parameter, every synapse with its weight and delay, the Poisson sources), the trial rates of every
sample, and `copies` (samples per call: 1, sequential, or e.g. 200, batched as copies of the network in
one simulation); prints one JSON line with the seconds per sample (over the whole chunks of `copies`) and
the spike counts per neuron, summed over the samples, or per sample with "per_sample": true (then the
samples after the last whole chunk are run too, after the timing).

A first call builds the network and generates and compiles Brian2's cython code; the back end keeps it
(per process, per number of copies), so the timed calls pay what every later call of a run pays:
restoring the initial state, setting the rates, the simulation, and collecting the counts."""
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import l2l_snn  # noqa: E402


def call(spec, options, rates, first, copies):
    """Samples [first, first + copies) in one call; the spec goes with the first call only (then None)."""
    o = dict(options)
    o["trials"] = copies
    o["poisson"] = dict(options["poisson"], trial_rate_hz=rates[first:first + copies].reshape(-1).tolist())
    r = l2l_snn.run("brian2", "bench", spec, o)
    return np.frombuffer(r["counts"], dtype=np.int32).reshape(copies, -1)


def main():
    job = json.load(sys.stdin)
    spec, options, copies = job["spec"], job["options"], int(job["copies"])
    rates = np.array(job["trial_rates"], dtype=float)  # samples x sources
    samples = rates.shape[0] // copies * copies
    call(spec, options, rates, 0, copies)  # the spec sent; build, generate and compile outside the timing
    per_sample = bool(job.get("per_sample"))
    counts = []
    t0 = time.perf_counter()
    for b in range(samples // copies):
        counts.append(call(None, options, rates, b * copies, copies))
    seconds = time.perf_counter() - t0
    if per_sample and samples < rates.shape[0]:
        counts.append(call(None, options, rates, samples, rates.shape[0] - samples))
    counts = np.concatenate(counts) if counts else np.zeros((0, int(spec["n"])))
    out = counts.tolist() if per_sample else counts.sum(axis=0).tolist()
    print(json.dumps({"copies": copies, "samples": samples, "seconds_per_sample": seconds / max(1, samples), "counts": out}))

if __name__ == "__main__":
    main()
