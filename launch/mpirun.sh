#!/usr/bin/env bash
# Local mpirun wrapper: `launch/mpirun.sh -n 4 node dist/main.js run experiment.yaml`.
# Sets what OpenMPI needs on this kind of machine, never overriding a value already exported.
set -euo pipefail

# Root in containers: OpenMPI refuses to run as root unless both are set.
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT="${OMPI_ALLOW_RUN_AS_ROOT:-1}"
  export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="${OMPI_ALLOW_RUN_AS_ROOT_CONFIRM:-1}"
fi
# More ranks than cores is normal here (ranks poll and back off when idle).
export OMPI_MCA_rmaps_base_oversubscribe="${OMPI_MCA_rmaps_base_oversubscribe:-1}"
# CMA single-copy fails in containers, and copy-in/copy-out was faster anyway (docs/native-mpi.md).
export OMPI_MCA_btl_vader_single_copy_mechanism="${OMPI_MCA_btl_vader_single_copy_mechanism:-none}"
# Messages up to 32 KiB go eagerly (one fragment: vader's max_send_size), so they are delivered
# even while the sending rank is busy in JS; the default (4 KiB) makes larger ones wait for it.
export OMPI_MCA_btl_vader_eager_limit="${OMPI_MCA_btl_vader_eager_limit:-32768}"
# OpenMPI gives every rank a pty, so ranks would print ANSI colours even into a pipe or file.
export NODE_DISABLE_COLORS="${NODE_DISABLE_COLORS:-1}"
export FORCE_COLOR="${FORCE_COLOR:-0}"
# Only this script sees the user's real stdout; ranks learn from it whether to draw live progress.
if [ -t 1 ]; then
  export L2L_PROGRESS="${L2L_PROGRESS:-live}"
else
  export L2L_PROGRESS="${L2L_PROGRESS:-plain}"
fi

exec mpirun "$@"
