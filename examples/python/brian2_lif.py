"""A Brian2 network for the `python` optimizee: tune a population of leaky integrate-and-fire neurons,
driven by Poisson input, to fire at a target rate with a target regularity.

The network is built once per worker process (setup) and stored; each individual restores it, sets
its parameters and runs it, so Brian2's code generation happens once, not per evaluation. Brian2 runs
with its numpy code generation target (no C compiler per rank, no shared cache to race on). Run it with:

    launch/mpirun.sh -n 4 node dist/main.js run examples/brian2-lif.yaml
"""
import os
import warnings

os.environ.setdefault("PYTHONWARNINGS", "ignore::FutureWarning")
warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", category=DeprecationWarning)

import numpy as np  # noqa: E402
from brian2 import (  # noqa: E402
    Hz, Network, NeuronGroup, PoissonGroup, SpikeMonitor, Synapses, mV, ms, prefs, seed as brian_seed,
)

prefs.codegen.target = "numpy"

net = None
G = S = M = None
N = 100
DURATION = 200 * ms
TARGET_RATE = 20.0
TARGET_CV = 0.6


def setup(args):
    """Once per process: build and store the network."""
    global net, G, S, M, N, DURATION, TARGET_RATE, TARGET_CV
    N = int(args.get("neurons", N))
    DURATION = float(args.get("duration_ms", 200)) * ms
    TARGET_RATE = float(args.get("target_rate_hz", TARGET_RATE))
    TARGET_CV = float(args.get("target_cv", TARGET_CV))
    brian_seed(int(args.get("network_seed", 1)))  # the same random connectivity in every process
    G = NeuronGroup(
        N,
        "dv/dt = -v / tau : volt (unless refractory)\ntau : second",
        threshold="v > 10*mV", reset="v = 0*mV", refractory=2 * ms, method="exact", name="lif",
    )
    P = PoissonGroup(int(args.get("inputs", 200)), rates=float(args.get("input_rate_hz", 10)) * Hz, name="input")
    S = Synapses(P, G, "w : volt (shared)", on_pre="v_post += w", name="input_synapses")
    S.connect(p=float(args.get("connectivity", 0.2)))
    M = SpikeMonitor(G, name="spikes")
    net = Network(G, P, S, M)
    net.store("initial")


def cv_of(trains):
    """Mean coefficient of variation of the inter-spike intervals of the neurons that spiked thrice."""
    cvs = []
    for t in trains.values():
        isi = np.diff(np.asarray(t))
        if len(isi) >= 2 and isi.mean() > 0:
            cvs.append(isi.std() / isi.mean())
    return float(np.mean(cvs)) if cvs else 0.0


def evaluate(params, context):
    """One individual: input weight w (mV) and membrane time constant tau (ms)."""
    net.restore("initial")
    brian_seed(context["seed"])  # the individual's seed: the same Poisson input on any rank
    S.w = params["w"] * mV
    G.tau = params["tau"] * ms
    net.run(DURATION)
    rate = M.num_spikes / (N * float(DURATION))
    cv = cv_of(M.spike_trains())
    error = ((rate - TARGET_RATE) / TARGET_RATE) ** 2 + (cv - TARGET_CV) ** 2
    return {"fitness": error, "outputs": [rate, cv]}
