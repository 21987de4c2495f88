#!/usr/bin/env bash
# End-to-end test of `proratio data download` against the fake Binance of
# tests/data/fake_venue.py on loopback (started here on a free port, stopped
# by PID on exit). Its clock (Date header) is 2024-01-03 02:00:30 and its
# bars start 2024-01-01 00:00, so by hand:
#   1m: 2 days + 2 hours closed = 48*60 + 120 = 3000 bars (3 pages of 1000),
#       the last 2024-01-03 01:59; the bar opening 02:00 is still forming;
#   1h: 48 + 2 = 50 bars (00:00 .. 01:00 on the 3rd), 02:00 forming;
#   funding (8h): 01-01 00/08/16, 01-02 00/08/16, 01-03 00 = 7 rates.
# Checks: pagination, "0 new" on a second run, the forming bar, Retry-After,
# a ban that stops every request to the venue, never-retried errors (-1121,
# 400, 401, 403), retried ones (cut-off and malformed bodies, 500, 503,
# -1021, -1003), validation findings named by request and --strict, a gap
# reported as imports report it, an empty page, funding rates, and kill -9
# mid-download resumed to the same rows as an uninterrupted download.
# With PR_PG_URL set (data_download_pg.sh) the store is that PostgreSQL.
set -u
source "$(dirname "$0")/lib/prelude.bash"
PY=/usr/bin/python3
if [ ! -x "$PY" ]; then
  [ "${PR_CI:-}" = 1 ] && { echo "FAIL: $PY missing (PR_CI=1)"; exit 1; }
  echo "skipped: $PY not found"; exit 77
fi
DB=${PR_PG_URL:-sqlite:$TMP/d.db}
NOW=1704247230000
BAD=1704070800000,1704074400000   # BADROWS: 01-01 01:00 high < low, 02:00 zero volume
GAP=1704153600000,1704154140000   # GAPUSDT: 01-02 00:00 .. 00:09 missing (10 bars)

PORT=
start_server() { # extra args for fake_venue.py
  [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
  rm -f "$TMP/port"
  "$PY" tests/data/fake_venue.py --port-file "$TMP/port" --fixtures tests/data/fixtures/venues/binance \
    --now $NOW --bad $BAD --gap $GAP "$@" 2>"$TMP/server.err" &
  SRV=$!
  for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
  PORT=$(cat "$TMP/port" 2>/dev/null) || { echo "FAIL: the fake venue did not start: $(cat "$TMP/server.err")"; exit 1; }
  URL=http://127.0.0.1:$PORT
}
faults() {
  "$PY" -c 'import sys, urllib.request as u; u.urlopen(u.Request(sys.argv[1], data=sys.argv[2].encode()))' \
    "$URL/_faults" "$1" || fail "cannot set faults $1"
}
klines() {
  "$PY" -c 'import json, sys, urllib.request as u; print(json.load(u.urlopen(sys.argv[1]))["klines"])' "$URL/_stats"
}
dl() { "$BIN" data download --source binance --db "$DB" --base-url "$URL" --backoff 10 "$@"; }
jfield() { "$PY" -c "import json,sys; d=json.load(open('$1')); print(d[${3:-0}]['$2'])"; }
start_server

# --- pagination, forming bar, 0 new ------------------------------------------------
dl --symbols BTCUSDT --tf 1m --from 2024-01-01 > "$TMP/a.txt" 2>&1 || fail "download exited $?: $(cat "$TMP/a.txt")"
grep -q "downloaded binance:BTCUSDT:1m: 3000 bars (3000 new, 0 updated, 0 unchanged), 0 skipped, 0 gaps (0 missing bars), 2024-01-01 00:00:00 .. 2024-01-03 01:59:00; 4 requests" "$TMP/a.txt" \
  || fail "pagination summary: $(cat "$TMP/a.txt")"
"$BIN" data list --db "$DB" | grep -q "^binance:BTCUSDT:1m .* 3000 .*download GET /api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=1704187200000" \
  || fail "data list names the last page's request: $("$BIN" data list --db "$DB")"
"$BIN" data export binance:BTCUSDT:1m --db "$DB" > "$TMP/a.csv" || fail "export"
[ "$(wc -l < "$TMP/a.csv")" -eq 3001 ] || fail "3000 rows + header expected, got $(wc -l < "$TMP/a.csv")"
tail -1 "$TMP/a.csv" | grep -q "^2024-01-03 01:59:00," || fail "last bar (the 02:00 bar is forming): $(tail -1 "$TMP/a.csv")"
# the values: open time 2024-01-01 00:00 is minute k = 28401120: open = 100 + (k%997)*0.01 + (k%13)*0.1
k=28401120
want=$(awk -v k=$k 'BEGIN { printf "%.2f", 100 + (k % 997) * 0.01 + (k % 13) * 0.1 }')
sed -n 2p "$TMP/a.csv" | grep -q "^2024-01-01 00:00:00,$want," || fail "first bar open $want: $(sed -n 2p "$TMP/a.csv")"
dl --symbols BTCUSDT --tf 1m --from 2024-01-01 > "$TMP/b.txt" 2>&1 || fail "second run exited $?"
grep -q "binance:BTCUSDT:1m: 0 new" "$TMP/b.txt" || fail "second run: $(cat "$TMP/b.txt")"
dl --symbols BTCUSDT --tf 1m --from 2024-01-01 --json > "$TMP/b.json" 2>/dev/null || fail "json run"
[ "$(jfield "$TMP/b.json" new)" = 0 ] || fail "json new: $(cat "$TMP/b.json")"
[ "$(jfield "$TMP/b.json" status)" = up-to-date ] || fail "json status: $(cat "$TMP/b.json")"
# a dry run sends nothing and cannot know the venue's clock: with --to it is exact
before=$(klines)
dl --symbols BTCUSDT --tf 1m --from 2024-01-01 --to "2024-01-03 02:00" --dry-run > "$TMP/dry.txt" 2>&1 || fail "dry run"
grep -q "binance:BTCUSDT:1m: up to date" "$TMP/dry.txt" || fail "dry run: $(cat "$TMP/dry.txt")"
dl --symbols BTCUSDT --tf 1h --from 2024-01-01 --to "2024-01-03 02:00" --dry-run > "$TMP/dry.txt" 2>&1 || fail "dry run"
grep -q "binance:BTCUSDT:1h: would download 2024-01-01 00:00:00 .. 2024-01-03 02:00:00 (about 50 bars, 1 pages of 1000)" \
  "$TMP/dry.txt" || fail "dry run: $(cat "$TMP/dry.txt")"
[ "$(klines)" = "$before" ] || fail "a dry run sent requests"

# --- rate limits -------------------------------------------------------------------
faults '["429"]'
dl --symbols ETHUSDT --tf 1h --from 2024-01-01 --json > "$TMP/r.json" 2>"$TMP/r.err" || fail "429 run exited $?: $(cat "$TMP/r.err")"
[ "$(jfield "$TMP/r.json" new)" = 50 ] || fail "429 run new: $(cat "$TMP/r.json")"
[ "$(jfield "$TMP/r.json" retries)" = 1 ] || fail "429 retries: $(cat "$TMP/r.json")"
[ "$(jfield "$TMP/r.json" waited_ms)" -ge 1000 ] || fail "Retry-After 1 s not honoured: $(cat "$TMP/r.json")"
faults '["418"]'
before=$(klines)
dl --symbols SOLUSDT,XRPUSDT --tf 1h --from 2024-01-01 --max-wait 60 > "$TMP/ban.txt" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "418 exited $rc, want 1"
grep -q "binance has banned this IP until" "$TMP/ban.txt" || fail "418 message: $(cat "$TMP/ban.txt")"
[ $(( $(klines) - before )) -eq 1 ] || fail "after a 418 no kline request may follow: $(( $(klines) - before )) sent"

# Ctrl-C during a ban's wait (120 s, within the default --max-wait) stops at once: exit 130.
faults '["418"]'
"$BIN" data download --source binance --db "$DB" --base-url "$URL" --symbols BNBUSDT --tf 1h --from 2024-01-01 \
  > "$TMP/int.txt" 2>&1 &
DL=$!
sleep 1
t0=$(date +%s)
kill -INT $DL
wait $DL
rc=$?
[ $rc -eq 130 ] || fail "Ctrl-C during a wait exited $rc, want 130: $(cat "$TMP/int.txt")"
[ $(( $(date +%s) - t0 )) -le 3 ] || fail "Ctrl-C took $(( $(date +%s) - t0 )) s to stop the wait"
grep -q "interrupted: the pages committed so far stay" "$TMP/int.txt" || fail "interrupt message: $(cat "$TMP/int.txt")"

# --- never retried -----------------------------------------------------------------
before=$(klines)
dl --symbols BADSYM --tf 1h --from 2024-01-01 > "$TMP/bad.txt" 2>&1
[ $? -eq 1 ] || fail "bad symbol exit"
grep -q "HTTP 400 code -1121: Invalid symbol. (not retried)" "$TMP/bad.txt" || fail "bad symbol: $(cat "$TMP/bad.txt")"
[ $(( $(klines) - before )) -eq 1 ] || fail "-1121 retried"
for code in 400 401 403; do
  faults "[\"$code\"]"
  before=$(klines)
  dl --symbols ADAUSDT --tf 1h --from 2024-01-01 > "$TMP/n.txt" 2>&1 && fail "HTTP $code succeeded"
  grep -q "HTTP $code" "$TMP/n.txt" || fail "HTTP $code message: $(cat "$TMP/n.txt")"
  [ $(( $(klines) - before )) -eq 1 ] || fail "HTTP $code retried"
done

# --- retried: cut-off and malformed bodies, 5xx, -1021, -1003 ----------------------------
# (the recorded -1003 reply says 6012 weight used: under the default 1200 limit the
# client would rightly wait for the next minute; a limit above it keeps this quick)
faults '["truncate", "malformed", "500", "503", "-1021", "-1003"]'
dl --symbols DOTUSDT --tf 1h --from 2024-01-01 --max-retries 6 --weight-limit 10000 --json > "$TMP/t.json" 2>"$TMP/t.err" || fail "retries run: $(cat "$TMP/t.err")"
[ "$(jfield "$TMP/t.json" retries)" = 6 ] || fail "6 retries expected: $(cat "$TMP/t.json")"
[ "$(jfield "$TMP/t.json" new)" = 50 ] || fail "retries run new: $(cat "$TMP/t.json")"
faults '["500", "500", "500"]'
dl --symbols LTCUSDT --tf 1h --from 2024-01-01 --max-retries 2 > "$TMP/g.txt" 2>&1 && fail "gave-up run succeeded"
grep -q "gave up after 3 attempts: fake 500 \[HTTP 500\]" "$TMP/g.txt" || fail "give up: $(cat "$TMP/g.txt")"

# --- validation as imports: findings named by request, --strict ---------------------------
dl --symbols BADROWS --tf 1h --from 2024-01-01 > "$TMP/v.txt" 2>&1 || fail "validation run exited $?"
grep -q "GET /api/v3/klines?symbol=BADROWS&interval=1h&startTime=1704067200000&.*: row 1: error ohlc" "$TMP/v.txt" \
  || fail "ohlc finding: $(cat "$TMP/v.txt")"
grep -q "row 2: warning zero-volume" "$TMP/v.txt" || fail "zero-volume finding: $(cat "$TMP/v.txt")"
grep -q "49 bars (49 new, 0 updated, 0 unchanged), 1 skipped, 1 gap (1 missing bars)" "$TMP/v.txt" || fail "validation summary: $(cat "$TMP/v.txt")"
"$BIN" data download --source binance --db "$DB" --base-url "$URL" --symbols BADROWS --tf 4h --from 2024-01-01 --strict \
  > "$TMP/s.txt" 2>&1
rc=$?
# 4h bars open at 00:00, 04:00, ...: the bad 01:00 and 02:00 1h bars are not 4h bars, so
# this page is clean; the 1h page is not:
[ $rc -eq 0 ] || fail "strict clean 4h page exited $rc: $(cat "$TMP/s.txt")"
"$BIN" data download --source binance --db "$DB" --base-url "$URL" --symbols BADROWS --tf 1h --from 2023-12-31 --to 2024-01-02 \
  --strict > "$TMP/s.txt" 2>&1
rc=$?
[ $rc -eq 3 ] || fail "strict exited $rc, want 3: $(cat "$TMP/s.txt")"
grep -q "(--strict): the page was not stored" "$TMP/s.txt" || fail "strict message: $(cat "$TMP/s.txt")"

# --- gaps, empty page -----------------------------------------------------------------
dl --symbols GAPUSDT --tf 1m --from 2024-01-01 > "$TMP/gap.txt" 2>&1 || fail "gap run exited $?"
grep -q "2990 bars (2990 new, 0 updated, 0 unchanged), 0 skipped, 1 gap (10 missing bars)" "$TMP/gap.txt" || fail "gap: $(cat "$TMP/gap.txt")"
grep -q "warning gap: 10 missing bars from 2024-01-02 00:00:00 to 2024-01-02 00:09:00" "$TMP/gap.txt" || fail "gap finding: $(cat "$TMP/gap.txt")"
dl --symbols EMPTYUSDT --tf 1h --from 2024-01-01 > "$TMP/e.txt" 2>&1 || fail "empty run exited $?"
grep -q "the venue returned an empty page (asked twice)" "$TMP/e.txt" || fail "empty page: $(cat "$TMP/e.txt")"

# --- funding (futures) ------------------------------------------------------------------
"$BIN" data download --source binance-futures --db "$DB" --base-url "$URL" --symbols BTCUSDT --funding --from 2024-01-01 \
  > "$TMP/f.txt" 2>&1 || fail "funding exited $?: $(cat "$TMP/f.txt")"
grep -q "downloaded binance-futures:BTCUSDT:funding: 7 rates (7 new" "$TMP/f.txt" || fail "funding: $(cat "$TMP/f.txt")"
"$BIN" data export binance-futures:BTCUSDT:funding --db "$DB" > "$TMP/f.csv" || fail "funding export"
sed -n 2p "$TMP/f.csv" | grep -q "^2024-01-01 00:00:00,0.0003$" || fail "first rate (stamp 00:00:00.003 rounded; (k%5-1)*0.0001 with k = 1704067200000/28800000 = 59169 -> 0.0003): $(sed -n 2p "$TMP/f.csv")"

# --- kill -9 mid-download, then resume ---------------------------------------------------------
# Pages 2 s apart: the first page is stored at about 2 s and the last at 6 s,
# so the kill lands between them even on a busy machine (a 150 ms delay let
# a loaded CI machine finish the download before the kill).
start_server --delay-ms 2000
"$BIN" data download --source binance --db "$DB" --base-url "$URL" --symbols KILLUSDT --tf 1m --from 2024-01-01 \
  > "$TMP/k1.txt" 2>&1 &
DL=$!  # the program itself, so that kill -9 hits it
for _ in $(seq 200); do
  "$BIN" data list --db "$DB" 2>/dev/null | grep -q "binance:KILLUSDT:1m" && break
  sleep 0.05
done
kill -9 $DL 2>/dev/null
wait $DL 2>/dev/null
start_server   # the resume and the uninterrupted download at full speed
partial=$("$BIN" data export binance:KILLUSDT:1m --db "$DB" 2>/dev/null | wc -l)
[ "$partial" -gt 1 ] && [ "$partial" -lt 3001 ] || fail "kill -9 should leave some pages: $partial lines"
echo "kill -9 left $(( partial - 1 )) of 3000 bars stored"
dl --symbols KILLUSDT --tf 1m --from 2024-01-01 > "$TMP/k2.txt" 2>&1 || fail "resume exited $?"
grep -q "$(( 3001 - partial )) new" "$TMP/k2.txt" || fail "resume should add the $(( 3001 - partial )) missing bars: $(cat "$TMP/k2.txt")"
dl --symbols WHOLEUSDT --tf 1m --from 2024-01-01 > /dev/null 2>&1 || fail "uninterrupted download"
"$BIN" data export binance:KILLUSDT:1m --db "$DB" > "$TMP/k.csv"
"$BIN" data export binance:WHOLEUSDT:1m --db "$DB" > "$TMP/w.csv"
cmp -s "$TMP/k.csv" "$TMP/w.csv" || fail "resumed store differs from an uninterrupted download: $(diff "$TMP/k.csv" "$TMP/w.csv" | head -3)"
[ "$(wc -l < "$TMP/k.csv")" -eq 3001 ] || fail "resumed rows $(wc -l < "$TMP/k.csv")"

[ $fails -eq 0 ] && echo "data download: all checks passed"
exit $((fails > 0))
