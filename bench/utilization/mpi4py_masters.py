"""Hand-written mpi4py masters, the baselines of bench/utilization: evaluations take log-normal
times (median M ms, sigma S, drawn per task from a seeded numpy generator) and workers sleep for them.

  steady:       a new task goes to a worker the moment it returns one (no barrier)
  generational: tasks are farmed out the same way, but each generation of POP waits for its last result

Prints JSON: {"variant", "evaluations", "seconds", "busy_seconds", "utilization"}.
Run: mpirun -n 5 /usr/bin/python3 mpi4py_masters.py steady|generational EVALS POP MEDIAN_MS SIGMA [DELAYS.json]
DELAYS.json: the evaluation times (seconds, in dispatch order) to use instead of drawing them.
"""
import json
import sys
import time

import numpy as np
from mpi4py import MPI

TASK, RESULT, STOP = 1, 2, 3


def worker(comm):
    busy = 0.0
    while True:
        status = MPI.Status()
        msg = comm.recv(source=0, tag=MPI.ANY_TAG, status=status)
        if status.Get_tag() == STOP:
            comm.send(busy, dest=0, tag=RESULT)
            return
        t0 = time.perf_counter()
        time.sleep(msg["delay"])
        busy += time.perf_counter() - t0
        comm.send({"id": msg["id"]}, dest=0, tag=RESULT)


def master(comm, variant, evals, pop, delays):
    workers = list(range(1, comm.Get_size()))
    t0 = time.perf_counter()
    sent = done = 0
    idle = list(workers)
    gen_end = pop if variant == "generational" else evals
    while done < evals:
        while idle and sent < min(gen_end, evals):
            comm.send({"id": sent, "delay": delays[sent]}, dest=idle.pop(), tag=TASK)
            sent += 1
        status = MPI.Status()
        comm.recv(source=MPI.ANY_SOURCE, tag=RESULT, status=status)
        idle.append(status.Get_source())
        done += 1
        if variant == "generational" and done == gen_end:
            gen_end += pop  # the barrier: the next generation starts only now
    seconds = time.perf_counter() - t0
    for w in workers:
        comm.send(None, dest=w, tag=STOP)
    busy = sum(comm.recv(source=w, tag=RESULT) for w in workers)
    return {"variant": variant, "evaluations": evals, "seconds": seconds, "busy_seconds": busy,
            "utilization": busy / (len(workers) * seconds)}


def main():
    variant, evals, pop, median_ms, sigma = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    comm = MPI.COMM_WORLD
    if comm.Get_rank() == 0:
        if len(sys.argv) > 6:
            with open(sys.argv[6]) as f:
                delays = json.load(f)[:evals]
            if len(delays) < evals:
                raise SystemExit(f"{sys.argv[6]} holds {len(delays)} evaluation times, fewer than {evals}")
        else:
            delays = (np.exp(np.random.default_rng(1).normal(size=evals) * sigma) * median_ms / 1000).tolist()
        print(json.dumps(master(comm, variant, evals, pop, delays)), flush=True)
    else:
        worker(comm)


if __name__ == "__main__":
    main()
