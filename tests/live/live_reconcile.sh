#!/usr/bin/env bash
# End-to-end test of `proratio live`'s reconciliation with the venue at
# start (issue #13, point 4), against tests/live/fake_exchange.py on
# loopback:
# (a) an open order carrying the session's client id prefix that the
#     session never sent (seeded at the fake) is cancelled at the next
#     start, an order without the prefix (a hand-placed one) is left alone;
#     with "unknown_orders": "adopt" such an order is kept and reported;
# (c) that adopted order filling while the session is down is booked and
#     reported at the next start, once (the start after says nothing);
# (b) on two markets (BTCUSDT, ETHUSDT): the fake's BTC balance moved by
#     hand between two runs is a mismatch naming both quantities; BTCUSDT's
#     entries pause (the run's executions have no BTCUSDT entry after the
#     resume point while ETHUSDT trades), `proratio status` shows the
#     pause, `proratio live confirm` lifts it and the next run enters
#     BTCUSDT again.
set -u
. "$(dirname "$0")/../e2e/lib/prelude.bash"
. "$(dirname "$0")/joined.bash"
. "$(dirname "$0")/live_session.bash"

get() { "$PY" -c 'import sys, urllib.request as u; print(u.urlopen(sys.argv[1]).read().decode())' "$URL$1"; }
post() { "$PY" -c 'import sys, urllib.request as u
print(u.urlopen(u.Request(sys.argv[1], data=sys.argv[2].encode(), method="POST")).read().decode())' "$URL$1" "$2"; }
# the status of the fake's order of client id $1
status_of() { get /_orders | "$PY" -c 'import json, sys
print(" ".join(o["status"] for o in json.load(sys.stdin) if o["clientOrderId"] == sys.argv[1]) or "none")' "$1"; }
count() { grep -c -- "$1" "$2"; }

# --- (a) a stale order of the session is cancelled, a foreign one left ---------------------------
start_server
live --out "$TMP/a" > "$TMP/a1.txt" 2>&1 || fail "first run exited $?: $(tail -3 "$TMP/a1.txt")"
# the session's client id prefix: "pr" + 8 hex of its name's hash, as its orders carry it
prefix=$(get /_orders | "$PY" -c 'import json, sys; print(json.load(sys.stdin)[0]["clientOrderId"][:10])')
case $prefix in pr????????) ;; *) fail "no client id prefix in the fake's orders: '$prefix'" ;; esac
post /_seed "{\"symbol\": \"BTCUSDT\", \"side\": \"BUY\", \"quantity\": \"0.001\", \"price\": \"50000\",
  \"clientOrderId\": \"$prefix-zz-9\"}" > /dev/null
post /_seed '{"symbol": "BTCUSDT", "side": "BUY", "quantity": "0.001", "price": "40000",
  "clientOrderId": "hand-order-1"}' > /dev/null
live --out "$TMP/a" > "$TMP/a2.txt" 2>&1 || fail "second run exited $?: $(tail -3 "$TMP/a2.txt")"
[ "$(status_of "$prefix-zz-9")" = CANCELED ] || fail "the stale order is $(status_of "$prefix-zz-9"), not cancelled"
[ "$(status_of hand-order-1)" = NEW ] || fail "the foreign order is $(status_of hand-order-1), not left open"
grep -q "^reconcile  *BTCUSDT: cancelled open order $prefix-zz-9 BUY LIMIT 0.001 at 50000 .*did not send it" \
  "$TMP/a2.txt" || fail "no cancel line: $(grep '^reconcile' "$TMP/a2.txt")"
grep -q "^reconcile  *BTCUSDT: left open order hand-order-1 .*no client id prefix" "$TMP/a2.txt" \
  || fail "no line for the foreign order: $(grep '^reconcile' "$TMP/a2.txt")"
grep -q "^reconcile  *done: 1 open orders cancelled, 0 adopted, 1 left;.* 0 position mismatches" "$TMP/a2.txt" \
  || fail "reconcile summary: $(grep '^reconcile  *done' "$TMP/a2.txt")"
grep '"reconcile":"cancelled"' "$TMP/a/executions.jsonl" | grep -q "\"client_id\":\"$prefix-zz-9\"" || fail "the cancel is not in executions.jsonl"

# --- "adopt": kept and reported; its fill while down booked once ----------------------------------
post /_seed "{\"symbol\": \"BTCUSDT\", \"side\": \"BUY\", \"quantity\": \"0.01\", \"price\": \"90000\",
  \"clientOrderId\": \"$prefix-zz-8\"}" > /dev/null
live --out "$TMP/a" --set live.reconcile.unknown_orders=adopt > "$TMP/a3.txt" 2>&1 \
  || fail "adopting run exited $?: $(tail -3 "$TMP/a3.txt")"
[ "$(status_of "$prefix-zz-8")" = NEW ] || fail "the adopted order is $(status_of "$prefix-zz-8")"
[ "$(status_of hand-order-1)" = NEW ] || fail "adopt cancelled the foreign order"
grep -q "^reconcile  *BTCUSDT: adopted open order $prefix-zz-8 BUY LIMIT 0.01 at 90000" "$TMP/a3.txt" \
  || fail "no adopt line: $(grep '^reconcile' "$TMP/a3.txt")"
grep -q '"reconcile":"adopted"' "$TMP/a/executions.jsonl" || fail "the adoption is not in executions.jsonl"
# while down: the market trades through it (and back)
post /_price '{"symbol": "BTCUSDT", "price": "89000"}' > /dev/null
post /_price '{"symbol": "BTCUSDT", "price": "95000"}' > /dev/null
[ "$(status_of "$prefix-zz-8")" = FILLED ] || fail "the adopted order did not fill at the fake"
live --out "$TMP/a" --set live.reconcile.unknown_orders=adopt > "$TMP/a4.txt" 2>&1 \
  || fail "run after the fill exited $?: $(tail -3 "$TMP/a4.txt")"
[ "$(count '^reconcile  *BTCUSDT: booked fill .* of adopted order .* BUY 0.01 at 90000' "$TMP/a4.txt")" -eq 1 ] \
  || fail "the fill made while down is not booked once: $(grep '^reconcile' "$TMP/a4.txt")"
# booked: the BTC it bought (0.01 less the 0.1% commission) is the session's, no mismatch
grep -q "^reconcile  *done: .* 1 fills booked while down, 0 foreign fills; .* 0 position mismatches" "$TMP/a4.txt" \
  || fail "after the booking: $(grep '^reconcile  *done' "$TMP/a4.txt")"
live --out "$TMP/a" --set live.reconcile.unknown_orders=adopt > "$TMP/a5.txt" 2>&1 || fail "fifth run exited $?"
grep -q '^reconcile  *BTCUSDT: booked' "$TMP/a5.txt" && fail "the fill was booked a second time"
grep -q "^reconcile  *done: .* 0 fills booked while down, 0 foreign fills; .* 0 position mismatches" "$TMP/a5.txt" \
  || fail "fifth run: $(grep '^reconcile' "$TMP/a5.txt")"

# --- (b) a position mismatch pauses one market's entries until confirmed -------------------------
"$BIN" data import data/sample/crypto/ETHUSDT-1h.csv --db "$DB" > /dev/null 2>&1 || fail "import of ETHUSDT"
# the fake's ETHUSDT: BTCUSDT's rules under another name
"$PY" -c 'import copy, json, sys
d = json.load(open(sys.argv[1])); e = copy.deepcopy(d["symbols"][0])
e.update(symbol="ETHUSDT", baseAsset="ETH"); d["symbols"].append(e); json.dump(d, open(sys.argv[2], "w"))' \
  tests/live/fixtures/binance_exchange_info.json "$TMP/info.json"
echo '{"BTCUSDT": ["95000"], "ETHUSDT": ["3000"]}' > "$TMP/path.json"
cat > "$TMP/two.json" <<'EOF'
{"data": {"datasets": ["local:BTCUSDT:1h", "local:ETHUSDT:1h"], "to": "2022-02-15"},
 "strategy": {"name": "sma_cross", "params": {"fast": 5, "slow": 20, "stop": 0.02, "target": 0.04}},
 "account": {"currency": "USDT", "cash": 10000},
 "live": {"feed": "replay", "speed": 0, "venue": {"name": "binance_spot"}}}
EOF
start_server --exchange-info "$TMP/info.json" --path "$TMP/path.json" --balance ETH=100
n_orders() { get /_orders | "$PY" -c 'import json, sys; print(sum(o["symbol"] == sys.argv[1] for o in json.load(sys.stdin)))' "$1"; }
# a paced run, stopped (SIGTERM: the step is finished and saved) once `cond` holds
paced_until() { # out-file, condition command...
  local out=$1; shift
  env $VENUE_ENV "$BIN" live --config "$TMP/two.json" --db "$DB" --venue-url "$URL" --out "$TMP/b" \
    --set live.speed=360000 > "$out" 2>&1 &
  local pid=$!
  for _ in $(seq 300); do "$@" && break; sleep 0.1; done
  kill -TERM $pid 2>/dev/null
  wait $pid
}
eth_at_least() { [ "$(n_orders ETHUSDT)" -ge "$1" ]; }
paced_until "$TMP/b1.txt" eth_at_least 6 || fail "first paced run exited $?: $(tail -3 "$TMP/b1.txt")"
eth1=$(n_orders ETHUSDT); btc1=$(n_orders BTCUSDT)
[ "$btc1" -ge 2 ] || fail "the first run sent only $btc1 BTCUSDT orders"
post /_balance '{"asset": "BTC", "delta": "1.5"}' > /dev/null      # a deposit the session knows nothing of
paced_until "$TMP/b2.txt" eth_at_least $((eth1 + 6)) || fail "second paced run exited $?: $(tail -3 "$TMP/b2.txt")"
grep -q '^reconcile  *BTCUSDT: MISMATCH: the venue holds 1[12]\.[0-9]* (BTC), the session expects \(9\|10\)\.[0-9]* .*PAUSED' \
  "$TMP/b2.txt" || fail "no BTCUSDT mismatch line: $(grep '^reconcile' "$TMP/b2.txt")"
grep -q '^reconcile  *ETHUSDT: MISMATCH' "$TMP/b2.txt" && fail "ETHUSDT reported a mismatch"
grep -q '^reconcile  *done: .* 1 position mismatches; entries paused: BTCUSDT$' "$TMP/b2.txt" \
  || fail "second run's summary: $(grep '^reconcile  *done' "$TMP/b2.txt")"
# the steps after the resume point: ETHUSDT enters, BTCUSDT does not
resumed_at() { sed -n 's/^resuming .* at the close of \([0-9-]*\) \([0-9:]*\) .*/\1T\2Z/p' "$1"; }
entries_after() { # dir, symbol, time
  joined "$1" executions | grep '"role":"entry"' | grep "\"instrument\":\"$2\"" \
    | sed 's/^{"time":"\([^"]*\)".*/\1/' | awk -v t="$3" '$0 > t' | wc -l
}
t2=$(resumed_at "$TMP/b2.txt")
[ -n "$t2" ] || fail "the second run did not resume"
[ "$(entries_after "$TMP/b" ETHUSDT "$t2")" -ge 1 ] || fail "ETHUSDT did not trade while BTCUSDT was paused"
[ "$(entries_after "$TMP/b" BTCUSDT "$t2")" -eq 0 ] || fail "BTCUSDT entered while paused"
"$BIN" status --db "$DB" --session "$TMP/b" > "$TMP/st.txt" 2>&1
grep -q '^paused  *BTCUSDT: new entries refused: the venue held 1[12]\..*proratio live confirm' "$TMP/st.txt" \
  || fail "status shows no pause: $(cat "$TMP/st.txt")"
grep -q '^paused  *ETHUSDT' "$TMP/st.txt" && fail "status shows ETHUSDT paused"
"$BIN" live confirm --db "$DB" --session "$TMP/b" --market ETHUSDT > /dev/null 2>&1 && fail "confirmed an unpaused market"
"$BIN" live confirm --db "$DB" --session "$TMP/b" --market BTCUSDT > "$TMP/c.txt" 2>&1 \
  || fail "live confirm exited $?: $(cat "$TMP/c.txt")"
env $VENUE_ENV "$BIN" live --config "$TMP/two.json" --db "$DB" --venue-url "$URL" --out "$TMP/b" \
  --set live.speed=360000 > "$TMP/b3.txt" 2>&1 \
  || fail "third run exited $?: $(tail -3 "$TMP/b3.txt")"
grep -q '^reconcile  *BTCUSDT: confirmed at .*entries resume' "$TMP/b3.txt" || fail "no confirmation line"
grep -q '^reconcile  *done: .* 0 position mismatches; entries paused: none$' "$TMP/b3.txt" \
  || fail "third run's summary: $(grep '^reconcile  *done' "$TMP/b3.txt")"
t3=$(resumed_at "$TMP/b3.txt")
[ "$(entries_after "$TMP/b" BTCUSDT "$t3")" -ge 1 ] || fail "BTCUSDT did not enter after the confirmation"
# the paused steps stay paused when the session is replayed
[ "$(entries_after "$TMP/b" BTCUSDT "$t2")" -eq "$(entries_after "$TMP/b" BTCUSDT "$t3")" ] \
  || fail "BTCUSDT entries between the pause and the confirmation"

[ $fails -eq 0 ] || { [ -n "${KEEP:-}" ] && cp -r "$TMP" /tmp/recon_keep; exit 1; }
echo "ok"
