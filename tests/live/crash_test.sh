#!/usr/bin/env bash
# Crash test of `proratio live` against a fake venue on loopback (#13):
# PR_LIVE_VENUE=binance_spot (the default: tests/live/fake_exchange.py, the
# bundled BTCUSDT sample) or oanda (crash_test_oanda.sh: fake_oanda.py, the
# EURUSD sample). A paced session (the sample on the replay feed, sma_cross,
# the venue's testnet / practice host) is killed with SIGKILL at
# PR_CRASH_KILLS points (default 5 here, as CI runs it; 100 on request:
# PR_CRASH_KILLS=100 bash tests/live/crash_test.sh) and restarted after each,
# then run to its end. The kill points are seeded (PR_CRASH_SEED, default
# 13): a wait of 0.15-1.2 s after each start. Before each restart the
# exchange is told to mistreat the session's next order in a seeded way: an
# acknowledgement lost after the order was taken, a connection dropped before
# it was, a 503 after taking it, or a slow answer (the kill may land while
# the order is in flight). At the end:
#   - the venue's orders equal, client id for client id (side, quantity,
#     filled; OANDA: signed units and state), those of an uninterrupted session on a fresh exchange: none
#     lost, none doubled, so the position at the venue is the uninterrupted
#     one's;
#   - the session's trades.csv, equity.csv and joined executions log equal
#     the uninterrupted session's byte for byte;
#   - no restart's reconciliation found the venue's position (balance)
#     differing from the session's: the orders a kill left between a send
#     and the next saved state are the session's (its write-ahead record).
set -u
. "$(dirname "$0")/../e2e/lib/prelude.bash"
. "$(dirname "$0")/joined.bash"
. "$(dirname "$0")/live_session.bash"
KILLS=${PR_CRASH_KILLS:-5}
RANDOM=${PR_CRASH_SEED:-13}

# POST a control request; prints the faults still pending
post() {
  "$PY" -c 'import json, sys, urllib.request as u
print(json.load(u.urlopen(u.Request(sys.argv[1], data=sys.argv[2].encode()))).get("faults", ""))' "$URL$1" "$2"
}
# --- the uninterrupted session on a fresh exchange ------------------------------------------
start_server
live --out "$TMP/ref" > "$TMP/ref.txt" 2>&1 || fail "uninterrupted session exited $?: $(tail -3 "$TMP/ref.txt")"
orders_by_id > "$TMP/ref.orders"
nref=$(wc -l < "$TMP/ref.orders")
[ "$nref" -gt 10 ] || fail "too few orders to check: $nref"

# --- killed KILLS times, with a fault on the next order before each restart ------------------
start_server
faults=("lost_ack" "drop" "500" "slow")
landed=0
for k in $(seq "$KILLS"); do
  # shellcheck disable=SC2086 # NAME=VALUE words; env execs the program
  env $VENUE_ENV "$BIN" live --config "$TMP/live.json" --db "$DB" --venue-url "$URL" \
    --out "$TMP/c" --set live.speed=720000 >> "$TMP/c.txt" 2>&1 &
  pid=$!   # the program itself, so that SIGKILL reaches it
  sleep "$(printf '0.%03d' $((150 + RANDOM % 850)))"
  [ "$k" -eq 1 ] && sleep 0.3   # the first start also opens the session
  if kill -0 $pid 2>/dev/null; then
    kill -9 $pid 2>/dev/null && landed=$((landed + 1))
  fi
  wait $pid 2>/dev/null
  f=${faults[$((RANDOM % 4))]}
  # one fault at a time: a kill before the session's next order leaves the
  # last one pending (two in a row on one order would be a venue down, which
  # the session rightly refuses to send into a third time)
  if [ "$(post /_faults "[]")" = 0 ]; then
    post /_faults "[{\"fault\": \"$f\", \"path\": \"$ORDER_PATH\", \"method\": \"POST\", \"delay\": 0.4}]" \
      > /dev/null || fail "cannot set fault $f"
  fi
done
live --out "$TMP/c" --set live.speed=720000 > "$TMP/c-final.txt" 2>&1 \
  || fail "the final restart exited $?: $(tail -3 "$TMP/c-final.txt")"
echo "crash_test: $KILLS kill points, $landed landed while the session ran; $nref orders expected"
[ "$landed" -ge $(( (KILLS + 1) / 2 )) ] || fail "only $landed of $KILLS kills landed mid-session"

# the faults acted: answers lost (-2), connections dropped (-1), 503s
hit=$("$PY" -c 'import json, sys, urllib.request as u
print(sum(e["status"] in (-2, -1, 503) for e in json.load(u.urlopen(sys.argv[1]))))' "$URL/_log")
echo "crash_test: $hit order requests lost, dropped or answered 503"
[ "$hit" -ge 1 ] || fail "no fault reached an order request"
orders_by_id > "$TMP/c.orders"
diff "$TMP/ref.orders" "$TMP/c.orders" > "$TMP/orders.diff" \
  || fail "the exchange's orders differ from the uninterrupted session's: $(head -5 "$TMP/orders.diff")"
[ "$(cut -d' ' -f1 "$TMP/c.orders" | sort -u | wc -l)" -eq "$nref" ] || fail "a client id was used twice"
grep -h '^reconcile .*MISMATCH' "$TMP/c.txt" "$TMP/c-final.txt" > "$TMP/mismatch.txt" \
  && fail "a restart found a position mismatch: $(head -2 "$TMP/mismatch.txt")"
grep -q '^reconcile  *done' "$TMP/c-final.txt" || fail "the final restart did not reconcile"
for f in trades.csv equity.csv; do
  cmp -s "$TMP/ref/$f" "$TMP/c/$f" || fail "$f differs from the uninterrupted session's"
done
# (its fills: the reconciliation's lines at each start differ from run to run)
fills_of() { joined "$1" executions | grep -v '^{"[a-z_]*":[^{]*"reconcile":'; }
cmp -s <(fills_of "$TMP/ref") <(fills_of "$TMP/c") || fail "the executions log differs"

[ $fails -eq 0 ] && echo "crash_test: all checks passed"
exit $((fails > 0))
