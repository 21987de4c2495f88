#!/usr/bin/env bash
# Runs a noisy step (apt, a build) quietly: its output goes to a log, and only
# a one-line "LABEL: done" is printed on success. On failure the log's error
# lines and its last 40 lines are printed and the step's exit status returned,
# so errors are never hidden.
# Usage: scripts/quiet.sh LABEL COMMAND [ARG...]
set -uo pipefail
label=$1
shift
log=$(mktemp "${TMPDIR:-/tmp}/proratio-quiet.XXXXXX")
trap 'rm -f "$log"' EXIT
"$@" >"$log" 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then
  echo "$label: done"
  exit 0
fi
echo "$label: FAILED (exit $rc); errors:" >&2
grep -E -i '(error|fatal|undefined reference|cannot|not found)' "$log" | head -n 40 >&2
echo "--- last 40 lines of output ---" >&2
tail -n 40 "$log" >&2
exit "$rc"
