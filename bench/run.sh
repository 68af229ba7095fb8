#!/usr/bin/env bash
# `npm run bench`: runs every benchmark and regenerates bench/RESULTS.md.
#
#   bash bench/run.sh            # all benchmarks
#   bash bench/run.sh dispatch   # only the named ones (other sections keep their last figures)
#
# Contract for a benchmark NAME: it is run from the repository root and may write its section body
# (markdown) to bench/out/NAME.md; if it writes none, its console output goes in the section instead.
# This script adds the machine, date and command to each section (bench/out/sections/NAME.md) and
# stitches every section file into bench/RESULTS.md. Benchmarks report figures; they never assert them.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p bench/out/sections

# The baselines need Debian's mpi4py (the tests do not, so launch/setup.sh leaves it out).
if ! /usr/bin/python3 -c 'import mpi4py' 2>/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "bench: installing python3-mpi4py for the baselines"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-mpi4py >/dev/null
  else
    echo "bench: the mpi4py baselines need python3-mpi4py: sudo apt-get install -y python3-mpi4py" >&2
  fi
fi
[ -f dist/main.js ] && [ -f build/Release/l2l_mpi.node ] || { echo "bench: build first (bash launch/setup.sh)" >&2; exit 1; }

# Same variables as launch/mpirun.sh, for benches that call mpirun themselves.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
export NODE_DISABLE_COLORS=1 FORCE_COLOR=0

machine() {
  local cpu mem ompi
  cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')
  mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
  ompi=$(mpirun --version 2>/dev/null | head -1)
  echo "- machine: $(nproc) cores, ${cpu:-unknown CPU}, ${mem} memory, $(uname -sr)"
  echo "- software: node $(node --version), ${ompi:-OpenMPI not found}, $(/usr/bin/python3 --version 2>&1)"
}

load() { cut -d' ' -f1-3 /proc/loadavg; }

# bench/out is not committed: a section this checkout has not run yet starts as the committed
# bench/RESULTS.md has it, so running some benchmarks keeps the others' last figures.
if [ -f bench/RESULTS.md ]; then
  awk '
    /^## [a-z0-9-]+$/ {
      blank = 0; out = "bench/out/sections/" substr($0, 4) ".md"
      if ((getline probe < out) >= 0) { close(out); out = "" }   # already here: keep it
    }
    out == "" { next }
    /^$/ { blank++; next }
    { while (blank > 0) { print "" > out; blank-- } print > out }
  ' bench/RESULTS.md
fi

# section NAME TIMEOUT_S COMMAND...
section() {
  local name=$1 timeout_s=$2
  shift 2
  local started load_before rc
  started=$(date -u '+%Y-%m-%d %H:%M UTC')
  load_before=$(load)
  rm -f "bench/out/$name.md"
  echo "== bench $name: $*"
  timeout --kill-after=10 "$timeout_s" "$@" 2>&1 | tee "bench/out/$name.log"
  rc=${PIPESTATUS[0]}
  {
    echo "## $name"
    echo
    echo "- date: $started"
    echo "- command: \`$*\` (exit code $rc)"
    machine
    echo "- load average (1/5/15 min): $load_before before, $(load) after"
    echo
    if [ -s "bench/out/$name.md" ]; then
      cat "bench/out/$name.md"
    else
      echo '```'
      tail -n 60 "bench/out/$name.log"
      echo '```'
    fi
  } > "bench/out/sections/$name.md"
}

selected() { local n=$1; shift; [ $# -eq 0 ] && return 0; for w in "$@"; do [ "$w" = "$n" ] && return 0; done; return 1; }

if selected dispatch "$@"; then
  # L2L_BENCH_BASELINE=DIR: a built checkout of an earlier commit, run side by side (bench/dispatch/run.ts --baseline)
  section dispatch 3600 node --import tsx bench/dispatch/run.ts ${L2L_BENCH_BASELINE:+--baseline "$L2L_BENCH_BASELINE"} ${L2L_BENCH_REPS:+--reps "$L2L_BENCH_REPS"}
fi
if selected quality "$@"; then section quality 1800 node --import tsx bench/quality/run.ts; fi
if [ -f bench/mpi-pingpong.ts ] && selected mpi-pingpong "$@"; then
  section mpi-pingpong 900 launch/mpirun.sh -n 2 node --import tsx bench/mpi-pingpong.ts
fi
if selected coordinator "$@"; then
  section coordinator 3600 node --import tsx bench/coordinator/run.ts ${L2L_BENCH_REPS:+--reps "$L2L_BENCH_REPS"}
fi
if selected utilization "$@"; then
  section utilization 1800 node --import tsx bench/utilization/run.ts
fi
if selected hdf5 "$@"; then section hdf5 1800 node --import tsx bench/hdf5.ts; fi
if selected soak "$@"; then section soak 3600 node --import tsx bench/soak.ts; fi
if selected python-bridge "$@"; then section python-bridge 1800 node --import tsx bench/python-bridge.ts; fi
if selected meta-learning "$@"; then section meta-learning 3600 node --import tsx bench/meta-learning.ts; fi
if selected snn "$@"; then section snn 1800 node --import tsx bench/snn.ts; fi
if selected reservoir "$@"; then section reservoir 3600 node --import tsx bench/reservoir.ts; fi
# tvb also times TVB's own simulator where it imports (TVB_SOURCE=a tvb_library folder, else /tmp/tvbsrc/tvb_library): sudo apt-get install -y python3-numba python3-deprecated
if selected tvb "$@"; then section tvb 1800 node --import tsx bench/tvb.ts; fi
# tvb-gpu: the CUDA engine against the CPU kernel on the same machine; only where a GPU is usable (else its last figures stay)
if selected tvb-gpu "$@"; then
  gpu=$(node -e "const g = require('./build/Release/l2l_tvb.node').gpu(); console.log(g.devices > 0 ? '' : (g.reason || 'built without nvcc'))" 2>&1)
  if [ -z "$gpu" ]; then section tvb-gpu 1800 node --import tsx bench/tvb-gpu.ts; else echo "== bench tvb-gpu: skipped, no GPU here ($gpu); its section keeps its last figures"; fi
fi
# cell: standalone NEURON (/usr/bin/python3 with python3-neuron) against our NEURON back end, and Arbor where the build has it
if selected cell "$@"; then section cell 900 node --import tsx bench/cell.ts; fi
if selected process "$@"; then section process 600 node --import tsx bench/process.ts; fi
if selected ants "$@"; then section ants 600 node --import tsx bench/ants.ts; fi
# ants-learning: 5 seeds x (GA, random networks) of spiking ant brains under mpirun, ~5 min; also redraws docs/img/ants-learning.png
if selected ants-learning "$@"; then section ants-learning 1800 node --import tsx bench/ants-learning.ts; fi

{
  echo '# Benchmark results'
  echo
  echo 'Generated by `npm run bench` (bench/run.sh); do not edit by hand. This machine is shared and noisy:'
  echo 'compare only figures taken in the same run (the ratios), never across runs.'
  echo
  for f in bench/out/sections/*.md; do
    [ -e "$f" ] || continue
    cat "$f"
    echo
  done
} > bench/RESULTS.md
echo "== wrote bench/RESULTS.md"
