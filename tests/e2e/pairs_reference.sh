#!/usr/bin/env bash
# The `pairs` strategy against an independent reference: the example
# backtests (KO against PEP daily, ETHUSDT against BTCUSDT hourly) must
# enter exactly the trades tests/e2e/pairs_reference.py expects, where the
# same rules are written with statsmodels' coint (Engle-Granger) and numpy.
# Both legs of every entry are checked (y on the side the reference says, x
# on the other, at the same bar). Skips (77) when Debian's /usr/bin/python3
# lacks statsmodels (CI installs it and allows no skip).
set -u
source "$(dirname "$0")/lib/prelude.bash"
PY=/usr/bin/python3
if ! "$PY" -c 'import numpy, statsmodels' 2>/dev/null; then
  echo "SKIP: $PY lacks numpy/statsmodels (apt-get install python3-statsmodels)"
  exit 77
fi

check() {   # name y-symbol x-symbol y.csv x.csv formation refit pmax z_window entry exit stop
  local n=$1 ys=$2 xs=$3
  shift 3
  "$BIN" backtest --config "examples/$n.json" --out "$TMP/$n" > "$TMP/$n.txt" 2>&1 || { fail "$n exited: $(tail -3 "$TMP/$n.txt")"; return; }
  OPENBLAS_NUM_THREADS=1 "$PY" tests/e2e/pairs_reference.py "$@" | sort > "$TMP/$n.want" || { fail "$n: the reference failed"; return; }
  awk -F, -v s="$ys" 'NR > 1 && $4 == s {print $1, $6}' "$TMP/$n/trades.csv" | sort > "$TMP/$n.y"
  awk -F, -v s="$xs" 'NR > 1 && $4 == s {print $1, ($6 == "long" ? "short" : "long")}' "$TMP/$n/trades.csv" | sort > "$TMP/$n.x"
  [ -s "$TMP/$n.want" ] || fail "$n: the reference expects no trade"
  diff "$TMP/$n.want" "$TMP/$n.y" > "$TMP/$n.dy" || fail "$n: $ys legs differ from the reference: $(head -5 "$TMP/$n.dy")"
  diff "$TMP/$n.want" "$TMP/$n.x" > "$TMP/$n.dx" || fail "$n: $xs legs differ from the reference: $(head -5 "$TMP/$n.dx")"
}

check pairs_ko_pep KO PEP data/sample/stocks/KO-1d.csv data/sample/stocks/PEP-1d.csv 252 20 0.05 20 2 0 3
check pairs_btc_eth ETHUSDT BTCUSDT data/sample/crypto/ETHUSDT-1h.csv data/sample/crypto/BTCUSDT-1h.csv 720 24 0.05 48 2.5 0 3.5

[ $fails -eq 0 ] && echo "pairs_reference: all checks passed ($(wc -l < "$TMP/pairs_ko_pep.want") KO/PEP and $(wc -l < "$TMP/pairs_btc_eth.want") ETH/BTC entries)"
exit $((fails > 0))
