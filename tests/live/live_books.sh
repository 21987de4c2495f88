#!/usr/bin/env bash
# A live session's books are the venue's fills (#13): `proratio live` on the
# bundled sample against a fake venue on loopback (PR_LIVE_VENUE:
# binance_spot, the default, tests/live/fake_exchange.py; oanda,
# live_books_oanda.sh, tests/live/fake_oanda.py) whose market trades at one
# scripted price P all session long, far from the sample's bars, with a
# known commission. Worked out by hand from those two numbers:
#   - every fill of executions.jsonl (entries, exits, stop-loss and
#     take-profit exits) is at P, never at the sample's prices the paper
#     broker fills at; its fee is the venue's commission in the account
#     currency: Binance takes 0.1% of what is received (a buy pays
#     qty x 0.001 BTC, worth qty x 0.001 x P USDT; a sell qty x P x 0.001
#     USDT), OANDA (--commission 0.0001 here) |units| x P x 0.0001 USD
#     rounded to 0.0001;
#   - each round trip of trades.csv enters and exits at P, so its P&L is
#     minus its fees, and the summary's final equity is the start less the
#     fees of every fill;
#   - the log has one fill per venue trade (the venue's list), none twice;
#   - Binance: the books are the same when the fills are learned from the
#     user-data stream (the default) and when they are polled;
#   - Binance: a market order filled in part (the fake's "partial" fault:
#     half its quantity, down to the 0.00001 lot step, the rest EXPIRED)
#     is booked at the half;
#   - a session killed (SIGKILL) while the venue is answering its order
#     slowly (the order is filled there while the session is down) and
#     restarted books that fill once: the log again holds the venue's trades
#     one for one.
set -u
. "$(dirname "$0")/../e2e/lib/prelude.bash"
. "$(dirname "$0")/joined.bash"
. "$(dirname "$0")/live_session.bash"

if [ "$VENUE" = oanda ]; then
  echo '{"EUR_USD": ["1.2"]}' > "$TMP/path.json"
  P=1.2
  EXTRA=(--path "$TMP/path.json" --commission 0.0001)
else
  echo '{"BTCUSDT": ["41000"], "ETHBTC": ["0.03"]}' > "$TMP/path.json"
  P=41000
  EXTRA=(--path "$TMP/path.json")
fi
post() {
  "$PY" -c 'import sys, urllib.request as u; u.urlopen(u.Request(sys.argv[1], data=sys.argv[2].encode())).read()' \
    "$URL$1" "$2"
}
# The venue's trades as "qty price" lines (sorted): Binance's /_trades, the
# filled orders of OANDA (one fill each, at their transaction's price).
venue_trades() {
  if [ "$VENUE" = oanda ]; then
    "$PY" -c 'import json, sys, urllib.request as u
for o in json.load(u.urlopen(sys.argv[1] + "/_orders")):
    if o["state"] == "FILLED": print(abs(float(o["units"])), float(sys.argv[2]))' "$URL" "$P" | sort
  else
    "$PY" -c 'import json, sys, urllib.request as u
for t in json.load(u.urlopen(sys.argv[1] + "/_trades")): print(float(t["qty"]), float(t["price"]))' "$URL" | sort
  fi
}
log_trades() { joined "$1" executions | "$PY" -c 'import json, sys
for l in sys.stdin:
    f = json.loads(l)
    if "order_id" in f: print(float(f["qty"]), float(f["price"]))' | sort; }

# --- a session: the books at the venue's price and commission ------------------------------
start_server "${EXTRA[@]}"
live --out "$TMP/a" > "$TMP/a.txt" 2>&1 || fail "live exited $?: $(tail -5 "$TMP/a.txt")"
joined "$TMP/a" executions > "$TMP/a.jsonl"
"$PY" - "$TMP/a.jsonl" "$TMP/a/trades.csv" "$TMP/a/summary.jsonl" "$VENUE" "$P" <<'EOF' || fail "the books are not the venue's"
import csv, json, sys
from decimal import Decimal, ROUND_HALF_EVEN
fills = [f for f in map(json.loads, open(sys.argv[1])) if "order_id" in f]
venue, P = sys.argv[4], float(sys.argv[5])
bad, fees, roles = 0, 0.0, set()
for f in fills:
    q = f["qty"]
    if venue == "oanda":   # |units| x P x 0.0001, to the cent's hundredth
        want = float((Decimal(repr(q)) * Decimal(sys.argv[5]) * Decimal("0.0001")).quantize(Decimal("0.0001"), ROUND_HALF_EVEN))
    else:                  # 0.1% of what is received: BTC on a buy, USDT on a sell
        want = q * 0.001 * P if f["side"] == "buy" else q * P * 0.001
    if abs(f["price"] - P) > 1e-9 * P or abs(f["fee"] - want) > 1e-9 * max(1.0, want):
        print("fill %s %s %s (%s): price %s fee %s, want %s and %s" % (f["time"], f["side"], q, f["role"], f["price"], f["fee"], P, want))
        bad += 1
    fees += f["fee"]
    roles.add(f["role"])
if len(fills) < 10 or not roles & {"stop", "target"}:
    print("too few fills (%d) or no stop / target exit among the roles %s" % (len(fills), sorted(roles)))
    bad += 1
trades = list(csv.DictReader(open(sys.argv[2])))
for t in trades:
    if abs(float(t["entry_price"]) - P) > 1e-9 * P or abs(float(t["exit_price"]) - P) > 1e-9 * P \
            or abs(float(t["pnl"]) + float(t["fees"])) > 1e-6:
        print("trade %s: entry %s exit %s pnl %s fees %s" % (t["entry_time"], t["entry_price"], t["exit_price"], t["pnl"], t["fees"]))
        bad += 1
s = [json.loads(l) for l in open(sys.argv[3])][-1]
if s["open_trades"] == 0 and abs(s["final_equity"] - (s["start_equity"] - fees)) > 1e-6:
    print("final equity %s, start %s less fees %s" % (s["final_equity"], s["start_equity"], fees))
    bad += 1
sys.exit(1 if bad else 0)
EOF
venue_trades > "$TMP/venue.txt"
log_trades "$TMP/a" > "$TMP/log.txt"
cmp -s "$TMP/venue.txt" "$TMP/log.txt" || fail "the log's fills are not the venue's trades one for one: $(diff "$TMP/venue.txt" "$TMP/log.txt" | head -5)"
grep -q "^books  *$(wc -l < "$TMP/venue.txt") venue trades booked as the session's fills" "$TMP/a.txt" \
  || fail "books line: $(grep '^books' "$TMP/a.txt")"

# --- Binance: the same books whether the fills come by the user-data stream or by polling ------
if [ "$VENUE" != oanda ]; then
  grep -q "^fills  *[1-9][0-9]* orders' fills learned from the user-data stream, 0 by polling" "$TMP/a.txt" \
    || fail "the first session did not learn its fills from the stream: $(grep '^fills' "$TMP/a.txt")"
  start_server "${EXTRA[@]}"
  live --out "$TMP/q" --set live.venue.user_stream=false > "$TMP/q.txt" 2>&1 || fail "polling session exited $?"
  grep -q "^fills  *0 orders' fills learned from the user-data stream, [1-9][0-9]* by polling" "$TMP/q.txt" \
    || fail "the second session did not poll: $(grep '^fills' "$TMP/q.txt")"
  cmp -s "$TMP/a/trades.csv" "$TMP/q/trades.csv" || fail "polled fills booked otherwise than streamed ones"
fi

# --- Binance: a market order filled in part is booked at its part --------------------------------
if [ "$VENUE" != oanda ]; then
  start_server "${EXTRA[@]}"
  post /_faults '[{"fault": "partial", "fraction": 0.5, "path": "/api/v3/order", "method": "POST"}]'
  live --out "$TMP/p" > "$TMP/p.txt" 2>&1 || fail "partial session exited $?: $(tail -5 "$TMP/p.txt")"
  "$PY" - "$URL" "$TMP/p" <<'EOF' || fail "the partial fill was not booked at its part"
import glob, json, sys, urllib.request as u
from decimal import Decimal, ROUND_DOWN
first = min(json.load(u.urlopen(sys.argv[1] + "/_orders")), key=lambda o: o["orderId"])
part = (Decimal(first["origQty"]) * Decimal("0.5") / Decimal("0.00001")).to_integral_value(ROUND_DOWN) * Decimal("0.00001")
logs = sorted(glob.glob(sys.argv[2] + "/executions-*.jsonl")) + [sys.argv[2] + "/executions.jsonl"]
fills = [f for p in logs for f in map(json.loads, open(p)) if "order_id" in f]
ok = first["status"] == "EXPIRED" and Decimal(first["executedQty"]) == part and abs(fills[0]["qty"] - float(part)) < 1e-12
print("first order %s of %s (%s), first fill %s" % (first["executedQty"], first["origQty"], first["status"], fills[0]["qty"]))
sys.exit(0 if ok else 1)
EOF
  venue_trades > "$TMP/venue.txt"
  log_trades "$TMP/p" > "$TMP/log.txt"
  cmp -s "$TMP/venue.txt" "$TMP/log.txt" || fail "partial: the log's fills are not the venue's trades"
fi

# --- killed while its order fills at the venue, restarted: that fill booked once ---------------------
start_server "${EXTRA[@]}"
env $VENUE_ENV "$BIN" live --config "$TMP/live.json" --db "$DB" --venue-url "$URL" --out "$TMP/k" \
  --set live.speed=360000 > "$TMP/k1.txt" 2>&1 &
pid=$!
n_orders() { "$PY" -c 'import json, sys, urllib.request as u; print(len(json.load(u.urlopen(sys.argv[1]))))' "$URL/_orders"; }
for _ in $(seq 100); do [ "$(n_orders)" -ge 5 ] && break; sleep 0.1; done
post /_faults "[{\"fault\": \"slow\", \"delay\": 5, \"path\": \"$ORDER_PATH\", \"method\": \"POST\"}]"
before=$(n_orders)
for _ in $(seq 100); do [ "$(n_orders)" -gt "$before" ] && break; sleep 0.1; done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
[ "$(n_orders)" -gt "$before" ] || fail "the slow order was not taken before the kill"
live --out "$TMP/k" --set live.speed=360000 > "$TMP/k2.txt" 2>&1 || fail "the restart exited $?: $(tail -3 "$TMP/k2.txt")"
grep -q '^resuming ' "$TMP/k2.txt" || fail "the restart did not resume"
venue_trades > "$TMP/venue.txt"
log_trades "$TMP/k" > "$TMP/log.txt"
cmp -s "$TMP/venue.txt" "$TMP/log.txt" \
  || fail "after the kill the log's fills are not the venue's trades one for one: $(diff "$TMP/venue.txt" "$TMP/log.txt" | head -5)"
cmp -s "$TMP/a/trades.csv" "$TMP/k/trades.csv" || fail "the restarted session's trades differ from the uninterrupted one's"

[ $fails -eq 0 ] || exit 1
echo "ok"
