#!/usr/bin/env bash
# Quick start: install what is missing, build, and run the default experiment (the reference GA on
# 10-D Rastrigin) under mpirun with 4 ranks: rank 0 optimizes, ranks 1-3 evaluate.
set -euo pipefail
cd "$(dirname "$0")/.."
bash launch/setup.sh
exec launch/mpirun.sh -n 4 node dist/main.js run examples/ga-rastrigin10d.yaml --force "$@"
