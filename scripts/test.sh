#!/usr/bin/env bash
# Runs the whole test suite: installs dependencies, builds, runs CTest.
# With PR_CI=1 (set by .ci/run) warnings are errors and the suite runs a second
# time under AddressSanitizer + UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
werror=OFF
[ "${PR_CI:-0}" = 1 ] && werror=ON
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=Release -DPR_WERROR=$werror
(cd build && ctest --output-on-failure -j"$jobs")
if [ "${PR_CI:-0}" = 1 ] || [ "${PR_ASAN:-0}" = 1 ]; then
  echo "== ASan+UBSan suite"
  bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DPR_SANITIZE=ON -DPR_WERROR=$werror -DPR_BUILD_BENCH=OFF
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
     ctest --output-on-failure -j"$jobs")
fi
