#!/usr/bin/env bash
# Fails (exit 1) when a CTest log lists a test that was skipped, disabled or
# not run, naming them; exit 0 otherwise. scripts/test.sh runs it on its CTest
# output under PR_CI=1, where a skip means the CI machine lacks something the
# suite needs (PostgreSQL, python3/statsmodels, curl, a fake server) and must
# not count as a pass.  Usage: scripts/ci_skips.sh CTEST_LOG
set -u
log=${1:?usage: ci_skips.sh CTEST_LOG}
[ -r "$log" ] || { echo "ci_skips: cannot read $log"; exit 1; }
# CTest's summary: "\t 58 - ta/stats_reference (Skipped)", "(Disabled)", "(Not Run)"
skipped=$(grep -E '^[[:space:]]*[0-9]+ - .* \((Skipped|Not Run|Disabled)\)[[:space:]]*$' "$log")
if [ -n "$skipped" ]; then
  echo "== CI: tests were skipped or not run (a skip in CI is a failure):"
  echo "$skipped"
  echo "   (each one's output above says what is missing; scripts/install-deps.sh installs it)"
  exit 1
fi
exit 0
