#!/usr/bin/env bash
# `cmake --install` puts the proratio program under PREFIX/bin (so a default
# install is on the PATH), and scripts/quiet.sh, which the demo runs its
# dependency and build steps through, prints one line for a step that works
# and the errors of one that fails.
set -u
BUILD=${PR_BUILD_DIR:-build}
[ -f "$BUILD/cmake_install.cmake" ] || { echo "SKIP: $BUILD not configured"; exit 77; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fails=0; passes=0
ok() { passes=$((passes+1)); echo "ok   $1"; }
bad() { fails=$((fails+1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

cmake --install "$BUILD" --prefix "$T/prefix" >"$T/inst.txt" 2>&1
rc=$?
check "cmake --install succeeds (exit $rc)" "[ $rc -eq 0 ]"
check "it installs PREFIX/bin/proratio, which runs" \
  "[ -x '$T/prefix/bin/proratio' ] && PATH='$T/prefix/bin':\$PATH proratio --version | grep -q '^proratio '"

# A step with 300 lines of progress prints one line.
bash scripts/quiet.sh "== build" bash -c 'for i in $(seq 300); do echo "[ $i%] Building C object"; done' \
  >"$T/q.out" 2>&1
rc=$?
check "a working step: exit 0 (got $rc) and one line of output" \
  "[ $rc -eq 0 ] && [ \"\$(wc -l < '$T/q.out')\" -eq 1 ] && grep -qx '== build: done' '$T/q.out'"
# A failing step shows its error and keeps its exit status.
bash scripts/quiet.sh "== build" bash -c 'for i in $(seq 300); do echo "[ $i%] ok"; done;
  echo "src/x.c:3:1: error: expected declaration" >&2; exit 2' >"$T/f.out" 2>&1
rc=$?
check "a failing step keeps its exit status (got $rc) and shows the error" \
  "[ $rc -eq 2 ] && grep -q 'src/x.c:3:1: error: expected declaration' '$T/f.out'"
check "the demo runs its build and dependency steps through quiet.sh" \
  "grep -q 'quiet.sh .*scripts/build.sh build' scripts/demo.sh && grep -q 'quiet.sh .*scripts/install-deps.sh' scripts/demo.sh"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
