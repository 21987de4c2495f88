#!/usr/bin/env bash
# End-to-end test of `proratio data download` for the sources other than
# Binance (OANDA, Yahoo, Alpha Vantage, CoinGecko) and the Binance futures
# premium index, against tests/data/fake_venue.py on loopback serving the
# venues' recorded replies (tests/data/fixtures/venues/*, trimmed from
# ../shared/fixtures). The fake venue's clock is 2026-07-16 00:00:30 UTC, after
# every recorded bar. Expected counts and values are read off the fixtures:
#   OANDA EUR_USD H1: 24 candles 07-14 13:00 .. 07-15 12:00, the last
#     complete:false -> 23 bars; the first mid o/h/l/c 1.08412 1.08509
#     1.08340 1.08369 volume 2847, bid 1.08405 1.08502 1.08333 1.08362,
#     ask 1.08419 1.08516 1.08347 1.08376;
#   Yahoo AAPL 1d: 10 sessions 07-01 .. 07-15 (07-03 is the Independence Day
#     holiday, 07-04/05 and 11/12 weekends: no gap); the null-row capture has
#     07-08 (index 4) all null -> 9 bars, 1 skipped, a 1-bar gap;
#   Alpha Vantage IBM daily: 10 dates 07-01 .. 07-15 (the oldest, 07-01, is
#     compared with the fixture's own numbers);
#     FX_INTRADAY EUR/USD 5min: 12 bars 11:05 .. 12:00, no volume;
#   CoinGecko bitcoin 4h (days=7): 42 candles with close times 07-08 16:00 ..
#     07-15 12:00 -> open times 12:00 .. 08:00; from 07-09 00:00: 6 days x 6
#     + 3 = 39 bars, the first the row closing 07-09 04:00: 91446 92425 91272
#     92225.
set -u
source "$(dirname "$0")/lib/prelude.bash"
PY=/usr/bin/python3
if [ ! -x "$PY" ]; then
  [ "${PR_CI:-}" = 1 ] && { echo "FAIL: $PY missing (PR_CI=1)"; exit 1; }
  echo "skipped: $PY not found"; exit 77
fi
DB=${PR_PG_URL:-sqlite:$TMP/d.db}
RDB=sqlite:$TMP/retries.db   # the retry checks download again from scratch
FIX=tests/data/fixtures/venues
"$PY" tests/data/fake_venue.py --port-file "$TMP/port" --fixtures $FIX/binance --now 1784160030000 \
  --listing 1784073600000 2>"$TMP/server.err" &
SRV=$!
for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
PORT=$(cat "$TMP/port" 2>/dev/null) || { echo "FAIL: the fake venue did not start: $(cat "$TMP/server.err")"; exit 1; }
URL=http://127.0.0.1:$PORT
faults() {
  "$PY" -c 'import sys, urllib.request as u; u.urlopen(u.Request(sys.argv[1], data=sys.argv[2].encode()))' \
    "$URL/_faults" "$1" || fail "cannot set faults $1"
}
requests() {
  "$PY" -c 'import json, sys, urllib.request as u; print(json.load(u.urlopen(sys.argv[1]))["requests"])' "$URL/_stats"
}
dl() { "$BIN" data download --db "$DB" --base-url "$URL" --backoff 10 "$@"; }
jfield() { "$PY" -c "import json,sys; d=json.load(open('$1')); print(d[${3:-0}]['$2'])"; }
# never_retried NAME WANT-TEXT CMD...: exit 1, the message, and one request only
never_retried() {
  local name=$1 want=$2 before rc
  shift 2
  before=$(requests)
  "$@" > "$TMP/n.txt" 2>&1
  rc=$?
  [ $rc -eq 1 ] || fail "$name: exit $rc, want 1: $(cat "$TMP/n.txt")"
  grep -qF -- "$want" "$TMP/n.txt" || fail "$name: message: $(cat "$TMP/n.txt")"
  # one request, plus the /_stats of `requests` itself
  [ $(( $(requests) - before )) -eq 2 ] || fail "$name: retried ($(( $(requests) - before - 1 )) requests)"
}

# --- OANDA: mid candles, bid/ask as their own datasets, 401 and bad instrument ----------------
export OANDA_API_TOKEN=practice-token
dl --source oanda --symbols EUR_USD --tf 1h --from "2026-07-14 13:00" > "$TMP/o.txt" 2>&1 || fail "oanda exited $?: $(cat "$TMP/o.txt")"
grep -q "downloaded oanda:EUR_USD:1h: 23 bars (23 new, 0 updated, 0 unchanged), 0 skipped, 0 gaps (0 missing bars), 2026-07-14 13:00:00 .. 2026-07-15 11:00:00" \
  "$TMP/o.txt" || fail "oanda summary (the 12:00 candle is complete:false): $(cat "$TMP/o.txt")"
"$BIN" data export oanda:EUR_USD:1h --db "$DB" | sed -n 2p | grep -q "^2026-07-14 13:00:00,1.08412,1.08509,1.0834,1.08369,2847$" \
  || fail "oanda first mid bar: $("$BIN" data export oanda:EUR_USD:1h --db "$DB" | sed -n 2p)"
dl --source oanda --symbols EUR_USD --tf 1h --from "2026-07-14 13:00" --price bid,ask > "$TMP/ba.txt" 2>&1 || fail "oanda bid/ask exited $?: $(cat "$TMP/ba.txt")"
grep -q "downloaded oanda:EUR_USD.BID:1h: 23 bars (23 new" "$TMP/ba.txt" || fail "oanda bid: $(cat "$TMP/ba.txt")"
grep -q "downloaded oanda:EUR_USD.ASK:1h: 23 bars (23 new" "$TMP/ba.txt" || fail "oanda ask: $(cat "$TMP/ba.txt")"
"$BIN" data export oanda:EUR_USD.BID:1h --db "$DB" | sed -n 2p | grep -q "^2026-07-14 13:00:00,1.08405,1.08502,1.08333,1.08362,2847$" \
  || fail "oanda first bid bar: $("$BIN" data export oanda:EUR_USD.BID:1h --db "$DB" | sed -n 2p)"
"$BIN" data export oanda:EUR_USD.ASK:1h --db "$DB" | sed -n 2p | grep -q "^2026-07-14 13:00:00,1.08419,1.08516,1.08347,1.08376,2847$" \
  || fail "oanda first ask bar: $("$BIN" data export oanda:EUR_USD.ASK:1h --db "$DB" | sed -n 2p)"
"$BIN" data list --db "$DB" | grep -q "^oanda:EUR_USD.BID:1h .*candles?price=B&granularity=H1" || fail "bid asked with price=B: $("$BIN" data list --db "$DB")"
# the mid series is not touched by the bid/ask download; a second run is 0 new
# (up to the forming 12:00 candle: the recorded reply has nothing after it)
dl --source oanda --symbols EUR_USD --tf 1h --from "2026-07-14 13:00" --to "2026-07-15 12:00" --price mid,bid > "$TMP/o2.txt" 2>&1 || fail "oanda rerun"
[ "$(grep -c ": 0 new" "$TMP/o2.txt")" -eq 2 ] || fail "oanda rerun 0 new: $(cat "$TMP/o2.txt")"
# the component from a config (data.download.oanda.price), the flag winning
printf '{"data": {"download": {"oanda": {"price": "ask"}}}}\n' > "$TMP/oanda.json"
dl --source oanda --symbols EURUSD --tf 1h --from "2026-07-14 13:00" --config "$TMP/oanda.json" > "$TMP/c1.txt" 2>&1 || fail "oanda price from config"
grep -q "downloaded oanda:EURUSD.ASK:1h: 23 bars (23 new" "$TMP/c1.txt" || fail "config price ask: $(cat "$TMP/c1.txt")"
grep -q "oanda:EURUSD:1h" "$TMP/c1.txt" && fail "config price ask: no mid dataset: $(cat "$TMP/c1.txt")"
dl --source oanda --symbols EURUSD --tf 1h --from "2026-07-14 13:00" --config "$TMP/oanda.json" --price bid > "$TMP/c1.txt" 2>&1 || fail "oanda --price over config"
grep -q "downloaded oanda:EURUSD.BID:1h: 23 bars (23 new" "$TMP/c1.txt" && ! grep -q "ASK" "$TMP/c1.txt" || fail "--price wins over the config: $(cat "$TMP/c1.txt")"
dl --source yahoo --symbols AAPL --tf 1d --from 2026-07-01 --price bid > "$TMP/u.txt" 2>&1
[ $? -eq 2 ] || fail "--price on yahoo is a usage error: $(cat "$TMP/u.txt")"
faults '["malformed", "500"]'
dl --source oanda --symbols EURUSD --tf 1h --from "2026-07-14 13:00" --db "$RDB" --json > "$TMP/o.json" 2>"$TMP/o.err" || fail "oanda retries: $(cat "$TMP/o.err")"
[ "$(jfield "$TMP/o.json" new)" = 23 ] && [ "$(jfield "$TMP/o.json" retries)" = 2 ] || fail "oanda cut-off body and 500 retried: $(cat "$TMP/o.json")"
OANDA_API_TOKEN=bad never_retried "oanda 401" "HTTP 401: Insufficient authorization to perform request. (not retried)" \
  dl --source oanda --symbols EUR_USD --tf 1h --from "2026-07-14 13:00"
never_retried "oanda bad instrument" "HTTP 400: Invalid value specified for 'instrument' (not retried)" \
  dl --source oanda --symbols GBP_XXX --tf 1h --from "2026-07-14 13:00"
grep -q "practice-token" "$TMP/n.txt" && fail "the OANDA token was printed"
# Second candles (S5), generated by the fake (oanda_candle): 16:00:00 .. the
# 00:00:25 candle, the last complete one at the clock 00:00:30 -> 5,766 slots
# of 5 s, of which every slot number (t / 5000) = 16 mod 17 has no candle
# (OANDA omits intervals without ticks): the expected counts below are
# worked out from that rule alone; more than one 5,000-candle page.
want5=$("$PY" - <<'PYEOF'
t0, t1, step = 1784131200000, 1784160025000, 5000
have = [t for t in range(t0, t1 + 1, step) if (t // step) % 17 != 16]
gaps = sum(1 for t in range(have[0], have[-1], step) if (t // step) % 17 == 16)
print("%d bars (%d new, 0 updated, 0 unchanged), 0 skipped, %d gaps (%d missing bars)" % (len(have), len(have), gaps, gaps))
k = t0 // 1000 if (t0 // step) % 17 != 16 else t0 // 1000 + 5
o, c = 1.08 + (k % 89) * 1e-5, 1.08 + ((k + 5) % 89) * 1e-5
print("%.5f,%.5f,%.5f,%.5f,%d" % (o - 7e-5, max(o, c) + 3e-5 - 7e-5, min(o, c) - 2e-5 - 7e-5, c - 7e-5, 1 + k % 9))
PYEOF
)
dl --source oanda --symbols EUR_USD --tf 5s --from "2026-07-15 16:00" --price mid,bid > "$TMP/s5.txt" 2>&1 \
  || fail "oanda 5s exited $?: $(cat "$TMP/s5.txt")"
grep -qF "downloaded oanda:EUR_USD:5s: $(echo "$want5" | sed -n 1p)" "$TMP/s5.txt" \
  && grep -qF "downloaded oanda:EUR_USD.BID:5s: $(echo "$want5" | sed -n 1p)" "$TMP/s5.txt" \
  || fail "oanda 5s mid and bid: want $(echo "$want5" | sed -n 1p): $(cat "$TMP/s5.txt")"
first=$("$BIN" data export oanda:EUR_USD.BID:5s --db "$DB" | sed -n 2p)
# (the export prints shortest round-trip numbers: 1.08010 reads 1.0801)
[ "$("$PY" -c 'import sys; print(",".join("%.5f" % float(x) for x in sys.argv[1].split(",")[1:5]) + "," + sys.argv[1].split(",")[5])' "$first")" \
  = "$(echo "$want5" | sed -n 2p)" ] || fail "first S5 bid bar: $first, want $(echo "$want5" | sed -n 2p)"
# (stored as forex, so the forex calendar judges the gaps: OANDA sends no class)
"$BIN" data list --db "$DB" | grep -q "^oanda:EUR_USD.BID:5s  *forex  *forex .*granularity=S5" \
  || fail "5s asked as granularity=S5, stored as forex: $("$BIN" data list --db "$DB")"
# Binance has 1s klines on spot only: 00:00:00 .. 00:00:29 closed at the clock 00:00:30
dl --source binance --symbols BTCUSDT --tf 1s --from "2026-07-16 00:00" > "$TMP/b1s.txt" 2>&1 || fail "binance 1s exited $?: $(cat "$TMP/b1s.txt")"
grep -q "downloaded binance:BTCUSDT:1s: 30 bars (30 new, 0 updated, 0 unchanged), 0 skipped, 0 gaps (0 missing bars), 2026-07-16 00:00:00 .. 2026-07-16 00:00:29" \
  "$TMP/b1s.txt" || fail "binance 1s: $(cat "$TMP/b1s.txt")"
dl --source binance-futures --symbols BTCUSDT --tf 1s --from "2026-07-16 00:00" > "$TMP/f1s.txt" 2>&1
[ $? -ne 0 ] && grep -q "binance futures: no 1s klines" "$TMP/f1s.txt" || fail "futures have no 1s klines: $(cat "$TMP/f1s.txt")"
# OANDA's M2 (a timeframe Binance lacks): generated like S5, 00:00 .. 00:00:30 -> the 23:58 bar
# (23:58 .. 00:00) is the last complete one from 23:50 (5 slots: 23:50, 52, 54, 56, 58, minus
# the quiet ones: slot t/120000 = 16 mod 17)
want2=$("$PY" -c 'print(sum(1 for t in range(1784159400000, 1784159880001, 120000) if (t // 120000) % 17 != 16))')
dl --source oanda --symbols EUR_USD --tf 2m --from "2026-07-15 23:50" > "$TMP/m2.txt" 2>&1 || fail "oanda 2m exited $?: $(cat "$TMP/m2.txt")"
grep -q "downloaded oanda:EUR_USD:2m: $want2 bars ($want2 new" "$TMP/m2.txt" || fail "oanda 2m: want $want2 bars: $(cat "$TMP/m2.txt")"
dl --source binance --symbols BTCUSDT --tf 2m --from "2026-07-15 23:50" > "$TMP/b2m.txt" 2>&1
[ $? -ne 0 ] && grep -q "binance: no 2m klines" "$TMP/b2m.txt" || fail "binance has no 2m klines: $(cat "$TMP/b2m.txt")"
dl --source oanda --symbols EUR_USD --tf 1s --from "2026-07-15 23:00" > "$TMP/s1.txt" 2>&1
[ $? -ne 0 ] && grep -q "oanda: no 1s candles" "$TMP/s1.txt" || fail "oanda has no 1s candles: $(cat "$TMP/s1.txt")"
unset OANDA_API_TOKEN

# --- Yahoo: daily bars, null rows, the refused range, unknown symbol, 429 --------------------------
dl --source yahoo --symbols AAPL --tf 1d --from 2026-07-01 > "$TMP/y.txt" 2>&1 || fail "yahoo exited $?: $(cat "$TMP/y.txt")"
grep -q "downloaded yahoo:AAPL:1d: 10 bars (10 new, 0 updated, 0 unchanged), 0 skipped, 0 gaps (0 missing bars), 2026-07-01 00:00:00 .. 2026-07-15 00:00:00" \
  "$TMP/y.txt" || fail "yahoo summary: $(cat "$TMP/y.txt")"
dl --source yahoo --symbols AAPLNULL --tf 1d --from 2026-07-01 > "$TMP/yn.txt" 2>&1 || fail "yahoo nulls exited $?"
grep -q "row 4: error nonfinite: open is NaN \[row skipped\]" "$TMP/yn.txt" || fail "yahoo null row: $(cat "$TMP/yn.txt")"
grep -q "warning gap: 1 missing bar from 2026-07-08 00:00:00" "$TMP/yn.txt" || fail "yahoo null row is a gap: $(cat "$TMP/yn.txt")"
grep -q "9 bars (9 new, 0 updated, 0 unchanged), 1 skipped, 1 gap (1 missing bars)" "$TMP/yn.txt" || fail "yahoo nulls summary: $(cat "$TMP/yn.txt")"
never_retried "yahoo refused range" "HTTP 422 code Unprocessable Entity: 5m data not available" \
  dl --source yahoo --symbols AAPL --tf 5m --from 2026-01-01
never_retried "yahoo unknown symbol" "HTTP 404 code Not Found: No data found, symbol may be delisted (not retried)" \
  dl --source yahoo --symbols NOSUCH --tf 1d --from 2026-07-01
faults '["429", "malformed"]'
dl --source yahoo --symbols AAPL --tf 1d --from 2026-07-01 --db "$RDB" --json > "$TMP/y.json" 2>"$TMP/y.err" || fail "yahoo retries: $(cat "$TMP/y.err")"
[ "$(jfield "$TMP/y.json" retries)" = 2 ] && [ "$(jfield "$TMP/y.json" new)" = 10 ] || fail "yahoo 429 and cut-off body retried: $(cat "$TMP/y.json")"

# --- Alpha Vantage: daily, FX intraday, errors inside HTTP 200 ---------------------------------------
export ALPHAVANTAGE_API_KEY=secretkey42
dl --source alphavantage --symbols IBM --tf 1d --from 2026-07-01 > "$TMP/a.txt" 2>&1 || fail "alphavantage exited $?: $(cat "$TMP/a.txt")"
grep -q "downloaded alphavantage:IBM:1d: 10 bars (10 new, 0 updated, 0 unchanged), 0 skipped, 0 gaps (0 missing bars), 2026-07-01 00:00:00 .. 2026-07-15 00:00:00" \
  "$TMP/a.txt" || fail "alphavantage summary: $(cat "$TMP/a.txt")"
want=$("$PY" -c "import json; d=json.load(open('$FIX/alphavantage/time_series_daily_ibm.json'))['Time Series (Daily)']['2026-07-01']; print(','.join('%.10g' % float(d[k]) for k in ('1. open','2. high','3. low','4. close','5. volume')))")
"$BIN" data export alphavantage:IBM:1d --db "$DB" | sed -n 2p | grep -q "^2026-07-01 00:00:00,$want$" \
  || fail "alphavantage first bar $want: $("$BIN" data export alphavantage:IBM:1d --db "$DB" | sed -n 2p)"
dl --source alphavantage --symbols EURUSD --tf 5m --from "2026-07-15 11:00" > "$TMP/fx.txt" 2>&1 || fail "FX_INTRADAY exited $?: $(cat "$TMP/fx.txt")"
grep -q "downloaded alphavantage:EURUSD:5m: 12 bars (12 new, 0 updated, 0 unchanged), 0 skipped, 0 gaps (0 missing bars), 2026-07-15 11:05:00 .. 2026-07-15 12:00:00" \
  "$TMP/fx.txt" || fail "FX_INTRADAY summary: $(cat "$TMP/fx.txt")"
grep -q "zero-volume" "$TMP/fx.txt" && fail "FX has no volume: no zero-volume findings"
"$BIN" data export alphavantage:EURUSD:5m --db "$DB" | sed -n 2p | grep -q "^2026-07-15 11:05:00,1.08441,1.0848,1.08436,1.08464,0$" \
  || fail "FX first bar (the fixture's 11:05): $("$BIN" data export alphavantage:EURUSD:5m --db "$DB" | sed -n 2p)"
"$BIN" data list --db "$DB" | grep -q "^alphavantage:EURUSD:5m .*function=FX_INTRADAY&from_symbol=EUR&to_symbol=USD&interval=5min" \
  || fail "FX request: $("$BIN" data list --db "$DB")"
ALPHAVANTAGE_API_KEY=freekey never_retried "FX_INTRADAY on a free key" "HTTP 200 code Information: Thank you for using Alpha Vantage! This is a premium endpoint" \
  dl --source alphavantage --symbols EURUSD --tf 5m --from "2026-07-15 11:00"
faults '["premium"]'
never_retried "premium Information" "This is a premium endpoint" dl --source alphavantage --symbols IBM --tf 1d --from 2026-07-01
ALPHAVANTAGE_API_KEY=bad never_retried "bad key" "code Error Message: the parameter apikey is invalid" \
  dl --source alphavantage --symbols IBM --tf 1d --from 2026-07-01
never_retried "bad symbol" "code Error Message: Invalid API call" dl --source alphavantage --symbols NOSUCH --tf 1d --from 2026-07-01
# The per-day limit waits a day; the older "Note" ("5 calls per minute and
# 500 calls per day") a minute: with --max-wait 30 both stop and say how long.
faults '["daily-limit"]'
dl --source alphavantage --symbols IBM --tf 1d --from 2026-07-01 --max-wait 30 > "$TMP/l.txt" 2>&1
[ $? -eq 1 ] || fail "daily limit exit"
grep -q "rate limited (HTTP 200, Information: .*25 requests per day.*the venue asks to wait 86400 s" "$TMP/l.txt" || fail "daily limit: $(cat "$TMP/l.txt")"
faults '["note"]'
dl --source alphavantage --symbols IBM --tf 1d --from 2026-07-01 --max-wait 30 > "$TMP/l.txt" 2>&1
[ $? -eq 1 ] || fail "Note exit"
grep -q "rate limited (HTTP 200, Note: .*the venue asks to wait 60 s" "$TMP/l.txt" || fail "the Note is the per-minute limit: $(cat "$TMP/l.txt")"
faults '["malformed"]'
dl --source alphavantage --symbols IBM --tf 1d --from 2026-07-01 --db "$RDB" --json > "$TMP/a.json" 2>"$TMP/a.err" || fail "alphavantage cut-off body: $(cat "$TMP/a.err")"
[ "$(jfield "$TMP/a.json" retries)" = 1 ] && [ "$(jfield "$TMP/a.json" new)" = 10 ] || fail "alphavantage cut-off body retried: $(cat "$TMP/a.json")"
grep -rq "secretkey42" "$TMP"/*.txt "$TMP"/*.json "$TMP"/*.err && fail "the Alpha Vantage key was printed"
"$BIN" data list --db "$DB" | grep -q "secretkey42" && fail "the Alpha Vantage key was stored in the import log"
unset ALPHAVANTAGE_API_KEY

# --- CoinGecko: 4h OHLC, 429 with Retry-After, unknown coin -----------------------------------------
dl --source coingecko --symbols bitcoin --tf 4h --from 2026-07-09 > "$TMP/c.txt" 2>&1 || fail "coingecko exited $?: $(cat "$TMP/c.txt")"
grep -q "downloaded coingecko:bitcoin:4h: 39 bars (39 new, 0 updated, 0 unchanged), 0 skipped, 0 gaps (0 missing bars), 2026-07-09 00:00:00 .. 2026-07-15 08:00:00" \
  "$TMP/c.txt" || fail "coingecko summary: $(cat "$TMP/c.txt")"
"$BIN" data export coingecko:bitcoin:4h --db "$DB" | sed -n 2p | grep -q "^2026-07-09 00:00:00,91446,92425,91272,92225,0$" \
  || fail "coingecko first bar: $("$BIN" data export coingecko:bitcoin:4h --db "$DB" | sed -n 2p)"
faults '["429"]'
dl --source coingecko --symbols bitcoin --tf 4h --from 2026-07-09 --db "$RDB" --json > "$TMP/c.json" 2>"$TMP/c.err" || fail "coingecko 429: $(cat "$TMP/c.err")"
[ "$(jfield "$TMP/c.json" retries)" = 1 ] && [ "$(jfield "$TMP/c.json" waited_ms)" -ge 1000 ] \
  && [ "$(jfield "$TMP/c.json" new)" = 39 ] \
  || fail "coingecko 429 waits Retry-After 1 s: $(cat "$TMP/c.json")"
never_retried "coingecko unknown coin" "HTTP 404: coin not found (not retried)" dl --source coingecko --symbols nosuchcoin --tf 4h --from 2026-07-09

# --- Binance USD-M futures premium index (--premium) ------------------------------------------------
# The fake's bars start 2026-07-15 00:00 (--listing): 24 closed 1h bars by its
# clock. Premium kline at open time t, minute k = t / 60000:
#   open = ((k % 11) - 5) * 0.0001, close = (((k + 1) % 11) - 5) * 0.0001,
#   high = max + 0.00002, low = min - 0.00002, volume 0.
# 07-15 01:00 is k = 29734620, k % 11 = 3: open -0.0002, close -0.0001,
# high -0.00008, low -0.00022: negative prices, which bars may not have.
dl --source binance-futures --symbols BTCUSDT --tf 1h --from 2026-07-15 --premium > "$TMP/p.txt" 2>&1 \
  || fail "premium exited $?: $(cat "$TMP/p.txt")"
grep -q "downloaded binance-futures:BTCUSDT:1h: 24 bars (24 new" "$TMP/p.txt" || fail "futures klines with --premium: $(cat "$TMP/p.txt")"
grep -q "downloaded binance-futures:BTCUSDT.PREMIUM:1h: 24 bars (24 new, 0 updated, 0 unchanged), 0 skipped, 0 gaps" "$TMP/p.txt" \
  || fail "premium index: $(cat "$TMP/p.txt")"
grep -q "non-positive\|zero-volume" "$TMP/p.txt" && fail "the premium index is an index: no price or volume findings: $(cat "$TMP/p.txt")"
"$BIN" data export binance-futures:BTCUSDT.PREMIUM:1h --db "$DB" | sed -n 3p | grep -q "^2026-07-15 01:00:00,-0.0002,-8e-05,-0.00022,-0.0001,0$" \
  || fail "premium 01:00 bar: $("$BIN" data export binance-futures:BTCUSDT.PREMIUM:1h --db "$DB" | sed -n 3p)"
"$BIN" data list --db "$DB" | grep -q "^binance-futures:BTCUSDT.PREMIUM:1h .*GET /fapi/v1/premiumIndexKlines?symbol=BTCUSDT&interval=1h" \
  || fail "premium request: $("$BIN" data list --db "$DB")"
dl --source binance --symbols BTCUSDT --tf 1h --from 2026-07-15 --premium > "$TMP/u.txt" 2>&1
[ $? -eq 2 ] || fail "--premium on spot is a usage error: $(cat "$TMP/u.txt")"

[ $fails -eq 0 ] && echo "data download (oanda, yahoo, alphavantage, coingecko, futures premium): all checks passed"
exit $((fails > 0))
