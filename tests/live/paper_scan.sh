#!/usr/bin/env bash
# End-to-end test of live.scan, the scan interval of `proratio paper` (issue
# #13: "scans every 30 minutes"): the pipeline decides only at the steps that
# reach a multiple of the interval (UTC), on the bars closed by then; the
# bars between still fill orders and update the indicators. On the replay
# feed the boundaries come from the bars' close times, so:
#  - scan 3600 on 1h bars decides at every bar: the session equals the
#    backtest file for file (the "one decision path" rule);
#  - scan 1800 on the sample's 1m bars (2025-01-01 03:00 to 2025-01-15 02:59,
#    20,160 bars without a gap, closes 03:01 .. 01-15 03:00) decides at the
#    first step and at each :00 and :30 close after it: 14 days x 48 = 672
#    boundaries in (03:01, 01-15 03:00], so 673 decisions, and every signal
#    is timed at a :00:00 or :30:00 close;
#  - the same on 15m bars (resampled: 1,344 steps, closes 03:15 .. 01-15
#    03:00): again 1 + 672 = 673 decisions, signals at :00 and :30 only;
#  - no live.scan: the default, 1800 s (673 decisions on the 1m bars);
#  - a scan that does not divide a day, or is not a whole number of bars
#    when longer than one (5400 s on 1h bars), is refused naming live.scan.
set -u
. "$(dirname "$0")/../e2e/lib/prelude.bash"
. tests/live/joined.bash
DB="sqlite:$TMP/s.db"
"$BIN" data import data/sample/crypto/BTCUSDT-1h.csv data/sample/crypto/BTCUSDT-1m.csv --db "$DB" > /dev/null 2>&1 \
  || fail "import of the sample"
"$BIN" data resample local:BTCUSDT:1m --to 15m --db "$DB" > /dev/null 2>&1 || fail "resample to 15m"

config() { # DATASET SCAN-JSON (empty: no scan key)
  local scan=""
  [ -n "$2" ] && scan=", \"scan\": $2"
  cat <<EOF
{"data": {"datasets": ["$1"]},
 "strategy": {"name": "sma_cross", "params": {"fast": 3, "slow": 8}},
 "account": {"currency": "USDT", "cash": 10000},
 "live": {"feed": "replay"$scan}}
EOF
}

# --- scan 3600 on 1h bars: the backtest, file for file --------------------------------------
config local:BTCUSDT:1h 3600 > "$TMP/h.json"
"$BIN" backtest --config "$TMP/h.json" --db "$DB" --out "$TMP/bt-h" > "$TMP/bt-h.txt" 2>&1 || fail "1h backtest: $(tail -3 "$TMP/bt-h.txt")"
"$BIN" paper --config "$TMP/h.json" --db "$DB" --out "$TMP/pp-h" > "$TMP/pp-h.txt" 2>&1 || fail "1h paper: $(tail -3 "$TMP/pp-h.txt")"
for f in trades.csv equity.csv metrics.json; do
  cmp -s "$TMP/bt-h/$f" "$TMP/pp-h/$f" || fail "scan 3600 on 1h bars: $f differs from the backtest's"
done
for f in signals executions; do
  joined "$TMP/pp-h" $f | cmp -s "$TMP/bt-h/$f.jsonl" - || fail "scan 3600 on 1h bars: $f.jsonl differs"
done
[ "$(wc -l < "$TMP/bt-h/trades.csv")" -gt 5 ] || fail "1h: too few trades to compare"

# --- scan 1800 on 1m and 15m bars: decisions at the boundaries only --------------------------
at_boundaries() { # DIR NAME STEPS
  local d=$1 name=$2 steps=$3
  grep -q "^decisions  *673 of the $steps steps, at the 1800 s scan boundaries" "$d.txt" \
    || fail "$name: 673 decisions of $steps steps expected: $(grep -E '^(decisions|session)' "$d.txt")"
  joined "$d" signals > "$d.signals"
  [ "$(wc -l < "$d.signals")" -gt 10 ] || fail "$name: too few signals to tell ($(wc -l < "$d.signals"))"
  python3 - "$d.signals" <<'PY' || fail "$name: a signal between two scan boundaries (above)"
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line)["time"]            # 2025-01-03T01:30:00Z
    if t[14:19] not in ("00:00", "30:00") and t != "2025-01-01T03:01:00Z":
        sys.exit("signal at %s" % t)
PY
}
config local:BTCUSDT:1m 1800 > "$TMP/m.json"
"$BIN" paper --config "$TMP/m.json" --db "$DB" --out "$TMP/pp-m" > "$TMP/pp-m.txt" 2>&1 || fail "1m paper: $(tail -3 "$TMP/pp-m.txt")"
at_boundaries "$TMP/pp-m" "scan 1800 on 1m bars" 20160
grep -q '^decisions  *every 1800 s at the scan boundaries' "$TMP/pp-m.txt" || fail "1m: no startup decisions line"
config local:BTCUSDT:15m 1800 > "$TMP/q.json"
"$BIN" paper --config "$TMP/q.json" --db "$DB" --out "$TMP/pp-q" > "$TMP/pp-q.txt" 2>&1 || fail "15m paper: $(tail -3 "$TMP/pp-q.txt")"
at_boundaries "$TMP/pp-q" "scan 1800 on 15m bars" 1344
# the default is 1800 s
config local:BTCUSDT:1m "" > "$TMP/d.json"
"$BIN" paper --config "$TMP/d.json" --db "$DB" --out "$TMP/pp-d" > "$TMP/pp-d.txt" 2>&1 || fail "default scan: $(tail -3 "$TMP/pp-d.txt")"
at_boundaries "$TMP/pp-d" "the default scan on 1m bars" 20160
# "bar_close" decides at every bar: the backtest's signals
config local:BTCUSDT:1m '"bar_close"' > "$TMP/b.json"
"$BIN" backtest --config "$TMP/b.json" --db "$DB" --out "$TMP/bt-b" > /dev/null 2>&1 || fail "1m backtest"
"$BIN" paper --config "$TMP/b.json" --db "$DB" --out "$TMP/pp-b" > "$TMP/pp-b.txt" 2>&1 || fail "bar_close paper"
joined "$TMP/pp-b" signals | cmp -s "$TMP/bt-b/signals.jsonl" - || fail "scan bar_close on 1m bars: signals differ from the backtest"

# --- refused values ---------------------------------------------------------------------------
"$BIN" paper --config "$TMP/h.json" --db "$DB" --out "$TMP/x" --set live.scan=1000 > /dev/null 2> "$TMP/bad.txt" \
  && fail "scan 1000 ran"
grep -q 'live.scan: expected seconds that divide a day' "$TMP/bad.txt" || fail "scan 1000: $(cat "$TMP/bad.txt")"
"$BIN" paper --config "$TMP/h.json" --db "$DB" --out "$TMP/x" --set live.scan=5400 > /dev/null 2> "$TMP/bad.txt" \
  && fail "scan 5400 on 1h bars ran"
grep -q "live.scan: 5400 s is not a whole number of BTCUSDT's 1h bars" "$TMP/bad.txt" || fail "scan 5400: $(cat "$TMP/bad.txt")"

[ $fails -eq 0 ] || exit 1
echo "ok"
