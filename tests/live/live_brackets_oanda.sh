#!/usr/bin/env bash
# live_brackets.sh's brackets at the venue on OANDA v20 (#13,
# live.venue.brackets "venue"; tests/live/fake_oanda.py, commission 0.0001
# of the notional): there a bracket is attached to the entry that opens the
# position (stopLossOnFill / takeProfitOnFill, the trade's own STOP_LOSS and
# TAKE_PROFIT orders, client ids "<entry's>-sl" / "-tp"). `proratio live`
# over EURUSD bars made here swinging 0.2% around the fake's price P = 1.2
# (sma_cross 5/20, stop 0.5%, target 1%: never reached by the bars). Worked
# out from the fake's documented behaviour:
#   - each entry (a market buy at P) carries a stop-loss under P and a
#     take-profit over it, at the instrument's 5 decimals; the trade's
#     orders are cancelled before each signal exit and rest (PENDING) at the
#     end;
#   - the "touch" fault takes the market to the first trade's stop-loss
#     (or take-profit) and back: it closes the trade at its price, booked as
#     the exit (role stop / target) at that price with the commission
#     |units| x price x 0.0001 rounded to 0.0001; the other order of the trade
#     is cancelled; no other order sells it;
#   - the log's fills are the venue's fills one for one;
#   - a second run of the session adopts the trades' orders, placing none.
set -u
export PR_LIVE_VENUE=oanda
. "$(dirname "$0")/../e2e/lib/prelude.bash"
. "$(dirname "$0")/joined.bash"
. "$(dirname "$0")/live_session.bash"
. "$(dirname "$0")/brackets.bash"

P=1.2
echo '{"EUR_USD": ["1.2"]}' > "$TMP/path.json"
mkdir -p "$TMP/forex"
DB="sqlite:$TMP/brackets.db"
swing_bars "$TMP/forex" EURUSD 1.2 0.002 5 0.0001
echo '{"data": {"datasets": ["local:EURUSD:1h"]},
 "strategy": {"name": "sma_cross", "params": {"fast": 5, "slow": 20, "stop": 0.005, "target": 0.01}},
 "account": {"currency": "USD", "cash": 10000},
 "live": {"feed": "replay", "speed": 0, "venue": {"name": "oanda", "brackets": "venue"}}}' > "$TMP/live.json"
check() {
  "$PY" - "$URL" "$1" "$2" "$P" <<'EOF'
import glob, json, sys, urllib.request as u
from decimal import Decimal, ROUND_HALF_EVEN
url, out, touched, P = sys.argv[1], sys.argv[2], sys.argv[3], Decimal(sys.argv[4])
orders = json.load(u.urlopen(url + "/_orders"))
logs = sorted(glob.glob(out + "/executions-*.jsonl")) + [out + "/executions.jsonl"]
fills = [f for p in logs for f in map(json.loads, open(p)) if "order_id" in f]
cid = lambda o: o.get("clientExtensions", {}).get("id", "")
by_id = {cid(o): o for o in orders}
entries = [o for o in orders if o["type"] == "MARKET" and Decimal(o["units"]) > 0]
units = {o.get("tradeOpenedID"): Decimal(o["units"]) for o in entries}
bad = []
for n, e in enumerate(entries):
    sl, tp = by_id.get(cid(e) + "-sl"), by_id.get(cid(e) + "-tp")
    on = e.get("stopLossOnFill", {}).get("price"), e.get("takeProfitOnFill", {}).get("price")
    if not sl or not tp or sl["type"] != "STOP_LOSS" or tp["type"] != "TAKE_PROFIT" or on != (sl["price"], tp["price"]) \
            or not Decimal(sl["price"]) < P < Decimal(tp["price"]) or len(sl["price"].split(".")[1]) != 5:
        bad.append("entry %s: on fill %s, orders %s %s" % (cid(e), on, sl, tp))
        continue
    if n == 0 and touched:
        want = ("FILLED", "CANCELLED") if touched == "stop" else ("CANCELLED", "FILLED")
    else:
        want = ("PENDING", "PENDING") if n == len(entries) - 1 else ("CANCELLED", "CANCELLED")
    if (sl["state"], tp["state"]) != want:
        bad.append("entry %s: %s %s, want %s" % (cid(e), sl["state"], tp["state"], want))
# the venue's fills: market orders at P, a trade's order at its price for the trade's units
venue = sorted((abs(Decimal(o["units"])) if "units" in o else units[o["tradeID"]],
                P if o["type"] == "MARKET" else Decimal(o["price"])) for o in orders if o["state"] == "FILLED")
logged = sorted((Decimal(repr(f["qty"])), Decimal(repr(f["price"]))) for f in fills)
if venue != logged:
    bad.append("the log's fills %s are not the venue's %s" % (logged, venue))
for f in fills:
    want = (Decimal(repr(f["qty"])) * Decimal(repr(f["price"])) * Decimal("0.0001")).quantize(Decimal("0.0001"),
                                                                                             ROUND_HALF_EVEN)
    if abs(f["fee"] - float(want)) > 1e-9:
        bad.append("fill %s %s at %s: fee %s, want %s" % (f["side"], f["qty"], f["price"], f["fee"], want))
ex = [f for f in fills if f["role"] in ("stop", "target")]
if touched:
    leg = by_id[cid(entries[0]) + ("-sl" if touched == "stop" else "-tp")]
    if len(ex) != 1 or ex[0]["role"] != touched or Decimal(repr(ex[0]["price"])) != Decimal(leg["price"]) \
            or Decimal(repr(ex[0]["qty"])) != Decimal(entries[0]["units"]):
        bad.append("the %s exit: %s, want one at %s" % (touched, ex, leg["price"]))
elif ex:
    bad.append("a stop or target exit without a touch: %s" % ex)
sells = [o for o in orders if o["type"] == "MARKET" and Decimal(o["units"]) < 0]
if len(entries) < 3 or len(sells) != len(entries) - 1 - (1 if touched else 0):
    bad.append("%d entries, %d market sells" % (len(entries), len(sells)))
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
}

start_server --path "$TMP/path.json" --commission 0.0001
live --out "$TMP/s" > "$TMP/s.txt" 2>&1 || fail "live exited $?: $(tail -5 "$TMP/s.txt")"
grep -q '^brackets  *rest at the venue: the entry opening a position carries stopLossOnFill' "$TMP/s.txt" \
  || fail "no OANDA brackets line"
check "$TMP/s" "" || fail "signal exits: the venue's orders or the books are wrong"
for leg in stop target; do
  start_server --path "$TMP/path.json" --commission 0.0001
  post /_faults "[{\"fault\": \"touch\", \"leg\": \"$leg\", \"path\": \"/orders\", \"method\": \"POST\"}]"
  live --out "$TMP/$leg" > "$TMP/$leg.txt" 2>&1 || fail "live ($leg) exited $?: $(tail -5 "$TMP/$leg.txt")"
  check "$TMP/$leg" "$leg" || fail "the venue's $leg: the venue's orders or the books are wrong"
done
before=$(n_orders)
live --out "$TMP/target" > "$TMP/r.txt" 2>&1 || fail "the restart exited $?: $(tail -5 "$TMP/r.txt")"
grep -q '^resuming ' "$TMP/r.txt" || fail "the restart did not resume"
[ "$(n_orders)" = "$before" ] || fail "the restart placed orders: $before before, $(n_orders) after"
grep -q '^brackets  *0 protective orders placed at the venue, 4 adopted from an earlier run, 1 of their trades booked as exits' "$TMP/r.txt" \
  || fail "restart: brackets line: $(grep '^brackets' "$TMP/r.txt")"
check "$TMP/target" target || fail "after the restart: the venue's orders or the books are wrong"

[ $fails -eq 0 ] || exit 1
echo "ok"
