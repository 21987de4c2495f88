#!/usr/bin/env bash
# End-to-end test of the stops' cost filter on the market's own round trip
# (risk.stops.cost_filter): examples/risk_stops.json (stop 2 x ATR(14),
# first target 2R = 4 x ATR) on the sample BTCUSDT 1h data with its
# configured 0.6% round trip removed and cost_filter on. The entry decided
# at the close C of bar t must be refused exactly when 4 x ATR_t <= rt x C,
# where rt is the market's round trip worked out from its costs:
#  - crypto's defaults, taker 0.1% and slippage 0.2%, in and out: 0.006;
#  - with costs.crypto.slippage 0.0005: 2 x 0.001 + 2 x 0.0005 = 0.003;
#  - round_trip_cost 0.01 overrides the market's figure (and names its key).
# Each count is recomputed here from the CSV with TA-Lib's ATR (Wilder).
set -u
source "$(dirname "$0")/lib/prelude.bash"
DB="sqlite:$TMP/s.db"
"$BIN" data import data/sample/crypto/BTCUSDT-1h.csv --db "$DB" > /dev/null 2>&1 || fail "import of the sample"
run() {   # name, then --set flags
  local n=$1; shift
  "$BIN" backtest --config examples/risk_stops.json --db "$DB" --out "$TMP/$n" --set risk.stops.round_trip_cost=0 \
    --set risk.stops.cost_filter=true "$@" > "$TMP/$n.txt" 2>&1 || fail "$n run: $(tail -3 "$TMP/$n.txt")"
}
run d
run s --set costs.crypto.slippage=0.0005
run o --set risk.stops.round_trip_cost=0.01
run d2
for f in trades.csv equity.csv; do cmp -s "$TMP/d/$f" "$TMP/d2/$f" || fail "$f differs between two runs"; done

python3 - "$TMP" data/sample/crypto/BTCUSDT-1h.csv <<'PY' || fail "cost filter (above)"
import csv, json, sys
from datetime import datetime, timedelta
d, data = sys.argv[1], sys.argv[2]
rows = list(csv.reader(open(data)))[1:]
def key(t):
    return datetime.strptime(t.replace("T", " ").rstrip("Z"), "%Y-%m-%d %H:%M:%S")
idx = {key(r[0]): i for i, r in enumerate(rows)}
hi = [float(r[2]) for r in rows]; lo = [float(r[3]) for r in rows]; cl = [float(r[4]) for r in rows]
p, atr, s = 14, [float("nan")] * len(rows), 0.0
for i in range(1, len(rows)):
    tr = max(hi[i] - lo[i], abs(hi[i] - cl[i - 1]), abs(lo[i] - cl[i - 1]))
    if i < p: s += tr
    elif i == p: s += tr; atr[i] = s / p
    else: atr[i] = (atr[i - 1] * (p - 1) + tr) / p
ok = True
for name, rt, reason in (("d", 0.006, "target within the market's costs (risk.stops.cost_filter)"),
                         ("s", 0.003, "target within the market's costs (risk.stops.cost_filter)"),
                         ("o", 0.01, "target within round-trip costs (risk.stops.round_trip_cost)")):
    sigs = [json.loads(l) for l in open("%s/%s/signals.jsonl" % (d, name))]
    entries = [x for x in sigs if x["kind"] == "enter_long"]
    traded = {t["entry_time"] for t in csv.DictReader(open("%s/%s/trades.csv" % (d, name)))}
    want = set()
    for x in entries:
        t = idx[key(x["time"]) - timedelta(hours=1)]
        if 4 * atr[t] <= rt * cl[t] * (1 + 1e-12): want.add(x["time"])
    got = {x["time"] for x in entries} - traded
    risk = json.load(open("%s/%s/metrics.json" % (d, name)))["risk"]
    print("%s: round trip %g, %d entries, %d refused (want %d)" % (name, rt, len(entries), len(got), len(want)))
    if name != "s" and not want:
        print("FAIL: %s: the sample no longer has an entry the costs refuse" % name); ok = False
    if got != want:
        print("FAIL: %s: refused %s, want %s" % (name, sorted(got ^ want)[:5], "symmetric difference")); ok = False
    if want and risk["reasons"] != [{"reason": reason, "resized": 0, "rejected": len(want)}]:
        print("FAIL: %s: reasons %r" % (name, risk["reasons"])); ok = False
sys.exit(0 if ok else 1)
PY
[ $fails -eq 0 ] && echo "risk_costs: all checks passed"
exit $((fails > 0))
