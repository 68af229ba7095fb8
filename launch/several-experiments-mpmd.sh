#!/usr/bin/env bash
# The MPMD alternative to launch/several-experiments.sh: mpirun's own application contexts, one
# experiment each (`-n A ... : -n B ...`). Each context is a group of ranks running its experiment as
# if alone, with its own options (results directory, seed, log level). The job ends when both have.
#
#   bash launch/several-experiments-mpmd.sh [A B]   # ranks for each (default 2 and 6)
set -euo pipefail
cd "$(dirname "$0")/.."
a=${1:-2}
b=${2:-6}
exec launch/mpirun.sh \
  -n "$a" node dist/main.js run examples/ga-rastrigin10d.yaml --out results/mpmd/ga --force : \
  -n "$b" node dist/main.js run examples/neuron-hh.yaml --out results/mpmd/neuron --force
