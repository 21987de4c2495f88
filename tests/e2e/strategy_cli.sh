#!/usr/bin/env bash
# End-to-end test of `proratio strategy list` and `proratio strategy show`:
# every built-in strategy listed, each parameter table printed with the
# documented defaults, and the exit codes of an unknown name and bad usage.
set -u
source "$(dirname "$0")/lib/prelude.bash"

"$BIN" strategy list > "$TMP/list.txt" 2>&1 || fail "strategy list exited $?"
for s in sma_cross trend_ema mean_reversion ta_score rules vol_breakout weekend_reversal mtf_trend gap_fade pairs triangular \
  session_breakout funding_carry grid; do
  grep -q "^$s " "$TMP/list.txt" || fail "list lacks $s"
done
[ "$(wc -l < "$TMP/list.txt")" -eq 14 ] || fail "list: $(cat "$TMP/list.txt")"

"$BIN" strategy show trend_ema > "$TMP/show.txt" 2>&1 || fail "strategy show exited $?"
# key, type, default, range, optimisation range (README: fast 20, stop 0.05, tiers 2/5/10%).
grep -Eq '^fast +int +20 +\[2, 100000\] +5:50:5 ' "$TMP/show.txt" || fail "fast row: $(grep '^fast' "$TMP/show.txt")"
grep -Eq '^stop +number +0\.05 +\[0, 1\] ' "$TMP/show.txt" || fail "stop row: $(grep '^stop' "$TMP/show.txt")"
grep -Eq '^take_profit +list +\[0\.02, 0\.05, 0\.1\] ' "$TMP/show.txt" || fail "take_profit row"
grep -Eq '^volume_filter +bool +true ' "$TMP/show.txt" || fail "volume_filter row"
[ "$(grep -c '' "$TMP/show.txt")" -eq 15 ] || fail "trend_ema has 12 parameters: $(cat "$TMP/show.txt")"
"$BIN" strategy show ta_score | grep -Eq '^htf +timeframe +auto ' || fail "ta_score htf row"

"$BIN" strategy show nope > /dev/null 2> "$TMP/err.txt"
rc=$?
[ $rc -eq 4 ] || fail "unknown strategy exited $rc, want 4"
grep -q "unknown strategy 'nope'" "$TMP/err.txt" || fail "message: $(cat "$TMP/err.txt")"
"$BIN" strategy frobnicate > /dev/null 2>&1
[ $? -eq 2 ] || fail "bad usage should exit 2"

[ $fails -eq 0 ] && echo "strategy_cli: all checks passed"
exit $((fails > 0))
