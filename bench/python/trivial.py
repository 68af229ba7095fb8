"""The bridge benchmark's optimizees (bench/python-bridge.ts)."""
from time import perf_counter


def evaluate(params, context):
    return 0.0


def own_time(params, context):
    """The fitness is the time of one direct call of evaluate(params, context) in this interpreter, in
    seconds: what an evaluation costs without any bridge (best of 5 runs of 100,000 calls)."""
    p = {"v": 0.5, "x": 0.25}
    c = {"generation": 0, "index": 0, "seed": 1}
    best = float("inf")
    for _ in range(5):
        t = perf_counter()
        for _ in range(100_000):
            evaluate(p, c)
        best = min(best, (perf_counter() - t) / 100_000)
    return best
