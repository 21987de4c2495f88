#!/usr/bin/env bash
# Operations of a running paper session (issue #13 item 6): `proratio
# status` and `proratio stop` from another process, through the store.
# A session paced on the replay feed runs in the background; `status`
# shows it alive (its pid, a fresh heartbeat) with a snapshot that agrees
# with the backtest over the same bars at the snapshot's step (the trades
# closed by then, the position held then: qty, side and entry price);
# `stop` ends it gracefully (exit 0, its summary printed, its files
# written) and the final snapshot agrees with the session's own files
# (summary.jsonl steps, fills, trades and final equity; the open row of
# trades.csv). status on a stopped session says how it ended, on a killed
# one that its process is gone, on an unknown session that there is none
# (listing those there). A session whose record names another host is not
# signalled (its pid cannot be checked from here) but still stops, through
# the stop request its heartbeat polls. With PR_PG_URL set
# (paper_ops_pg.sh) the store is that PostgreSQL.
set -u
. "$(dirname "$0")/../e2e/lib/prelude.bash"
PY=${PYTHON:-python3}
DB=${PR_PG_URL:-sqlite:$TMP/s.db}
"$BIN" data import data/sample/crypto/BTCUSDT-1h.csv --db "$DB" > /dev/null 2>&1 || { echo "FAIL: import"; exit 1; }
CFG=examples/risk_protections.json

sql() {
  if [ -n "${PR_PG_URL:-}" ]; then psql "$PR_PG_URL" -qAtX -v ON_ERROR_STOP=1 -c "$1"
  else sqlite3 "${DB#sqlite:}" "$1"; fi
}

# Nothing has run yet.
"$BIN" status --db "$DB" > "$TMP/none.txt" 2>&1
rc=$?
[ $rc -eq 4 ] || fail "status with no session: exit $rc, want 4"
grep -q "no paper or live session has run against" "$TMP/none.txt" || fail "no-session message: $(cat "$TMP/none.txt")"

"$BIN" backtest --config "$CFG" --db "$DB" --out "$TMP/bt" > "$TMP/bt.txt" 2>&1 || fail "backtest"

# start NAME SPEED: a background session, its pid in PID
start() {
  "$BIN" paper --config "$CFG" --db "$DB" --out "$TMP/$1" --session "$1" --set "live.speed=$2" > "$TMP/$1.txt" 2>&1 &
  PID=$!
}
# waits until status --json of NAME says running with at least one trade closed
wait_running() {
  local t=0
  while [ $t -lt 200 ]; do
    "$BIN" status --db "$DB" --session "$1" --json > "$TMP/$1.status.json" 2> /dev/null &&
      "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d["running"] and d["status"].get("trades", 0) >= 2))' \
        "$TMP/$1.status.json" && return 0
    sleep 0.1
    t=$((t + 1))
  done
  return 1
}

# --- alive, consistent with the backtest at its step --------------------------------------
# 1h bars at 100,000 x real time: 36 ms a bar, about 18 minutes for the sample
start live 100000
wait_running live || fail "status never showed the session running with trades: $(cat "$TMP/live.status.json")"
"$BIN" status --db "$DB" --session live > "$TMP/live.status.txt" 2>&1 || fail "status (text) exit $?"
# A second process of the same session is refused before it touches anything.
"$BIN" paper --config "$CFG" --db "$DB" --out "$TMP/live2" --session live > "$TMP/twice.txt" 2>&1 \
  && fail "a second process of a running session ran"
grep -q "paper session 'live' is already running (pid $PID on " "$TMP/twice.txt" || fail "twice: $(cat "$TMP/twice.txt")"
[ -e "$TMP/live2/trades.csv" ] && fail "the refused second process wrote outputs"
grep -q "^state  *running (pid $PID on " "$TMP/live.status.txt" || fail "status text: $(head -3 "$TMP/live.status.txt")"
grep -q "^last bar  *BTCUSDT 1h opened " "$TMP/live.status.txt" || fail "status: no last bar line"
"$PY" - "$TMP/live.status.json" "$TMP/bt/trades.csv" "$PID" <<'PY' || fail "the running snapshot (above)"
import csv, datetime, json, sys
d = json.load(open(sys.argv[1]))
pid = int(sys.argv[3])
assert d["state"] == "running" and d["pid"] == pid, (d["state"], d["pid"], pid)
assert d["heartbeat_age_s"] < 5, d["heartbeat_age_s"]
s = d["status"]
iso = lambda t: datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%SZ")
close = iso(s["last_close"])
hour = datetime.timedelta(hours=1)
bt = list(csv.DictReader(open(sys.argv[2])))
# A fill in the bar opening at t is booked when that bar closes (t + 1h).
closed = [t for t in bt if iso(t["exit_time"]) + hour <= close]
assert s["trades"] == len(closed), ("trades closed by", s["last_close"], s["trades"], len(closed))
held = [t for t in bt if iso(t["entry_time"]) + hour <= close < iso(t["exit_time"]) + hour]
pos = s["open_positions"]
assert len(pos) == len(held), (pos, held)
for p, t in zip(pos, held):
    assert p["side"] == t["side"] and abs(abs(p["qty"]) - float(t["qty"])) < 1e-9, (p, t)
    assert abs(p["avg_price"] - float(t["entry_price"])) < 1e-6 * float(t["entry_price"]), (p, t)
bars = s["last_bars"]
assert len(bars) == 1 and bars[0]["symbol"] == "BTCUSDT" and bars[0]["close"] == s["last_close"], bars
PY

# --- stop: graceful, exit 0, summary; the final snapshot is the session's files ------------
"$BIN" stop --db "$DB" --session live > "$TMP/stop.txt" 2>&1
rc=$?
[ $rc -eq 0 ] || fail "stop exit $rc: $(cat "$TMP/stop.txt")"
grep -q "SIGTERM sent to its process" "$TMP/stop.txt" || fail "stop did not signal the verified process: $(cat "$TMP/stop.txt")"
grep -q "^stopped  *stopped by 'proratio stop'" "$TMP/stop.txt" || fail "stop output: $(cat "$TMP/stop.txt")"
wait $PID
rc=$?
[ $rc -eq 0 ] || fail "the stopped session exited $rc: $(tail -3 "$TMP/live.txt")"
grep -q "^session  *PAPER stopped by 'proratio stop' at the close of" "$TMP/live.txt" \
  || fail "no session summary: $(tail -4 "$TMP/live.txt")"
"$BIN" status --db "$DB" --session live --json > "$TMP/end.json" || fail "status after the stop"
"$BIN" status --db "$DB" --session live > "$TMP/end.txt" || fail "status (text) after the stop"
grep -q "^state  *not running: stopped by 'proratio stop' at " "$TMP/end.txt" || fail "ended state: $(head -2 "$TMP/end.txt")"
"$PY" - "$TMP/end.json" "$TMP/live" <<'PY' || fail "the final snapshot against the session's files (above)"
import csv, json, sys
d = json.load(open(sys.argv[1]))
out = sys.argv[2]
assert d["state"] == "ended" and not d["running"] and d["outcome"] == "stopped by 'proratio stop'", d["outcome"]
s = d["status"]
summ = json.loads(open(out + "/summary.jsonl").readline())
assert s["steps"] == summ["steps"], (s["steps"], summ["steps"])
assert s["fills"] == summ["fills"], (s["fills"], summ["fills"])
assert s["trades"] == summ["trades"], (s["trades"], summ["trades"])
assert abs(s["account"]["equity"] - summ["final_equity"]) < 1e-6, (s["account"]["equity"], summ["final_equity"])
assert abs(s["pnl"] - (summ["final_equity"] - summ["start_equity"])) < 1e-6
rows = list(csv.DictReader(open(out + "/trades.csv")))
open_rows = [r for r in rows if "open" in r.values()]
assert len(open_rows) == len(s["open_positions"]) == summ["open_trades"], (open_rows, s["open_positions"])
for p, r in zip(s["open_positions"], open_rows):
    assert p["side"] == r["side"] and abs(abs(p["qty"]) - float(r["qty"])) < 1e-9, (p, r)
PY
"$BIN" stop --db "$DB" --session live > "$TMP/stop2.txt" 2>&1
rc=$?
[ $rc -eq 1 ] || fail "stop of a stopped session: exit $rc, want 1"
grep -q "is not running (stopped by 'proratio stop'); nothing to stop" "$TMP/stop2.txt" || fail "$(cat "$TMP/stop2.txt")"

# --- an unknown session ----------------------------------------------------------------------
"$BIN" status --db "$DB" --session nosuch > "$TMP/unk.txt" 2>&1
rc=$?
[ $rc -eq 4 ] || fail "status of an unknown session: exit $rc, want 4"
grep -q "no session 'nosuch' in .*; the sessions there: 'live'" "$TMP/unk.txt" || fail "unknown: $(cat "$TMP/unk.txt")"
"$BIN" stop --db "$DB" --session nosuch > "$TMP/unk2.txt" 2>&1
[ $? -eq 4 ] || fail "stop of an unknown session: not exit 4"

# --- killed: its process is gone ------------------------------------------------------------
start killed 100000
wait_running killed || fail "the second session never ran"
kill -9 $PID
wait $PID 2> /dev/null
"$BIN" status --db "$DB" --session killed --json > "$TMP/k.json"
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d["state"] == "gone" and not d["running"]))' \
  "$TMP/k.json" || fail "a killed session: $(head -c 300 "$TMP/k.json")"
"$BIN" status --db "$DB" --session killed | grep -q "^state  *not running: its process (pid $PID) is gone" \
  || fail "killed: status text"
"$BIN" status --db "$DB" > "$TMP/all.txt"
grep -q "^killed: not running" "$TMP/all.txt" && grep -q "^live: not running: stopped" "$TMP/all.txt" \
  || fail "the list: $(cat "$TMP/all.txt")"

# --- another host: no signal, the stop request still ends it ----------------------------------
start far 100000
wait_running far || fail "the third session never ran"
sql "UPDATE paper_run SET host = 'elsewhere.example' WHERE session = 'far'" > /dev/null || fail "sql"
"$BIN" stop --db "$DB" > "$TMP/farstop.txt" 2>&1   # the only one running: no --session needed
rc=$?
[ $rc -eq 0 ] || fail "stop through the request: exit $rc: $(cat "$TMP/farstop.txt")"
grep -q "it sees the request with its next heartbeat" "$TMP/farstop.txt" || fail "far: signalled? $(cat "$TMP/farstop.txt")"
wait $PID
[ $? -eq 0 ] || fail "far: the session's exit code"
grep -q "^session  *PAPER stopped by 'proratio stop'" "$TMP/far.txt" || fail "far: summary: $(tail -3 "$TMP/far.txt")"

[ $fails -eq 0 ] || exit 1
echo "ok"
