"""The Brian2 network of examples/python/brian2_lif.py in a plain python3 process: the baseline of
bench/python-bridge.ts. Prints the seconds of each evaluation after the first, one JSON list."""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples", "python"))
import brian2_lif  # noqa: E402

n = int(sys.argv[1])
args = json.loads(sys.argv[2])
brian2_lif.setup(args)
times = []
for i in range(n + 1):
    t = time.perf_counter()
    brian2_lif.evaluate({"tau": 10.0 + i % 10, "w": 1.0 + 0.1 * (i % 7)}, {"generation": 0, "index": i, "seed": 1000 + i})
    times.append(time.perf_counter() - t)
print(json.dumps(times[1:]))
