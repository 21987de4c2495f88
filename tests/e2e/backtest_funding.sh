#!/usr/bin/env bash
# End-to-end test of funding coverage in `proratio backtest` (README
# "Backtesting", funding.missing): the sample funding rates start on
# 2024-07-19 08:00, so a run from 2024-07-01 has 55 funding times without a
# rate (2024-07-01 00:00 .. 2024-07-19 00:00, every 8 h: 18 days x 3 + 1).
#  - by default (funding.missing "error") the run is refused, exit 4, naming
#    the span and the two other choices;
#  - "zero" runs and warns with the span; "rate" needs funding.rate (exit 2
#    without it), then runs and warns with the span and the rate charged;
#  - a run inside the rates' coverage says nothing about funding;
#  - a bad funding.missing is a configuration error naming the key.
set -u
BIN=${PR_BIN:-}
ROOT=${PR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
  echo "skipped: the proratio program (PR_BIN=$BIN) is not built"
  exit 77
fi
cd "$ROOT" || exit 1
TMP=$(mktemp -d "${TMPDIR:-/tmp}/prtest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

cat > "$TMP/perp.json" <<'JSON'
{"data": {"csv": ["data/sample/crypto/BTCUSDT-1h.csv"], "from": "2024-07-01", "to": "2024-08-01"},
 "instruments": {"BTCUSDT": {"asset_class": "crypto", "funding": "data/sample/crypto/BTCUSDT-funding-8h.csv"}},
 "strategy": {"name": "sma_cross"}, "account": {"currency": "USDT", "cash": 10000}}
JSON
SPAN='2024-07-01 00:00:00 .. 2024-07-19 00:00:00 (55 funding times)'

"$BIN" backtest --config "$TMP/perp.json" --out "$TMP/e" > "$TMP/e.txt" 2>&1
rc=$?
[ $rc -eq 4 ] || fail "uncovered funding, default: exit $rc, want 4: $(tail -2 "$TMP/e.txt")"
grep -qF "$SPAN" "$TMP/e.txt" && grep -q 'funding.missing to "zero"' "$TMP/e.txt" && grep -q '"rate"' "$TMP/e.txt" \
  || fail "refusal does not name the span and the choices: $(cat "$TMP/e.txt")"
[ -e "$TMP/e/trades.csv" ] && fail "a refused run wrote trades"

"$BIN" backtest --config "$TMP/perp.json" --set funding.missing=zero --out "$TMP/z" > "$TMP/z.txt" 2> "$TMP/z.err" \
  || fail "funding.missing zero: $(tail -2 "$TMP/z.err")"
grep -q "warning: BTCUSDT: no funding rate for 55 of the run's funding times, nothing charged there" "$TMP/z.err" \
  && grep -qF "$SPAN" "$TMP/z.err" || fail "zero: no warning with the span: $(cat "$TMP/z.err")"

"$BIN" backtest --config "$TMP/perp.json" --set funding.missing=rate --out "$TMP/r" > "$TMP/r.txt" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "funding.rate" "$TMP/r.txt" || fail "rate without funding.rate: exit $rc: $(cat "$TMP/r.txt")"
"$BIN" backtest --config "$TMP/perp.json" --set funding.missing=rate --set funding.rate=0.0001 --out "$TMP/r" \
  > "$TMP/r.txt" 2> "$TMP/r.err" || fail "funding.missing rate: $(tail -2 "$TMP/r.err")"
grep -q "no funding rate for 55 of the run's funding times, 0.0001 charged there" "$TMP/r.err" \
  && grep -qF "$SPAN" "$TMP/r.err" || fail "rate: no warning with the span: $(cat "$TMP/r.err")"

"$BIN" backtest --config "$TMP/perp.json" --from 2024-08-01 --to 2024-09-01 --out "$TMP/c" > "$TMP/c.txt" 2> "$TMP/c.err" \
  || fail "covered run: $(tail -2 "$TMP/c.err")"
grep -qi "funding rate" "$TMP/c.err" && fail "covered run warns: $(cat "$TMP/c.err")"

"$BIN" backtest --config "$TMP/perp.json" --set funding.missing=maybe --out "$TMP/b" > "$TMP/b.txt" 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "funding.missing" "$TMP/b.txt" || fail "bad funding.missing: exit $rc: $(cat "$TMP/b.txt")"

[ $fails -eq 0 ] || exit 1
echo "ok"
