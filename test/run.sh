#!/usr/bin/env bash
# The test command (npm test): type-check everything, compile dist/ (the end-to-end tests run it),
# build the native addon if absent, run the tap suite, and close with "N passed, N failed" computed
# from tap's own totals.
set -uo pipefail
cd "$(dirname "$0")/.."

npx tsc -p tsconfig.test.json --noEmit || { echo "type check failed"; echo "0 passed, 1 failed"; exit 1; }
npx tsc -p tsconfig.json || { echo "0 passed, 1 failed"; exit 1; }
if [ ! -f build/Release/l2l_mpi.node ]; then
  npm run --silent build:native >/tmp/l2l-native-build.log 2>&1 || { cat /tmp/l2l-native-build.log; echo "0 passed, 1 failed"; exit 1; }
fi

log=$(mktemp)
npx tap --reporter=tap "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
totals=$(grep -aE '^# \{ total: [0-9]+' "$log" | tail -n 1)
rm -f "$log"
if [ -z "$totals" ]; then
  echo "tap printed no totals (exit $status)"
  echo "0 passed, 1 failed"
  exit 1
fi
pass=$(sed -E 's/.*pass: ([0-9]+).*/\1/' <<<"$totals")
fail=$(grep -oE 'fail: [0-9]+' <<<"$totals" | grep -oE '[0-9]+' || echo 0)
skip=$(grep -oE 'skip: [0-9]+' <<<"$totals" | grep -oE '[0-9]+' || echo 0)
todo=$(grep -oE 'todo: [0-9]+' <<<"$totals" | grep -oE '[0-9]+' || echo 0)
# A skipped or todo test is not a pass; tap's "pass" already excludes them.
if [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then fail=1; fi
echo "$pass passed, $fail failed, $((skip + todo)) skipped"
exit "$status"
