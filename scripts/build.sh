#!/usr/bin/env bash
# Configures and builds Proratio into a build directory (default ./build).
# Usage: scripts/build.sh [BUILD_DIR] [extra cmake -D options...]
#
# The CMake configure step runs only when it has something to do: the build
# directory is new (or its last configure never generated a build system), or
# an option differs from the value in its CMakeCache.txt (the cache, not a
# stamp, is compared, so a value changed by hand with cmake is seen too).
# Options given as anything other than -DNAME[:TYPE]=VALUE always configure.
# With no options an existing directory keeps its cached ones, as cmake does.
# Edits to CMakeLists.txt are picked up by `cmake --build` itself. A new
# directory uses Ninja when it is installed (a no-op build in ~0.1 s, against
# ~2 s of CPU for the recursive Makefiles); an existing one keeps its generator.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
jobs=$(nproc 2>/dev/null || echo 2)
cache=$dir/CMakeCache.txt

# 0 when the cache already holds the option -DNAME[:TYPE]=VALUE.
cached() {
  local opt=${1#-D} name type=
  [[ $1 == -D?*=* ]] || return 1
  name=${opt%%=*}
  if [[ $name == *:* ]]; then type=${name#*:}; name=${name%%:*}; fi
  N=$name T=$type V=${opt#*=} awk '
    BEGIN { n = ENVIRON["N"]; t = ENVIRON["T"]; v = ENVIRON["V"] }
    index($0, n ":") == 1 {
      rest = substr($0, length(n) + 2); eq = index(rest, "=")
      if (eq > 1 && (t == "" || substr(rest, 1, eq - 1) == t) && substr(rest, eq + 1) == v) found = 1
    }
    END { exit !found }' "$cache"
}

need_configure() {
  [ -f "$cache" ] || return 0
  [ -f "$dir/build.ninja" ] || [ -f "$dir/Makefile" ] || return 0
  local a
  for a in "$@"; do cached "$a" || return 0; done
  return 1
}

if need_configure "$@"; then
  gen=()
  if [ ! -f "$cache" ] && [[ " $* " != *" -G"* ]] && command -v ninja >/dev/null 2>&1; then
    gen=(-G Ninja)
  fi
  cmake -S . -B "$dir" "${gen[@]}" "$@" >/dev/null
fi
cmake --build "$dir" -j"$jobs"
