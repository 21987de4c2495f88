#!/usr/bin/env bash
# End-to-end test of `proratio live` on OANDA v20 (live.venue.name "oanda")
# against tests/live/fake_oanda.py on loopback (a free port, stopped by its
# PID): a session on the replay feed of the bundled EURUSD sample sends
# each paper fill once as a market order (units signed by side, whole
# units as EUR_USD's tradeUnitsPrecision 0 asks, exits REDUCE_ONLY); OANDA
# ends with exactly as many orders as executions.jsonl has fills, all
# filled, client ids distinct, and no open position (the session ends
# flat). Run again it resumes, asks for every client id and sends nothing;
# killed (SIGKILL) mid-session and restarted, every fill still reaches
# OANDA exactly once. Startup says mode, account, venue and the USD
# balance. Refusals: no token, no account id, an account the token lacks
# (404, live.venue.account winning over OANDA_ACCOUNT_ID), a bad token
# (401), leverage (OANDA has none to set), an account id on Binance,
# mainnet without the acknowledgement (with it: LIVE, as a v20 token
# cannot withdraw); an unknown venue lists the venue table. No file holds the token.
set -u
. "$(dirname "$0")/../e2e/lib/prelude.bash"
. "$(dirname "$0")/joined.bash"
PR_LIVE_VENUE=oanda
. "$(dirname "$0")/live_session.bash"

get() { "$PY" -c 'import sys, urllib.request as u; print(u.urlopen(sys.argv[1]).read().decode())' "$URL$1"; }
orders() {
  get /_orders | "$PY" -c 'import json, sys; d = json.load(sys.stdin)
print(len(d), len({o["clientExtensions"]["id"] for o in d}), sum(o["state"] == "FILLED" for o in d))'
}
requests() { get /_log | "$PY" -c 'import json, sys; print(len(json.load(sys.stdin)))'; }
venue_as() { # ENV... -- ARGS: `proratio live` with these credentials only
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  env -u OANDA_API_TOKEN -u OANDA_ACCOUNT_ID "${envs[@]}" "$BIN" live --config "$TMP/live.json" --db "$DB" \
    --venue-url "$URL" "$@"
}

start_server

# --- a session: one order per paper fill ---------------------------------------------
live --out "$TMP/a" > "$TMP/a.txt" 2>&1 || fail "live exited $?: $(tail -5 "$TMP/a.txt")"
grep -q "^mode  *TESTNET on oanda (testnet: no real money)" "$TMP/a.txt" || fail "no mode line: $(head -3 "$TMP/a.txt")"
grep -q "^account  *$ACCOUNT\$" "$TMP/a.txt" || fail "no account line"
grep -q "^venue  *oanda at $URL; each paper fill is sent there as a market order (exits reduce-only)" "$TMP/a.txt" \
  || fail "no venue line: $(grep '^venue' "$TMP/a.txt")"
grep -q "^balances  *USD 100000 free, 0 locked\$" "$TMP/a.txt" || fail "balances line: $(grep '^balances' "$TMP/a.txt")"
fills=$(joined "$TMP/a" executions | grep -c '"order_id":')
[ "$fills" -gt 10 ] || fail "too few fills to check: $fills"
read -r n distinct filled <<< "$(orders)"
[ "$n" -eq "$fills" ] || fail "$fills paper fills, $n orders at OANDA"
[ "$distinct" -eq "$n" ] && [ "$filled" -eq "$n" ] || fail "orders: $n, distinct ids $distinct, filled $filled"
# fill k (in the log's order) is order k: units = +qty for a buy, -qty for a
# sell, in whole units; an exit is REDUCE_ONLY, an entry DEFAULT
joined "$TMP/a" executions | grep '"order_id":' > "$TMP/fills.jsonl"
get /_orders > "$TMP/orders.json"
"$PY" - "$TMP/fills.jsonl" "$TMP/orders.json" <<'EOF' || fail "orders do not match the fills"
import json, sys
fills = [json.loads(l) for l in open(sys.argv[1])]
orders = sorted(json.load(open(sys.argv[2])), key=lambda o: int(o["id"]))
bad = 0
for f, o in zip(fills, orders):
    want = ("-" if f["side"] == "sell" else "") + "%d" % int(f["qty"])
    fill = "REDUCE_ONLY" if f["role"] != "entry" else "DEFAULT"
    if o["units"] != want or o["positionFill"] != fill or o["instrument"] != "EUR_USD" or o["type"] != "MARKET":
        print("fill %s %s %s (%s) -> order units %s %s" % (f["time"], f["side"], f["qty"], f["role"], o["units"],
                                                          o["positionFill"]))
        bad += 1
sys.exit(1 if bad or len(fills) != len(orders) else 0)
EOF
grep -q "^venue  *oanda: $fills orders sent, 0 found there already" "$TMP/a.txt" \
  || fail "venue summary: $(grep '^venue' "$TMP/a.txt")"
grep -q '^venue  *no open position' "$TMP/a.txt" || fail "positions line: $(grep '^venue' "$TMP/a.txt")"

# --- the same session again: every order found, none sent ------------------------------
live --out "$TMP/a" > "$TMP/b.txt" 2>&1 || fail "second run exited $?: $(tail -5 "$TMP/b.txt")"
grep -q '^resuming ' "$TMP/b.txt" || fail "the second run did not resume"
grep -q "^venue  *oanda: 0 orders sent, $fills found there already" "$TMP/b.txt" \
  || fail "second run's venue summary: $(grep '^venue' "$TMP/b.txt")"
read -r n2 _ _ <<< "$(orders)"
[ "$n2" -eq "$n" ] || fail "the second run changed OANDA's orders: $n -> $n2"

# --- killed mid-session (SIGKILL) and restarted: every fill sent once ------------------------
start_server
# shellcheck disable=SC2086 # NAME=VALUE words; env execs the program, so SIGKILL reaches it
env $VENUE_ENV "$BIN" live --config "$TMP/live.json" --db "$DB" --venue-url "$URL" --out "$TMP/k" \
  --set live.speed=360000 > "$TMP/k1.txt" 2>&1 &
pid=$!
for _ in $(seq 100); do read -r sent _ _ <<< "$(orders)"; [ "$sent" -ge 5 ] && break; sleep 0.1; done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
read -r at_kill _ _ <<< "$(orders)"
[ "$at_kill" -ge 5 ] && [ "$at_kill" -lt "$fills" ] || fail "the paced session sent $at_kill orders before the kill"
live --out "$TMP/k" --set live.speed=360000 > "$TMP/k2.txt" 2>&1 || fail "the restart exited $?: $(tail -3 "$TMP/k2.txt")"
read -r n distinct _ <<< "$(orders)"
[ "$n" -eq "$fills" ] && [ "$distinct" -eq "$n" ] || fail "after a kill: $fills fills, $n orders ($distinct ids)"
grep -q "^venue  *oanda: $((fills - at_kill)) orders sent, $at_kill found there already" "$TMP/k2.txt" \
  || fail "restart's venue summary ($at_kill sent before the kill): $(grep '^venue' "$TMP/k2.txt")"

# --- refusals ------------------------------------------------------------------------------
start_server
venue_as "OANDA_ACCOUNT_ID=$ACCOUNT" -- --out "$TMP/r1" > "$TMP/r1.txt" 2>&1 && fail "a session without a token ran"
grep -q 'oanda needs an API token: set OANDA_API_TOKEN' "$TMP/r1.txt" || fail "no-token message: $(tail -1 "$TMP/r1.txt")"
venue_as "OANDA_API_TOKEN=$TOKEN" -- --out "$TMP/r2" > "$TMP/r2.txt" 2>&1 && fail "a session without an account ran"
grep -q 'needs an account id: set live.venue.account or OANDA_ACCOUNT_ID' "$TMP/r2.txt" \
  || fail "no-account message: $(tail -1 "$TMP/r2.txt")"
live --out "$TMP/r3" --set live.venue.account=101-004-1435156-999 > "$TMP/r3.txt" 2>&1 \
  && fail "an account the token lacks ran"
grep -q 'summary: HTTP 404: The Account specified does not exist (not found: check the account id)' "$TMP/r3.txt" \
  || fail "404 message: $(tail -1 "$TMP/r3.txt")"
venue_as "OANDA_API_TOKEN=wrong-token-0123456789" "OANDA_ACCOUNT_ID=$ACCOUNT" -- --out "$TMP/r4" > "$TMP/r4.txt" 2>&1 \
  && fail "a wrong token ran"
grep -q 'HTTP 401: Insufficient authorization to perform request. (the token was refused: check OANDA_API_TOKEN' \
  "$TMP/r4.txt" || fail "401 message: $(tail -1 "$TMP/r4.txt")"
live --out "$TMP/r5" --set live.venue.leverage=3 > "$TMP/r5.txt" 2>&1 && fail "leverage on oanda ran"
grep -q 'oanda has no leverage or margin type to set' "$TMP/r5.txt" || fail "leverage message: $(tail -1 "$TMP/r5.txt")"
before=$(requests)
live --out "$TMP/r6" --set live.venue.mainnet=true > "$TMP/r6.txt" 2>&1 && fail "mainnet without the acknowledgement ran"
grep -q 'i_understand_this_is_real_money' "$TMP/r6.txt" || fail "mainnet message: $(tail -1 "$TMP/r6.txt")"
[ "$(requests)" -eq "$before" ] || fail "the mainnet refusal talked to OANDA"
[ "$(orders | cut -d' ' -f1)" -eq 0 ] || fail "orders sent despite the refusals"
live --out "$TMP/m" --set live.venue.mainnet=true --set live.i_understand_this_is_real_money=true > "$TMP/m.txt" 2>&1 \
  || fail "mainnet with the acknowledgement exited $?: $(tail -3 "$TMP/m.txt")"
grep -q '^mode  *LIVE on oanda (mainnet: REAL MONEY)' "$TMP/m.txt" || fail "no LIVE mode line"
live --out "$TMP/b" --set live.venue.name=binance_spot --set live.venue.account=$ACCOUNT > "$TMP/b.txt" 2>&1 \
  && fail "an account id on binance_spot ran"
grep -q 'live.venue.account: binance_spot has no account id to set' "$TMP/b.txt" || fail "account on binance: $(tail -1 "$TMP/b.txt")"
live --out "$TMP/u" --set live.venue.name=nope > "$TMP/u.txt" 2>&1 && fail "an unknown venue ran"
grep -q 'unknown venue "nope" (known: binance_spot, binance_futures, oanda)' "$TMP/u.txt" \
  || fail "unknown venue message: $(grep nope "$TMP/u.txt")"

# --- no token anywhere a session wrote --------------------------------------------------------
hits=$(grep -rlF -- "${TOKEN:0:16}" "$TMP" --exclude=server.err 2>/dev/null | grep -v '/live.json$')
[ -z "$hits" ] || fail "the token was written to: $hits"
hits=$(grep -rlF -- "wrong-token" "$TMP" 2>/dev/null)
[ -z "$hits" ] || fail "the wrong token was written to: $hits"

[ $fails -eq 0 ] || exit 1
echo "ok"
