#!/usr/bin/env bash
# Configures and builds Proratio into a build directory (default ./build).
# Usage: scripts/build.sh [BUILD_DIR] [extra cmake -D options...]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B "$dir" "$@" >/dev/null
cmake --build "$dir" -j"$jobs"
