#!/usr/bin/env bash
# Several experiments in one MPI job (docs/guide.md, "Several experiments in one job"): each gets a
# group of consecutive ranks (a file's top-level `ranks: N` gives it N, the others share the rest),
# runs as if it were alone (its first rank optimizes, the others simulate) and writes its own results
# directory; the job ends when the last one has. Here a GA on a benchmark function beside NEURON
# fits, 4 ranks each:
#
#   bash launch/several-experiments.sh [N]        # N ranks in all (default 8)
#
# Inside a Slurm allocation, put the same line in the batch script (see launch/slurm.sbatch).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-8}
exec launch/mpirun.sh -n "$n" node dist/main.js run examples/ga-rastrigin10d.yaml examples/neuron-hh.yaml --out results/several --force
