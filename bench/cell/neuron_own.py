"""The baseline of bench/cell.ts: the cell of examples/cell-fit.yaml in a plain NEURON script, the way a
user would write it: the cell built once (h.Section, pt3dadd, insert hh / pas, Ra and cm), then one
individual per run: set its densities, and for each protocol an IClamp, a Vector recording the
voltage, h.finitialize and h.continuerun to the protocol's end; the trace's mean squared difference
from the target's (the same cell with the target's densities), one number per protocol.

Reads JSON on stdin (the TypeScript side's description, src/native/arbor.ts CellSpec and
CellProtocol, with the free properties and their values): {spec, protocols, sample_every, free,
target, individuals, repeats}. Prints one JSON line: the best of `repeats` timed passes over every
individual (after one untimed individual), sims_per_second, each pass's seconds, the first
individual's traces (sampled every sample_every steps, as ours) and its MSE per protocol.
"""
import json
import os
import sys
import time

os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")
import numpy as np  # noqa: E402
import neuron  # noqa: E402
from neuron import h  # noqa: E402

h.load_file("stdrun.hoc")

cfg = json.load(sys.stdin)
spec = cfg["spec"]
protocols = cfg["protocols"]
every = int(cfg["sample_every"])

# the cell, once
sections = []
for s in spec["sections"]:
    sec = h.Section(name=s["name"])
    pts = s["points"]
    for k in range(0, len(pts), 4):
        h.pt3dadd(pts[k], pts[k + 1], pts[k + 2], pts[k + 3], sec=sec)
    sec.nseg = s["nseg"]
    if s["parent"] >= 0:
        sec.connect(sections[s["parent"]](s["parent_end"]), 0)
    sections.append(sec)
in_region = {}
for sec, s in zip(sections, spec["sections"]):
    in_region.setdefault(s["region"], []).append(sec)
    sec.Ra = spec["ra"][s["region"]]
    sec.cm = spec["cm"][s["region"]]
for m in spec["mechanisms"]:
    for sec in in_region.get(m["region"], []):
        sec.insert(m["name"])
        for p, v in m["params"].items():
            setattr(sec, f"{p}_{m['name']}", v)
for sec in sections:
    if h.ismembrane("na_ion", sec=sec):
        sec.ena = spec["ena"]
    if h.ismembrane("k_ion", sec=sec):
        sec.ek = spec["ek"]
h.celsius = spec["temperature"]
h.dt = spec["dt"]
h.steps_per_ms = 1.0 / spec["dt"]


def set_values(values):
    for f, v in zip(cfg["free"], values):
        for sec in in_region[f["region"]]:
            if f["mechanism"] is None:
                setattr(sec, "Ra" if f["param"] == "ra" else "cm", v)
            else:
                setattr(sec, f"{f['param']}_{f['mechanism']}", v)


def simulate(values):
    """One individual: every protocol in turn; the recorded voltage, sampled as ours."""
    set_values(values)
    traces = []
    for p in protocols:
        stims = []
        for s in p["stimuli"]:
            stim = h.IClamp(sections[s["section"]](s["x"]))
            stim.delay, stim.dur, stim.amp = s["delay"], s["duration"], s["amplitude"]
            stims.append(stim)
        v = h.Vector().record(sections[p["record"]["section"]](p["record"]["x"])._ref_v)
        h.finitialize(spec["v_init"])
        h.continuerun(p["tstop"])
        n = int(np.floor(p["tstop"] / (every * spec["dt"]) + 1e-9)) + 1
        traces.append(v.as_numpy()[::every][:n].copy())
    return traces


target = simulate(cfg["target"])


def evaluate(values):
    traces = simulate(values)
    return traces, [float(np.mean((v - t) ** 2)) for v, t in zip(traces, target)]


individuals = cfg["individuals"]
evaluate(individuals[0])  # warm-up
times = []
for _ in range(int(cfg["repeats"])):
    t0 = time.perf_counter()
    for values in individuals:
        evaluate(values)
    times.append(time.perf_counter() - t0)
traces0, mse0 = evaluate(individuals[0])
print(json.dumps({
    "sims_per_second": len(individuals) / min(times), "seconds": times,
    "traces0": [t.tolist() for t in traces0], "mse0": mse0, "neuron": neuron.__version__,
}))
