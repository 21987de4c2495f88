#!/usr/bin/env bash
# End-to-end test of `proratio live` against tests/live/fake_exchange.py on
# loopback (started here on a free port, stopped by its PID): a session on
# the replay feed of the bundled BTCUSDT sample sends each paper fill to the
# exchange as one market order (the exchange ends with exactly as many
# orders as executions.jsonl has fills, all client ids distinct, none
# refused); the same command again resumes the session, asks the exchange
# for every client id and sends nothing; a session killed (SIGKILL) while
# it trades and restarted ends with every fill sent exactly once; startup
# says venue, URL and mode.
# Mainnet is refused without "i_understand_this_is_real_money", and with a
# key that may withdraw (apiRestrictions), before any order; with both
# conditions met it runs as LIVE. On USD-M futures the session sets the
# leverage and margin type, sends exits reduce-only and shows the positions. No file the sessions wrote (outputs, logs,
# the store, the console) holds the API key or secret.
set -u
. "$(dirname "$0")/../e2e/lib/prelude.bash"
. "$(dirname "$0")/joined.bash"
. "$(dirname "$0")/live_session.bash"

get() { "$PY" -c 'import sys, urllib.request as u; print(u.urlopen(sys.argv[1]).read().decode())' "$URL$1"; }
orders() { get /_orders | "$PY" -c 'import json, sys; d = json.load(sys.stdin); print(len(d), len({o["clientOrderId"] for o in d}), sum(o["status"] == "FILLED" for o in d))'; }
requests() { get /_log | "$PY" -c 'import json, sys; print(len(json.load(sys.stdin)))'; }

start_server

# --- a session: one order per paper fill ---------------------------------------------
live --out "$TMP/a" > "$TMP/a.txt" 2>&1 || fail "live exited $?: $(tail -5 "$TMP/a.txt")"
grep -q "^mode  *TESTNET on binance_spot (testnet: no real money)" "$TMP/a.txt" || fail "no mode line: $(head -5 "$TMP/a.txt")"
grep -q "^venue  *binance_spot at $URL" "$TMP/a.txt" || fail "no venue line"
grep -q "^trading  *BTCUSDT 1h" "$TMP/a.txt" || fail "no trading line"
# the account fixture's BNB and the balances the exchange was started with
grep -q "^balances  *BTC 10 free, 0 locked, USDT 1000000 free, 0 locked, BNB 0.35 free, 0 locked" "$TMP/a.txt" \
  || fail "balances line: $(grep '^balances' "$TMP/a.txt")"
fills=$(joined "$TMP/a" executions | grep -c '"order_id":')   # one line per fill
[ "$fills" -gt 10 ] || fail "too few fills to check: $fills"
read -r n distinct filled <<< "$(orders)"
[ "$n" -eq "$fills" ] || fail "$fills paper fills, $n orders at the exchange"
[ "$distinct" -eq "$n" ] && [ "$filled" -eq "$n" ] || fail "orders: $n, distinct ids $distinct, filled $filled"
grep -q "^venue  *binance_spot: $fills orders sent, 0 found there already" "$TMP/a.txt" \
  || fail "venue summary: $(grep '^venue' "$TMP/a.txt")"
grep -q '"mode":"live"' "$TMP/a/summary.jsonl" || fail "summary mode is not live"

# --- the same session again: every order found, none sent ------------------------------
live --out "$TMP/a" > "$TMP/b.txt" 2>&1 || fail "second run exited $?: $(tail -5 "$TMP/b.txt")"
grep -q '^resuming ' "$TMP/b.txt" || fail "the second run did not resume"
grep -q "^venue  *binance_spot: 0 orders sent, $fills found there already" "$TMP/b.txt" \
  || fail "second run's venue summary: $(grep '^venue' "$TMP/b.txt")"
read -r n2 _ _ <<< "$(orders)"
[ "$n2" -eq "$n" ] || fail "the second run changed the exchange's orders: $n -> $n2"

# --- killed mid-session (SIGKILL) and restarted: every fill sent once ------------------------
start_server
BINANCE_API_KEY=$KEY BINANCE_API_SECRET=$SECRET "$BIN" live --config "$TMP/live.json" --db "$DB" --venue-url "$URL" \
  --out "$TMP/k" --set live.speed=360000 > "$TMP/k1.txt" 2>&1 &
pid=$!   # the program itself (not a subshell), so that SIGKILL reaches it
for _ in $(seq 100); do read -r sent _ _ <<< "$(orders)"; [ "$sent" -ge 5 ] && break; sleep 0.1; done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
read -r at_kill _ _ <<< "$(orders)"
[ "$at_kill" -ge 5 ] || fail "the paced session sent $at_kill orders before the kill"
live --out "$TMP/k" --set live.speed=360000 > "$TMP/k2.txt" 2>&1 || fail "the restart exited $?: $(tail -3 "$TMP/k2.txt")"
kfills=$(joined "$TMP/k" executions | grep -c '"order_id":')
read -r n distinct _ <<< "$(orders)"
[ "$kfills" -eq "$fills" ] || fail "the restarted session made $kfills fills, the uninterrupted one $fills"
[ "$n" -eq "$fills" ] && [ "$distinct" -eq "$n" ] || fail "after a kill: $fills fills, $n orders ($distinct ids)"
grep -q "^venue  *binance_spot: $((fills - at_kill)) orders sent, $at_kill found there already" "$TMP/k2.txt" \
  || fail "restart's venue summary ($at_kill sent before the kill): $(grep '^venue' "$TMP/k2.txt")"

# --- mainnet refusals: nothing is sent -----------------------------------------------------
before=$(requests)
live --out "$TMP/m1" --set live.venue.mainnet=true > "$TMP/m1.txt" 2>&1 && fail "mainnet without the acknowledgement ran"
grep -q 'i_understand_this_is_real_money' "$TMP/m1.txt" || fail "mainnet message: $(tail -2 "$TMP/m1.txt")"
[ "$(requests)" -eq "$before" ] || fail "the mainnet refusal talked to the exchange"
[ -e "$TMP/m1/trades.csv" ] && fail "the mainnet refusal wrote outputs"
start_server --withdrawals true
live --out "$TMP/m2" --set live.venue.mainnet=true --set live.i_understand_this_is_real_money=true > "$TMP/m2.txt" 2>&1 \
  && fail "mainnet with a key that may withdraw ran"
grep -q 'the API key may withdraw' "$TMP/m2.txt" || fail "withdrawal message: $(tail -2 "$TMP/m2.txt")"
read -r n3 _ _ <<< "$(orders)"
[ "$n3" -eq 0 ] || fail "orders sent despite the refusal: $n3"
start_server --withdrawals false
live --out "$TMP/m3" --set live.venue.mainnet=true --set live.i_understand_this_is_real_money=true > "$TMP/m3.txt" 2>&1 \
  || fail "mainnet with a safe key exited $?: $(tail -3 "$TMP/m3.txt")"
grep -q '^mode  *LIVE on binance_spot (mainnet: REAL MONEY)' "$TMP/m3.txt" || fail "no LIVE mode line"

# --- USD-M futures: leverage and margin set, exits reduce-only, positions shown -------------
start_server
BINANCE_FUTURES_API_KEY=$KEY BINANCE_FUTURES_API_SECRET=$SECRET "$BIN" live --config "$TMP/live.json" --db "$DB" \
  --venue-url "$URL" --out "$TMP/f" --set live.venue.name=binance_futures --set live.venue.leverage=3 \
  --set live.venue.margin=isolated > "$TMP/f.txt" 2>&1 || fail "futures session exited $?: $(tail -3 "$TMP/f.txt")"
grep -q '^margin  *leverage 3x, isolated margin, one-way positions' "$TMP/f.txt" || fail "no margin line"
grep -q '^venue  *binance_futures at .* (exits reduce-only)' "$TMP/f.txt" || fail "no futures venue line"
ffills=$(joined "$TMP/f" executions | grep -c '"order_id":')
exits=$(joined "$TMP/f" executions | grep '"order_id":' | grep -vc '"role":"entry"')
read -r n _ _ <<< "$(orders)"
[ "$n" -eq "$ffills" ] || fail "futures: $ffills fills, $n orders"
reduce=$(get /_orders | "$PY" -c 'import json, sys; print(sum(o.get("reduceOnly", False) for o in json.load(sys.stdin)))')
[ "$reduce" -eq "$exits" ] || fail "futures: $exits exit fills, $reduce reduce-only orders"
get /_log | "$PY" -c 'import json, sys; l = json.load(sys.stdin); q = [e["query"] for e in l if e["path"] == "/fapi/v1/leverage"]
sys.exit(0 if q and "leverage=3&" in q[0] else 1)' || fail "leverage 3 was not set"
grep -q '^venue  *no open position' "$TMP/f.txt" || fail "futures positions line: $(grep '^venue' "$TMP/f.txt")"

# --- a bad key: the venue's code and meaning, exit non-zero ---------------------------------
start_server
BINANCE_API_KEY=$KEY BINANCE_API_SECRET=wrong-secret-0123456789 "$BIN" live --config "$TMP/live.json" --db "$DB" \
  --venue-url "$URL" --out "$TMP/w" > "$TMP/w.txt" 2>&1 && fail "a wrong secret ran"
grep -q 'code -1022' "$TMP/w.txt" && grep -q 'signature invalid' "$TMP/w.txt" || fail "wrong secret: $(tail -2 "$TMP/w.txt")"

# --- no secret anywhere a session wrote ------------------------------------------------------
for s in "$KEY" "$SECRET" wrong-secret-0123456789; do
  hits=$(grep -rlF -- "${s:0:16}" "$TMP" --exclude=server.err 2>/dev/null | grep -v '/live.json$')
  [ -z "$hits" ] || fail "a secret (${s:0:4}...) was written to: $hits"
done

[ $fails -eq 0 ] || exit 1
echo "ok"
