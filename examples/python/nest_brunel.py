"""A PyNEST (NEST 3) optimizee: tune a small Brunel network (excitatory and inhibitory integrate-and-fire
neurons with delta synapses) to the asynchronous irregular state: a target population rate with
irregular spiking (interspike-interval CV near 1).

Parameters: g, the relative strength of inhibition, and eta, the external drive relative to the rate
that brings a neuron to threshold. NEST builds the network per evaluation (ResetKernel): a NEST kernel
cannot change its connectivity in place, and at this size building takes milliseconds. Each
individual's seed seeds NEST's random numbers, so results do not depend on the rank. Run it with:

    launch/mpirun.sh -n 4 node dist/main.js run examples/nest-brunel.yaml

NEST is in no package registry: build NEST 3 with Python bindings and make it importable on every
node (source <prefix>/bin/nest_vars.sh before mpirun). Use a NEST built without MPI (-Dwith-mpi=OFF):
each worker rank runs its own serial NEST.
"""
try:
    import nest
except ImportError as e:
    raise ImportError(
        f"PyNEST (NEST 3) is not installed here: import nest failed ({e}). Build NEST 3 with Python "
        "bindings (-Dwith-python=ON -Dwith-mpi=OFF) and make it importable on every node: "
        "source <prefix>/bin/nest_vars.sh before mpirun"
    ) from None

import numpy as np

if not hasattr(nest, "Create") or int(str(getattr(nest, "__version__", "3")).split(".")[0]) < 3:
    raise ImportError(f"this optimizee is written for NEST 3's API; found NEST {getattr(nest, '__version__', '?')}")

config = {}


def setup(args):
    """Once per process: the network's constants."""
    config.update(
        order=int(args.get("order", 100)),  # NE = 4 * order, NI = order
        sim_ms=float(args.get("sim_ms", 300.0)),
        target_rate=float(args.get("target_rate_hz", 10.0)),
        target_cv=float(args.get("target_cv", 1.0)),
        threads=int(args.get("threads", 1)),
    )
    nest.set_verbosity("M_ERROR")


def evaluate(params, context):
    order = config["order"]
    NE, NI = 4 * order, order
    CE, CI = NE // 10, NI // 10
    J, D, theta, tauMem = 0.1, 1.5, 20.0, 20.0  # mV, ms, mV, ms
    nu_th = theta / (J * CE * tauMem)
    p_rate = 1000.0 * params["eta"] * nu_th * CE  # Hz

    nest.ResetKernel()
    nest.SetKernelStatus({"local_num_threads": config["threads"], "rng_seed": int(context["seed"]) % (2**31 - 1) + 1, "print_time": False})
    neuron = {"C_m": 1.0, "tau_m": tauMem, "t_ref": 2.0, "E_L": 0.0, "V_reset": 10.0, "V_m": 0.0, "V_th": theta}
    nodes_ex = nest.Create("iaf_psc_delta", NE, params=neuron)
    nodes_in = nest.Create("iaf_psc_delta", NI, params=neuron)
    noise = nest.Create("poisson_generator", params={"rate": p_rate})
    spikes = nest.Create("spike_recorder")
    nest.CopyModel("static_synapse", "excitatory", {"weight": J, "delay": D})
    nest.CopyModel("static_synapse", "inhibitory", {"weight": -params["g"] * J, "delay": D})
    nest.Connect(noise, nodes_ex + nodes_in, syn_spec="excitatory")
    nest.Connect(nodes_ex[:50], spikes)
    nest.Connect(nodes_ex, nodes_ex + nodes_in, {"rule": "fixed_indegree", "indegree": CE}, "excitatory")
    nest.Connect(nodes_in, nodes_ex + nodes_in, {"rule": "fixed_indegree", "indegree": CI}, "inhibitory")
    nest.Simulate(config["sim_ms"])

    ev = spikes.get("events")
    senders, times = np.asarray(ev["senders"]), np.asarray(ev["times"])
    rate = len(times) / 50 / (config["sim_ms"] / 1000.0)
    cvs = []
    for s in np.unique(senders):
        isi = np.diff(np.sort(times[senders == s]))
        if len(isi) >= 2 and isi.mean() > 0:
            cvs.append(isi.std() / isi.mean())
    cv = float(np.mean(cvs)) if cvs else 0.0
    error = ((rate - config["target_rate"]) / config["target_rate"]) ** 2 + (cv - config["target_cv"]) ** 2
    return {"fitness": error, "outputs": [rate, cv]}
