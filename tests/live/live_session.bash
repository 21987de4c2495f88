# Sourced by the `proratio live` scripts (live_venue.sh, crash_test.sh)
# after the prelude: python3 (or skip), the fake exchange's key and secret,
# a store holding the bundled BTCUSDT 1h sample (DB), start_server [ARGS]
# (tests/live/fake_exchange.py on a free loopback port, stopped by its PID
# through the prelude's SRV; URL set), live ARGS (`proratio live` on
# $TMP/live.json against it) and that config: sma_cross on the sample's
# first quarter of 2022 on the replay feed, Binance spot testnet.
PY=/usr/bin/python3
if [ ! -x "$PY" ]; then
  [ "${PR_CI:-}" = 1 ] && { echo "FAIL: $PY missing under PR_CI=1"; exit 1; }
  echo "skipped: $PY missing"; exit 77
fi
KEY=vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A
SECRET=NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j
DB="sqlite:$TMP/s.db"
"$BIN" data import data/sample/crypto/BTCUSDT-1h.csv --db "$DB" > /dev/null 2>&1 || fail "import of the sample"

start_server() { # extra args for fake_exchange.py
  [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
  rm -f "$TMP/port"
  "$PY" tests/live/fake_exchange.py --port-file "$TMP/port" --exchange-info tests/live/fixtures/binance_exchange_info.json \
    --account tests/live/fixtures/binance_account.json --key "$KEY" --secret "$SECRET" \
    --futures-info tests/live/fixtures/binance_futures_exchange_info.json \
    --balance USDT=1000000 --balance BTC=10 "$@" 2> "$TMP/server.err" &
  SRV=$!
  for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
  PORT=$(cat "$TMP/port" 2>/dev/null) || { echo "FAIL: the fake exchange did not start: $(cat "$TMP/server.err")"; exit 1; }
  URL=http://127.0.0.1:$PORT
}
live() { BINANCE_API_KEY=$KEY BINANCE_API_SECRET=$SECRET "$BIN" live --config "$TMP/live.json" --db "$DB" --venue-url "$URL" "$@"; }

cat > "$TMP/live.json" <<'EOF'
{"data": {"datasets": ["local:BTCUSDT:1h"], "to": "2022-04-01"},
 "strategy": {"name": "sma_cross", "params": {"fast": 5, "slow": 20, "stop": 0.02, "target": 0.04}},
 "account": {"currency": "USDT", "cash": 10000},
 "live": {"feed": "replay", "speed": 0, "venue": {"name": "binance_spot"}}}
EOF
