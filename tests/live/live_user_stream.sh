#!/usr/bin/env bash
# End-to-end test of the Binance user-data stream and order-count limits of
# `proratio live` against tests/live/fake_exchange.py on loopback:
#  - a session learns every order's fill from the stream (summary: all
#    orders streamed, none polled), with one listen key, deleted at the end;
#  - the stream dropped mid-session (the fake closes it after 60 events):
#    the orders meanwhile are polled (query by client id, then the order's
#    trades), the stream reconnects, and every trade the exchange booked
#    reaches the session exactly once (streamed + polled = the exchange's
#    trades, orders streamed + polled = orders sent);
#  - the listen key expired mid-session (listenKeyExpired, keys forgotten):
#    a new key, the same accounting; a 1 s keep-alive is sent (PUT);
#  - live.venue.user_stream=false: every fill by polling, no listen key;
#  - a limit of 20 new orders per 10 s (exchangeInfo's ORDERS, enforced by
#    the fake with 429 -1015): the session waits for the next window
#    instead of sending into the limit (no -1015 at all), every order sent
#    once; a -1015 injected once is waited out and the order sent once.
set -u
SECONDS=0
. "$(dirname "$0")/../e2e/lib/prelude.bash"
. "$(dirname "$0")/joined.bash"
. "$(dirname "$0")/live_session.bash"

get() { "$PY" -c 'import sys, urllib.request as u; print(u.urlopen(sys.argv[1]).read().decode())' "$URL$1"; }
post() { "$PY" -c 'import sys, urllib.request as u; u.urlopen(u.Request(sys.argv[1], sys.argv[2].encode(), method="POST")).read()' "$URL$1" "$2"; }
field() { get /_stream | "$PY" -c "import json, sys; print(json.load(sys.stdin)['$1'])"; }
n_trades() { get /_trades | "$PY" -c 'import json, sys; print(len(json.load(sys.stdin)))'; }
n_orders() { get /_orders | "$PY" -c 'import json, sys; d = json.load(sys.stdin); print(len(d), len({o["clientOrderId"] for o in d}))'; }
n_status() { get /_log | "$PY" -c "import json, sys; print(sum(e['status'] == $1 for e in json.load(sys.stdin)))"; }
# "fills        A orders' fills learned from the user-data stream, B by polling (C and D trades)" -> A B C D
fills_line() { sed -n "s/^fills  *\([0-9]*\) orders' fills learned from the user-data stream, \([0-9]*\) by polling (\([0-9]*\) and \([0-9]*\) trades).*/\1 \2 \3 \4/p" "$1"; }

# a shorter session than live_venue.sh's (the first six weeks: ~80 orders)
short() { live --set data.to=2022-02-15 "$@"; }

# --- the stream: every fill learned from it ---------------------------------------------
start_server
short --out "$TMP/a" > "$TMP/a.txt" 2>&1 || fail "live exited $?: $(tail -5 "$TMP/a.txt")"
grep -q "^fills  *learned from the venue's user-data stream (ws://127.0.0.1:$PORT)" "$TMP/a.txt" \
  || fail "no stream line: $(grep '^fills' "$TMP/a.txt")"
read -r sent _ <<< "$(n_orders)"
trades=$(n_trades)
[ "$sent" -gt 10 ] || fail "too few orders to check: $sent"
read -r os op ts tp <<< "$(fills_line "$TMP/a.txt")"
[ "${os:-x}" = "$sent" ] && [ "$op" = 0 ] && [ "$ts" = "$trades" ] && [ "$tp" = 0 ] \
  || fail "streamed session: $sent orders, $trades trades; summary: $(grep '^fills  *[0-9]' "$TMP/a.txt")"
grep -q "^user stream  *1 connections, 0 drops, 1 listen keys" "$TMP/a.txt" || fail "$(grep '^user stream' "$TMP/a.txt")"
echo "streamed: ${SECONDS}s"
[ "$(field keys)" = 1 ] && [ "$(field deletes)" = 1 ] || fail "listen keys: $(get /_stream)"

# --- dropped mid-session: polled meanwhile, reconnected, each trade once -------------------
start_server
post /_stream '{"drop_after": 45}'
short --out "$TMP/d" > "$TMP/d.txt" 2>&1 || fail "live (drop) exited $?: $(tail -5 "$TMP/d.txt")"
read -r sent _ <<< "$(n_orders)"
trades=$(n_trades)
read -r os op ts tp <<< "$(fills_line "$TMP/d.txt")"
[ "$((os + op))" = "$sent" ] && [ "$((ts + tp))" = "$trades" ] \
  || fail "after a drop: $sent orders, $trades trades; summary: $(grep '^fills  *[0-9]' "$TMP/d.txt")"
[ "$os" -gt 0 ] && [ "$op" -gt 0 ] || fail "after a drop, streamed $os and polled $op orders: both expected"
[ "$(field connections)" -ge 2 ] || fail "the stream did not reconnect: $(get /_stream)"
grep -q "^user stream  *[0-9]* connections, 1 drops" "$TMP/d.txt" || fail "$(grep '^user stream' "$TMP/d.txt")"

echo "dropped: ${SECONDS}s"
# --- the key expired mid-session: a new key; keep-alive every second ---------------------
start_server
short --out "$TMP/e" --set live.venue.keepalive_s=1 --set live.speed=360000 > "$TMP/e.txt" 2>&1 &
pid=$!
for _ in $(seq 200); do read -r sent _ <<< "$(n_orders)"; [ "$sent" -ge 20 ] && break; sleep 0.1; done
post /_stream '{"expire": true}'
wait $pid || fail "live (expiry) exited: $(tail -5 "$TMP/e.txt")"
read -r sent _ <<< "$(n_orders)"
trades=$(n_trades)
read -r os op ts tp <<< "$(fills_line "$TMP/e.txt")"
[ "$((os + op))" = "$sent" ] && [ "$((ts + tp))" = "$trades" ] \
  || fail "after expiry: $sent orders, $trades trades; summary: $(grep '^fills  *[0-9]' "$TMP/e.txt")"
[ "$(field keys)" -ge 2 ] || fail "no new listen key after the expiry: $(get /_stream)"
[ "$(field keepalives)" -ge 1 ] || fail "no keep-alive with keepalive_s=1: $(get /_stream)"

echo "expired: ${SECONDS}s"
# --- no stream: polling ------------------------------------------------------------------
start_server
short --out "$TMP/p" --set live.venue.user_stream=false > "$TMP/p.txt" 2>&1 || fail "live (poll) exited $?"
read -r sent _ <<< "$(n_orders)"
read -r os op ts tp <<< "$(fills_line "$TMP/p.txt")"
[ "${os:-x}" = 0 ] && [ "$op" = "$sent" ] && [ "$tp" = "$(n_trades)" ] || fail "polling: $(grep '^fills' "$TMP/p.txt")"
[ "$(field keys)" = 0 ] || fail "a listen key without the stream"

echo "polled: ${SECONDS}s"
# --- order-count limit: waited for, never hit; an injected -1015 backed off ------------------
start_server
post /_order_limit '{"10s": 20}'
post /_faults '[{"fault": "-1015", "path": "/api/v3/order", "method": "POST"}]'
live --out "$TMP/l" --set data.to=2022-02-01 > "$TMP/l.txt" 2>&1 || fail "live (limit) exited $?: $(tail -3 "$TMP/l.txt")"
read -r sent distinct <<< "$(n_orders)"
fills=$(joined "$TMP/l" executions | grep -c '"order_id":')
[ "$sent" -gt 20 ] || fail "too few orders to reach the limit: $sent"
[ "$sent" = "$fills" ] && [ "$distinct" = "$sent" ] || fail "limit: $fills fills, $sent orders ($distinct ids)"
# the one injected -1015, no other
[ "$(n_status 429)" = 1 ] || fail "429 answers: $(n_status 429) (1 injected; the gate should prevent the rest)"

[ "$fails" -eq 0 ] || exit 1
echo "ok"
