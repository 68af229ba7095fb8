"""A straightforward numpy Heun integrator with delays, the baseline of bench/tvb.ts: the Generic 2-D
oscillator (TVB's defaults) on a connectome with linear coupling, written from TVB's conventions as
docs/tvb.md states them (float32 weights and history of the coupling variable, delays rounded to steps,
the coupling summed per target with numpy's add.reduceat, then a * s + b, frozen over the Heun step).
On stdin, JSON: weights and lengths (nodes x nodes, row = target), x0 (V then W per node), steps, dt,
speed, a; prints one JSON line: seconds for the steps, node-steps per second, and the final state."""
import json
import sys
import time

import numpy as np


def main():
    job = json.load(sys.stdin)
    w = np.array(job["weights"], dtype=np.float64)
    L = np.array(job["lengths"], dtype=np.float64)
    n = w.shape[0]
    dt, speed, a, steps = float(job["dt"]), float(job["speed"]), float(job["a"]), int(job["steps"])
    x0 = np.array(job["x0"], dtype=np.float64).reshape(2, n)
    # the non-zero sources of each target row, ascending, float32 weights, delays in steps
    tgt, src = np.nonzero(w)
    wf = w[tgt, src].astype(np.float32)
    d = np.rint((L / speed) / dt).astype(np.int64)
    de = d[tgt, src]
    H = int(d.max()) + 1
    starts = np.searchsorted(tgt, np.arange(n))
    hist = np.empty((H, n), dtype=np.float32)
    hist[:] = x0[0].astype(np.float32)
    tau, I, aa, b, c, dd, e, f, g, alpha, beta, gamma = 1.0, 0.0, -2.0, -10.0, 0.0, 0.02, 3.0, 1.0, 0.0, 1.0, 1.0, 1.0

    def dfun(x, cv):
        V, W = x[0], x[1]
        V2 = V * V
        dV = dd * tau * (alpha * W - f * V2 * V + e * V2 + g * V + gamma * I + gamma * cv)
        dW = dd * (aa + b * V + c * V2 - beta * W) / tau
        return np.array([dV, dW])

    x = x0.copy()
    t0 = time.perf_counter()
    for k in range(steps):
        delayed = hist[(k - de) % H, src]
        cv = a * np.add.reduceat(wf * delayed, starts).astype(np.float64)
        k1 = dfun(x, cv)
        inter = x + dt * k1
        k2 = dfun(inter, cv)
        x = x + (k1 + k2) * dt / 2.0
        hist[(k + 1) % H] = x[0].astype(np.float32)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "node_steps_per_second": n * steps / seconds, "final": x.reshape(-1).tolist()}))


if __name__ == "__main__":
    main()
