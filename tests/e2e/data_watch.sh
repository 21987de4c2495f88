#!/usr/bin/env bash
# End-to-end test of `proratio data watch --source binance` against the fake
# Binance of tests/data/fake_ws.py on loopback (started here on a free port,
# stopped by PID on exit): 1,000 closed 1m bars streamed over a WebSocket
# that drops twice (after bars 300 and 700; the next connection resumes 20
# bars later and first repeats the last bar), with not-closed updates in
# between. Expected by hand: every bar 0..999 exactly once and in order,
# bar i opening at T0 + i*60000 (T0 = 1784056800000, 2026-07-14 19:20 UTC)
# with open = 100 + (i%97)*0.01 and close = open + 0.5 (the closed value,
# never the update's close = open); bars 301..320 and 701..720 come from the
# REST backfill; three connections, each ping answered with its payload.
# Then a combined stream of two symbols without drops (URLs from --config,
# a lower-case symbol given as Binance spells it), and the replay of what
# --db stored.
set -u
source "$(dirname "$0")/lib/prelude.bash"
PY=/usr/bin/python3
if [ ! -x "$PY" ]; then
  [ "${PR_CI:-}" = 1 ] && { echo "FAIL: $PY missing (PR_CI=1)"; exit 1; }
  echo "skipped: $PY not found"; exit 77
fi
if timeout 2 "$BIN" data watch --source binance --symbols X --tf 1m --ws-url ws://127.0.0.1:9 --count 1 2>&1 |
   grep -q "built without libwebsockets"; then
  [ "${PR_CI:-}" = 1 ] && { echo "FAIL: built without libwebsockets (PR_CI=1)"; exit 1; }
  echo "skipped: built without libwebsockets (scripts/install-deps.sh)"; exit 77
fi

start_server() {
  [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
  rm -f "$TMP/port"
  "$PY" tests/data/fake_ws.py --port-file "$TMP/port" "$@" 2>"$TMP/server.err" &
  SRV=$!
  for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
  PORT=$(cat "$TMP/port" 2>/dev/null) || { echo "FAIL: the fake server did not start: $(cat "$TMP/server.err")"; exit 1; }
}
check_bars() { # file symbols... : bar i of each symbol in order, each once
  "$PY" - "$@" <<'PYEOF'
import json, sys
path, syms = sys.argv[1], sys.argv[2:]
rows = [json.loads(l) for l in open(path)]
T0 = 1784116800000 - 1000 * 60000
want = [(s, i) for i in range(1000) for s in syms]
if len(rows) != len(want):
    sys.exit("expected %d bars, got %d" % (len(want), len(rows)))
for r, (s, i) in zip(rows, want):
    o = round(100 + (i % 97) * 0.01, 2)
    exp = {"symbol": s, "tf": "1m", "ts": T0 + i * 60000, "open": o, "high": round(o + 1, 2),
           "low": round(o - 1, 2), "close": round(o + 0.5, 2), "volume": i + 0.25}
    got = {k: r[k] for k in exp}
    if got != exp:
        sys.exit("bar %s %d: expected %s, got %s" % (s, i, exp, got))
PYEOF
}
stats() { "$PY" -c 'import json, sys, urllib.request as u; print(json.load(u.urlopen(sys.argv[1]))[sys.argv[2]])' \
  "http://127.0.0.1:$PORT/_stats" "$1"; }

# --- raw stream, two drops, a duplicate after each reconnect ------------------------
start_server
timeout 120 "$BIN" data watch --source binance --symbols BTCUSDT --tf 1m --ws-url "ws://127.0.0.1:$PORT" \
  --base-url "http://127.0.0.1:$PORT" --backoff 50 --count 1000 --db "sqlite:$TMP/w.db" \
  > "$TMP/raw.jsonl" 2> "$TMP/raw.err" || fail "watch exited $?: $(tail -5 "$TMP/raw.err")"
msg=$(check_bars "$TMP/raw.jsonl" BTCUSDT 2>&1) || fail "raw stream: $msg"
[ "$(stats connections)" = 3 ] || fail "3 connections expected, got $(stats connections)"
[ "$(stats pongs_bad)" = 0 ] && [ "$(stats pongs_ok)" -ge 3 ] || fail "pongs: ok $(stats pongs_ok), bad $(stats pongs_bad)"
[ "$(grep -c '^watch: disconnected' "$TMP/raw.err")" = 2 ] || fail "2 disconnects expected: $(cat "$TMP/raw.err")"
[ "$(grep -c '^watch: backfilling: BTCUSDT 1m from ' "$TMP/raw.err")" = 2 ] \
  || fail "2 backfills expected: $(cat "$TMP/raw.err")"
# bar 301 opens at 19:20 + 301 min = 2026-07-15 00:21, bar 701 at 07:01
grep -q "from 2026-07-15 00:21:00" "$TMP/raw.err" && grep -q "from 2026-07-15 07:01:00" "$TMP/raw.err" \
  || fail "backfills from bars 301 and 701: $(grep backfilling "$TMP/raw.err")"
[ "$(stats klines)" -ge 2 ] || fail "the backfill asked /api/v3/klines $(stats klines) times"

# --- what --db stored, replayed ------------------------------------------------------------
"$BIN" data watch --source replay --venue binance --symbols BTCUSDT --tf 1m --db "sqlite:$TMP/w.db" --quiet \
  > "$TMP/replay.jsonl" || fail "replay exited $?"
msg=$(check_bars "$TMP/replay.jsonl" BTCUSDT 2>&1) || fail "replay of the stored bars: $msg"

# --- combined stream of two symbols, no drops ---------------------------------------------
start_server --cuts ""
# (the base URLs from a config this time)
printf '{"data": {"download": {"binance": {"base_url": "http://127.0.0.1:%s"}},\n "watch": {"binance": {"ws_url": "ws://127.0.0.1:%s"}}}}\n' \
  "$PORT" "$PORT" > "$TMP/watch.json"
timeout 60 "$BIN" data watch --source binance --symbols btcusdt,ETHUSDT --tf 1m --config "$TMP/watch.json" \
  --count 2000 --quiet > "$TMP/comb.jsonl" 2> "$TMP/comb.err" \
  || fail "combined watch exited $?: $(tail -5 "$TMP/comb.err")"
msg=$(check_bars "$TMP/comb.jsonl" BTCUSDT ETHUSDT 2>&1) || fail "combined stream: $msg"

# --- until interrupted: Ctrl-C ends it with exit 130 after the bars it printed ----------------
start_server --cuts ""
"$BIN" data watch --source binance --symbols BTCUSDT --tf 1m --ws-url "ws://127.0.0.1:$PORT" \
  --base-url "http://127.0.0.1:$PORT" > "$TMP/int.jsonl" 2> "$TMP/int.err" &
W=$!
for _ in $(seq 100); do [ "$(cat "$TMP/int.jsonl" 2>/dev/null | wc -l)" -ge 1000 ] && break; sleep 0.1; done
kill -INT $W; wait $W; rc=$?
[ $rc = 130 ] || fail "interrupted watch: exit 130 expected, got $rc"
# (a process killed by the signal also reads 130: the closing line shows it ended itself)
grep -q "^watch: 1000 bars$" "$TMP/int.err" || fail "interrupted watch ends with its count: $(tail -2 "$TMP/int.err")"
msg=$(check_bars "$TMP/int.jsonl" BTCUSDT 2>&1) || fail "interrupted watch: $msg"

# --- USD-M futures: the same stream on the futures hosts, backfill and clock from /fapi/v1 ---
# Two drops as above: bars 301..320 and 701..720 come from GET /fapi/v1/klines,
# the clock from GET /fapi/v1/time, nothing from the spot API; --db stores the
# bars under the venue binance-futures.
start_server
paths() { "$PY" -c 'import json, sys, urllib.request as u; p=json.load(u.urlopen(sys.argv[1]))["paths"]; print(p.get(sys.argv[2], 0))' \
  "http://127.0.0.1:$PORT/_stats" "$1"; }
timeout 120 "$BIN" data watch --source binance-futures --symbols BTCUSDT --tf 1m --ws-url "ws://127.0.0.1:$PORT" \
  --base-url "http://127.0.0.1:$PORT" --backoff 50 --count 1000 --db "sqlite:$TMP/f.db" \
  > "$TMP/fut.jsonl" 2> "$TMP/fut.err" || fail "futures watch exited $?: $(tail -5 "$TMP/fut.err")"
msg=$(check_bars "$TMP/fut.jsonl" BTCUSDT 2>&1) || fail "futures stream: $msg"
[ "$(paths /fapi/v1/klines)" -ge 2 ] || fail "the futures backfill asked /fapi/v1/klines $(paths /fapi/v1/klines) times"
[ "$(paths /fapi/v1/time)" = 3 ] || fail "the futures clock: /fapi/v1/time at each of the 3 connects, got $(paths /fapi/v1/time)"
[ "$(paths /api/v3/klines)" = 0 ] && [ "$(paths /api/v3/time)" = 0 ] || fail "the futures feed asked the spot API"
"$BIN" data watch --source replay --venue binance-futures --symbols BTCUSDT --tf 1m --db "sqlite:$TMP/f.db" --quiet \
  > "$TMP/freplay.jsonl" || fail "futures replay exited $?"
msg=$(check_bars "$TMP/freplay.jsonl" BTCUSDT 2>&1) || fail "futures bars stored under binance-futures: $msg"

# --- OANDA bid and ask 5s candles by REST polling, on a running clock -----------------------
# tests/data/fake_venue.py generates S5 candles (oanda_candle) up to its clock, which
# runs from now: --from a minute back gives the closed bars so far first, then each new
# close is polled (+ --delay). Expected from the generator's rule, written out in
# check_oanda: every 5 s slot from the first bar on, except the quiet ones (slot
# number t/5000 = 16 mod 17, which OANDA sends no candle for), once per symbol, in
# time order; bid = mid - 0.00007 and ask = mid + 0.00007 on every field with mid
# open 1.08 + (k % 89) * 1e-5, close 1.08 + ((k + 5) % 89) * 1e-5 (k = t / 1000).
[ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
"$PY" tests/data/fake_venue.py --port-file "$TMP/oport" --fixtures tests/data/fixtures/venues/binance \
  --now "$("$PY" -c 'import time; print(int(time.time() * 1000))')" --clock-runs 2>"$TMP/oserver.err" &
SRV=$!  # (the prelude's exit trap stops it)
for _ in $(seq 100); do [ -s "$TMP/oport" ] && break; sleep 0.1; done
OPORT=$(cat "$TMP/oport" 2>/dev/null) || fail "the fake OANDA did not start: $(cat "$TMP/oserver.err")"
from=$("$PY" -c 'import time; print(time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() - 60)))')
OANDA_API_TOKEN=practice-token timeout 60 "$BIN" data watch --source oanda --symbols EUR_USD.BID,EUR_USD.ASK --tf 5s \
  --base-url "http://127.0.0.1:$OPORT" --delay 300 --from "$from" --count 30 --db "sqlite:$TMP/o.db" \
  > "$TMP/oanda.jsonl" 2> "$TMP/oanda.err" || fail "oanda watch exited $?: $(tail -5 "$TMP/oanda.err")"
check_oanda() { # file: the rule above
  "$PY" - "$1" <<'PYEOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
if len(rows) != 30:
    sys.exit("expected 30 bars, got %d" % len(rows))
seen, last = {}, 0
for r in rows:
    if r["tf"] != "5s" or r["symbol"] not in ("EUR_USD.BID", "EUR_USD.ASK"):
        sys.exit("unexpected bar %s" % r)
    if r["ts"] < last:
        sys.exit("out of time order at %s" % r)
    last = r["ts"]
    seen.setdefault(r["symbol"], []).append(r["ts"])
    k = r["ts"] // 1000
    o, c = 1.08 + (k % 89) * 1e-5, 1.08 + ((k + 5) % 89) * 1e-5
    d = -7e-5 if r["symbol"].endswith("BID") else 7e-5
    want = [o + d, max(o, c) + 3e-5 + d, min(o, c) - 2e-5 + d, c + d]
    got = [r["open"], r["high"], r["low"], r["close"]]
    if any(abs(a - b) > 5e-7 for a, b in zip(got, want)) or r["volume"] != 1 + k % 9:
        sys.exit("bar %s: want o/h/l/c %s volume %d" % (r, ["%.5f" % x for x in want], 1 + k % 9))
for sym, ts in seen.items():
    slots = [t for t in range(ts[0], ts[-1] + 1, 5000) if (t // 5000) % 17 != 16]
    if ts != slots:
        sys.exit("%s: bars %s, want every non-quiet slot once: %s" % (sym, ts, slots))
if len(seen) != 2 or abs(len(seen["EUR_USD.BID"]) - len(seen["EUR_USD.ASK"])) > 1:
    sys.exit("both sides expected, alternating: %s" % {s: len(t) for s, t in seen.items()})
PYEOF
}
msg=$(check_oanda "$TMP/oanda.jsonl" 2>&1) || fail "oanda bid/ask watch: $msg"
grep -q "polling http://127.0.0.1:$OPORT every bar close" "$TMP/oanda.err" || fail "oanda: no polling line: $(cat "$TMP/oanda.err")"
grep -q "practice-token" "$TMP/oanda.jsonl" "$TMP/oanda.err" && fail "the OANDA token was printed"
# both sides stored as forex datasets of their own; the replay gives the same bars
"$BIN" data list --db "sqlite:$TMP/o.db" > "$TMP/olist.txt"
for side in BID ASK; do
  grep -q "^oanda:EUR_USD.$side:5s  *forex  *forex " "$TMP/olist.txt" || fail "oanda $side stored as forex: $(cat "$TMP/olist.txt")"
done
"$BIN" data watch --source replay --venue oanda --symbols EUR_USD.BID,EUR_USD.ASK --tf 5s --db "sqlite:$TMP/o.db" --quiet \
  > "$TMP/oreplay.jsonl" || fail "oanda replay exited $?"
"$PY" -c 'import json, sys
key = lambda p: sorted((r["symbol"], r["ts"], r["open"], r["high"], r["low"], r["close"], r["volume"]) for r in map(json.loads, open(p)))
sys.exit(0 if key(sys.argv[1]) == key(sys.argv[2]) else 1)' "$TMP/oanda.jsonl" "$TMP/oreplay.jsonl" \
  || fail "the replay of the stored bid/ask bars differs from the watch: $(head -3 "$TMP/oreplay.jsonl")"
kill "$SRV" 2>/dev/null; wait "$SRV" 2>/dev/null; SRV=

# --- usage errors -------------------------------------------------------------------------
"$BIN" data watch --source binance --symbols BTCUSDT --tf 7m > /dev/null 2>&1; [ $? = 2 ] || fail "--tf 7m: exit 2 expected"
"$BIN" data watch --source replay --symbols BTCUSDT --tf 1m > /dev/null 2>&1; [ $? = 2 ] || fail "replay without --db"
# Binance streams 1s klines on spot only, nothing shorter
"$BIN" data watch --source binance-futures --symbols BTCUSDT --tf 1s --count 1 > "$TMP/u.txt" 2>&1
[ $? = 1 ] && grep -q "binance futures feed: no 1s klines" "$TMP/u.txt" || fail "futures 1s refused: $(cat "$TMP/u.txt")"
"$BIN" data watch --source binance --symbols BTCUSDT --tf 5s --count 1 > "$TMP/u.txt" 2>&1
[ $? = 1 ] && grep -q "binance feed: no 5s klines" "$TMP/u.txt" || fail "spot 5s refused: $(cat "$TMP/u.txt")"

[ $fails -eq 0 ] && echo "data_watch: all checks passed"
exit $((fails > 0))
