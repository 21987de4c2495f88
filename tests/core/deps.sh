#!/usr/bin/env bash
# The issue's check "no new circular dependency between files or modules":
# tests/core/deps.py on small synthetic trees first (an upstream include and
# an include cycle must fail, with file:line), then on this repository's
# src/ and include/proratio/ (must pass).
set -u
root=${PR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
python3 "$root/tests/core/deps.py" --self-test || { echo "FAIL: deps.py self-test"; exit 1; }
python3 "$root/tests/core/deps.py" "$root"
