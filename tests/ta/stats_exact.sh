#!/bin/bash
# Recomputes the exact (rational-arithmetic) values of tests/ta/stats_exact.json
# with tests/ta/stats_exact.py and checks that the committed file holds them:
# the exact fields must be identical; the condition numbers (numpy, floating
# point, only used to size tolerances) within 1%. Skips (77) without Debian's
# /usr/bin/python3 with numpy; in CI (PR_CI=1) a skip fails the run.
set -u
PY=/usr/bin/python3
root=${PR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ ! -x "$PY" ] || ! "$PY" -c 'import numpy' 2>/dev/null; then
    echo "SKIP: $PY with numpy not found (apt-get install python3-numpy)"
    exit 77
fi
tmp=$(mktemp "${TMPDIR:-/tmp}/stats_exact.XXXXXX")
trap 'rm -f "$tmp"' EXIT
OPENBLAS_NUM_THREADS=1 "$PY" "$root/tests/ta/stats_exact.py" --root "$root" --out "$tmp" || { echo "FAIL: stats_exact.py failed"; exit 1; }
"$PY" - "$root/tests/ta/stats_exact.json" "$tmp" <<'PYEOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
bad = 0
for sec in ("coint", "adf"):
    for ca, cb in zip(a[sec], b[sec]):
        for k, v in ca.items():
            w = cb.get(k)
            ok = abs(v - w) <= 0.01 * abs(v) if k.startswith("cond") else v == w
            print("%s[%s] %s: committed %s, recomputed %s%s" % (sec, ca["index"], k, v, w, "" if ok else "  MISMATCH"))
            bad += not ok
sys.exit(1 if bad else 0)
PYEOF
