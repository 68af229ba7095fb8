#!/usr/bin/env bash
# Installs what a fresh machine lacks and builds everything:
#   1. Debian packages (OpenMPI, Python and its simulators, Chromium; Slurm and munge under CI=true or
#      L2L_SLURM=1) - installed when run as root (saying
#      what and why first, then one line per package as it is unpacked and set up), otherwise listed for
#      you to install;
#   2. npm dependencies (npm ci, from package-lock.json);
#   3. the native addons (cmake-js) and the TypeScript (dist/).
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

# The Debian packages, in groups: "packages|what they are for", one line each when some are missing.
APT_GROUPS=(
  "libopenmpi-dev openmpi-bin|OpenMPI, for the MPI binding (native/)"
  "python3-dev|python3-dev, for the workers' embedded Python (native/python)"
  "python3-brian python3-neuron|Brian2 and NEURON, the Python simulators the tests and examples run (docs/python.md)"
  "python3-h5py python3-msgpack python3-numpy|h5py, msgpack and numpy, so that Python reads the results (trajectory.h5, python/l2l_results.py)"
  "python3-sklearn|scikit-learn, whose 8x8 digits file the reservoir experiments read (docs/reservoir.md)"
  "chromium fonts-dejavu-core|Chromium and DejaVu fonts, for the report's figures and the test that opens report.html"
)
# Slurm and munge only under CI (or L2L_SLURM=1): test/e2e/slurm.test.ts starts a throwaway one-node
# cluster from them to run launch/slurm.sbatch; elsewhere that test says it is skipped and why.
if [ "${CI:-}" = true ] || [ "${L2L_SLURM:-}" = 1 ]; then
  APT_GROUPS+=("slurmd slurmctld slurm-client munge|Slurm's daemons and commands and munge, for the test that submits launch/slurm.sbatch to a one-node cluster (test/e2e/slurm.test.ts)")
fi
APT_PACKAGES=()
for g in "${APT_GROUPS[@]}"; do
  read -r -a group <<<"${g%%|*}"
  APT_PACKAGES+=("${group[@]}")
done
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

# One line per group with a missing package: what it is for, and which of its packages are missing.
why_missing() {
  local g p want
  for g in "${APT_GROUPS[@]}"; do
    want=()
    for p in ${g%%|*}; do
      if [[ " ${missing[*]} " == *" $p "* ]]; then want+=("$p"); fi
    done
    if [ ${#want[@]} -gt 0 ]; then echo "  ${g#*|}: ${want[*]}"; fi
  done
}

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    # the longest step by far, silent otherwise: say what and why first, then show it advancing
    echo "setup: installing Debian packages with apt-get (this may take a few minutes):"
    why_missing
    apt-get update -qq
    # dpkg's "Unpacking ..." and "Setting up ..." lines only: one line per package and step, not apt's chatter
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o Dpkg::Progress-Fancy=0 "${missing[@]}" |
      while IFS= read -r line; do
        case "$line" in "Unpacking "* | "Setting up "*) echo "  $line" ;; esac
      done
  else
    echo "setup: missing system packages: ${missing[*]}" >&2
    why_missing >&2
    echo "setup: install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi

# npm passes nodedir=/usr to cmake-js/node-gyp (Node's own headers); called directly they would try to download them.
if [ ! -f build/Release/l2l_mpi.node ] || [ -n "$(find native CMakeLists.txt -newer build/Release/l2l_mpi.node -print -quit)" ]; then
  echo "setup: building native addons (cmake-js)"
  npm run --silent build:native >/tmp/l2l-native-build.log 2>&1 || { cat /tmp/l2l-native-build.log >&2; exit 1; }
fi
echo "setup: compiling TypeScript"
npm run --silent build:ts
echo "setup: ready"
