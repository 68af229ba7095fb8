#!/usr/bin/env bash
# The seed's two spiking cases in one MPI job, each on its own group of ranks with its own results
# (docs/guide.md, "Several experiments in one job"): the ant colonies steered by spiking networks
# (examples/ants-snn.yaml: a GA over the networks' weights and delays) and the reservoir classifying
# digits (examples/reservoir-digits.yaml: an ensemble Kalman filter training the readout). The first
# A ranks (default 3) run the ants, the rest the reservoir; the job ends when both have. Results land
# in results/ants-and-reservoir/ants-snn and .../reservoir-digits (the reservoir's are large: ~6 GB).
#
#   bash launch/ants-and-reservoir.sh [N] [A] [run options]   # N ranks in all (default 6), A for the ants
#
# The two exchange nothing while they run: each is an independent search, and splitting one
# allocation between them is what the seed asks of the job (docs/ants.md says why no template is
# passed between them). Inside Slurm, put the same mpirun line in the batch script (launch/slurm.sbatch).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-6}
a=${2:-3}
ants=$(mktemp --suffix=.yaml)
trap 'rm -f "$ants"' EXIT
# the ants' file with its share of the ranks (`ranks: A`); the reservoir takes the rest
{ echo "ranks: $a"; cat examples/ants-snn.yaml; } > "$ants"
launch/mpirun.sh -n "$n" node dist/main.js run "$ants" examples/reservoir-digits.yaml --out results/ants-and-reservoir --force "${@:3}"
