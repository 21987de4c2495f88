#!/usr/bin/env bash
# End-to-end test of a paper session's durable state (issue #13, point 4):
# a paced session (replay feed) is killed with SIGKILL at seeded random
# points and restarted with the same command until it ends. After each
# kill the store's paper_state row must describe the session at its saved
# step exactly as the backtest over the same bars has it then (fills and
# closed trades before that close, equity of that step from the
# backtest's equity.csv), the restart must say it resumes from that step,
# and the finished session's trades.csv, equity.csv, executions.jsonl,
# signals.jsonl, risk.csv and metrics.json must equal the backtest's and an
# uninterrupted session's byte for byte. Then: a stored state tampered with
# (one count, one balance, text that is no JSON) is refused naming the
# field and left as it was; a changed configuration refuses to resume
# (touching neither the state nor the session's files), and --fresh starts
# it over. With PR_PG_URL set (paper_resume_pg.sh) the store
# is that PostgreSQL.
set -u
. "$(dirname "$0")/../e2e/lib/prelude.bash"
. tests/live/joined.bash
DB=${PR_PG_URL:-sqlite:$TMP/s.db}
"$BIN" data import data/sample/crypto/BTCUSDT-1h.csv --db "$DB" > /dev/null 2>&1 || { echo "FAIL: import"; exit 1; }
CFG=examples/risk_protections.json
FROM=(--from 2024-10-01)   # about 5,000 hourly bars
SES=kill-test

# SQL on the store: sqlite3 or psql, one value per line.
sql() {
  if [ -n "${PR_PG_URL:-}" ]; then psql "$PR_PG_URL" -qAtX -v ON_ERROR_STOP=1 -c "$1"
  else sqlite3 "${DB#sqlite:}" "$1"; fi
}
stored() { sql "SELECT state FROM paper_state WHERE session = '$1'"; }
saved() { local v; v=$(sql "SELECT last_step FROM paper_state WHERE session = '$SES'"); echo "${v:-0}"; }

"$BIN" backtest --config "$CFG" "${FROM[@]}" --db "$DB" --out "$TMP/bt" > "$TMP/bt.txt" 2>&1 || { echo "FAIL: backtest"; exit 1; }
"$BIN" paper --config "$CFG" "${FROM[@]}" --db "$DB" --out "$TMP/whole" > "$TMP/whole.txt" 2>&1 \
  || fail "uninterrupted session exited $?: $(tail -3 "$TMP/whole.txt")"
grep -q "^session  *'$TMP/whole'" "$TMP/whole.txt" || fail "the default session is not named by the output directory"
[ "$(stored "$TMP/whole" | wc -c)" -gt 100 ] || fail "the uninterrupted session stored no state"

# --- kill -9 at seeded random points, restart until done -----------------------------
# Hourly bars at 3.6e6 x real time: 1 ms a bar, some 5 s in all.
# Each kill comes a seeded random time after the (re)started session saved a
# step past the one it resumed from, so a slow machine still makes progress.
mapfile -t delays < <(python3 -c 'import random; r = random.Random(20261207); print("\n".join("%.2f" % r.uniform(0.05, 0.6) for _ in range(5)))')
run_args=(paper --config "$CFG" "${FROM[@]}" --db "$DB" --out "$TMP/kill" --session "$SES" --set live.speed=3600000)
prev=0
kills=0
for d in "${delays[@]}"; do
  "$BIN" "${run_args[@]}" > "$TMP/run.txt" 2>&1 &
  pid=$!
  t=0
  while kill -0 $pid 2>/dev/null && [ $t -lt 600 ] && [ "$(saved)" -le "$prev" ]; do
    sleep 0.05; t=$((t + 1))
  done
  sleep "$d"
  kill -9 $pid 2>/dev/null || { wait $pid; break; }   # it ended first: the session is done
  wait $pid 2>/dev/null
  kills=$((kills + 1))
  last=$(sql "SELECT last_step FROM paper_state WHERE session = '$SES'")
  [ -n "$last" ] || { fail "kill $kills (after $d s): no state stored"; continue; }
  [ "$last" -gt "$prev" ] || fail "kill $kills: the saved step did not advance ($prev -> $last)"
  prev=$last
  stored "$SES" > "$TMP/state.json"
  python3 - "$TMP/state.json" "$TMP/bt" <<'PY' || fail "kill $kills: the stored state is not the backtest's at its step (above)"
import csv, json, sys, datetime
st = json.load(open(sys.argv[1]))
bt = sys.argv[2]
T = st['last_step']
def ms(s):
    return int(datetime.datetime.strptime(s, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=datetime.timezone.utc).timestamp() * 1000)
fills = [json.loads(l) for l in open(bt + '/executions.jsonl')]
# Fills of the bars that closed by T: those opening before it.
assert st['fills'] == sum(1 for f in fills if ms(f['time']) < T), ('fills', st['fills'])
trades = [r for r in csv.DictReader(open(bt + '/trades.csv'))]
assert st['trades'] == sum(1 for t in trades if ms(t['exit_time']) < T), ('trades', st['trades'])
# The step closing at T is labelled with the open of its hourly bar.
row = [r for r in csv.DictReader(open(bt + '/equity.csv')) if ms(r['time']) == T - 3600000]
assert len(row) == 1, ('no equity row for', T)
eq = float(row[0]['equity'])
assert abs(st['account']['equity'] - eq) <= 1e-9 * abs(eq), ('equity', st['account']['equity'], eq)
assert st['risk'] is not None, 'no risk state stored'
assert all(o['client_id'] == 'pr-%d' % o['id'] for o in st['open_orders']), st['open_orders']
PY
  # The restart (next round) must resume from this step.
  want=$(python3 -c "import datetime,sys; print(datetime.datetime.fromtimestamp($last/1000, datetime.timezone.utc).strftime('%Y-%m-%d %H:%M:%S'))")
  echo "$want" > "$TMP/want.txt"
done
[ $kills -ge 3 ] || fail "only $kills kills landed mid-session"
"$BIN" "${run_args[@]}" > "$TMP/run.txt" 2>&1 || fail "the last restart exited $?: $(tail -3 "$TMP/run.txt")"
grep -q "^resuming  *session '$SES' from its state at the close of $(cat "$TMP/want.txt")" "$TMP/run.txt" \
  || fail "the last restart did not resume from the last saved step: $(grep -m1 -E '^(resuming|session)' "$TMP/run.txt")"
for f in trades.csv equity.csv risk.csv metrics.json; do
  cmp -s "$TMP/bt/$f" "$TMP/kill/$f" || fail "killed $kills times: $f differs from the backtest's"
  cmp -s "$TMP/whole/$f" "$TMP/kill/$f" || fail "killed $kills times: $f differs from the uninterrupted session's"
done
# The session's logs rotate daily: the days joined are the backtest's file,
# and the resumed session's rotated files the uninterrupted one's.
for f in executions signals; do
  joined "$TMP/kill" $f | cmp -s "$TMP/bt/$f.jsonl" - || fail "killed $kills times: $f.jsonl (days joined) differs"
  for r in "$TMP/whole/$f"-*.jsonl; do
    cmp -s "$r" "$TMP/kill/${r##*/}" || fail "killed $kills times: ${r##*/} differs from the uninterrupted session's"
  done
done
[ "$(stored "$SES")" = "$(stored "$TMP/whole")" ] || fail "the final stored state differs from the uninterrupted session's"

# --- a tampered state is refused, and left alone -------------------------------------
good=$(stored "$SES")
tamper() {
  local what=$1 from=$2 to=$3 msg=$4
  sql "UPDATE paper_state SET state = replace(state, '$from', '$to') WHERE session = '$SES'" > /dev/null
  [ "$(stored "$SES")" != "$good" ] || { fail "$what: the tamper did not change the row"; return; }
  local before
  before=$(stored "$SES")
  "$BIN" "${run_args[@]}" > "$TMP/t.txt" 2>&1 && fail "$what: a tampered state was resumed"
  grep -q "$msg" "$TMP/t.txt" || fail "$what: message: $(tail -2 "$TMP/t.txt")"
  grep -q "refusing to resume" "$TMP/t.txt" || fail "$what: no refusal: $(tail -2 "$TMP/t.txt")"
  [ "$(stored "$SES")" = "$before" ] || fail "$what: the refused state was overwritten"
  sql "UPDATE paper_state SET state = replace(state, '$to', '$from') WHERE session = '$SES'" > /dev/null
}
nf=$(python3 -c "import json,sys; print(json.loads(sys.argv[1])['fills'])" "$good")
tamper "fill count" "\"fills\":$nf," "\"fills\":$((nf - 1))," "field fills: stored $((nf - 1)), the replay of the same bars gives $nf"
tamper "balance" '"balance":' '"balance":1' "field account.balance: stored 1"
tamper "not JSON" '{"account"' '["account"' "does not read as a JSON object"
[ "$(stored "$SES")" = "$good" ] || fail "the state was not restored after the tamper checks"

# --- a changed configuration ----------------------------------------------------------
cp -r "$TMP/kill" "$TMP/kill-before"
"$BIN" "${run_args[@]}" --param fast=12 > "$TMP/c.txt" 2>&1 && fail "a changed configuration resumed"
grep -q "was started with another configuration" "$TMP/c.txt" || fail "config change message: $(tail -2 "$TMP/c.txt")"
[ "$(stored "$SES")" = "$good" ] || fail "the refused configuration overwrote the state"
diff -r "$TMP/kill-before" "$TMP/kill" > /dev/null || fail "the refused configuration touched the session's files"
"$BIN" "${run_args[@]}" --param fast=12 --set live.speed=0 --fresh > "$TMP/c.txt" 2>&1 || fail "--fresh exited $?"
grep -q '^resuming' "$TMP/c.txt" && fail "--fresh resumed"
"$BIN" backtest --config "$CFG" "${FROM[@]}" --db "$DB" --out "$TMP/bt12" --param fast=12 > /dev/null 2>&1 || fail "backtest fast=12"
cmp -s "$TMP/bt12/trades.csv" "$TMP/kill/trades.csv" || fail "--fresh: trades.csv differs from the backtest's"
[ "$(stored "$SES")" != "$good" ] || fail "--fresh left the old state"

[ $fails -eq 0 ] || exit 1
echo "ok ($kills kills, SIGKILL at ${delays[*]} s)"
