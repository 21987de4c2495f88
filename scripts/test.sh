#!/usr/bin/env bash
# Runs the whole test suite: installs dependencies, builds, runs CTest.
# With PR_CI=1 (set by .ci/run) warnings are errors, the suite runs a second
# time under AddressSanitizer + UndefinedBehaviorSanitizer, and a skipped
# test fails the run: tests skip (exit 77) only when something the suite
# needs is missing (PostgreSQL does not start, python3/statsmodels or curl
# absent, the program not built), and in CI that is a broken environment,
# not a pass. Set PR_CI_ALLOW_SKIP=1 to accept skips in such a run anyway.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
werror=OFF
ci=${PR_CI:-0}
[ "$ci" = 1 ] && werror=ON

# ctest in build dir $1; in CI also fails when any test was skipped or not run
run_ctest() {
  local dir=$1 log rc=0
  shift
  log=$(mktemp "${TMPDIR:-/tmp}/pr_ctest.XXXXXX")
  (cd "$dir" && env "$@" ctest --output-on-failure -j"$jobs") 2>&1 | tee "$log" || rc=$?
  if [ "$ci" = 1 ] && [ "${PR_CI_ALLOW_SKIP:-0}" != 1 ]; then
    bash scripts/ci_skips.sh "$log" || rc=1
  fi
  rm -f "$log"
  return "$rc"
}

bash scripts/build.sh build -DCMAKE_BUILD_TYPE=Release -DPR_WERROR=$werror
run_ctest build PR_CI="$ci"
if [ "$ci" = 1 ] || [ "${PR_ASAN:-0}" = 1 ]; then
  echo "== ASan+UBSan suite"
  bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DPR_SANITIZE=ON -DPR_WERROR=$werror -DPR_BUILD_BENCH=OFF
  run_ctest build-asan PR_CI="$ci" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
