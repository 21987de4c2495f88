# Sourced by the `proratio live` scripts (live_venue.sh, live_oanda.sh,
# crash_test.sh) after the prelude: python3 (or skip), the venue's fake
# (PR_LIVE_VENUE: binance_spot, the default, or oanda) and its credentials,
# a store holding the venue's bundled sample (DB), start_server [ARGS] (the
# fake on a free loopback port, stopped by its PID through the prelude's
# SRV; URL set), live ARGS (`proratio live` on $TMP/live.json against it),
# VENUE_ENV (the credentials as NAME=VALUE words, for `env`), ORDER_PATH
# (the fake's order endpoint, for faults), orders_by_id (the fake's orders,
# one line each: client id without its session part, side or signed units,
# quantity, filled, status; sorted) and the config: sma_cross on the
# sample's first quarter (BTCUSDT 2022 or EURUSD 2019) on the replay feed.
PY=/usr/bin/python3
if [ ! -x "$PY" ]; then
  [ "${PR_CI:-}" = 1 ] && { echo "FAIL: $PY missing under PR_CI=1"; exit 1; }
  echo "skipped: $PY missing"; exit 77
fi
VENUE=${PR_LIVE_VENUE:-binance_spot}
DB="sqlite:$TMP/s.db"

if [ "$VENUE" = oanda ]; then
  TOKEN=0123456789abcdef0123456789abcdef-fedcba9876543210fedcba9876543210
  ACCOUNT=101-004-1435156-001
  VENUE_ENV="OANDA_API_TOKEN=$TOKEN OANDA_ACCOUNT_ID=$ACCOUNT"
  ORDER_PATH=/orders
  SAMPLE=data/sample/forex/EURUSD-1h.csv
  FAKE=(tests/live/fake_oanda.py --instruments tests/live/fixtures/oanda_instruments.json --token "$TOKEN"
        --account "$ACCOUNT")
  ORDERS_PY='import json, sys, urllib.request as u
d = [o for o in json.load(u.urlopen(sys.argv[1])) if "clientExtensions" in o]
for o in sorted(d, key=lambda o: o["clientExtensions"]["id"].split("-", 1)[1]):
    print(o["clientExtensions"]["id"].split("-", 1)[1], o["units"], o["state"])'
  CONFIG='{"data": {"datasets": ["local:EURUSD:1h"], "to": "2019-04-01"},
 "strategy": {"name": "sma_cross", "params": {"fast": 5, "slow": 20, "stop": 0.005, "target": 0.01}},
 "account": {"currency": "USD", "cash": 10000},
 "live": {"feed": "replay", "speed": 0, "venue": {"name": "oanda"}}}'
else
  KEY=vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A
  SECRET=NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j
  VENUE_ENV="BINANCE_API_KEY=$KEY BINANCE_API_SECRET=$SECRET"
  ORDER_PATH=/api/v3/order
  SAMPLE=data/sample/crypto/BTCUSDT-1h.csv
  FAKE=(tests/live/fake_exchange.py --exchange-info tests/live/fixtures/binance_exchange_info.json
        --account tests/live/fixtures/binance_account.json --key "$KEY" --secret "$SECRET"
        --futures-info tests/live/fixtures/binance_futures_exchange_info.json --balance USDT=1000000 --balance BTC=10)
  ORDERS_PY='import json, sys, urllib.request as u
d = json.load(u.urlopen(sys.argv[1]))
for o in sorted(d, key=lambda o: o["clientOrderId"].split("-", 1)[1]):
    print(o["clientOrderId"].split("-", 1)[1], o["side"], o["origQty"], o["executedQty"], o["status"])'
  CONFIG='{"data": {"datasets": ["local:BTCUSDT:1h"], "to": "2022-04-01"},
 "strategy": {"name": "sma_cross", "params": {"fast": 5, "slow": 20, "stop": 0.02, "target": 0.04}},
 "account": {"currency": "USDT", "cash": 10000},
 "live": {"feed": "replay", "speed": 0, "venue": {"name": "binance_spot"}}}'
fi
"$BIN" data import "$SAMPLE" --db "$DB" > /dev/null 2>&1 || fail "import of the sample"

start_server() { # extra args for the fake
  [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
  rm -f "$TMP/port"
  "$PY" "${FAKE[@]}" --port-file "$TMP/port" "$@" 2> "$TMP/server.err" &
  SRV=$!
  for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
  PORT=$(cat "$TMP/port" 2>/dev/null) || { echo "FAIL: the fake venue did not start: $(cat "$TMP/server.err")"; exit 1; }
  URL=http://127.0.0.1:$PORT
}
# shellcheck disable=SC2086 # VENUE_ENV is NAME=VALUE words
live() { env $VENUE_ENV "$BIN" live --config "$TMP/live.json" --db "$DB" --venue-url "$URL" "$@"; }
orders_by_id() { "$PY" -c "$ORDERS_PY" "$URL/_orders"; }

echo "$CONFIG" > "$TMP/live.json"
