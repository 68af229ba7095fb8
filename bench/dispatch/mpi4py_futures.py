"""Baseline: mpi4py.futures, the pool a user would reach for first.

Run: mpirun -n N /usr/bin/python3 -m mpi4py.futures bench/dispatch/mpi4py_futures.py [--evals E] [--chunksize C]

Rank 0 runs this script; ranks 1..N-1 are the pool's workers. The x vectors (lists of 10 floats from a
seeded numpy RNG) go through MPIPoolExecutor.map(sphere, xs, chunksize=64); only the map is timed
(the pool is started and warmed up with a first small map before the clock starts).
Prints one JSON line: evaluations, seconds, evalsPerSecond, sphereUs (one sphere call in Python).
"""
import argparse
import json
import time

import numpy as np
from mpi4py import MPI
from mpi4py.futures import MPIPoolExecutor


def sphere(x):
    return sum(v * v for v in x)


def sphere_us(xs, n=100_000):
    sample = xs[:n]
    start = time.perf_counter()
    for x in sample:
        sphere(x)
    return (time.perf_counter() - start) * 1e6 / len(sample)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--evals', type=int, default=500_000)
    parser.add_argument('--chunksize', type=int, default=64)
    parser.add_argument('--seed', type=int, default=1)
    args = parser.parse_args()
    xs = np.random.default_rng(args.seed).uniform(-5.0, 5.0, size=(args.evals, 10)).tolist()
    with MPIPoolExecutor() as pool:
        list(pool.map(sphere, xs[:1000], chunksize=args.chunksize))  # start and warm the pool
        start = time.perf_counter()
        fitness = list(pool.map(sphere, xs, chunksize=args.chunksize))
        seconds = time.perf_counter() - start
    assert len(fitness) == args.evals
    print(json.dumps({
        'variant': 'mpi4py-futures',
        'ranks': MPI.COMM_WORLD.Get_size(),
        'workers': MPI.COMM_WORLD.Get_size() - 1,
        'chunksize': args.chunksize,
        'evaluations': args.evals,
        'seconds': seconds,
        'evalsPerSecond': args.evals / seconds,
        'sphereUs': sphere_us(xs),
    }), flush=True)


if __name__ == '__main__':
    main()
