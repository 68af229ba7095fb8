#!/usr/bin/env bash
# Installs what a fresh machine lacks and builds everything:
#   1. Debian packages (OpenMPI) - installed when run as root, otherwise listed for you to install;
#   2. npm dependencies (npm ci, from package-lock.json);
#   3. the native addons (cmake-js) and the TypeScript (dist/).
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

# OpenMPI for the binding; msgpack and numpy so Python can read the results (python/l2l_results.py);
# h5py for trajectory.h5 (the tests read it back with /usr/bin/python3); DejaVu fonts for the report's
# figures and Chromium for the test that opens report.html in a browser (test/report/chromium.test.ts).
# python3-dev for the embedded Python of the workers (native/python); Brian2 and NEURON for the Python
# simulators the tests and examples run in it (docs/python.md).
APT_PACKAGES=(libopenmpi-dev openmpi-bin python3-msgpack python3-numpy python3-h5py fonts-dejavu-core chromium
  python3-dev python3-brian python3-neuron)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "setup: missing system packages: ${missing[*]}" >&2
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
