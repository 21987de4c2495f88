#!/usr/bin/env bash
# End-to-end test of `proratio paper` on the live feeds (live.feed "binance"
# and "poll"), against the fake venues of the data tests on loopback
# (started here as processes on free ports, stopped by PID):
#  - Binance WebSocket (tests/data/fake_ws.py): 1,000 closed 1m bars, bar i
#    opening at T0 + i min (T0 = 2026-07-14 19:20 UTC, the venue's clock)
#    with open 100 + (i % 97) * 0.01, high open + 1, low open - 1, close
#    open + 0.5, volume i + 0.25, streamed over a socket that drops after
#    bars 300 and 700 (bars 301..320 and 701..720 come from the REST
#    backfill). The store holds 60 warm-up bars before T0. The session
#    decides at each closed bar (live.scan "bar_close"): 1,000 traded steps,
#    the last bar opening at 2026-07-15 11:59; SIGTERM then ends it with
#    exit 0 and the session summary; its signals, fills, trades and equity
#    equal a backtest's over the same bars (warm-up + the 1,000 written
#    out here from the rule above) from T0: the one decision path. A market
#    the feed cannot serve (ETHUSDT 5s: Binance has no 5s klines) is skipped
#    with one message and the other goes on.
#  - REST polling (tests/data/fake_venue.py, clock running with the wall
#    clock): Binance 1s klines of BTCUSDT, a pure function of the open time;
#    the session warms up on the bars downloaded into the store, polls each
#    second's close, and BADSYM (the venue answers -1121 "Invalid symbol")
#    is skipped with one message. SIGTERM after 8 s; restarted 2 s later it
#    resumes (its stored bars and the feed's backfill replayed up to its
#    saved step, checked against it) and goes on for 6 s: SIGTERM again.
#    The same bars, downloaded again, backtested from the session's first
#    traded step to its last, give the same signals, fills, trades and
#    equity curve.
#  - A session none of whose markets the feed can serve exits non-zero
#    saying why; bad feed settings are named by their config path.
set -u
. "$(dirname "$0")/../e2e/lib/prelude.bash"
. tests/live/joined.bash
PY=/usr/bin/python3
if [ ! -x "$PY" ]; then
  [ "${PR_CI:-}" = 1 ] && { echo "FAIL: $PY missing (PR_CI=1)"; exit 1; }
  echo "skipped: $PY not found"; exit 77
fi

start_server() { # SCRIPT PORTFILE ARGS...: the server's PID in SRV, its port in PORT
  local script=$1 pf=$2
  shift 2
  rm -f "$pf"
  "$PY" "$script" --port-file "$pf" "$@" 2>"$pf.err" &
  SRV=$!
  for _ in $(seq 100); do [ -s "$pf" ] && break; sleep 0.1; done
  PORT=$(cat "$pf" 2>/dev/null) || { echo "FAIL: $script did not start: $(cat "$pf.err")"; exit 1; }
}
stop_server() { [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null; SRV=; }

# Waits (at most $2 tenths of a second) until the session's status shows line $3.
wait_status() { # DB SESSION PATTERN TENTHS
  for _ in $(seq "$4"); do
    "$BIN" status --db "$1" --session "$2" 2>/dev/null | grep -q "$3" && return 0
    sleep 0.1
  done
  return 1
}

# Ends the session (PID) with SIGTERM: exit 0 and the summary.
term_session() { # PID OUTFILE NAME
  kill -TERM "$1"
  local t=0
  while kill -0 "$1" 2>/dev/null && [ $t -lt 150 ]; do sleep 0.1; t=$((t + 1)); done
  if kill -0 "$1" 2>/dev/null; then kill -9 "$1"; fail "$3: did not stop within 15 s of SIGTERM"; return; fi
  wait "$1"
  local rc=$?
  [ $rc -eq 0 ] || fail "$3: SIGTERM: exit $rc, want 0: $(tail -5 "$2")"
  grep -q '^session  *PAPER stopped by a signal' "$2" || fail "$3: no session summary: $(tail -5 "$2")"
}

# The session's files against the backtest's.
same_files() { # SESSION-DIR BACKTEST-DIR NAME FILES...
  local d=$1 bt=$2 name=$3
  shift 3
  for f in signals executions; do
    joined "$d" $f | cmp -s "$bt/$f.jsonl" - || fail "$name: $f.jsonl differs from the backtest's: $(joined "$d" $f | diff - "$bt/$f.jsonl" | head -5)"
  done
  for f in "$@"; do
    cmp -s "$bt/$f" "$d/$f" || fail "$name: $f differs from the backtest's: $(diff "$d/$f" "$bt/$f" | head -5)"
  done
}

# ==== Binance WebSocket ===================================================================
if timeout 2 "$BIN" data watch --source binance --symbols X --tf 1m --ws-url ws://127.0.0.1:9 --count 1 2>&1 |
   grep -q "built without libwebsockets"; then
  [ "${PR_CI:-}" = 1 ] && fail "built without libwebsockets (PR_CI=1)"
  echo "note: built without libwebsockets: the WebSocket part is left out"
else
  # The bars of the rule above: warm-up i = -60..-1 (open 99 + (i + 60) * 0.01,
  # close open + 0.5, volume 1), then i = 0..999 as fake_ws.py streams them.
  mkdir -p "$TMP/warm" "$TMP/all" "$TMP/eth"
  "$PY" - "$TMP" <<'PY'
import sys, time
T0 = 1784116800000 - 1000 * 60000
def row(i):
    if i < 0:
        o = 99 + (i + 60) * 0.01
        return [T0 + i * 60000, "%.2f" % o, "%.2f" % (o + 1), "%.2f" % (o - 1), "%.2f" % (o + 0.5), "1"]
    o = 100 + (i % 97) * 0.01
    return [T0 + i * 60000, "%.2f" % o, "%.2f" % (o + 1), "%.2f" % (o - 1), "%.2f" % (o + 0.5), "%.2f" % (i + 0.25)]
def write(path, rng, step=60000, t0=None):
    with open(path, "w") as f:
        f.write("timestamp,open,high,low,close,volume\n")
        for i in rng:
            r = row(i)
            f.write(",".join([time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(r[0] // 1000))] + r[1:]) + "\n")
d = sys.argv[1]
write(d + "/warm/BTCUSDT-1m.csv", range(-60, 0))
write(d + "/all/BTCUSDT-1m.csv", range(-60, 1000))
# ETHUSDT 5s bars before T0 (the market the feed cannot serve)
with open(d + "/eth/ETHUSDT-5s.csv", "w") as f:
    f.write("timestamp,open,high,low,close,volume\n")
    for k in range(720):
        t = (T0 - 3600000 + k * 5000) // 1000
        f.write("%s,50,51,49,50.5,1\n" % time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t)))
PY
  WDB="sqlite:$TMP/ws.db"
  "$BIN" data import "$TMP/warm/BTCUSDT-1m.csv" "$TMP/eth/ETHUSDT-5s.csv" --db "$WDB" > "$TMP/wimp.txt" 2>&1 \
    || fail "import of the warm-up bars: $(tail -3 "$TMP/wimp.txt")"
  "$BIN" data import "$TMP/all/BTCUSDT-1m.csv" --db "sqlite:$TMP/wbt.db" > /dev/null 2>&1 || fail "import of all the bars"
  start_server tests/data/fake_ws.py "$TMP/wport"
  cat > "$TMP/ws.json" <<EOF
{"data": {"datasets": ["local:BTCUSDT:1m"]},
 "strategy": {"name": "sma_cross", "params": {"fast": 3, "slow": 8}},
 "account": {"currency": "USDT", "cash": 10000},
 "instruments": {"BTCUSDT": {"asset_class": "crypto"}},
 "live": {"feed": "binance", "scan": "bar_close", "ws_url": "ws://127.0.0.1:$PORT",
          "base_url": "http://127.0.0.1:$PORT", "log_rotation": "none"}}
EOF
  "$BIN" paper --config "$TMP/ws.json" --db "$WDB" --out "$TMP/pp-ws" > "$TMP/pp-ws.txt" 2>&1 &
  PID=$!
  wait_status "$WDB" "$TMP/pp-ws" "last bar  *BTCUSDT 1m opened 2026-07-15T11:59:00Z" 600 \
    || fail "ws: the session did not reach bar 999: $(tail -5 "$TMP/pp-ws.txt"; "$BIN" status --db "$WDB" --session "$TMP/pp-ws" 2>&1 | tail -4)"
  term_session $PID "$TMP/pp-ws.txt" ws
  stop_server
  grep -q '^feed  *binance WebSocket klines at ws://127.0.0.1' "$TMP/pp-ws.txt" || fail "ws: no feed line: $(head -5 "$TMP/pp-ws.txt")"
  "$PY" -c 'import json,sys; s=json.loads(open(sys.argv[1]).readline()); sys.exit(0 if s["steps"] == 1000 else "steps %s, want 1000" % s["steps"])' \
    "$TMP/pp-ws/summary.jsonl" || fail "ws: the session decided $(head -c 300 "$TMP/pp-ws/summary.jsonl")"
  # The backtest of the same bars from T0, the warm-up before it.
  "$BIN" backtest --config "$TMP/ws.json" --db "sqlite:$TMP/wbt.db" --from "2026-07-14 19:20" --out "$TMP/bt-ws" \
    > "$TMP/bt-ws.txt" 2>&1 || fail "ws: backtest exited $?: $(tail -3 "$TMP/bt-ws.txt")"
  [ "$(joined "$TMP/pp-ws" signals | wc -l)" -gt 10 ] || fail "ws: too few signals to compare"
  same_files "$TMP/pp-ws" "$TMP/bt-ws" ws equity.csv trades.csv
  # A session of ETHUSDT 5s alone: Binance has no 5s klines, nothing is left to trade.
  start_server tests/data/fake_ws.py "$TMP/wport"
  sed -e 's/BTCUSDT/ETHUSDT/g' -e 's/:1m"/:5s"/' -e "s/127.0.0.1:[0-9]*/127.0.0.1:$PORT/g" "$TMP/ws.json" > "$TMP/eth.json"
  timeout 60 "$BIN" paper --config "$TMP/eth.json" --db "$WDB" --out "$TMP/pp-eth" > "$TMP/pp-eth.txt" 2>&1
  rc=$?
  stop_server
  [ $rc -ne 0 ] && [ $rc -ne 124 ] || fail "eth alone: exit $rc, want a failure"
  [ "$(grep -c '^skipped ' "$TMP/pp-eth.txt")" = 1 ] && grep -q '^skipped  *ETHUSDT 5s .*no 5s klines' "$TMP/pp-eth.txt" \
    || fail "eth alone: one skip message for ETHUSDT 5s expected: $(cat "$TMP/pp-eth.txt")"
  grep -q 'serves none of the session.s 1 market .*nothing to trade' "$TMP/pp-eth.txt" \
    || fail "eth alone: no reason given: $(tail -3 "$TMP/pp-eth.txt")"
fi

# ==== REST polling =========================================================================
NOW=$("$PY" -c 'import time; print(int(time.time() * 1000))')
start_server tests/data/fake_venue.py "$TMP/pport" --fixtures tests/data/fixtures/venues/binance --now "$NOW" \
  --clock-runs --listing $((NOW - 600000))
PDB="sqlite:$TMP/poll.db"
from=$("$PY" -c 'import time; print(time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() - 120)))')
"$BIN" data download --source binance --symbols BTCUSDT --tf 1s --from "$from" --base-url "http://127.0.0.1:$PORT" \
  --db "$PDB" > "$TMP/pdl.txt" 2>&1 || fail "poll: download of the warm-up: $(tail -3 "$TMP/pdl.txt")"
# BADSYM's stored bars (the venue does not know it: -1121)
"$PY" - "$TMP" <<'PY'
import sys, time
with open(sys.argv[1] + "/BADSYM-1s.csv", "w") as f:
    f.write("timestamp,open,high,low,close,volume\n")
    t0 = int(time.time()) - 200
    for k in range(60):
        f.write("%s,10,11,9,10.5,1\n" % time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t0 + k)))
PY
"$BIN" data import "$TMP/BADSYM-1s.csv" --asset-class stock --db "$PDB" > /dev/null 2>&1 || fail "poll: import of BADSYM"
cat > "$TMP/poll.json" <<EOF
{"data": {"datasets": ["binance:BTCUSDT:1s", "local:BADSYM:1s"]},
 "strategy": {"name": "sma_cross", "params": {"fast": 2, "slow": 5}},
 "account": {"currency": "USDT", "cash": 10000},
 "instruments": {"BTCUSDT": {"asset_class": "crypto"}, "BADSYM": {"quote": "USDT"}},
 "live": {"feed": "poll", "source": "binance", "base_url": "http://127.0.0.1:$PORT", "poll_delay_ms": 150,
          "scan": "bar_close", "log_rotation": "none"}}
EOF
"$BIN" paper --config "$TMP/poll.json" --db "$PDB" --out "$TMP/pp-poll" > "$TMP/pp-poll.txt" 2>&1 &
PID=$!
sleep 8
term_session $PID "$TMP/pp-poll.txt" poll
steps1=$(($(wc -l < "$TMP/pp-poll/equity.csv") - 1))
# Restarted: it replays its stored bars and the feed's backfill up to its saved
# step (checked against the state it saved), then goes on.
cp "$TMP/pp-poll.txt" "$TMP/pp-poll-1.txt"
sleep 2
"$BIN" paper --config "$TMP/poll.json" --db "$PDB" --out "$TMP/pp-poll" > "$TMP/pp-poll.txt" 2>&1 &
PID=$!
sleep 6
term_session $PID "$TMP/pp-poll.txt" "poll (resumed)"
grep -q "^resuming  *session '$TMP/pp-poll' from its state at the close of" "$TMP/pp-poll.txt" \
  || fail "poll: the restart did not resume: $(grep -v '^  ' "$TMP/pp-poll.txt" | head -12)"
grep -q '^feed  *binance polled at http://127.0.0.1' "$TMP/pp-poll-1.txt" || fail "poll: no feed line: $(head -5 "$TMP/pp-poll-1.txt")"
[ "$(grep -c '^skipped ' "$TMP/pp-poll-1.txt")" = 1 ] && grep -q '^skipped  *BADSYM 1s .*Invalid symbol' "$TMP/pp-poll-1.txt" \
  || fail "poll: one skip message for BADSYM expected: $(grep -i -e skip -e BADSYM "$TMP/pp-poll-1.txt")"
# The steps it traded: one a second (1s bars polled at each close), from its start on.
read -r first last steps < <("$PY" - "$TMP/pp-poll/equity.csv" <<'PY'
import sys
rows = [l.split(",")[0] for l in open(sys.argv[1])][1:]
print(rows[0] if rows else "-", rows[-1] if rows else "-", len(rows))
PY
)
# 8 s, then 2 s away, then 6 s: the steps of the first run, those missed while
# away (backfilled) and the new ones, each second's bar once.
[ "$steps1" -ge 4 ] && [ "$steps" -ge $((steps1 + 6)) ] \
  || fail "poll: $steps1 steps in the first 8 s, $steps in all 16 s of 1s bars: $(tail -5 "$TMP/pp-poll.txt")"
# The same bars (downloaded again: the venue's bars are a function of their time),
# backtested from the session's first traded step to its last.
"$BIN" data download --source binance --symbols BTCUSDT --tf 1s --from "$from" --base-url "http://127.0.0.1:$PORT" \
  --db "$PDB" > "$TMP/pdl2.txt" 2>&1 || fail "poll: second download: $(tail -3 "$TMP/pdl2.txt")"
stop_server
to=$("$PY" -c 'import sys, calendar, time; t = calendar.timegm(time.strptime(sys.argv[1], "%Y-%m-%dT%H:%M:%SZ")) + 1; print(time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t)))' "$last")
from_bt=$(echo "$first" | sed -e 's/T/ /' -e 's/Z//')
sed -e 's/, "local:BADSYM:1s"//' -e 's/, "BADSYM": {"quote": "USDT"}//' "$TMP/poll.json" > "$TMP/pollbt.json"
"$BIN" backtest --config "$TMP/pollbt.json" --db "$PDB" --from "$from_bt" --to "$to" --out "$TMP/bt-poll" \
  > "$TMP/bt-poll.txt" 2>&1 || fail "poll: backtest exited $?: $(tail -3 "$TMP/bt-poll.txt")"
same_files "$TMP/pp-poll" "$TMP/bt-poll" poll equity.csv trades.csv
[ "$(wc -l < "$TMP/bt-poll/signals.jsonl")" -ge 1 ] || fail "poll: no signal to compare in $steps steps"

# ==== bad feed settings, named by their path ===================================================
bad() { # SET-VALUE PATTERN
  "$BIN" paper --config "$TMP/poll.json" --db "$PDB" --out "$TMP/x" --set "$1" > /dev/null 2> "$TMP/bad.txt" \
    && fail "--set $1 ran"
  grep -q "$2" "$TMP/bad.txt" || fail "--set $1: $(cat "$TMP/bad.txt")"
}
bad live.source=nowhere 'live.source: the poll feed needs a download source'
bad live.poll_delay_ms=0 'live.poll_delay_ms'
bad live.ws_url=http://x 'live.ws_url'
bad live.feed=replay 'live.source: goes with live.feed "binance" or "poll"'
bad live.speed=10 'live.speed: goes with live.feed "replay"'
bad live.symbols=3 'live.symbols: expected an object'

[ $fails -eq 0 ] || exit 1
echo "ok"
