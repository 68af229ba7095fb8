"""The CUBA network of test/fixtures/cuba (every synapse, every initial potential) in Brian2, for
bench/snn.ts: prints one JSON line with the run time of 1 s of network time, the spike count and the
target. Usage: python3 cuba_brian2.py FIXTURE_DIR TARGET [THREADS] [BUILD_DIR]
(TARGET: numpy, cython or cpp_standalone; THREADS: OpenMP threads for cpp_standalone)."""
import gzip
import json
import os
import sys
import time

import numpy as np
from brian2 import (NeuronGroup, Synapses, SpikeMonitor, Network, defaultclock, device, set_device, prefs,
                    ms, mV, run)


def rows(path):
    with gzip.open(path, "rt") as f:
        return np.array([[float(x) for x in line.split()] for line in f if line.strip() and not line.startswith("#")])


def main():
    fixtures, target = sys.argv[1], sys.argv[2]
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    build = sys.argv[4] if len(sys.argv) > 4 else "/tmp/l2l-brian2-cuba"
    exc = rows(os.path.join(fixtures, "cuba_synapses_exc.txt.gz")).astype(int)
    inh = rows(os.path.join(fixtures, "cuba_synapses_inh.txt.gz")).astype(int)
    v0 = rows(os.path.join(fixtures, "cuba_v0.txt.gz"))[:, 0]
    if target == "cpp_standalone":
        set_device("cpp_standalone", directory=build, build_on_run=False)
        prefs.devices.cpp_standalone.openmp_threads = threads
    else:
        prefs.codegen.target = target
    defaultclock.dt = 0.1 * ms
    taum, taue, taui, El, Vt, Vr = 20 * ms, 5 * ms, 10 * ms, -49 * mV, -50 * mV, -60 * mV
    eqs = """dv/dt = (ge + gi - (v - El)) / taum : volt (unless refractory)
             dge/dt = -ge / taue : volt
             dgi/dt = -gi / taui : volt"""
    P = NeuronGroup(4000, eqs, threshold="v > Vt", reset="v = Vr", refractory=5 * ms, method="exact")
    P.v = v0 * mV
    Ce = Synapses(P, P, on_pre="ge += 1.62 * mV")
    Ce.connect(i=exc[:, 0], j=exc[:, 1])
    Ci = Synapses(P, P, on_pre="gi += -9.0 * mV")
    Ci.connect(i=inh[:, 0], j=inh[:, 1])
    M = SpikeMonitor(P)
    net = Network(P, Ce, Ci, M)
    if target == "cpp_standalone":
        net.run(1000 * ms)
        device.build(directory=build, compile=True, run=True, debug=False)
        # the standalone binary's own timing of the network run (code generation and compilation excluded)
        with open(os.path.join(build, "results", "last_run_info.txt")) as f:
            seconds = float(f.read().split()[0])
    else:
        net.run(1 * ms)  # code generation and compilation outside the timing
        t0 = time.perf_counter()
        net.run(1000 * ms)
        seconds = time.perf_counter() - t0
    print(json.dumps({"target": target, "threads": threads, "seconds": seconds, "spikes": int(M.num_spikes)}))


if __name__ == "__main__":
    main()
