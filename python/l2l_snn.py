"""The snn optimizee's Python back ends (src/optimizees/snn, backend: brian2 | nest): the network the
TypeScript side built (src/optimizees/snn/build.ts), as exactly the arrays the native simulator takes,
simulated in Brian2 or in NEST. The model, its parameters and its fitness stay in TypeScript; this module
only runs a batch and returns the spike counts (and spikes), through the worker's embedded interpreter
(python/l2l_bridge.py invoke).

run(backend, key, spec, options): spec (the network, sent once per process under `key`, then None) and
options are src/native/snn.ts's SnnNetworkSpec and SnnRunOptions; every (instance, trial) pair is one
copy of the network in a single simulation, each from rest.
Returns {"counts": int32 bytes, instances x trials x n; "spikes": [[steps bytes, neurons bytes], ...]
per (instance, trial) when options.record.spikes}.

Conventions, as the native kernel has them (NEST's): V relative to E_L; threshold V >= V_th; a neuron
is held for ref_steps updates after the step of its spike; a synapse of d steps delays by d * dt; a
Poisson event reaches its target's current with the next update (a delay of one step). Brian2: the
exact update of the same linear equations, its refractory period one step longer than NEST's t_ref
(Brian2 clamps while t - lastspike <= refractory, lastspike the start of the spike's step)."""
import numpy as np

_networks = {}
_brian = {}


def _arr(v, dtype):
    return np.asarray(v, dtype=dtype) if not isinstance(v, memoryview) else np.frombuffer(v, dtype=dtype).copy()


def _decode(spec):
    p = spec["params"]
    s = spec["synapses"]
    return {
        "n": int(spec["n"]), "dt": float(spec["dt"]), "model": spec["model"],
        "params": {k: _arr(p[k], np.int32 if k == "ref_steps" else np.float64) for k in p},
        "pre": _arr(s["pre"], np.int32), "post": _arr(s["post"], np.int32), "delay": _arr(s["delay"], np.int32),
        "receptor": _arr(s["receptor"], np.uint8), "weight": _arr(s["weight"], np.float64),
    }


def _per(values, length, instances, dtype=np.float64):
    """An array given for every instance (length) or per instance (instances x length): instances x length."""
    a = _arr(values, dtype)
    return np.tile(a, (instances, 1)) if a.size == length else a.reshape(instances, length)


class _Plan:
    """What one call asks for, per copy of the network (copy c: instance c // trials, trial c % trials)."""

    def __init__(self, net, o):
        self.n = net["n"]
        self.instances = int(o["instances"])
        self.trials = int(o.get("trials") or 1)
        self.copies = self.instances * self.trials
        self.steps = int(o["steps"])
        inst = np.repeat(np.arange(self.instances), self.trials)
        trial = np.tile(np.arange(self.trials), self.instances)
        p = net["params"]
        v0 = _per(o["v0"], self.n, self.instances) if o.get("v0") is not None else np.tile(p["E_L"], (self.instances, 1))
        self.v0 = v0[inst]
        self.i_e = (_per(o["i_e"], self.n, self.instances) if o.get("i_e") is not None else np.tile(p["I_e"], (self.instances, 1)))[inst]
        m = net["weight"].size
        self.weights = (_per(o["weights"], m, self.instances) if o.get("weights") is not None else np.tile(net["weight"], (self.instances, 1)))[inst]
        q = o.get("poisson")
        if q is not None:
            self.q_target = _arr(q["target"], np.int32)
            self.q_receptor = _arr(q["receptor"], np.uint8)
            self.q_weight = _arr(q["weight"], np.float64)
            k = self.q_target.size
            if q.get("trial_rate_hz") is not None:
                self.q_rates = _arr(q["trial_rate_hz"], np.float64).reshape(self.trials, k)[trial]
            else:
                self.q_rates = _per(q["rate_hz"], k, self.instances)[inst]
        else:
            self.q_target = np.zeros(0, np.int32)
            self.q_rates = np.zeros((self.copies, 0))
        if o.get("spikes") is not None or o.get("currents") is not None:
            raise ValueError("the Python back ends take Poisson inputs and constant currents only (no listed spikes or step currents)")
        self.seed = int(_arr(o["seeds"], np.uint32)[0])
        self.record = bool((o.get("record") or {}).get("spikes"))


def _result(plan, counts, steps=None, neurons=None, copy_of=None):
    out = {"counts": np.ascontiguousarray(counts.reshape(-1), dtype=np.int32).tobytes()}
    if plan.record:
        spikes = []
        for c in range(plan.copies):
            m = copy_of == c
            order = np.lexsort((neurons[m], steps[m]))
            spikes.append([steps[m][order].astype(np.int32).tobytes(), neurons[m][order].astype(np.int32).tobytes()])
        out["spikes"] = spikes
    return out


# ---- Brian2 ----

def _brian2_build(net, plan):
    import brian2 as b2

    b2.prefs.codegen.target = "cython"
    b2.defaultclock.dt = net["dt"] * b2.ms
    n, copies = net["n"], plan.copies
    p = net["params"]
    alpha = net["model"] == "alpha"
    if alpha:
        eqs = """
        dv/dt = -v/tau_m + (I_ex + I_in + I_e)/C_m : volt (unless refractory)
        dJ_ex/dt = -J_ex/tau_ex : amp/second
        dI_ex/dt = J_ex - I_ex/tau_ex : amp
        dJ_in/dt = -J_in/tau_in : amp/second
        dI_in/dt = J_in - I_in/tau_in : amp
        """
        kick = {0: "J_ex_post += w * exp(1) / {tau}", 1: "J_in_post += w * exp(1) / {tau}"}
    else:
        eqs = """
        dv/dt = -v/tau_m + (I_ex + I_in + I_e)/C_m : volt (unless refractory)
        dI_ex/dt = -I_ex/tau_ex : amp
        dI_in/dt = -I_in/tau_in : amp
        """
        kick = {0: "I_ex_post += w", 1: "I_in_post += w"}
    eqs += """
    I_e : amp
    theta : volt (constant)
    v_reset : volt (constant)
    t_ref : second (constant)
    """
    namespace, per_neuron = {}, {}
    for name, key, unit in [("tau_m", "tau_m", b2.ms), ("tau_ex", "tau_syn_ex", b2.ms), ("tau_in", "tau_syn_in", b2.ms), ("C_m", "C_m", b2.pF)]:
        if np.all(p[key] == p[key][0]):
            namespace[name] = p[key][0] * unit
        else:
            eqs += f"\n    {name} : {'farad' if name == 'C_m' else 'second'} (constant)"
            per_neuron[name] = p[key] * unit
    P = b2.NeuronGroup(n * copies, eqs, threshold="v >= theta", reset="v = v_reset", refractory="t_ref", method="exact", namespace=namespace)
    for name, values in per_neuron.items():
        setattr(P, name, np.tile(values, copies))
    P.theta = np.tile(p["V_th"] - p["E_L"], copies) * b2.mV
    P.v_reset = np.tile(p["V_reset"] - p["E_L"], copies) * b2.mV
    P.t_ref = np.tile((p["ref_steps"] + 1.0) * net["dt"], copies) * b2.ms
    objs = [P]
    syn = []
    for r in (0, 1):
        m = net["receptor"] == r
        if not m.any():
            continue
        tau = "tau_ex" if r == 0 else "tau_in"
        S = b2.Synapses(P, P, "w : amp", on_pre=kick[r].format(tau=tau + ("_post" if tau in per_neuron else "")), namespace=namespace)
        shift = np.repeat(np.arange(copies) * n, m.sum())
        S.connect(i=np.tile(net["pre"][m], copies) + shift, j=np.tile(net["post"][m], copies) + shift)
        S.delay = np.tile(net["delay"][m] * net["dt"], copies) * b2.ms
        objs.append(S)
        syn.append((S, m))
    k = plan.q_target.size
    G, gsyn = None, []
    if k:
        G = b2.PoissonGroup(k * copies, rates=np.zeros(k * copies) * b2.Hz)
        objs.append(G)
        for r in (0, 1):
            m = plan.q_receptor == r
            if not m.any():
                continue
            tau = "tau_ex" if r == 0 else "tau_in"
            S = b2.Synapses(G, P, "w : amp", on_pre=kick[r].format(tau=tau + ("_post" if tau in per_neuron else "")), namespace=namespace)
            src = np.flatnonzero(m)
            S.connect(i=np.concatenate([src + c * k for c in range(copies)]), j=np.concatenate([plan.q_target[m] + c * n for c in range(copies)]))
            S.w = np.tile(plan.q_weight[m], copies) * b2.pA
            S.delay = net["dt"] * b2.ms
            objs.append(S)
            gsyn.append(S)
    M = b2.SpikeMonitor(P, record=plan.record)
    objs.append(M)
    network = b2.Network(*objs)
    network.store("init")
    return {"net": network, "P": P, "syn": syn, "G": G, "M": M}


def _run_brian2(key, net, plan):
    import brian2 as b2

    cache_key = (key, plan.copies, plan.q_target.size, plan.record)
    built = _brian.get(cache_key)
    if built is None:
        built = _brian[cache_key] = _brian2_build(net, plan)
    network, P, M = built["net"], built["P"], built["M"]
    network.restore("init")
    b2.seed(plan.seed)
    n = net["n"]
    P.v = (plan.v0 - net["params"]["E_L"]).reshape(-1) * b2.mV
    P.I_e = plan.i_e.reshape(-1) * b2.pA
    for S, m in built["syn"]:
        S.w = plan.weights[:, m].reshape(-1) * b2.pA
    if built["G"] is not None:
        built["G"].rates = plan.q_rates.reshape(-1) * b2.Hz
    network.run(plan.steps * net["dt"] * b2.ms)
    counts = np.asarray(M.count, dtype=np.int64).reshape(plan.copies, n)
    if not plan.record:
        return _result(plan, counts)
    idx = np.asarray(M.i, dtype=np.int64)
    # Brian2 stamps a spike with the start of its step
    steps = np.round(np.asarray(M.t / b2.ms) / net["dt"]).astype(np.int64)
    return _result(plan, counts, steps, idx % n, idx // n)


# ---- NEST ----

def _run_nest(net, plan):
    import nest

    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    dt = net["dt"]
    nest.SetKernelStatus({"resolution": dt, "local_num_threads": 1, "rng_seed": plan.seed % (2 ** 31 - 1) + 1})
    n, copies = net["n"], plan.copies
    p = net["params"]
    model = "iaf_psc_alpha" if net["model"] == "alpha" else "iaf_psc_exp"
    neurons = nest.Create(model, n * copies)
    tile = lambda a: np.tile(a, copies).tolist()
    neurons.set({
        "tau_m": tile(p["tau_m"]), "C_m": tile(p["C_m"]), "tau_syn_ex": tile(p["tau_syn_ex"]), "tau_syn_in": tile(p["tau_syn_in"]),
        "E_L": tile(p["E_L"]), "V_th": tile(p["V_th"]), "V_reset": tile(p["V_reset"]), "t_ref": tile(p["ref_steps"] * dt),
        "I_e": plan.i_e.reshape(-1).tolist(), "V_m": plan.v0.reshape(-1).tolist(),
    })
    first = neurons[0].global_id
    if net["pre"].size:
        shift = np.repeat(np.arange(copies) * n, net["pre"].size)
        pre = np.tile(net["pre"], copies) + shift + first
        post = np.tile(net["post"], copies) + shift + first
        nest.Connect(pre, post, "one_to_one", {"synapse_model": "static_synapse", "weight": plan.weights.reshape(-1), "delay": np.tile(net["delay"] * dt, copies)})
    k = plan.q_target.size
    if k:
        gens = nest.Create("poisson_generator", k * copies)
        gens.set({"rate": plan.q_rates.reshape(-1).tolist()})
        tgt = np.concatenate([plan.q_target + c * n for c in range(copies)]) + first
        g0 = gens[0].global_id
        nest.Connect(np.arange(k * copies) + g0, tgt, "one_to_one", {"synapse_model": "static_synapse", "weight": np.tile(plan.q_weight, copies), "delay": np.full(k * copies, dt)})
    rec = nest.Create("spike_recorder")
    nest.Connect(neurons, rec)
    nest.Simulate(plan.steps * dt)
    ev = rec.events
    idx = np.asarray(ev["senders"], dtype=np.int64) - first
    counts = np.bincount(idx, minlength=n * copies).reshape(copies, n)
    if not plan.record:
        return _result(plan, counts)
    # NEST stamps a spike with the end of its step
    steps = np.round(np.asarray(ev["times"]) / dt).astype(np.int64) - 1
    return _result(plan, counts, steps, idx % n, idx // n)


def run(backend, key, spec, options):
    if spec is not None:
        _networks[key] = _decode(spec)
    net = _networks.get(key)
    if net is None:
        raise KeyError(f"network {key} was not sent to this process")
    plan = _Plan(net, options)
    if backend == "brian2":
        return _run_brian2(key, net, plan)
    if backend == "nest":
        return _run_nest(net, plan)
    raise ValueError(f"unknown back end {backend}")


def check(backend):
    """The simulator's version, or an ImportError: rank 0 asks before anything runs."""
    if backend == "brian2":
        import brian2
        return brian2.__version__
    import nest
    return nest.__version__
