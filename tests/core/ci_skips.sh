#!/usr/bin/env bash
# Checks scripts/ci_skips.sh (CI's "a skipped test is a failure" rule) on the
# output of a real CTest run: a throwaway project with a passing test, a test
# that exits 77 (SKIP_RETURN_CODE, as tests/*/*.sh), a disabled test and a test
# whose program is missing. With any of the last three the check fails and
# names exactly those; with only the passing test it passes.
set -u
root=${PR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/ci_skips.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
project() { # dir, extra CMake lines
  mkdir -p "$1"
  { echo 'cmake_minimum_required(VERSION 3.20)'; echo 'project(t NONE)'; echo 'enable_testing()'
    echo 'add_test(NAME x/ok COMMAND sh -c "exit 0")'; printf '%s\n' "$2"; } > "$1/CMakeLists.txt"
  cmake -S "$1" -B "$1/b" > /dev/null || { echo "FAIL: cmake"; exit 1; }
  (cd "$1/b" && ctest --output-on-failure) > "$1/log" 2>&1
}
project "$T/bad" 'add_test(NAME x/pg COMMAND sh -c "echo SKIP: PostgreSQL could not start; exit 77")
set_tests_properties(x/pg PROPERTIES SKIP_RETURN_CODE 77)
add_test(NAME x/off COMMAND sh -c "exit 0")
set_tests_properties(x/off PROPERTIES DISABLED TRUE)
add_test(NAME x/gone COMMAND /nonexistent/prog)'
out=$(bash "$root/scripts/ci_skips.sh" "$T/bad/log")
rc=$?
[ "$rc" = 1 ] || { echo "FAIL: skips gave exit $rc, want 1"; fails=$((fails + 1)); }
for t in 'x/pg (Skipped)' 'x/off (Disabled)' 'x/gone (Not Run)'; do
  grep -qF -- "$t" <<< "$out" || { echo "FAIL: '$t' not listed:"; echo "$out"; fails=$((fails + 1)); }
done
grep -q 'x/ok' <<< "$out" && { echo "FAIL: the passing test is listed"; fails=$((fails + 1)); }
project "$T/good" ''
bash "$root/scripts/ci_skips.sh" "$T/good/log" > "$T/good.out"
rc=$?
[ "$rc" = 0 ] || { echo "FAIL: a clean run gave exit $rc:"; cat "$T/good.out"; fails=$((fails + 1)); }
[ "$fails" = 0 ] && echo "PASS: skipped, disabled and not-run tests fail CI; a clean run passes"
exit $((fails > 0))
