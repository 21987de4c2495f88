#!/usr/bin/env bash
# End-to-end test of the risk stage's circuit breakers (risk.breakers,
# risk.kill_switch) with examples/risk_breakers.json on the sample BTCUSDT
# 1h data. The run is byte-identical twice, and its own files agree with
# each rule, recomputed here from trades.csv, executions.jsonl, equity.csv
# and the sample CSV (a market entry fills at its decision time, the open
# of the bar after the decision bar):
#  - no entry at 00:00-01:59 UTC (avoid_hours_crypto [0, 1]);
#  - an entry decided Fri 20:00-Sun 20:00 UTC risks half of 1% of the
#    equity at its decision, any other 1% (weekend_size 0.5);
#  - no entry less than 24 bars after a stop-out: the step that saw a
#    stop with a price loss is the stop bar's close, and entries resume at
#    that + 24 h (cooldown_bars 24);
#  - no entry while the 14-bar ATR of the bars before it exceeds at least
#    95% of the 100 ATRs before that (vol_percentile 0.95);
#  - each exit the drawdown stop ordered (tag risk:dd_stop) sells half of
#    the position held then (lot-rounded down);
# and with those rules turned off the same checks find violations (so they
# can fail). With the kill file present from the start nothing trades and
# the kill switch fires once, at the first decision.
set -u
source "$(dirname "$0")/lib/prelude.bash"
DB="sqlite:$TMP/s.db"
"$BIN" data import data/sample/crypto/BTCUSDT-1h.csv --db "$DB" > /dev/null 2>&1 || fail "import of the sample"
CFG=examples/risk_breakers.json
KILL="$TMP/KILL"

"$BIN" risk check --config $CFG > "$TMP/check.txt" 2>&1 || fail "risk check exited $?"
grep -Eq '^dd_stop_reduce +number +0\.5 ' "$TMP/check.txt" || fail "check: no dd_stop_reduce row"
grep -q "^file  out/risk_breakers.kill" "$TMP/check.txt" || fail "check: no kill file"
echo '{"risk": {"breakers": {"avoid_hours_crypto": [1.5]}}}' > "$TMP/bad.json"
"$BIN" risk check --config "$TMP/bad.json" > /dev/null 2> "$TMP/bad.txt" && fail "a fractional hour was accepted"
grep -q "risk.breakers.avoid_hours_crypto" "$TMP/bad.txt" || fail "bad hour message: $(cat "$TMP/bad.txt")"
echo '{"risk": {"kill_switch": {"path": "x"}}}' > "$TMP/bad2.json"
"$BIN" risk check --config "$TMP/bad2.json" > /dev/null 2> "$TMP/bad2.txt" && fail "an unknown kill_switch key was accepted"
grep -q "risk.kill_switch.path" "$TMP/bad2.txt" || fail "bad kill key message: $(cat "$TMP/bad2.txt")"

run() {   # run NAME [--set ...]
  local n=$1; shift
  "$BIN" backtest --config $CFG --set risk.kill_switch.file="$KILL" "$@" --db "$DB" --out "$TMP/$n" > "$TMP/$n.txt" 2>&1 \
    || fail "run $n: $(tail -3 "$TMP/$n.txt")"
}
run a
run b
for f in trades.csv equity.csv metrics.json executions.jsonl; do
  cmp -s "$TMP/a/$f" "$TMP/b/$f" || fail "two runs differ in $f"
done
for p in "drawdown stop" "stop-out cooldown" "stoploss guard" "low-profit lock" "volatility halt" "crypto weekend" \
         "time filter"; do
  grep -q "^protection   $p: fired" "$TMP/a.txt" || fail "no protection line for $p: $(grep ^prot "$TMP/a.txt")"
done
run off --set risk.breakers.avoid_hours_crypto=[] --set risk.breakers.weekend_size=1 \
  --set risk.breakers.cooldown_bars=0 --set risk.breakers.vol_percentile=0

read -r -d '' CHECK <<'PY'
import csv, json, sys
from datetime import datetime, timedelta, timezone
d, expect = sys.argv[1], sys.argv[2]   # expect "ok" or "violations"
def ts(s):
    return datetime.strptime(s.replace(" ", "T").rstrip("Z"), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=timezone.utc)
H = timedelta(hours=1)
trades = list(csv.DictReader(open(d + "/trades.csv")))
eq = {ts(r["time"]): float(r["equity"]) for r in csv.DictReader(open(d + "/equity.csv"))}
bars = [(ts(r["timestamp"]), float(r["high"]), float(r["low"]), float(r["close"]))
        for r in csv.DictReader(open("data/sample/crypto/BTCUSDT-1h.csv"))]
pos = {b[0]: i for i, b in enumerate(bars)}
bad = {}
def flag(rule, msg):
    bad.setdefault(rule, []).append(msg)
def weekend(t):   # Fri 20:00 .. Sun 20:00 UTC
    h = t.weekday() * 24 + t.hour
    return 4 * 24 + 20 <= h < 6 * 24 + 20
prev_stop = None
for t in trades:
    e = ts(t["entry_time"])
    if e.hour in (0, 1):
        flag("hours", "entry at %s" % e)
    ratio = float(t["risk"]) / eq[e - H]   # equity at the decision (the row of the bar before)
    want = 0.005 if weekend(e) else 0.01
    if abs(ratio / want - 1) > 0.03:
        flag("weekend", "entry %s risks %.5f of equity, want %.3f" % (e, ratio, want))
    if prev_stop and e < prev_stop + 24 * H:
        flag("cooldown", "entry %s, %s after a stop-out seen at %s" % (e, e - prev_stop, prev_stop))
    # ATR(14) ranks of the bars before the decision (bar ago 0 opens at e - 1 h).
    i = pos[e - H]
    tr = [max(bars[j][1] - bars[j][2], abs(bars[j][1] - bars[j - 1][3]), abs(bars[j][2] - bars[j - 1][3]))
          for j in range(i - 113, i + 1)]
    atr = [sum(tr[k:k + 14]) / 14 for k in range(len(tr) - 13)]   # oldest first; atr[-1] latest
    below = sum(a < atr[-1] * (1 - 1e-12) for a in atr[-101:-1])
    if below / 100 >= 0.95:
        flag("vol", "entry %s with the ATR above %d of the 100 before" % (e, below))
    px = (float(t["exit_price"]) - float(t["entry_price"])) * (1 if t["side"] == "long" else -1)
    x = ts(t["exit_time"])
    prev_stop = x.replace(minute=0, second=0) + H if t["reason"].startswith("stop") and px < 0 else None
# Drawdown stop exits: half of the position then, rounded down to 0.00001.
held = 0.0
for l in open(d + "/executions.jsonl"):
    o = json.loads(l)
    q = o["qty"] * (1 if o["side"] == "buy" else -1)
    if o["tag"] == "risk:dd_stop":
        want = int(abs(held) / 2 * 1e5 + 1e-6) / 1e5
        if abs(o["qty"] - want) > 1e-9:
            flag("dd_stop", "%s sold %.5f of %.5f" % (o["time"], o["qty"], held))
        bad.setdefault("dd_stop_seen", [])
    held += q
print(d, {k: len(v) for k, v in bad.items()}, "trades", len(trades))
if expect == "ok":
    ok = "dd_stop_seen" in bad
    for k in ("hours", "weekend", "cooldown", "vol", "dd_stop"):
        for m in bad.get(k, [])[:3]:
            print("FAIL %s: %s" % (k, m))
        ok = ok and k not in bad
    if "dd_stop_seen" not in bad:
        print("FAIL: no exit ordered by the drawdown stop")
    sys.exit(0 if ok else 1)
missing = [k for k in ("hours", "weekend", "cooldown", "vol") if k not in bad]
if missing:
    print("FAIL: with the rules off the checks find nothing for", missing)
sys.exit(1 if missing else 0)
PY
python3 -c "$CHECK" "$TMP/a" ok || fail "breakers (above)"
python3 -c "$CHECK" "$TMP/off" violations || fail "checks with the rules off (above)"

# --- kill switch ----------------------------------------------------------------------
touch "$KILL"
run k
rm -f "$KILL"
[ "$(wc -l < "$TMP/k/trades.csv")" -eq 1 ] || fail "trades with the kill file present: $(wc -l < "$TMP/k/trades.csv") rows"
grep -q "^protection   kill switch: fired 1 time, last at 2022-01-01 01:00:00" "$TMP/k.txt" \
  || fail "kill switch line: $(grep ^prot "$TMP/k.txt")"
grep -Eq "^risk +([0-9]+) entries, 0 resized, \1 rejected \(kill switch: \1 rejected\)" "$TMP/k.txt" \
  || fail "kill switch refusals: $(grep ^risk "$TMP/k.txt")"

[ $fails -eq 0 ] && echo "risk_breakers: all checks passed"
exit $((fails > 0))
