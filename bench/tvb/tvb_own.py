"""TVB's own Python simulator (The Virtual Brain, tvb-library) on the same problem as numpy_heun.py, the
second baseline of bench/tvb.ts: the Generic 2-D oscillator with TVB's default parameters (numba dfun),
the connectome given (speed, tract lengths, weights with row = target), linear coupling a * s + 0,
deterministic Heun, a Raw monitor (V and W both monitored, so that it gives the whole state), the history
for t <= 0 held at x0 (a full history given, as in TVB's reference runs). Only the integration loop is
timed: the simulator is configured beforehand, and a separate short run has warmed it up. The Raw
monitor's samples are kept, as Simulator.run keeps them.

Where tvb comes from: the argument, else $TVB_SOURCE (a tvb_library folder, the one holding tvb/),
else a plain `import tvb`, else /tmp/tvbsrc/tvb_library. TVB needs numpy, scipy, numba and Deprecated;
on Debian: apt-get install python3-numba python3-deprecated.

On stdin, JSON as for numpy_heun.py: weights and lengths (nodes x nodes, row = target), x0 (V then W per
node), steps, dt, speed, a. Prints one JSON line: seconds for the steps, node-steps per second, the final
state (V then W per node) and TVB's version. When tvb cannot be imported: one line on stderr saying why,
exit code 3."""
import json
import logging
import os
import re
import sys
import time
import warnings

import numpy as np

FALLBACK = "/tmp/tvbsrc/tvb_library"


def version(root):
    """tvb-library's version: its pyproject.toml in a source folder, else the installed distribution's."""
    try:
        with open(os.path.join(root, "pyproject.toml")) as f:
            m = re.search(r'^version\s*=\s*"([^"]+)"', f.read(), re.M)
        if m:
            return m.group(1)
    except OSError:
        pass
    try:
        from importlib.metadata import version as dist_version
        return dist_version("tvb-library")
    except Exception:
        return "unknown"


def import_tvb():
    """tvb.simulator.lab, from the first source that imports; raises ImportError naming every try."""
    tries = []
    given = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("TVB_SOURCE")
    for path in ([given] if given else [None, FALLBACK]):
        if path is not None:
            if not os.path.isdir(os.path.join(path, "tvb")):
                tries.append(f"{path}: no tvb/ folder there")
                continue
            sys.path.insert(0, path)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # "Geodesic distance module is unavailable": surfaces only
                from tvb.simulator import lab
            root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(lab.__file__))))  # holds tvb/
            return lab, version(root), root
        except ImportError as e:
            tries.append(f"{path or 'import tvb'}: {type(e).__name__}: {e}")
            if path is not None:
                sys.path.remove(path)
            for name in [m for m in sys.modules if m == "tvb" or m.startswith("tvb.")]:
                del sys.modules[name]
    raise ImportError("; ".join(tries))


def simulator(lab, job, steps):
    w = np.array(job["weights"], dtype=np.float64)
    L = np.array(job["lengths"], dtype=np.float64)
    n = w.shape[0]
    dt, speed, a = float(job["dt"]), float(job["speed"]), float(job["a"])
    x0 = np.array(job["x0"], dtype=np.float64).reshape(2, n)
    conn = lab.connectivity.Connectivity(
        weights=w, tract_lengths=L, speed=np.array([speed]),
        region_labels=np.array([f"r{i}" for i in range(n)]), centres=np.zeros((n, 3)))
    conn.configure()
    horizon = int(np.rint(L / speed / dt).max()) + 1  # TVB's own: max idelay + 1 over all pairs
    history = np.broadcast_to(x0[np.newaxis, :, :, np.newaxis], (horizon, 2, n, 1)).copy()
    sim = lab.simulator.Simulator(
        model=lab.models.Generic2dOscillator(variables_of_interest=("V", "W")), connectivity=conn,
        coupling=lab.coupling.Linear(a=np.array([a]), b=np.array([0.0])),
        integrator=lab.integrators.HeunDeterministic(dt=dt),
        monitors=(lab.monitors.Raw(),), initial_conditions=history,
        simulation_length=steps * dt)
    sim.configure()
    assert sim.connectivity.horizon == horizon, (sim.connectivity.horizon, horizon)
    return sim, n


def main():
    try:
        lab, tvb_version, source = import_tvb()
    except ImportError as e:
        print(f"tvb_own.py: TVB is not importable here ({e})", file=sys.stderr)
        sys.exit(3)
    logging.disable(logging.WARNING)  # TVB logs to stdout ("random_state supplied for non-stochastic integration")
    job = json.load(sys.stdin)
    steps = int(job["steps"])
    warm, _ = simulator(lab, job, 100)
    for _ in warm(n_steps=100):
        pass
    sim, n = simulator(lab, job, steps)
    times, samples = [], []
    t0 = time.perf_counter()
    for ((t, y),) in sim(n_steps=steps):
        times.append(t)
        samples.append(y)
    seconds = time.perf_counter() - t0
    assert len(samples) == steps
    final = samples[-1][:, :, 0]  # the Raw monitor's last sample: (V, W) x nodes
    assert np.array_equal(final, sim.current_state[:, :, 0])
    print(json.dumps({"seconds": seconds, "node_steps_per_second": n * steps / seconds,
                      "final": final.reshape(-1).tolist(), "version": tvb_version, "source": source}))


if __name__ == "__main__":
    main()
