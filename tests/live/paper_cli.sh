#!/usr/bin/env bash
# End-to-end test of `proratio paper` (issue #13, "one decision path"): a
# paper session on the replay feed over the bundled sample data makes the
# same signals, orders, fills and trades as `proratio backtest` over the same
# bars with the same configuration, file for file (trades.csv, equity.csv,
# signals.jsonl, executions.jsonl, metrics.json, risk.csv; summary.jsonl but
# for its mode and wall-clock time) — for sma_cross with the built-in sizer,
# with the risk stage on (protections; circuit breakers), for four markets
# of two timeframes with a warm-up before data.from, and for trend_ema with
# 1-minute bars settling the hourly bars that touch a stop and a target. A session whose
# fills came one bar late, or whose strategy saw the bar still forming,
# would differ in every trade.
# Then SIGINT and SIGTERM in the middle of a paced session: the step under
# way is finished, the session summary is printed, the logs hold every
# signal and fill the summary counts, the trades closed so far are exactly
# the backtest's first ones, and the exit code is 0. `proratio live` without
# the venue's keys refuses without running anything.
set -u
. "$(dirname "$0")/../e2e/lib/prelude.bash"
. tests/live/joined.bash
DB="sqlite:$TMP/s.db"
"$BIN" data import data/sample/crypto/BTCUSDT-1h.csv data/sample/forex/EURUSD-1h.csv data/sample/stocks/SPY-1d.csv \
  data/sample/stocks/KO-1d.csv data/sample/crypto/BTCUSDT-1m.csv --db "$DB" > /dev/null 2>&1 || fail "import of the sample"

# Both runs of one configuration; every file compared.
same_as_backtest() {
  local name=$1 cfg=$2
  shift 2
  "$BIN" backtest --config "$cfg" --db "$DB" --out "$TMP/bt-$name" "$@" > "$TMP/bt-$name.txt" 2>&1 \
    || { fail "$name: backtest exited $?: $(tail -3 "$TMP/bt-$name.txt")"; return; }
  "$BIN" paper --config "$cfg" --db "$DB" --out "$TMP/pp-$name" "$@" > "$TMP/pp-$name.txt" 2>&1 \
    || { fail "$name: paper exited $?: $(tail -3 "$TMP/pp-$name.txt")"; return; }
  for f in trades.csv equity.csv metrics.json risk.csv; do
    [ -f "$TMP/bt-$name/$f" ] || continue
    cmp -s "$TMP/bt-$name/$f" "$TMP/pp-$name/$f" || fail "$name: $f differs from the backtest's"
  done
  # The session's logs rotate daily: the days joined are the backtest's file.
  for f in signals executions; do
    joined "$TMP/pp-$name" $f | cmp -s "$TMP/bt-$name/$f.jsonl" - || fail "$name: $f.jsonl (days joined) differs"
  done
  [ "$(wc -l < "$TMP/bt-$name/trades.csv")" -gt 5 ] || fail "$name: too few trades to compare"
  sed -e 's/"mode":"[a-z]*",//' -e 's/,"logged_at":"[^"]*"//' "$TMP/bt-$name/summary.jsonl" > "$TMP/a.json"
  sed -e 's/"mode":"[a-z]*",//' -e 's/,"logged_at":"[^"]*"//' "$TMP/pp-$name/summary.jsonl" > "$TMP/b.json"
  cmp -s "$TMP/a.json" "$TMP/b.json" || fail "$name: summary.jsonl differs: $(diff "$TMP/a.json" "$TMP/b.json")"
  grep -q '"mode":"paper"' "$TMP/pp-$name/summary.jsonl" || fail "$name: summary mode is not paper"
}

same_as_backtest sma_cross examples/sma_cross.json
same_as_backtest risk_protections examples/risk_protections.json
same_as_backtest risk_breakers examples/risk_breakers.json
[ -f "$TMP/pp-risk_breakers/risk.csv" ] || fail "risk_breakers: no risk.csv (risk stage off?)"
same_as_backtest multi_asset examples/multi_asset.json
same_as_backtest trend_ema examples/trend_ema.json
grep -q '^trading  *BTCUSDT 1h (local:BTCUSDT:1h), finer bars 1m' "$TMP/pp-trend_ema.txt" || fail "trend_ema: no finer bars"
# The live section is the paper session's; a backtest of the same file ignores it.
cat > "$TMP/live.json" <<'EOF'
{"data": {"datasets": ["local:BTCUSDT:1h"], "to": "2023-01-01"},
 "strategy": {"name": "sma_cross", "params": {"fast": 5, "slow": 20, "stop": 0.02, "target": 0.04}},
 "account": {"currency": "USDT", "cash": 10000},
 "live": {"feed": "replay", "speed": 0, "scan": "bar_close"}}
EOF
same_as_backtest live_section "$TMP/live.json"

# --- startup says what, where and how ---------------------------------------------
out="$TMP/pp-sma_cross.txt"
grep -q '^mode  *PAPER' "$out" || fail "startup: no PAPER mode line: $(head -3 "$out")"
grep -q '^trading  *BTCUSDT 1h (local:BTCUSDT:1h)' "$out" || fail "startup: no trading line"
grep -q '^feed  *replay' "$out" || fail "startup: no feed line"
grep -q '^session  *PAPER ended with the feed' "$out" || fail "no session summary: $(tail -3 "$out")"
grep -q '^positions ' "$out" || fail "no positions line"

# --- bad live sections are named by their path -------------------------------------
# (the live feeds themselves: tests/live/paper_feed.sh)
"$BIN" paper --config examples/sma_cross.json --db "$DB" --out "$TMP/x" --set live.feed=telegraph > /dev/null \
  2> "$TMP/bad.txt" && fail "a paper session on an unknown feed ran"
grep -q 'live.feed' "$TMP/bad.txt" || fail "feed message: $(cat "$TMP/bad.txt")"
"$BIN" paper --config examples/sma_cross.json --db "$DB" --out "$TMP/x" --set live.speed=-1 > /dev/null \
  2> "$TMP/bad.txt" && fail "a negative speed ran"
grep -q 'live.speed' "$TMP/bad.txt" || fail "speed message: $(cat "$TMP/bad.txt")"
"$BIN" paper --config examples/sma_cross.json --db "$DB" --out "$TMP/x" --set live.sped=1 > /dev/null \
  2> "$TMP/bad.txt" && fail "an unknown live key ran"
grep -q 'live.sped' "$TMP/bad.txt" || fail "unknown key message: $(cat "$TMP/bad.txt")"

# --- live without keys refuses (the venue tests are tests/live/live_venue.sh) --------
env -u BINANCE_API_KEY -u BINANCE_API_SECRET "$BIN" live --config examples/sma_cross.json --db "$DB" \
  --out "$TMP/lv" > "$TMP/live.txt" 2>&1
rc=$?
[ $rc -ne 0 ] || fail "live exited 0"
grep -q 'needs an API key and secret: set BINANCE_API_KEY and BINANCE_API_SECRET' "$TMP/live.txt" \
  || fail "live message: $(cat "$TMP/live.txt")"

# --- a signal mid-session --------------------------------------------------------------
# 1h bars at 360,000 x real time: 0.01 s a bar, about 5 minutes for the
# sample, so the signal arrives a few hundred bars (several trades) in.
stop_mid_session() {
  local sig=$1 d="$TMP/stop-$1"
  "$BIN" paper --config examples/sma_cross.json --db "$DB" --out "$d" --set live.speed=360000 > "$d.txt" 2>&1 &
  local pid=$!
  sleep 4
  kill -"$sig" $pid
  local t=0
  while kill -0 $pid 2>/dev/null && [ $t -lt 100 ]; do sleep 0.1; t=$((t + 1)); done
  if kill -0 $pid 2>/dev/null; then
    kill -9 $pid
    fail "$sig: the session did not stop within 10 s"
    return
  fi
  wait $pid
  local rc=$?
  [ $rc -eq 0 ] || fail "$sig: exit code $rc, want 0: $(tail -3 "$d.txt")"
  grep -q '^session  *PAPER stopped by a signal' "$d.txt" || fail "$sig: no session summary: $(tail -5 "$d.txt")"
  joined "$d" signals > "$d.signals"
  joined "$d" executions > "$d.executions"
  python3 - "$d" "$TMP/bt-sma_cross" <<'PY' || fail "$sig: the stopped session's files (above)"
import csv, json, sys
d, bt = sys.argv[1], sys.argv[2]
s = [json.loads(l) for l in open(d + '/summary.jsonl')]
assert len(s) == 1 and s[0]['mode'] == 'paper', s
s = s[0]
full = json.loads(open(bt + '/summary.jsonl').readline())
assert 0 < s['steps'] < full['steps'], ('steps', s['steps'], full['steps'])
assert s['bars'] == s['steps'], ('bars of the stopped session', s['bars'], s['steps'])
sig = [l for l in open(d + '.signals')]
ex = [l for l in open(d + '.executions')]
assert len(sig) == s['signals'], ('signals logged', len(sig), s['signals'])
assert len(ex) == s['fills'], ('fills logged', len(ex), s['fills'])
eq = list(open(d + '/equity.csv'))
assert len(eq) == s['steps'] + 1, ('equity rows', len(eq), s['steps'])
# What happened before the stop is what the backtest did then.
assert sig == list(open(bt + '/signals.jsonl'))[:len(sig)], 'signals differ from the backtest'
assert ex == list(open(bt + '/executions.jsonl'))[:len(ex)], 'fills differ from the backtest'
closed = [r for r in csv.reader(open(d + '/trades.csv'))][1:]
closed = [r for r in closed if 'open' not in r]
ref = [r for r in csv.reader(open(bt + '/trades.csv'))][1:]
assert s['trades'] >= 1, 'no trade closed before the stop'
assert closed == ref[:len(closed)], 'closed trades differ from the backtest'
PY
}
stop_mid_session INT
stop_mid_session TERM

[ $fails -eq 0 ] || exit 1
echo "ok"
