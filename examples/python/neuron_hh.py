"""A NEURON model for the `python` optimizee: fit the sodium and potassium conductances of a
Hodgkin-Huxley soma to a recorded voltage trace.

The "recording" is the same model run once with the true conductances (args.true_gnabar, true_gkbar),
so the optimum is known: the fitness is the mean squared difference of the two voltage traces (mV^2).
The cell, the stimulus and the recording vectors are built once per worker process (setup); each
individual only changes two conductances and reruns 50 ms. Run it with:

    launch/mpirun.sh -n 4 node dist/main.js run examples/neuron-hh.yaml

NEURON and MPI: a worker rank has started MPI before this module is imported, so NEURON may adopt
MPI_COMM_WORLD. Nothing here uses ParallelContext, which would then be collective over every rank.
"""
import os

os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")

import numpy as np  # noqa: E402
from neuron import h  # noqa: E402

h.load_file("stdrun.hoc")

soma = None
stim = None
v_vec = None
target = None
TSTOP = 50.0


def _cell():
    global soma, stim, v_vec
    soma = h.Section(name="soma")
    soma.L = soma.diam = 20.0  # um
    soma.insert("hh")
    stim = h.IClamp(soma(0.5))
    stim.delay, stim.dur = 5.0, 40.0  # ms
    v_vec = h.Vector().record(soma(0.5)._ref_v, 0.1)  # every 0.1 ms


def _run(gnabar, gkbar):
    soma.gnabar_hh = gnabar  # S/cm2
    soma.gkbar_hh = gkbar
    h.finitialize(-65.0)
    h.continuerun(TSTOP)
    return np.array(v_vec)


def setup(args):
    """Once per process: the cell, the stimulus and the target trace."""
    global target, TSTOP
    TSTOP = float(args.get("tstop_ms", TSTOP))
    _cell()
    stim.amp = float(args.get("amp_na", 0.3))  # nA
    h.dt = 0.025
    target = _run(float(args["true_gnabar"]), float(args["true_gkbar"]))


def evaluate(params, context):
    trace = _run(params["gnabar"], params["gkbar"])
    spikes = int(np.sum((trace[1:] >= 0) & (trace[:-1] < 0)))
    return {"fitness": float(np.mean((trace - target) ** 2)), "outputs": [spikes]}
