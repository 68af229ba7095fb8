"""Read an l2l-mpi results directory in Python (needs msgpack and numpy: Debian python3-msgpack python3-numpy).

    import l2l_results as r
    run = r.load("results/ga-rastrigin10d")
    run.summary["best"]["weightedFitness"]
    run.mode                         # "generational" or "steady-state": what a record is
    g = run.generations[-1]          # dict: generation, stats, errors, and numpy columns
    g["x"].shape                     # (n, dim): parameter vectors, in the order of run.space
    g["weighted"].max()

As a script it prints one line per generation (generation, evaluated, best, median, failures), or with
--json a JSON dump of every column, which the test suite compares against the TypeScript reader.
"""
import json
import os
import sys

import msgpack
import numpy as np

FORMAT = "l2l-generations"
# 3 records the run's mode ("generational" or "steady-state") in the header; 2 did not
VERSIONS = (2, 3)


def _column(c):
    return np.frombuffer(c["data"], dtype=np.dtype(c["dtype"])).reshape(c["shape"])


def read_header(path):
    """The journal's header: format, version, statusNames and (version 3) mode."""
    with open(path, "rb") as f:
        return _header(msgpack.Unpacker(f, raw=False, strict_map_key=False), path)


def _header(unpacker, path):
    header = next(unpacker)
    if header.get("format") != FORMAT:
        raise ValueError(f"{path}: not an l2l generations file")
    if header.get("version") not in VERSIONS:
        raise ValueError(f"{path}: version {header.get('version')}, this reader knows {', '.join(map(str, VERSIONS))}")
    return header


def read_generations(path):
    """Every generation of a generations.msgpack file, columns as numpy arrays."""
    with open(path, "rb") as f:
        unpacker = msgpack.Unpacker(f, raw=False, strict_map_key=False)
        header = _header(unpacker, path)
        status_names = header["statusNames"]
        out = []
        for g in unpacker:
            rec = {k: (_column(v) if isinstance(v, dict) and "dtype" in v else v) for k, v in g.items()}
            rec["status_names"] = [status_names[s] for s in rec["status"]]
            out.append(rec)
        return out


class Run:
    def __init__(self, directory):
        self.directory = directory
        with open(os.path.join(directory, "summary.json")) as f:
            self.summary = json.load(f)
        with open(os.path.join(directory, "config.json")) as f:
            self.config = json.load(f)
        self.space = self.config["space"]
        journal = os.path.join(directory, "generations.msgpack")
        # "generational" or "steady-state" (None for a version 2 journal, which did not record it)
        self.mode = read_header(journal).get("mode")
        self.generations = read_generations(journal)

    def individual(self, x):
        """A parameter vector as the named individual (arrays kept as lists)."""
        out, k = {}, 0
        for p in self.space:
            if p["length"] is None:
                out[p["name"]] = float(x[k])
                k += 1
            else:
                out[p["name"]] = [float(v) for v in x[k:k + p["length"]]]
                k += p["length"]
        return out


def load(directory):
    return Run(directory)


def _main(argv):
    if len(argv) < 2:
        print("usage: python3 l2l_results.py RESULTS_DIR [--json]", file=sys.stderr)
        return 2
    run = load(argv[1])
    if "--json" in argv:
        dump = [{k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in g.items()} for g in run.generations]
        # NaN / -inf (failed evaluations) are written as null
        text = json.dumps({"summary": run.summary, "mode": run.mode, "generations": dump}, allow_nan=True)
        print(text.replace("-Infinity", "null").replace("NaN", "null"))
        return 0
    for g in run.generations:
        s = g["stats"]
        print(f"{g['generation']:5d}  n={s.get('evaluated', 0):6d}  best={s.get('best', float('nan')):.6g}  "
              f"median={s.get('median', float('nan')):.6g}  failures={s.get('failures', 0)}")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv))
