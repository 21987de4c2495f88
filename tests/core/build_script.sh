#!/usr/bin/env bash
# Checks that scripts/build.sh configures only when needed, on a throwaway
# project (scripts/build.sh copied next to a CMakeLists.txt that counts its
# configure runs in the build directory): a first call configures; the same
# options again, or none, do not; a changed option (plain or typed) does and
# reaches the cache; an edited CMakeLists.txt is configured again (by
# `cmake --build`); and each call builds. A new directory gets Ninja when
# it is installed.
set -u
root=${PR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$(mktemp -d "${TMPDIR:-/tmp}/build_script.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0
mkdir -p "$T/scripts"
cp "$root/scripts/build.sh" "$T/scripts/"
cat > "$T/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.20)
project(t NONE)
option(T_OPT "a boolean option" OFF)
set(T_STR "a" CACHE STRING "a string option")
file(APPEND ${CMAKE_BINARY_DIR}/configures "x\n")
add_custom_target(stamp ALL COMMAND ${CMAKE_COMMAND} -E touch ${CMAKE_BINARY_DIR}/built)
EOF

step() { # label, expected configure count, build.sh arguments...
  local label=$1 want=$2
  shift 2
  rm -f "$T/b/built"
  if ! bash "$T/scripts/build.sh" b "$@" > "$T/log" 2>&1; then
    echo "FAIL: $label: build.sh failed:"; cat "$T/log"; fails=$((fails + 1)); return
  fi
  local got
  got=$(wc -l < "$T/b/configures")
  [ "$got" = "$want" ] || { echo "FAIL: $label: $got configure runs, want $want"; fails=$((fails + 1)); }
  [ -f "$T/b/built" ] || { echo "FAIL: $label: nothing built"; fails=$((fails + 1)); }
}
cache_has() { # label, cache line
  grep -qxF "$2" "$T/b/CMakeCache.txt" || { echo "FAIL: $1: cache lacks '$2'"; fails=$((fails + 1)); }
}

step "first call" 1 -DT_OPT=ON -DT_STR:STRING=a
if command -v ninja > /dev/null; then cache_has "first call, ninja installed" "CMAKE_GENERATOR:INTERNAL=Ninja"; fi
step "same options" 1 -DT_OPT=ON -DT_STR:STRING=a
step "same options, other order and untyped" 1 -DT_STR=a -DT_OPT=ON
step "no options" 1
cache_has "no options" "T_OPT:BOOL=ON"
step "changed boolean" 2 -DT_OPT=OFF -DT_STR:STRING=a
cache_has "changed boolean" "T_OPT:BOOL=OFF"
step "changed string" 3 -DT_OPT=OFF -DT_STR:STRING=b
cache_has "changed string" "T_STR:STRING=b"
step "new option" 4 -DT_OPT=OFF -DT_NEW=1
step "new option again" 4 -DT_OPT=OFF -DT_NEW=1
step "not a -D option" 5 -Wno-dev
sleep 1 # a coarse file clock must see CMakeLists.txt as newer than the build system
echo "# edited" >> "$T/CMakeLists.txt"
step "CMakeLists.txt edited" 6 -DT_OPT=OFF
step "after the edit" 6 -DT_OPT=OFF

[ "$fails" -eq 0 ] && echo "build_script: ok"
exit $((fails > 0))
