#!/usr/bin/env bash
# End-to-end test of the exposure and VaR limits and of the risk series:
#  - `proratio risk check` prints risk.exposure with the allocation's caps filled
#    in, the sectors and risk.var, and names a bad key by its path;
#  - examples/risk_exposure.json (BTCUSDT, EURUSD, SPY, KO) gives the same
#    trades.csv, equity.csv, metrics.json and risk.csv on two runs;
#  - no EURUSD entry exceeds the forex cap (20% of the equity at the
#    decision, + 1% for the move to the next open and costs) nor any SPY/KO
#    entry the sector cap (15%), where without the allocation and the sector cap
#    EURUSD entries reach 25%; never more than 3 positions open; the VaR
#    limit refused some entries;
#  - risk.csv's VaR95 of examples/risk_protections.json (BTCUSDT alone,
#    long only) equals the one recomputed here from the sample's closes: at
#    each step, the losses the position (gross_crypto) would have made on
#    the last min(steps, 100) one-bar returns, sorted, the ceil(0.95 n)-th.
# Runs without a risk section write no risk.csv.
set -u
source "$(dirname "$0")/lib/prelude.bash"
DB="sqlite:$TMP/s.db"
"$BIN" data import data/sample/crypto/BTCUSDT-1h.csv data/sample/stocks/SPY-1d.csv data/sample/stocks/KO-1d.csv \
  data/sample/forex/EURUSD-1h.csv --db "$DB" > /dev/null 2>&1 || fail "import of the samples"

# --- risk check ------------------------------------------------------------------
"$BIN" risk check --config examples/risk_exposure.json > "$TMP/check.txt" 2>&1 || fail "risk check exited $?"
grep -Eq '^cap_crypto +number +0\.3 ' "$TMP/check.txt" || fail "cap_crypto row (preset): $(grep cap_crypto "$TMP/check.txt")"
grep -Eq '^min_cash +number +0\.1 ' "$TMP/check.txt" || fail "min_cash row (preset)"
grep -q 'sector of KO: staples' "$TMP/check.txt" || fail "sector line"
grep -Eq '^limit +number +0\.005 ' "$TMP/check.txt" || fail "risk.var limit row"
echo '{"risk": {"exposure": {"corr_threshold": 1.5}}}' > "$TMP/bad.json"
"$BIN" risk check --config "$TMP/bad.json" > /dev/null 2> "$TMP/bad.txt"
[ $? -eq 2 ] || fail "bad exposure key should exit 2"
grep -q "risk.exposure.corr_threshold: " "$TMP/bad.txt" || fail "message: $(cat "$TMP/bad.txt")"

# --- the example, twice, and without the caps ----------------------------------------
for run in a b; do
  "$BIN" backtest --config examples/risk_exposure.json --db "$DB" --out "$TMP/$run" > "$TMP/$run.txt" 2>&1 \
    || fail "risk_exposure run $run: $(tail -3 "$TMP/$run.txt")"
done
for f in trades.csv equity.csv metrics.json risk.csv; do
  cmp -s "$TMP/a/$f" "$TMP/b/$f" || fail "$f differs between two runs"
done
grep -q "^exposure  *max gross" "$TMP/a.txt" || fail "no exposure line"
"$BIN" backtest --config examples/risk_exposure.json --set risk.exposure.allocation=none --set risk.exposure.sector_cap=0 \
  --db "$DB" --out "$TMP/n" > /dev/null 2>&1 || fail "run without caps"
python3 - "$TMP/a" "$TMP/n" <<'PY' || fail "caps (above)"
import bisect, csv, json, sys
ok = True
def check(cond, msg):
    global ok
    if not cond:
        print("FAIL:", msg); ok = False
def share(d, syms):
    eq = list(csv.DictReader(open(d + "/equity.csv")))
    ts = [r["time"] for r in eq]
    out = []
    for t in csv.DictReader(open(d + "/trades.csv")):
        if t["symbol"] not in syms: continue
        i = bisect.bisect_left(ts, t["entry_time"]) - 1   # the decision: the point before the fill
        out.append(float(t["qty"]) * float(t["entry_price"]) / float(eq[max(i, 0)]["equity"]))
    return out
fx, st = share(sys.argv[1], {"EURUSD"}), share(sys.argv[1], {"SPY", "KO"})
fx_n = share(sys.argv[2], {"EURUSD"})
print("EURUSD entries: max %.4f of equity with the caps, %.4f without; SPY/KO max %.4f" % (max(fx), max(fx_n), max(st)))
check(fx and max(fx) <= 0.20 * 1.01, "a EURUSD entry above the 20% forex cap")
check(max(fx_n) > 0.22, "without the allocation EURUSD should reach 25%")
check(st and max(st) <= 0.15 * 1.01, "a SPY/KO entry above the 15% sector cap")
risk = list(csv.DictReader(open(sys.argv[1] + "/risk.csv")))
check(max(int(r["positions"]) for r in risk) <= 3, "more than 3 positions open")
m = json.load(open(sys.argv[1] + "/metrics.json"))["risk"]
reasons = {r["reason"]: r for r in m["reasons"]}
check(reasons.get("portfolio VaR over the limit (risk.var.limit)", {}).get("rejected", 0) > 0, "no VaR refusal")
check(reasons.get("asset class cap (risk.exposure.cap_forex)", {}).get("resized", 0) > 0, "no forex resize")
check("var95" in m and "exposure" in m, "no exposure/var95 summary")
sys.exit(0 if ok else 1)
PY

# --- the VaR series, recomputed --------------------------------------------------------
"$BIN" backtest --config examples/risk_protections.json --db "$DB" --out "$TMP/p" > /dev/null 2>&1 || fail "risk_protections run"
python3 - "$TMP/p/risk.csv" data/sample/crypto/BTCUSDT-1h.csv <<'PY' || fail "VaR series (above)"
import csv, math, sys
from datetime import datetime, timedelta, timezone
close = {}
for r in csv.DictReader(open(sys.argv[2])):
    close[datetime.strptime(r["timestamp"], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)] = float(r["close"])
h = timedelta(hours=1)
rets, bad, checked = [], 0, 0
for row in csv.DictReader(open(sys.argv[1])):
    t = datetime.strptime(row["time"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    c0, c1 = close.get(t - h), close.get(t - 2 * h)   # the bar that closed at t, and the one before
    rets.append(c0 / c1 - 1 if c0 and c1 else 0.0)
    w = rets[-100:]
    if int(row["positions"]) == 0 or len(w) < 20: continue
    e = float(row["gross_crypto"])
    loss = sorted(-e * r for r in w)
    var = loss[math.ceil(0.95 * len(w) - 1e-9) - 1]
    checked += 1
    if abs(var - float(row["var95"])) > 1e-6 * max(1.0, abs(var)):
        bad += 1
        if bad < 4: print("FAIL: %s VaR95 %s, recomputed %.10g" % (row["time"], row["var95"], var))
print("VaR95 checked at %d steps, %d differ" % (checked, bad))
sys.exit(0 if bad == 0 and checked > 1000 else 1)
PY

"$BIN" backtest --config examples/sma_cross.json --db "$DB" --out "$TMP/s" > /dev/null 2>&1 || fail "sma_cross run"
[ -e "$TMP/s/risk.csv" ] && fail "a run without a risk section wrote risk.csv"
[ $fails -eq 0 ] || exit 1
echo "ok"
