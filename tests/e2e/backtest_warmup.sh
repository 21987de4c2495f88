#!/usr/bin/env bash
# End-to-end test of the backtest's warm-up and of orders that come to nothing:
#  - with data.from set, the bars the strategy's indicators need are loaded
#    before it: entry signals from data.from on are identical whether the run
#    (and so the data it loads) starts at data.from or two months earlier, for
#    ta_score (EMA 200, ADX, MACD, higher timeframe) and mean_reversion (RSI,
#    ATR); with data.warmup 0 (the old behaviour: no pre-roll) they are not;
#  - equity, buy and hold and the header start at data.from; a store or file
#    without enough history before data.from is reported; data.warmup N loads
#    N bars;
#  - trend_ema on SPY 5m with 10,000 USD and 5% sizing (less than one share):
#    every entry is counted as rejected with its reason in the terminal and in
#    summary.jsonl, and the run says why it has no fills.
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
REF=examples/sma_cross_reference.json

# Entry signals at or after $2 in a signals.jsonl.
entries() { grep '"kind":"enter' "$1" | awk -F'"' -v t="$2" '$4 >= t'; }

# --- signals do not depend on where the data starts ------------------------------
for st in ta_score mean_reversion; do
  for w in auto 0; do
    for from in 2023-01-01 2023-03-01; do
      "$BIN" backtest --config "$REF" --strategy "$st" --set data.warmup="$w" --from "$from" \
        --out "$TMP/$st-$w-$from" > "$TMP/$st-$w-$from.txt" 2>&1 || fail "$st warmup=$w from=$from: $(cat "$TMP/$st-$w-$from.txt")"
    done
    entries "$TMP/$st-$w-2023-03-01/signals.jsonl" 2023-03-01 > "$TMP/late"
    entries "$TMP/$st-$w-2023-01-01/signals.jsonl" 2023-03-01 > "$TMP/early"
    [ -s "$TMP/late" ] || fail "$st: no entry signals after 2023-03-01"
    if [ "$w" = auto ]; then
      cmp -s "$TMP/late" "$TMP/early" || fail "$st: entry signals from 2023-03-01 on differ with the data starting two months earlier: $(diff "$TMP/late" "$TMP/early" | head -3)"
    else
      # Without the warm-up the seeds start at data.from: the test can tell.
      cmp -s "$TMP/late" "$TMP/early" && fail "$st: data.warmup 0 gave the same signals (the check above could not fail)"
    fi
  done
done

# ta_score needs EMA(200): 199 + 2764 bars (r = 199/201, 0.99005^2764 < 1e-12), +1 = 2964.
grep -q "indicators warmed up on 2964 bars from 2022-08-30 12:00:00" "$TMP/ta_score-auto-2023-01-01.txt" \
  || fail "ta_score warm-up line: $(grep BTCUSDT "$TMP/ta_score-auto-2023-01-01.txt")"
# Trading, equity and the benchmark start at data.from.
[ "$(sed -n 2p "$TMP/ta_score-auto-2023-03-01/equity.csv" | cut -d, -f1)" = "2023-03-01T00:00:00Z" ] \
  || fail "equity does not start at data.from: $(sed -n 2p "$TMP/ta_score-auto-2023-03-01/equity.csv")"
awk -F, 'NR > 1 && $1 < "2023-03-01" { bad = 1 } END { exit bad }' "$TMP/ta_score-auto-2023-03-01/trades.csv" \
  || fail "a trade before data.from"
grep -q '"from":"2023-03-01T00:00:00Z"' "$TMP/ta_score-auto-2023-03-01/summary.jsonl" || fail "summary from"
# BTCUSDT closes: 2023-03-01 00:00 bar 23101.0 (the first traded bar), 2025-05-05 23:00 bar
# 95101.89: buy and hold from data.from (no benchmark fee) returns 95101.89/23101.0 - 1 = 311.68%.
grep -q "Total return .* 311\.68%" "$TMP/ta_score-auto-2023-03-01.txt" \
  || fail "buy and hold does not start at data.from: $(grep 'Total return' "$TMP/ta_score-auto-2023-03-01.txt")"

# --- too little history is reported; data.warmup N loads N bars ------------------------
"$BIN" backtest --config "$REF" --strategy ta_score --from 2022-01-10 --out "$TMP/short" > "$TMP/short.txt" 2>&1 \
  || fail "short history run: $(cat "$TMP/short.txt")"
grep -q "warning: data/sample/crypto/BTCUSDT-1h.csv holds 216 bars before 2022-01-10 00:00:00, the strategy's indicators need 2964" "$TMP/short.txt" \
  || fail "no warning about missing history: $(grep -i warn "$TMP/short.txt")"
"$BIN" backtest --config "$REF" --set data.warmup=100 --from 2023-01-01 --out "$TMP/w100" > "$TMP/w100.txt" 2>&1 \
  || fail "data.warmup=100 run"
grep -q "warmed up on 100 bars from 2022-12-27 20:00:00" "$TMP/w100.txt" || fail "data.warmup 100: $(grep BTCUSDT "$TMP/w100.txt")"
"$BIN" backtest --config "$REF" --set data.warmup=-1 --out "$TMP/bad" > "$TMP/bad.txt" 2>&1
[ $? -eq 2 ] && grep -q "data.warmup" "$TMP/bad.txt" || fail "data.warmup -1 not refused: $(cat "$TMP/bad.txt")"

# --- orders that round to nothing ----------------------------------------------------
cat > "$TMP/spy.json" <<'EOF'
{"data": {"csv": ["data/sample/stocks/SPY-5m.csv"]},
 "strategy": {"name": "trend_ema"},
 "sizing": {"mode": "fixed_fraction", "fraction": 0.05},
 "account": {"currency": "USD", "cash": 10000}}
EOF
"$BIN" backtest --config "$TMP/spy.json" --out "$TMP/spy" > "$TMP/spy.txt" 2>&1 || fail "SPY run: $(cat "$TMP/spy.txt")"
# SPY trades at 500-560 in this file: 5% of 10,000 USD x confidence (<= 1) is at most
# 500 USD, under one share (lot step 1), so every entry is rejected.
sig=$(grep -c '"kind":"enter_long"' "$TMP/spy/signals.jsonl")
[ "$sig" -gt 0 ] || fail "SPY: no entry signals"
grep -q "; 0 fills" "$TMP/spy.txt" || fail "SPY: fills: $(grep pipeline "$TMP/spy.txt")"
grep -q "$sig rejected; 0 fills" "$TMP/spy.txt" || fail "SPY: $sig entries, but: $(grep pipeline "$TMP/spy.txt")"
grep -q "^rejected     $sig: quantity rounds to zero at the instrument's lot step" "$TMP/spy.txt" || fail "SPY: reason: $(grep rejected "$TMP/spy.txt")"
grep -q "^no fills .*less than one lot.*instruments.SPY.lot_step" "$TMP/spy.txt" || fail "SPY: no explanation: $(cat "$TMP/spy.txt")"
grep -q "\"rejected\":$sig,\"rejects\":{\"quantity rounds to zero at the instrument's lot step (size below one lot)\":$sig}" \
  "$TMP/spy/summary.jsonl" || fail "SPY summary.jsonl: $(cat "$TMP/spy/summary.jsonl")"
# With fractional shares the same signals trade.
"$BIN" backtest --config "$TMP/spy.json" --set instruments.SPY.lot_step=0.0001 --set instruments.SPY.min_qty=0 --out "$TMP/spy2" > "$TMP/spy2.txt" 2>&1 \
  || fail "SPY fractional run"
grep -q " 0 rejected; [1-9][0-9]* fills" "$TMP/spy2.txt" || fail "SPY fractional: $(grep pipeline "$TMP/spy2.txt")"

[ $fails -eq 0 ] || exit 1
echo "ok"
