#!/usr/bin/env bash
# End-to-end test of the stops and targets the risk stage places
# (examples/risk_stops.json on the sample BTCUSDT 1h data: SMA(10/30) with
# no bracket of its own, stop 2 x ATR(14), targets 2R/3R/4R for 70/20/10%,
# reward:risk >= 2, a 0.6% round trip). Checked against TA-Lib's ATR
# recomputed here from the CSV (Wilder, from the first bar):
#  - an entry decided at the close C of bar t is refused exactly when its
#    first target, 2R = 4 x ATR_t, is within 0.6% of C; every other entry
#    trades, at the next bar;
#  - a trade stopped out names its stop, C - 2 x ATR_t, and one closed at a
#    target names the price C + k x 2 x ATR_t of its tier (k = 2, 3, 4)
#    (ATR_t+1, a bar the decision could not see, would give other prices);
#  - the run is byte-identical when repeated;
#  - with min_rr 3 (the targets weigh 0.7 x 2 + 0.2 x 3 + 0.1 x 4 = 2.4 R)
#    every entry is refused for reward:risk.
set -u
source "$(dirname "$0")/lib/prelude.bash"
DB="sqlite:$TMP/s.db"
"$BIN" data import data/sample/crypto/BTCUSDT-1h.csv --db "$DB" > /dev/null 2>&1 || fail "import of the sample"

"$BIN" backtest --config examples/risk_stops.json --db "$DB" --out "$TMP/a" > "$TMP/a.txt" 2>&1 \
  || fail "risk_stops run: $(tail -3 "$TMP/a.txt")"
"$BIN" backtest --config examples/risk_stops.json --db "$DB" --out "$TMP/b" > /dev/null 2>&1 || fail "second run"
for f in trades.csv equity.csv; do
  cmp -s "$TMP/a/$f" "$TMP/b/$f" || fail "$f differs between two runs"
done
python3 - "$TMP/a/metrics.json" "$TMP/b/metrics.json" <<'PY' || fail "metrics.json differs between two runs"
import json, sys
def load(p):
    m = json.load(open(p))
    for k in ("logged_at", "config_digest"):
        m.pop(k, None)
    return m
sys.exit(0 if load(sys.argv[1]) == load(sys.argv[2]) else 1)
PY
grep -q "^risk  *588 entries" "$TMP/a.txt" || fail "risk line: $(grep ^risk "$TMP/a.txt")"

python3 - "$TMP/a" data/sample/crypto/BTCUSDT-1h.csv <<'PY' || fail "stops and targets (above)"
import csv, json, re, sys
from datetime import datetime, timedelta, timezone
d, data = sys.argv[1], sys.argv[2]
rows = list(csv.reader(open(data)))[1:]
def key(t):   # "2022-01-01 00:00:00" or ISO "...T...Z" -> datetime
    return datetime.strptime(t.replace("T", " ").rstrip("Z"), "%Y-%m-%d %H:%M:%S")
idx = {key(r[0]): i for i, r in enumerate(rows)}
hi = [float(r[2]) for r in rows]; lo = [float(r[3]) for r in rows]; cl = [float(r[4]) for r in rows]
# TA-Lib ATR(14): true ranges from bar 1, the first ATR their mean over bars 1..14.
p, atr = 14, [float("nan")] * len(rows)
s = 0.0
for i in range(1, len(rows)):
    tr = max(hi[i] - lo[i], abs(hi[i] - cl[i - 1]), abs(lo[i] - cl[i - 1]))
    if i < p: s += tr
    elif i == p: s += tr; atr[i] = s / p
    else: atr[i] = (atr[i - 1] * (p - 1) + tr) / p
ok = True
def check(cond, msg):
    global ok
    if not cond:
        print("FAIL:", msg); ok = False
sigs = [json.loads(l) for l in open(d + "/signals.jsonl")]
entries = [s for s in sigs if s["kind"] == "enter_long"]
trades = {t["entry_time"]: t for t in csv.DictReader(open(d + "/trades.csv"))}
risk = json.load(open(d + "/metrics.json"))["risk"]
refused = n_stop = n_target = 0
for s in entries:
    t = idx[key(s["time"]) - timedelta(hours=1)]   # the decision bar
    c, a = cl[t], atr[t]
    check(abs(c - s["close"]) < 1e-6, "%s: close %s vs %s" % (s["time"], c, s["close"]))
    if 4 * a <= 0.006 * c:
        refused += 1
        check(s["time"] not in trades, "%s: the first target %.2f is within costs, yet it traded" % (s["time"], 4 * a))
        continue
    tr = trades.get(s["time"])
    check(tr is not None, "%s: no trade" % s["time"])
    if tr is None: continue
    m = re.match(r"stop: protective stop ([0-9.e+]+)$", tr["reason"])
    if m:
        n_stop += 1
        check(abs(float(m.group(1)) - (c - 2 * a)) < 0.01, "%s: stop %s, want %.5f" % (s["time"], m.group(1), c - 2 * a))
    m = re.match(r"target: take-profit ([123]) at ([0-9.e+]+) ", tr["reason"])
    if m:
        n_target += 1
        k = (2, 3, 4)[int(m.group(1)) - 1]
        check(abs(float(m.group(2)) - (c + k * 2 * a)) < 0.01,
              "%s: target %s %s, want %.5f" % (s["time"], m.group(1), m.group(2), c + k * 2 * a))
print("entries %d, refused %d (stage: %d), trades %d, stopped %d, at a target %d"
      % (len(entries), refused, risk["rejected"], len(trades), n_stop, n_target))
check(refused > 0 and n_stop > 0 and n_target > 0, "the sample no longer exercises every rule")
check(risk["entries"] == len(entries) and risk["rejected"] == refused, "risk counts %r" % risk)
check(len(trades) == len(entries) - refused, "trades %d, want %d" % (len(trades), len(entries) - refused))
if refused:
    check(risk["reasons"] == [{"reason": "target within round-trip costs (risk.stops.round_trip_cost)", "resized": 0,
                               "rejected": refused}], "reasons %r" % risk["reasons"])
sys.exit(0 if ok else 1)
PY

"$BIN" backtest --config examples/risk_stops.json --set risk.stops.min_rr=3 --db "$DB" --out "$TMP/r" > "$TMP/r.txt" 2>&1 \
  || fail "min_rr 3 run: $(tail -3 "$TMP/r.txt")"
grep -q "^risk  *588 entries, 0 resized, 588 rejected (.*reward:risk below risk.stops.min_rr: 58[0-9] rejected" \
  "$TMP/r.txt" || fail "min_rr 3: $(grep ^risk "$TMP/r.txt")"
grep -q "^Trades  *0 closed, 0 open" "$TMP/r.txt" || fail "min_rr 3 traded: $(grep ^Trades "$TMP/r.txt")"

"$BIN" risk check --config examples/risk_stops.json > "$TMP/check.txt" 2>&1 || fail "risk check exited $?"
grep -Eq '^targets +list +\[2, 3, 4\]' "$TMP/check.txt" || fail "check: targets row: $(grep ^targets "$TMP/check.txt")"
grep -Eq '^mode +choice +atr ' "$TMP/check.txt" || fail "check: stops mode row"

[ $fails -eq 0 ] && echo "risk_stops: all checks passed"
exit $((fails > 0))
