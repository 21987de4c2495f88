#!/usr/bin/env bash
# A live session's protective orders rest at the venue (#13,
# live.venue.brackets "venue"): `proratio live` on Binance spot's fake
# (tests/live/fake_exchange.py), whose market trades at P = 41000 all
# session, over bars made here that swing 0.4% around P (sma_cross 5/20
# enters on each swing up and leaves on the way down; its 2% stop and 4%
# target are never reached by the bars, so the paper broker alone would
# never fire them). Worked out from the fake's documented behaviour:
#   - each entry (a market buy at P) is followed by one OCO list selling
#     the entry's quantity: a LIMIT_MAKER take-profit and a STOP_LOSS_LIMIT
#     whose limit is 0.5% under its stop, on the 0.01 tick (rounded down);
#   - a signal exit cancels the list (both legs CANCELED) before its market
#     sell; the list of a position still open at the end rests (NEW);
#   - the fake's "touch" fault takes the market to the first list's stop
#     (the midpoint of its stop and limit: triggered, filled at its limit)
#     or target (filled at the target, as maker) and back: that trade is the
#     position's exit in the books, role stop / target, at the leg's price,
#     qty and 0.1% commission (USDT: qty x price x 0.001), and no other
#     order sells it (the paper broker's own exit of it sends nothing);
#   - in every run the log's fills are the venue's trades one for one;
#   - a second run of the session (a restart: its bars replayed) finds the
#     lists by their client ids and adopts them: no order is placed again;
#     so does a session killed (SIGKILL) while a list rests and restarted:
#     at the end the venue holds what an uninterrupted run leaves;
#   - on USD-M futures (binance_futures), the same bars: see fcheck below;
#   - "venue" on OANDA (whose stop-loss is attached to the entry) with a
#     trailing stop configured is refused at start, naming the keys.
set -u
. "$(dirname "$0")/../e2e/lib/prelude.bash"
. "$(dirname "$0")/joined.bash"
. "$(dirname "$0")/live_session.bash"
. "$(dirname "$0")/brackets.bash"

P=41000
echo '{"BTCUSDT": ["41000"], "ETHBTC": ["0.03"]}' > "$TMP/path.json"
mkdir -p "$TMP/crypto"
DB="sqlite:$TMP/brackets.db"
swing_bars "$TMP/crypto" BTCUSDT 41000 0.004 2 5
echo '{"data": {"datasets": ["local:BTCUSDT:1h"]},
 "strategy": {"name": "sma_cross", "params": {"fast": 5, "slow": 20, "stop": 0.02, "target": 0.04}},
 "account": {"currency": "USDT", "cash": 10000},
 "live": {"feed": "replay", "speed": 0, "venue": {"name": "binance_spot", "brackets": "venue"}}}' > "$TMP/live.json"

# The checks of one run: OUT, then what touched the first list ("", stop, target).
check() {
  "$PY" - "$URL" "$1" "$2" "$P" <<'EOF'
import glob, json, sys, urllib.request as u
from decimal import Decimal, ROUND_DOWN
url, out, touched, P = sys.argv[1], sys.argv[2], sys.argv[3], Decimal(sys.argv[4])
orders = json.load(u.urlopen(url + "/_orders"))
trades = json.load(u.urlopen(url + "/_trades"))
logs = sorted(glob.glob(out + "/executions-*.jsonl")) + [out + "/executions.jsonl"]
fills = [f for p in logs for f in map(json.loads, open(p)) if "order_id" in f]
bad = []
buys = [o for o in orders if o["type"] == "MARKET" and o["side"] == "BUY"]
lists = {}
for o in orders:
    if o["orderListId"] != -1:
        lists.setdefault(o["orderListId"], {})[o["type"]] = o
if len(buys) < 3 or len(lists) != len(buys):
    bad.append("%d entries, %d OCO lists: one list per entry" % (len(buys), len(lists)))
first = None
for n, (lid, legs) in enumerate(sorted(lists.items())):
    tp, sl = legs.get("LIMIT_MAKER"), legs.get("STOP_LOSS_LIMIT")
    if not tp or not sl or tp["side"] != "SELL" or sl["side"] != "SELL" or tp["origQty"] != buys[n]["origQty"] \
            or sl["origQty"] != buys[n]["origQty"]:
        bad.append("list %s: legs %s" % (lid, legs))
        continue
    stop, limit = Decimal(sl["stopPrice"]), Decimal(sl["price"])
    if limit != (stop * Decimal("0.995") / Decimal("0.01")).to_integral_value(ROUND_DOWN) * Decimal("0.01") \
            or not Decimal(sl["stopPrice"]) < P < Decimal(tp["price"]):
        bad.append("list %s: stop %s limit %s target %s" % (lid, stop, limit, tp["price"]))
    states = (tp["status"], sl["status"])
    last = n == len(lists) - 1
    if n == 0 and touched:
        first = legs
        want = ("CANCELED", "FILLED") if touched == "stop" else ("FILLED", "CANCELED")
    else:
        want = ("NEW", "NEW") if last else ("CANCELED", "CANCELED")
    if states != want:
        bad.append("list %s (%s): %s, want %s" % (lid, "last" if last else "#%d" % n, states, want))
# the books: the venue's trades one for one, at its price and commission
key = lambda q, p: (round(float(q), 8), round(float(p), 8))
if sorted(key(t["qty"], t["price"]) for t in trades) != sorted(key(f["qty"], f["price"]) for f in fills):
    bad.append("the log's fills are not the venue's trades: %s vs %s" %
               (sorted(key(t["qty"], t["price"]) for t in trades), sorted(key(f["qty"], f["price"]) for f in fills)))
for f in fills:
    q, p = Decimal(repr(f["qty"])), Decimal(repr(f["price"]))
    fee = q * Decimal("0.001") * P if f["side"] == "buy" else q * p * Decimal("0.001")
    if abs(f["fee"] - float(fee)) > 1e-9:
        bad.append("fill %s %s at %s: fee %s, want %s" % (f["side"], q, p, f["fee"], fee))
roles = [f["role"] for f in fills]
if first:
    leg = first["STOP_LOSS_LIMIT" if touched == "stop" else "LIMIT_MAKER"]
    ex = [f for f in fills if f["role"] == touched]
    if len(ex) != 1 or Decimal(repr(ex[0]["price"])) != Decimal(leg["price"]) \
            or Decimal(repr(ex[0]["qty"])) != Decimal(leg["origQty"]):
        bad.append("the %s exit: %s, want one at %s x %s" % (touched, ex, leg["price"], leg["origQty"]))
    if touched == "target" and not ex[0]["maker"]:
        bad.append("the target's fill is the maker's")
    t = next(iter(l for l in open(out + "/trades.csv") if l.startswith("2023")), "").split(",")
    if not t or Decimal(t[8]) != Decimal(leg["price"]):
        bad.append("first trade %s: exit price, want %s" % (t, leg["price"]))
elif {"stop", "target"} & set(roles):
    bad.append("a stop or target exit without a touch: %s" % roles)
sells = [o for o in orders if o["type"] == "MARKET" and o["side"] == "SELL"]
if len(sells) != len(buys) - 1 - (1 if touched else 0):
    bad.append("%d market sells for %d entries (one still open%s)" % (len(sells), len(buys),
               ", one closed by the venue" if touched else ""))
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
}

# --- exits by signal cancel the resting lists ---------------------------------------------------
start_server --path "$TMP/path.json"
live --out "$TMP/s" > "$TMP/s.txt" 2>&1 || fail "live exited $?: $(tail -5 "$TMP/s.txt")"
check "$TMP/s" "" || fail "signal exits: the venue's orders or the books are wrong"
grep -q '^brackets  *4 protective orders placed at the venue, 0 adopted from an earlier run, 0 of their trades booked as exits, 3 cancelled, 0 cancels too late' "$TMP/s.txt" \
  || fail "brackets line: $(grep '^brackets' "$TMP/s.txt")"

# --- the venue's stop fills, then its target (another run) -----------------------------------------
for leg in stop target; do
  start_server --path "$TMP/path.json"
  post /_faults "[{\"fault\": \"touch\", \"leg\": \"$leg\", \"path\": \"/api/v3/orderList/oco\"}]"
  live --out "$TMP/$leg" > "$TMP/$leg.txt" 2>&1 || fail "live ($leg) exited $?: $(tail -5 "$TMP/$leg.txt")"
  check "$TMP/$leg" "$leg" || fail "the venue's $leg: the venue's orders or the books are wrong"
  grep -q '^brackets  *4 protective orders placed at the venue, 0 adopted from an earlier run, 1 of their trades booked as exits' "$TMP/$leg.txt" \
    || fail "$leg: brackets line: $(grep '^brackets' "$TMP/$leg.txt")"
done

# --- a restart adopts the resting lists: nothing placed twice -----------------------------------------
before=$(n_orders)
cp "$TMP/target/trades.csv" "$TMP/target-first.csv"
live --out "$TMP/target" > "$TMP/r.txt" 2>&1 || fail "the restart exited $?: $(tail -5 "$TMP/r.txt")"
grep -q '^resuming ' "$TMP/r.txt" || fail "the restart did not resume"
[ "$(n_orders)" = "$before" ] || fail "the restart placed orders: $before before, $(n_orders) after"
grep -q '^brackets  *0 protective orders placed at the venue, 4 adopted from an earlier run, 1 of their trades booked as exits' "$TMP/r.txt" \
  || fail "restart: brackets line: $(grep '^brackets' "$TMP/r.txt")"
check "$TMP/target" target || fail "after the restart: the venue's orders or the books are wrong"
cut -d, -f1,3-9 "$TMP/target-first.csv" > "$TMP/t1"
cut -d, -f1,3-9 "$TMP/target/trades.csv" > "$TMP/t2"
cmp -s "$TMP/t1" "$TMP/t2" || fail "the restart's trades differ: $(diff "$TMP/t1" "$TMP/t2" | head -4)"

# --- killed (SIGKILL) while a list rests, restarted: adopted, none placed twice ------------------------
start_server --path "$TMP/path.json"
env $VENUE_ENV "$BIN" live --config "$TMP/live.json" --db "$DB" --venue-url "$URL" --out "$TMP/k" \
  --set live.speed=72000 > "$TMP/k1.txt" 2>&1 &
pid=$!
resting() {
  "$PY" -c 'import json, sys, urllib.request as u
print(sum(o["status"] == "NEW" and o["orderListId"] != -1 for o in json.load(u.urlopen(sys.argv[1]))))' "$URL/_orders"
}
for _ in $(seq 200); do [ "$(resting)" -ge 2 ] && break; sleep 0.05; done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
[ "$(resting)" -ge 2 ] || fail "no list rested at the venue before the kill"
grep -q '^session .* ended with' "$TMP/k1.txt" && fail "the session ended before the kill"
live --out "$TMP/k" --set live.speed=72000 > "$TMP/k2.txt" 2>&1 || fail "the restart exited $?: $(tail -3 "$TMP/k2.txt")"
grep -q '^resuming ' "$TMP/k2.txt" || fail "the restart did not resume"
grep -q '^brackets  *[0-9]* protective orders placed at the venue, [1-9][0-9]* adopted' "$TMP/k2.txt" \
  || fail "the restart adopted no list: $(grep '^brackets' "$TMP/k2.txt")"
check "$TMP/k" "" || fail "after the kill: the venue's orders or the books are wrong"

# --- USD-M futures: one reduce-only STOP_MARKET and TAKE_PROFIT_MARKET per entry ------------------
# Checked from the fake's orders and trades: each entry's guard (client id
# of the entry's bar, order 500: "-b" the stop, "-a" the target) sells the
# entry's quantity reduce-only, the stop under P and the target over it;
# cancelled before each signal exit, resting at the end; the "touch" of
# the first stop fills it at its stop price (the fake fills a triggered
# STOP_MARKET at the price that reached it), booked as the exit with the
# futures commission 0.04% (qty x price x 0.0004 USDT), and its target,
# sent after the position was gone, is refused (-2022) so never rests.
fcheck() {
  "$PY" - "$URL" "$1" "$2" "$P" <<'EOF'
import glob, json, sys, urllib.request as u
from decimal import Decimal
url, out, touched, P = sys.argv[1], sys.argv[2], sys.argv[3], Decimal(sys.argv[4])
orders = json.load(u.urlopen(url + "/_orders"))
trades = json.load(u.urlopen(url + "/_trades"))
logs = sorted(glob.glob(out + "/executions-*.jsonl")) + [out + "/executions.jsonl"]
fills = [f for p in logs for f in map(json.loads, open(p)) if "order_id" in f]
by_id = {o["clientOrderId"]: o for o in orders}
buys = [o for o in orders if o["type"] == "MARKET" and o["side"] == "BUY"]
bad = []
for n, b in enumerate(buys):
    g = b["clientOrderId"].rsplit("-", 1)[0] + "-500"
    sl, tp = by_id.get(g + "-b"), by_id.get(g + "-a")
    last, first = n == len(buys) - 1, n == 0
    if not sl or sl["type"] != "STOP_MARKET" or not sl["reduceOnly"] or sl["origQty"] != b["origQty"] \
            or sl["side"] != "SELL" or not Decimal(sl["stopPrice"]) < P:
        bad.append("entry %s: stop %s" % (b["clientOrderId"], sl))
        continue
    if first and touched:
        if sl["status"] != "FILLED" or tp is not None:
            bad.append("touched guard: stop %s, target %s (want FILLED, none)" % (sl["status"], tp))
        continue
    if not tp or tp["type"] != "TAKE_PROFIT_MARKET" or not tp["reduceOnly"] or tp["origQty"] != b["origQty"] \
            or not Decimal(tp["stopPrice"]) > P:
        bad.append("entry %s: target %s" % (b["clientOrderId"], tp))
        continue
    want = "NEW" if last else "CANCELED"
    if sl["status"] != want or tp["status"] != want:
        bad.append("guard %s: %s %s, want %s" % (g, sl["status"], tp["status"], want))
key = lambda q, p: (round(float(q), 8), round(float(p), 8))
if sorted(key(t["qty"], t["price"]) for t in trades) != sorted(key(f["qty"], f["price"]) for f in fills):
    bad.append("the log's fills are not the venue's trades")
for f in fills:
    fee = Decimal(repr(f["qty"])) * Decimal(repr(f["price"])) * Decimal("0.0004")
    if abs(f["fee"] - float(fee)) > 1e-9:
        bad.append("fill %s %s at %s: fee %s, want %s" % (f["side"], f["qty"], f["price"], f["fee"], fee))
stops = [f for f in fills if f["role"] == "stop"]
if touched:
    sl = by_id[buys[0]["clientOrderId"].rsplit("-", 1)[0] + "-500-b"]
    if len(stops) != 1 or Decimal(repr(stops[0]["price"])) != Decimal(sl["stopPrice"]) \
            or Decimal(repr(stops[0]["qty"])) != Decimal(sl["origQty"]):
        bad.append("the stop exit: %s, want one at %s x %s" % (stops, sl["stopPrice"], sl["origQty"]))
elif stops:
    bad.append("a stop exit without a touch")
sells = [o for o in orders if o["type"] == "MARKET" and o["side"] == "SELL"]
if len(buys) < 3 or len(sells) != len(buys) - 1 - (1 if touched else 0):
    bad.append("%d entries, %d market sells" % (len(buys), len(sells)))
print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
}
flive() {
  BINANCE_FUTURES_API_KEY=$KEY BINANCE_FUTURES_API_SECRET=$SECRET "$BIN" live --config "$TMP/live.json" --db "$DB" \
    --venue-url "$URL" --set live.venue.name=binance_futures "$@"
}
start_server --path "$TMP/path.json"
flive --out "$TMP/fs" > "$TMP/fs.txt" 2>&1 || fail "futures exited $?: $(tail -5 "$TMP/fs.txt")"
grep -q '^brackets  *rest at the venue: a reduce-only STOP_MARKET' "$TMP/fs.txt" || fail "no futures brackets line"
fcheck "$TMP/fs" "" || fail "futures signal exits: the venue's orders or the books are wrong"
start_server --path "$TMP/path.json"
post /_faults '[{"fault": "touch", "leg": "stop", "path": "/fapi/v1/order", "method": "POST", "type": "STOP_MARKET"}]'
flive --out "$TMP/ft" > "$TMP/ft.txt" 2>&1 || fail "futures (stop) exited $?: $(tail -5 "$TMP/ft.txt")"
fcheck "$TMP/ft" stop || fail "futures, the venue's stop: the venue's orders or the books are wrong"
before=$(n_orders)
flive --out "$TMP/ft" > "$TMP/fr.txt" 2>&1 || fail "futures restart exited $?: $(tail -5 "$TMP/fr.txt")"
[ "$(n_orders)" = "$before" ] || fail "the futures restart placed orders: $before before, $(n_orders) after"
grep -q '^brackets  *0 protective orders placed at the venue, [1-9][0-9]* adopted' "$TMP/fr.txt" \
  || fail "futures restart: brackets line: $(grep '^brackets' "$TMP/fr.txt")"
fcheck "$TMP/ft" stop || fail "after the futures restart: the venue's orders or the books are wrong"

# --- refused where the venue cannot hold them ------------------------------------------------------
live --out "$TMP/o" --set live.venue.name=oanda --set risk.stops.trail=pct > "$TMP/o.txt" 2>&1 \
  && fail "brackets \"venue\" on oanda with a trailing stop was accepted"
grep -q 'risk.stops.trail=pct: live.venue.brackets: "venue" on oanda attaches the stop-loss to the entry (stopLossOnFill), which cannot follow risk.stops.trail' "$TMP/o.txt" \
  || fail "oanda refusal: $(cat "$TMP/o.txt")"

[ $fails -eq 0 ] || exit 1
echo "ok"
