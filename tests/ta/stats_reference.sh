#!/bin/bash
# Live reference check of the statistics: recomputes the expected values with
# the installed statsmodels/scipy/numpy (tests/ta/stats_reference.py --full:
# every rolling value and residual) on the repository's sample data, then
# runs the C checker (ta_test_stats_reference) against that file. Skips (77)
# when Debian's /usr/bin/python3 with statsmodels is not available (a failure
# in CI, PR_CI=1: scripts/install-deps.sh installs it); the committed
# tests/ta/stats_expected.json is checked by ta/test_stats_reference
# regardless.
set -u
PY=/usr/bin/python3
root=${PR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${PR_BUILD_DIR:-$root/build}
bin=$build/ta_test_stats_reference

if [ ! -x "$PY" ]; then
    echo "SKIP: $PY not found (the reference needs Debian's python3 with statsmodels)"
    exit 77
fi
if ! "$PY" -c 'import numpy, scipy, statsmodels' 2>/dev/null; then
    echo "SKIP: $PY lacks numpy/scipy/statsmodels (apt-get install python3-statsmodels)"
    exit 77
fi
if [ ! -x "$bin" ]; then
    echo "FAIL: $bin is not built (cmake --build <dir> --target ta_test_stats_reference)"
    exit 1
fi
for f in stocks/KO-1d stocks/PEP-1d crypto/BTCUSDT-1h crypto/ETHUSDT-1h; do
    if [ ! -f "$root/data/sample/$f.csv" ]; then
        echo "FAIL: missing $root/data/sample/$f.csv"
        exit 1
    fi
done

tmp=$(mktemp "${TMPDIR:-/tmp}/stats_reference.XXXXXX")
trap 'rm -f "$tmp"' EXIT
# one BLAS thread: the reference is many small fits, threads only add overhead
if ! OPENBLAS_NUM_THREADS=1 "$PY" "$root/tests/ta/stats_reference.py" --root "$root" --full --out "$tmp"; then
    echo "FAIL: stats_reference.py failed"
    exit 1
fi
"$PY" -c 'import statsmodels, scipy, numpy; print("reference: statsmodels %s, scipy %s, numpy %s" % (statsmodels.__version__, scipy.__version__, numpy.__version__))'
PR_SOURCE_DIR="$root" PR_STATS_REFERENCE="$tmp" "$bin"
