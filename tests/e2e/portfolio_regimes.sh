#!/usr/bin/env bash
# End-to-end test of the multi-strategy portfolio and the regime commands on
# the bundled sample data (BTCUSDT and ETHUSDT 1h, SPY 1d):
#  - examples/portfolio_regimes.json runs twice with byte-identical
#    trades.csv, equity.csv and metrics.json;
#  - the regime timeline of BTCUSDT from `proratio risk regimes` (same first
#    bar as the backtest's warm-up, same confirm_bars) is the allocation the
#    backtest used: every ETHUSDT entry (mean_reversion, no size hint of its
#    own, fixed_fraction 0.2) has notional = 0.2 x equity x the ETH weight of
#    the regime at its decision bar (the bar before the fill), no BTCUSDT
#    entry is decided in a regime where the trend sleeve's weight is 0, and
#    each exit the portfolio orders ("the regime sets this sleeve's weight
#    to 0") follows a switch into a regime giving that sleeve weight 0;
#  - with every weight of the BTCUSDT sleeve 0 it makes no BTCUSDT trade;
#  - a shared instrument and an unknown one are refused with the key path;
#  - `risk correlation` finds BTCUSDT and ETHUSDT moving together (lag 0).
set -u
source "$(dirname "$0")/lib/prelude.bash"
DB="sqlite:$TMP/s.db"
"$BIN" data import data/sample/crypto/BTCUSDT-1h.csv data/sample/crypto/ETHUSDT-1h.csv data/sample/stocks/SPY-1d.csv \
  --db "$DB" > /dev/null 2>&1 || fail "import of the sample"
CFG=examples/portfolio_regimes.json

"$BIN" backtest --config $CFG --db "$DB" --out "$TMP/a" > "$TMP/a.txt" 2>&1 || fail "backtest exited $?"
"$BIN" backtest --config $CFG --db "$DB" --out "$TMP/b" > /dev/null 2>&1 || fail "second backtest exited $?"
for f in trades.csv equity.csv metrics.json; do
  cmp -s "$TMP/a/$f" "$TMP/b/$f" || fail "$f differs between two runs"
done
grep -q "^strategy     portfolio trend_ema\[BTCUSDT\] mean_reversion\[ETHUSDT\] sma_cross\[SPY\] regime=BTCUSDT" \
  "$TMP/a.txt" || fail "strategy line: $(grep '^strategy' "$TMP/a.txt")"
grep -q "^note         portfolio: the regime of BTCUSDT changed the allocation" "$TMP/a.txt" || fail "no portfolio note"

# The warm-up's first bar, where the backtest's view (and so its regime) starts.
from=$(sed -n 's/^BTCUSDT .*warmed up on [0-9]* bars from \([0-9: -]*\)$/\1/p' "$TMP/a.txt")
[ -n "$from" ] || fail "no warm-up line for BTCUSDT"
confirm=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["strategy"]["params"]["confirm_bars"])' $CFG)
"$BIN" risk regimes --db "$DB" --market BTCUSDT:1h --from "$from" --to 2024-01-01 --confirm "$confirm" \
  > "$TMP/tl.txt" 2>&1 || fail "risk regimes exited $?"
grep -Eq '^[0-9-]+ [0-9:]+ +[0-9-]+ [0-9:]+ +[0-9]+ +(strong_bear|weak_bear)$' "$TMP/tl.txt" || fail "no bear run in the timeline"

python3 - "$TMP" "$CFG" <<'EOF' || fail "the allocation check"
import csv, datetime as dt, json, sys
tmp, cfg = sys.argv[1], sys.argv[2]
alloc = json.load(open(cfg))["strategy"]["params"]["allocation"]
runs = []
for line in open(tmp + "/tl.txt").read().splitlines()[2:]:
    if not line.strip():
        break
    runs.append((line[0:19], line[22:41], line.split()[-1]))
def regime_at(t):
    for f, e, r in runs:
        if f <= t <= e:
            return r
    raise SystemExit("no regime at " + t)
def weights(r):
    return alloc.get(r, alloc["default"])
fmt_csv, fmt_tl = "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M:%S"
eq = {r["time"]: float(r["equity"]) for r in csv.DictReader(open(tmp + "/a/equity.csv"))}
bad = n_eth = n_exit = 0
for r in csv.DictReader(open(tmp + "/a/trades.csv")):
    entry = dt.datetime.strptime(r["entry_time"], fmt_csv)
    decided = entry - dt.timedelta(hours=1)
    reg = regime_at(decided.strftime(fmt_tl))
    sleeve = {"BTCUSDT": 0, "ETHUSDT": 1, "SPY": 2}[r["symbol"]]
    if r["symbol"] == "ETHUSDT":
        n_eth += 1
        w = weights(reg)[1]
        ratio = float(r["qty"]) * float(r["entry_price"]) / (0.2 * eq[decided.strftime(fmt_csv)])
        if abs(ratio / w - 1) > 0.03:
            bad += 1
            print("ETHUSDT entry %s in %s: notional %.4f x 0.2 x equity, weight %g" % (r["entry_time"], reg, ratio, w))
    if r["symbol"] == "BTCUSDT" and weights(reg)[0] == 0:
        bad += 1
        print("BTCUSDT entry %s decided in %s (weight 0)" % (r["entry_time"], reg))
    if "the regime sets this sleeve's weight to 0" in r["reason"]:
        n_exit += 1
        out = dt.datetime.strptime(r["exit_time"], fmt_csv)
        lo = (out - dt.timedelta(days=4)).strftime(fmt_tl)
        hi = out.strftime(fmt_tl)
        if not any(lo <= f <= hi and weights(g)[sleeve] == 0 for f, _, g in runs):
            bad += 1
            print("regime exit %s %s without a switch to weight 0 before it" % (r["symbol"], r["exit_time"]))
if n_eth < 10 or n_exit < 1:
    bad += 1
    print("too few trades to check: %d ETHUSDT entries, %d regime exits" % (n_eth, n_exit))
sys.exit(1 if bad else 0)
EOF

# The trend sleeve switched off everywhere: no BTCUSDT trade.
python3 - "$CFG" "$TMP/off.json" <<'EOF'
import json, sys
c = json.load(open(sys.argv[1]))
for row in c["strategy"]["params"]["allocation"].values():
    row[0] = 0
json.dump(c, open(sys.argv[2], "w"))
EOF
"$BIN" backtest --config "$TMP/off.json" --db "$DB" --out "$TMP/off" > /dev/null 2>&1 || fail "off backtest exited $?"
grep -q ",BTCUSDT," "$TMP/off/trades.csv" && fail "a BTCUSDT trade at weight 0"
grep -q ",ETHUSDT," "$TMP/off/trades.csv" || fail "no ETHUSDT trade with the trend sleeve off"

# Refusals with the key path.
"$BIN" backtest --config $CFG --db "$DB" --out "$TMP/x" --set 'strategy.params.sleeves.1.markets=["BTCUSDT"]' \
  > /dev/null 2> "$TMP/shared.txt" && fail "a shared instrument ran"
grep -q "strategy.params.sleeves.1.markets.0: 'BTCUSDT' already belongs to sleeve 0" "$TMP/shared.txt" \
  || fail "shared message: $(cat "$TMP/shared.txt")"
"$BIN" backtest --config $CFG --db "$DB" --out "$TMP/x" --set 'strategy.params.allocation.weak_bull=[1,1]' \
  > /dev/null 2> "$TMP/row.txt" && fail "a short allocation row ran"
grep -q "strategy.params.allocation.weak_bull: expected 3 weights" "$TMP/row.txt" || fail "row message: $(cat "$TMP/row.txt")"

# Correlation: BTC and ETH move together, without a lead.
"$BIN" risk correlation --db "$DB" --markets BTCUSDT:1h,ETHUSDT:1h > "$TMP/corr.txt" 2>&1 || fail "risk correlation exited $?"
grep -q "BTCUSDT    -> ETHUSDT     no lead: best at lag 0" "$TMP/corr.txt" || fail "lead-lag: $(cat "$TMP/corr.txt")"
grep -q "^risk-on score at " "$TMP/corr.txt" || fail "no risk-on score"
"$BIN" risk correlation --db "$DB" --markets BTCUSDT:1h,SPY:1d > /dev/null 2> "$TMP/tf.txt" && fail "mixed timeframes ran"
grep -q "must share a timeframe" "$TMP/tf.txt" || fail "timeframe message: $(cat "$TMP/tf.txt")"

[ $fails -eq 0 ] && echo "ok: portfolio and regimes" || exit 1
