"""Baseline: the master/worker loop a user would write with mpi4py's pickled-object tier.

Run: mpirun -n N /usr/bin/python3 bench/dispatch/mpi4py_master_worker.py [--evals E] [--inflight K]

Rank 0 is the master; ranks 1..N-1 evaluate the 10-D sphere. Choices, meant to be fair but ordinary:
- tasks are dicts {'id': i, 'x': list of 10 floats} sent with comm.send (pickle), one per message;
- results are dicts {'id': i, 'fitness': f}, received with comm.recv(source=ANY_SOURCE) and a Status;
- the master keeps K tasks (default 4) in flight per worker, so a worker never waits on the master's
  round trip; each result received triggers the next send to that worker;
- tags: TASK=1, RESULT=2, STOP=3.
The x vectors come from a seeded numpy RNG (converted to lists beforehand); only the dispatch loop is timed.
Rank 0 prints one JSON line: evaluations, seconds, evalsPerSecond, sphereUs (one sphere call in Python).
"""
import argparse
import json
import time

import numpy as np
from mpi4py import MPI

TASK, RESULT, STOP = 1, 2, 3


def sphere(x):
    return sum(v * v for v in x)


def sphere_us(xs, n=100_000):
    sample = xs[:n]
    start = time.perf_counter()
    for x in sample:
        sphere(x)
    return (time.perf_counter() - start) * 1e6 / len(sample)


def master(comm, xs, inflight):
    workers = range(1, comm.Get_size())
    fitness = [None] * len(xs)
    status = MPI.Status()
    next_id = 0
    start = time.perf_counter()
    for _ in range(inflight):
        for w in workers:
            if next_id < len(xs):
                comm.send({'id': next_id, 'x': xs[next_id]}, dest=w, tag=TASK)
                next_id += 1
    for _ in range(len(xs)):
        result = comm.recv(source=MPI.ANY_SOURCE, tag=RESULT, status=status)
        fitness[result['id']] = result['fitness']
        if next_id < len(xs):
            comm.send({'id': next_id, 'x': xs[next_id]}, dest=status.Get_source(), tag=TASK)
            next_id += 1
    seconds = time.perf_counter() - start
    for w in workers:
        comm.send(None, dest=w, tag=STOP)
    assert all(f is not None for f in fitness)
    return seconds


def worker(comm):
    status = MPI.Status()
    while True:
        task = comm.recv(source=0, tag=MPI.ANY_TAG, status=status)
        if status.Get_tag() == STOP:
            return
        comm.send({'id': task['id'], 'fitness': sphere(task['x'])}, dest=0, tag=RESULT)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--evals', type=int, default=500_000)
    parser.add_argument('--inflight', type=int, default=4)
    parser.add_argument('--seed', type=int, default=1)
    args = parser.parse_args()
    comm = MPI.COMM_WORLD
    if comm.Get_size() < 2:
        raise SystemExit('needs at least 2 ranks (1 master, 1 worker)')
    if comm.Get_rank() != 0:
        worker(comm)
        return
    xs = np.random.default_rng(args.seed).uniform(-5.0, 5.0, size=(args.evals, 10)).tolist()
    seconds = master(comm, xs, args.inflight)
    print(json.dumps({
        'variant': 'mpi4py-master-worker',
        'ranks': comm.Get_size(),
        'inflightPerWorker': args.inflight,
        'evaluations': args.evals,
        'seconds': seconds,
        'evalsPerSecond': args.evals / seconds,
        'sphereUs': sphere_us(xs),
    }), flush=True)


if __name__ == '__main__':
    main()
