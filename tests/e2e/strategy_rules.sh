#!/usr/bin/env bash
# End-to-end test of the rules strategy through `proratio backtest` on the
# bundled sample data, the built-in strategies being the outside reference:
#  - sma_cross(10, 30), long only, written as crosses of two SMAs;
#  - mean_reversion on EURUSD 1h (forex thresholds RSI 25/75, |z| > 2, long
#    and short, stop 2 x ATR(14));
#  - trend_ema with its defaults (examples/rules_trend_ema.json: the 1e-9
#    noise margins, the tiered targets and the volume-scaled size written out);
# each makes exactly the built-in's trades and fills (every field but the
# tag and the reason text, which name the strategy). A bad expression exits 2 naming the
# key and the column.
set -u
source "$(dirname "$0")/lib/prelude.bash"

BTC='"csv": [{"file": "data/sample/crypto/BTCUSDT-1h.csv", "symbol": "BTCUSDT", "tf": "1h", "asset_class": "crypto"}]'
EUR='"csv": [{"file": "data/sample/forex/EURUSD-1h.csv", "symbol": "EURUSD", "tf": "1h", "asset_class": "forex"}]'

# same NAME BUILTIN_CONFIG RULES_CONFIG: both run, same trades (columns 1-15).
same() {
  "$BIN" backtest --config "$2" --out "$TMP/$1_b" > "$TMP/$1_b.txt" 2>&1 || { fail "$1 built-in: $(tail -3 "$TMP/$1_b.txt")"; return; }
  "$BIN" backtest --config "$3" --out "$TMP/$1_r" > "$TMP/$1_r.txt" 2>&1 || { fail "$1 rules: $(tail -3 "$TMP/$1_r.txt")"; return; }
  local n
  n=$(($(wc -l < "$TMP/$1_b/trades.csv") - 1))
  [ "$n" -gt 20 ] || fail "$1: the built-in made only $n trades (the comparison says little)"
  cmp -s <(cut -d, -f1-15 "$TMP/$1_b/trades.csv") <(cut -d, -f1-15 "$TMP/$1_r/trades.csv") \
    || fail "$1: rules trades differ from the built-in's: $(diff <(cut -d, -f1-15 "$TMP/$1_b/trades.csv") \
                                                        <(cut -d, -f1-15 "$TMP/$1_r/trades.csv") | head -4)"
  # Fill by fill (partial take-profits included), prices and sizes equal.
  cmp -s <(sed 's/,"tag".*//' "$TMP/$1_b/executions.jsonl") <(sed 's/,"tag".*//' "$TMP/$1_r/executions.jsonl") \
    || fail "$1: rules fills differ from the built-in's"
}

cat > "$TMP/sma_b.json" <<JSON
{"data": {$BTC}, "strategy": {"name": "sma_cross", "params": {"fast": 10, "slow": 30}},
 "account": {"currency": "USDT", "cash": 10000}}
JSON
cat > "$TMP/sma_r.json" <<JSON
{"data": {$BTC}, "strategy": {"name": "rules", "params": {
   "entry_long": "crosses_above(sma(close,10), sma(close,30))",
   "exit_long": "crosses_below(sma(close, 10), sma(close, 30))"}},
 "account": {"currency": "USDT", "cash": 10000}}
JSON
same sma "$TMP/sma_b.json" "$TMP/sma_r.json"

MR_REST='"instruments": {"EURUSD": {"costs": {"spread_pips": 1.0, "commission_per_100k": 3.5}}},
 "sizing": {"mode": "fixed_risk", "risk": 0.005}, "margin": {"leverage": 10}, "account": {"currency": "USD", "cash": 10000}'
BB='bbands(close,20,2,2)'
WIDE="$BB.upper - $BB.lower > 1e-9*abs(close)"
cat > "$TMP/mr_b.json" <<JSON
{"data": {$EUR}, "strategy": {"name": "mean_reversion", "params": {"allow_short": true}}, $MR_REST}
JSON
cat > "$TMP/mr_r.json" <<JSON
{"data": {$EUR}, "strategy": {"name": "rules", "params": {
   "entry_long": "close < $BB.lower and rsi(close,14) < 25 and zscore(close,20,0) < -2 and $WIDE",
   "entry_short": "close > $BB.upper and rsi(close,14) > 75 and zscore(close,20,0) > 2 and $WIDE",
   "exit_long": "close >= $BB.middle or zscore(close,20,0) >= 0",
   "exit_short": "close <= $BB.middle or zscore(close,20,0) <= 0",
   "stop": "2*atr(14)"}}, $MR_REST}
JSON
same mr "$TMP/mr_b.json" "$TMP/mr_r.json"

cat > "$TMP/te_b.json" <<JSON
{"data": {$BTC}, "strategy": {"name": "trend_ema"},
 "sizing": {"mode": "fixed_fraction", "fraction": 0.05},
 "costs": {"crypto": {"taker_fee": 0.001, "maker_fee": 0.001, "slippage": 0.002}},
 "account": {"currency": "USDT", "cash": 10000}}
JSON
same te "$TMP/te_b.json" examples/rules_trend_ema.json
# The tiers really are there: some trades closed at a target.
[ "$(grep -c '"role":"target"' "$TMP/te_r/executions.jsonl")" -gt 10 ] || fail "trend_ema rules: no take-profit filled"

# A bad expression: exit 2, the key's full path and the column.
sed 's/rsi(close,14) >= 30/rsii(close,14) >= 30/' examples/rules_trend_ema.json > "$TMP/bad.json"
"$BIN" backtest --config "$TMP/bad.json" --out "$TMP/bad" > "$TMP/bad.txt" 2>&1
rc=$?
[ $rc -eq 2 ] || fail "bad expression exited $rc, want 2"
grep -q "strategy.params.entry_long: column 113: unknown indicator 'rsii' (did you mean 'rsi'?)" "$TMP/bad.txt" \
  || fail "bad expression message: $(cat "$TMP/bad.txt")"

[ $fails -eq 0 ] && echo "strategy_rules: all checks passed"
exit $((fails > 0))
