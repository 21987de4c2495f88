#!/usr/bin/env bash
# End-to-end test of fee schedules (costs.<class>.fee_schedule,
# instruments.SYM.costs.fee_schedule) on the peer reference run
# (examples/sma_cross_reference.json: 588 round trips, 0.1% per side):
#  - "flat" named explicitly gives trades.csv byte for byte as the default;
#  - "per_contract" with only a 3.00 ticket per fill charges every round
#    trip 6.00 (two fills), whatever its size;
#  - "percent" at 0.2% charges each trade 0.2% of what was traded
#    (qty * (entry + exit)), twice the flat run's 0.1%;
#  - "tiered" changes fees once the trailing 30-day volume passes a tier;
#  - bad schedules exit 2 naming the key path and what was expected;
#  - `proratio fees list/show` print the table, and README documents every
#    schedule and parameter.
set -u
. "$(dirname "$0")/lib/prelude.bash"
REF=examples/sma_cross_reference.json
FS=instruments.BTCUSDT.costs.fee_schedule

run() {  # run NAME SCHEDULE-JSON
  "$BIN" backtest --config "$REF" --out "$TMP/$1" --set "$FS=$2" > "$TMP/$1.txt" 2> "$TMP/$1.err" \
    || fail "$1: exit $?: $(cat "$TMP/$1.err")"
}
"$BIN" backtest --config "$REF" --out "$TMP/default" > /dev/null 2>&1 || fail "default run"
run flat '{"model": "flat"}'
cmp -s "$TMP/default/trades.csv" "$TMP/flat/trades.csv" || fail "flat named explicitly differs from the default"

# trades.csv columns: 7 qty, 8 entry_price, 9 exit_price, 11 fees.
run ticket '{"model": "per_contract", "params": {"per_contract": 0, "per_order": 3}}'
awk -F, 'NR > 1 { n++; if ($11 != 6) { bad++; if (bad < 3) print "trade " NR - 1 ": fees " $11 } }
         END { exit !(n == 588 && bad == 0) }' "$TMP/ticket/trades.csv" || fail "per_contract: not 6.00 per round trip"

run pct '{"model": "percent", "params": {"rate": 0.002}}'
rate_ok() {  # rate_ok FILE RATE: fees / (qty * (entry + exit)) is RATE for every trade
  awk -F, -v r="$2" 'NR > 1 { n++; x = $11 / ($7 * ($8 + $9)) / r - 1; if (x < 0) x = -x; if (x > 1e-9) bad++ }
                     END { exit !(n > 0 && bad == 0) }' "$1"
}
rate_ok "$TMP/pct/trades.csv" 0.002 || fail "percent: fees are not 0.2% of the traded value"
# The reference config's taker/maker fees sit beside the schedule: reported, not silently dropped.
grep -qF 'instruments.BTCUSDT.costs.taker_fee: not used: fee_schedule percent sets the commission' "$TMP/pct.err" \
  || fail "percent: the unused taker_fee is not reported: $(cat "$TMP/pct.err")"
grep -q 'taker_fee=' "$TMP/pct.txt" && fail "percent: the costs line shows the unused taker_fee"
grep -q 'not used' "$TMP/flat.err" && fail "flat: its own commission keys reported as unused"
rate_ok "$TMP/default/trades.csv" 0.001 || fail "flat: fees are not 0.1% of the traded value"
cmp -s "$TMP/default/trades.csv" "$TMP/pct/trades.csv" && fail "percent: same trades.csv as flat"

# About 35 fills a month of ~10,000 each: the trailing 30 days pass 200,000
# early in 2022, after which taker fees are 0.05% (half the flat rate).
run tier '{"model": "tiered", "params": {"volume": [0, 200000], "maker": [0.001, 0.0005], "taker": [0.001, 0.0005]}}'
awk -F, 'NR > 1 { x = $11 / ($7 * ($8 + $9)); if (x < 0.00075) low++; else if (x > 0.00099) high++ }
         END { exit !(low > 100 && high > 0) }' "$TMP/tier/trades.csv" || fail "tiered: no trades in the cheaper tier"
[ "$(head -3 "$TMP/tier/trades.csv")" = "$(head -3 "$TMP/default/trades.csv")" ] \
  || fail "tiered: the first trades (no volume yet) differ from flat"

# --- errors -------------------------------------------------------------------------
bad() {  # bad SCHEDULE-JSON MESSAGE
  "$BIN" backtest --config "$REF" --out "$TMP/bad" --set "$FS=$1" > /dev/null 2> "$TMP/bad.err"
  local rc=$?
  [ $rc -eq 2 ] && grep -qF "$2" "$TMP/bad.err" || fail "bad schedule $1: exit $rc, want 2 and '$2' in: $(cat "$TMP/bad.err")"
}
bad '{"model": "tierd"}' "$FS.model: expected one of \"flat\", \"tiered\", \"per_share\", \"per_contract\", \"percent\", got \"tierd\" (did you mean \"tiered\"?)"
bad '{"model": "per_share", "params": {"min": -1}}' "$FS.params.min: expected a number in [0,1000000000], got -1"
bad '{"model": "per_share", "params": {"per_shares": 0.01}}' "$FS.params.per_shares: unknown key"
bad '{"model": "tiered", "params": {"volume": [0, 1e6], "maker": [0.001, 0.0008]}}' \
    "$FS.params.taker: expected 2 values (one per volume element), got 0"
bad '{"model": "flat", "rate": 1}' "$FS.rate: unknown key"
"$BIN" backtest --config "$REF" --out "$TMP/bad" --set 'costs.crypto.fee_schedule={"model": "percent", "params": {"rate": 2}}' \
  > /dev/null 2> "$TMP/bad.err"
[ $? -eq 2 ] && grep -qF 'costs.crypto.fee_schedule.params.rate: expected a number in [0,1], got 2' "$TMP/bad.err" \
  || fail "costs.crypto.fee_schedule: $(cat "$TMP/bad.err")"
[ -e "$TMP/bad" ] && fail "a bad schedule still wrote output"

# --- the table: listed, shown, documented ----------------------------------------------
"$BIN" fees list > "$TMP/list.txt" || fail "fees list"
[ "$(awk '{ print $1 }' "$TMP/list.txt" | tr '\n' ' ')" = "flat tiered per_share per_contract percent " ] \
  || fail "fees list: $(cat "$TMP/list.txt")"
"$BIN" fees show tiered | grep -q '^window_days *int *30 ' || fail "fees show tiered"
"$BIN" fees show nope > /dev/null 2>&1; [ $? -eq 4 ] || fail "fees show of an unknown schedule: want exit 4"
for name in $(awk '{ print $1 }' "$TMP/list.txt"); do
  grep -q "\"model\": \"$name\"" README.md || fail "README: no example of the $name schedule"
  for key in $("$BIN" fees show "$name" | awk 'f { print $1 } /^parameter/ { f = 1 }'); do
    grep -q "\`$key\`" README.md || fail "README: $name parameter $key undocumented"
  done
done

[ $fails -eq 0 ] && echo "backtest_fees: all checks passed"
exit $((fails > 0))
