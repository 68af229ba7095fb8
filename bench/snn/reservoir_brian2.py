"""The reservoir of examples/reservoir-digits.yaml in Brian2, for bench/reservoir.ts: the network arrays
(every neuron parameter, every synapse with its weight and delay, the Poisson sources) as JSON on stdin,
exactly what the native simulator is given; prints one JSON line with the seconds per sample, shown
one sample per run (sequential) or `copies` samples per run as copies of the network (batched), and the
mean rate per population index range. Brian2's cython target, code generation outside the timing.

Model (NEST's iaf_psc_alpha, V relative to E_L; exact integration):
  dv/dt = -v/tau_m + (I_ex + I_in + I_e)/C_m   (unless refractory)
  dJ/dt = -J/tau_s,  dI/dt = J - I/tau_s        a spike of weight w: J += w e / tau_s
  threshold v >= V_th - E_L, reset v = V_reset - E_L, refractory t_ref
State is restored between samples (Network.store / restore: potentials, currents, spikes in flight)."""
import json
import sys
import time

import numpy as np
from brian2 import (NeuronGroup, PoissonGroup, Synapses, SpikeMonitor, Network, defaultclock, prefs, ms, pA, pF, mV, Hz,
                    second)


def build(spec, copies):
    n = spec["n"]
    dt = spec["dt"]
    p = {k: np.array(v, dtype=float) for k, v in spec["params"].items()}
    eqs = """
    dv/dt = -v/tau_m + (I_ex + I_in + I_e)/C_m : volt (unless refractory)
    dJ_ex/dt = -J_ex/tau_ex : amp/second
    dI_ex/dt = J_ex - I_ex/tau_ex : amp
    dJ_in/dt = -J_in/tau_in : amp/second
    dI_in/dt = J_in - I_in/tau_in : amp
    I_e : amp (constant)
    theta : volt (constant)
    v_reset : volt (constant)
    t_ref : second (constant)
    """
    # Brian2 at its best: time constants and capacitance the same for every neuron are constants of
    # the code (its exact update's exponentials computed once), else per-neuron variables
    namespace = {}
    per_neuron = {}
    for name, key, unit in [("tau_m", "tau_m", ms), ("tau_ex", "tau_syn_ex", ms), ("tau_in", "tau_syn_in", ms), ("C_m", "C_m", pF)]:
        if np.all(p[key] == p[key][0]):
            namespace[name] = p[key][0] * unit
        else:
            eqs += f"\n    {name} : {'farad' if name == 'C_m' else 'second'} (constant)"
            per_neuron[name] = p[key] * unit
    N = n * copies
    P = NeuronGroup(N, eqs, threshold="v >= theta", reset="v = v_reset", refractory="t_ref", method="exact", namespace=namespace)
    tile = lambda a: np.tile(a, copies)
    for name, values in per_neuron.items():
        setattr(P, name, tile(values))
    P.I_e = tile(p["I_e"]) * pA
    P.theta = tile(p["V_th"] - p["E_L"]) * mV
    P.v_reset = tile(p["V_reset"] - p["E_L"]) * mV
    # NEST's refractory steps after the step of a spike are Brian2's refractory period plus one step
    # (Brian2 clamps while t - lastspike <= refractory, lastspike the start of the spike's step)
    P.t_ref = tile((np.array(spec["params"]["ref_steps"], dtype=float) + 1) * dt) * ms
    P.v = tile(np.array(spec["v0"], dtype=float) - p["E_L"]) * mV
    s = spec["synapses"]
    pre, post = np.array(s["pre"], dtype=int), np.array(s["post"], dtype=int)
    w, d, rec = np.array(s["weight"], dtype=float), np.array(s["delay"], dtype=float), np.array(s["receptor"], dtype=int)
    objs = [P]
    for r, (J, tau) in enumerate([("J_ex", "tau_ex"), ("J_in", "tau_in")]):
        m = rec == r
        if not m.any():
            continue
        S = Synapses(P, P, "w : amp", on_pre=f"{J}_post += w * exp(1) / {tau}" + ("_post" if tau in per_neuron else ""), namespace=namespace)
        shift = np.repeat(np.arange(copies) * n, m.sum())
        S.connect(i=np.tile(pre[m], copies) + shift, j=np.tile(post[m], copies) + shift)
        S.w = np.tile(w[m], copies) * pA
        S.delay = np.tile(d[m], copies) * dt * ms
        objs.append(S)
    q = spec["poisson"]
    k = len(q["target"])
    G = PoissonGroup(k * copies, rates=np.zeros(k * copies) * Hz)
    tgt = np.array(q["target"], dtype=int)
    qw = np.array(q["weight"], dtype=float)
    qr = np.array(q["receptor"], dtype=int)
    objs.append(G)
    for r, (J, tau) in enumerate([("J_ex", "tau_ex"), ("J_in", "tau_in")]):
        m = qr == r
        if not m.any():
            continue
        src = np.flatnonzero(m)
        S = Synapses(G, P, "w : amp", on_pre=f"{J}_post += w * exp(1) / {tau}" + ("_post" if tau in per_neuron else ""), namespace=namespace)
        S.connect(i=np.concatenate([src + c * k for c in range(copies)]), j=np.concatenate([tgt[m] + c * n for c in range(copies)]))
        S.w = np.tile(qw[m], copies) * pA
        S.delay = dt * ms  # NEST's minimal delay from a poisson_generator: the native kernel's arrival with the next update
        objs.append(S)
    M = SpikeMonitor(P, record=False)
    objs.append(M)
    net = Network(*objs)
    net.store("init")
    return net, G, M


def main():
    spec = json.load(sys.stdin)
    prefs.codegen.target = "cython"
    defaultclock.dt = spec["dt"] * ms
    copies = spec["copies"]
    rates = np.array(spec["trial_rates"], dtype=float)  # samples x k
    samples = rates.shape[0] // copies * copies
    duration = spec["steps"] * spec["dt"] * ms
    net, G, M = build(spec, copies)
    # code generation and compilation outside the timing: one run first
    G.rates = np.tile(rates[0], copies) * Hz
    net.run(duration)
    counts = np.zeros(spec["n"])
    t0 = time.perf_counter()
    for b in range(samples // copies):
        net.restore("init")
        G.rates = rates[b * copies:(b + 1) * copies].reshape(-1) * Hz
        net.run(duration)
        counts += np.asarray(M.count).reshape(copies, spec["n"]).sum(axis=0)
    seconds = time.perf_counter() - t0
    print(json.dumps({"copies": copies, "samples": samples, "seconds_per_sample": seconds / samples, "counts": counts.tolist()}))


if __name__ == "__main__":
    main()
