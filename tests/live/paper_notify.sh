#!/usr/bin/env bash
# Notifications of a paper session (issue #13 item 5): a session on the
# replay feed of the bundled sample sends Telegram (Bot API sendMessage)
# and webhook (JSON POST) messages to a fake server on loopback
# (fake_notify.py, which records every request): one per trade opened, one
# per trade closed with its P&L, one per protection firing, one daily
# summary per UTC day of the decision clock that ended — the expected
# numbers are counted from the session's own output files and the
# backtest's text (trades.csv rows, equity.csv step times, the
# "protection ... fired N times" lines), never from the messages. A server
# that answers 500, hangs, or answers 429 neither slows the session beyond
# a bound nor changes its results (every output file byte-identical to a
# run without notifications); the rate limit drops (and counts) what is
# over it; the bot token never appears in anything the session writes.
set -u
. "$(dirname "$0")/../e2e/lib/prelude.bash"
. tests/live/joined.bash
PY=${PYTHON:-python3}
DB="sqlite:$TMP/s.db"
"$BIN" data import data/sample/crypto/BTCUSDT-1h.csv --db "$DB" > /dev/null 2>&1 || fail "import of the sample"
TOKEN="987654321:AAH-tokenSECRETforTESTSxyz0123456789"
export TELEGRAM_BOT_TOKEN=$TOKEN TELEGRAM_CHAT_ID=-100424242
RANGE=(--to 2022-03-01)

start_server() { # mode
  [ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
  rm -f "$TMP/port" "$TMP/req.jsonl"
  : > "$TMP/req.jsonl"
  "$PY" tests/live/fake_notify.py --port-file "$TMP/port" --log "$TMP/req.jsonl" --mode "$1" 2> "$TMP/server.err" &
  SRV=$!
  for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.1; done
  PORT=$(cat "$TMP/port" 2>/dev/null) || { echo "FAIL: the fake server did not start: $(cat "$TMP/server.err")"; exit 1; }
}

now() { date +%s.%N; }
# notify JSON for --set: telegram [and webhook] at the fake server
tg() { # rate burst timeout
  echo "\"telegram\":{\"base_url\":\"http://127.0.0.1:$PORT\",\"rate_per_min\":$1,\"burst\":$2,\"timeout_s\":$3}"
}
wh() { echo "\"webhook\":{\"url\":\"http://127.0.0.1:$PORT/hook/s3cr3t-path\",\"rate_per_min\":1000000,\"burst\":1000000}"; }

# name cfg notify-json [flags]: runs a session, its time in $TMP/<name>.secs
session() {
  local name=$1 cfg=$2 nj=$3
  shift 3
  local t0 t1 set=()
  [ -n "$nj" ] && set=(--set "live.notify={$nj,\"queue\":100000,\"flush_s\":1}")
  t0=$(now)
  "$BIN" paper --config "$cfg" --db "$DB" --out "$TMP/$name" "${RANGE[@]}" --session "$name" "${set[@]}" "$@" \
    > "$TMP/$name.txt" 2>&1
  local rc=$?
  t1=$(now)
  echo "$t0 $t1" | awk '{print $2 - $1}' > "$TMP/$name.secs"
  [ $rc -eq 0 ] || fail "$name: exit $rc: $(tail -3 "$TMP/$name.txt")"
}

same_results() { # name base
  for f in trades.csv equity.csv metrics.json risk.csv; do
    [ -f "$TMP/$2/$f" ] || continue
    cmp -s "$TMP/$2/$f" "$TMP/$1/$f" || fail "$1: $f differs from the session without notifications"
  done
  for f in signals executions; do
    joined "$TMP/$2" $f > "$TMP/a.jsonl"
    joined "$TMP/$1" $f | cmp -s "$TMP/a.jsonl" - || fail "$1: $f.jsonl (days joined) differs"
  done
}

# --- baseline without notifications ------------------------------------------------
session base examples/sma_cross.json ""
[ "$(wc -l < "$TMP/base/trades.csv")" -gt 10 ] || fail "base: too few trades to count messages"
grep -q '^notify' "$TMP/base.txt" && fail "base: a notify line without notifiers"

# --- every message, to both notifiers ------------------------------------------------
start_server ok
session all examples/sma_cross.json "$(tg 100000 1000000 5),$(wh)"
same_results all base
grep -q "^notify  *telegram (at most" "$TMP/all.txt" || fail "all: no startup line for telegram"
grep -q "^notify  *telegram: [0-9]* sent, 0 failed" "$TMP/all.txt" || fail "all: stats: $(grep ^notify "$TMP/all.txt")"
"$PY" - "$TMP/req.jsonl" "$TMP/all" "$TOKEN" <<'PY' || fail "all: the messages (above)"
import csv, datetime, json, sys
log, d, token = sys.argv[1:]
reqs = [json.loads(l) for l in open(log)]
tg = [r for r in reqs if r["path"].startswith("/bot")]
wh = [r for r in reqs if r["path"] == "/hook/s3cr3t-path"]
assert len(tg) + len(wh) == len(reqs), "requests to other paths"
assert all(r["path"] == "/bot" + token + "/sendMessage" for r in tg), "telegram path"
assert all(r["body"]["chat_id"] == "-100424242" for r in tg), "chat id"
assert all(r["ctype"] == "application/json" for r in reqs), "content type"
trades = list(csv.DictReader(open(d + "/trades.csv")))
closed = [t for t in trades if t["exit_time"] not in ("", "open")]
# Step closes: equity.csv times are the steps' bar opens, 1h bars.
days = set()
for row in csv.DictReader(open(d + "/equity.csv")):
    t = datetime.datetime.strptime(row["time"], "%Y-%m-%dT%H:%M:%SZ") + datetime.timedelta(hours=1)
    days.add(t.date())
want = {"trade_opened": len(trades), "trade_closed": len(closed), "daily_summary": len(days) - 1}
got = {}
for r in wh:
    got[r["body"]["event"]] = got.get(r["body"]["event"], 0) + 1
for k, v in want.items():
    assert got.get(k, 0) == v, (k, got.get(k, 0), v)
assert sum(got.values()) == sum(want.values()), ("other events", got)
# Telegram got the same texts, in the same order.
assert [r["body"]["text"] for r in tg] == [r["body"]["text"] for r in wh], "telegram and webhook texts differ"
# Each closed trade's message carries its P&L as trades.csv has it, in order.
msgs = [r["body"]["text"] for r in wh if r["body"]["event"] == "trade_closed"]
for t, m in zip(closed, msgs):
    pnl = "%+.2f" % float(t["pnl"])
    assert ("P&L " + pnl + " USDT") in m, (m, pnl)
    assert t["side"].upper() in m, (m, t["side"])
opened = [r["body"]["text"] for r in wh if r["body"]["event"] == "trade_opened"]
for t, m in zip(trades, opened):
    assert t["entry_time"].replace("T", " ").rstrip("Z") in m, (m, t["entry_time"])
PY
grep -c '^{"method": "POST", "path": "/bot' "$TMP/req.jsonl" > "$TMP/all.count"

# --- protections fired (the risk stage): as many as the backtest reports ------------------
start_server ok
session prot examples/risk_protections.json "$(wh)"
"$BIN" backtest --config examples/risk_protections.json --db "$DB" --out "$TMP/bt-prot" "${RANGE[@]}" \
  > "$TMP/bt-prot.txt" 2>&1 || fail "backtest of risk_protections"
same_results prot bt-prot
want=$(awk '/^protection / { for (i = 1; i <= NF; i++) if ($i == "fired") n += $(i + 1) } END { print n + 0 }' \
  "$TMP/bt-prot.txt")
[ "$want" -gt 0 ] || fail "prot: the backtest fired no protection over the range (pick another)"
got=$("$PY" - "$TMP/req.jsonl" <<'PY'
import json, re, sys
n = 0
for l in open(sys.argv[1]):
    b = json.loads(l)["body"]
    if b.get("event") == "protection":
        m = re.search(r"fired (\d+) times", b["text"])
        n += int(m.group(1)) if m else 1
print(n)
PY
)
[ "$got" = "$want" ] || fail "prot: protection firings announced $got, the backtest reports $want"

# --- the AI stage falling back to TA-only and recovering ------------------------------------
# The fake LLM provider (tests/ai/fake_llm_server.py) answers 500 and 200 in
# a scripted pattern; the stage logs each episode's start and end in
# ai_decisions.jsonl, and each is announced once.
"$PY" tests/ai/fake_llm_server.py --fixtures tests/ai/fixtures --port-file "$TMP/llm.port" > /dev/null 2>&1 &
LLM=$!
for _ in $(seq 100); do [ -s "$TMP/llm.port" ] && break; sleep 0.1; done
LPORT=$(cat "$TMP/llm.port")
"$PY" - > "$TMP/script.json" <<'PY'
import json
ok = json.dumps({"id": "x", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
                 "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant",
                              "content": json.dumps({"action": "APPROVE", "confidence": 0.8, "reasons": ["ok"]})}}],
                 "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}})
bad = json.dumps({"error": {"message": "boom", "type": "server_error"}})
pattern = [500, 200, 200, 500, 500, 200, 200, 200]
steps = [{"status": pattern[i % len(pattern)], "headers": {"content-type": "application/json"},
          "body": ok if pattern[i % len(pattern)] == 200 else bad} for i in range(400)]
print(json.dumps(steps))
PY
curl -s -X POST --data @"$TMP/script.json" "http://127.0.0.1:$LPORT/__script" > /dev/null || fail "ai: script"
export PR_NOTIFY_AI_KEY=sk-notify-test-key
cat > "$TMP/ai.json" <<JSON
{"data": {"datasets": ["local:BTCUSDT:1h"], "from": "2022-01-01", "to": "2022-03-01"},
 "strategy": {"name": "sma_cross", "params": {"fast": 10, "slow": 30}},
 "sizing": {"mode": "fixed_qty", "qty": 0.1},
 "account": {"currency": "USDT", "cash": 10000},
 "confirm": [{"type": "llm", "providers": [{"kind": "openai", "name": "oa", "base_url": "http://127.0.0.1:$LPORT/v1",
   "key_env": "PR_NOTIFY_AI_KEY", "max_retries": 0, "timeout_s": 5, "rate_per_min": 0, "breaker_failures": 100}],
   "prices": [{"model": "gpt-4o-mini", "input": 0.15, "output": 0.6}],
   "mode": "live", "prompts_dir": "prompts", "ta_threshold": 0}]}
JSON
start_server ok
session ai "$TMP/ai.json" "$(wh)"
kill "$LLM" 2>/dev/null
down=$(grep -c '"event":"ai_unavailable"' "$TMP/ai/ai_decisions.jsonl")
up=$(grep -c '"event":"ai_recovered"' "$TMP/ai/ai_decisions.jsonl")
[ "$down" -gt 1 ] && [ "$up" -gt 0 ] || fail "ai: the script made $down episodes, $up recoveries (want several)"
got_down=$(grep -c '"event": "ai_unavailable"' "$TMP/req.jsonl")
got_up=$(grep -c '"event": "ai_recovered"' "$TMP/req.jsonl")
[ "$got_down" = "$down" ] && [ "$got_up" = "$up" ] \
  || fail "ai: announced $got_down unavailable / $got_up recovered, the AI log has $down / $up"

# --- the rate limit: a burst of 3, (almost) no refill -> 3 sent, the rest counted -----------
start_server ok
session rate examples/sma_cross.json "$(tg 0.0001 3 5)"
same_results rate base
n=$(wc -l < "$TMP/req.jsonl")
[ "$n" -eq 3 ] || fail "rate: $n requests, want the burst of 3"
grep -q "^notify  *telegram: 3 sent, 0 failed, [1-9][0-9]* dropped by the rate limit" "$TMP/rate.txt" \
  || fail "rate: stats: $(grep ^notify "$TMP/rate.txt")"
dropped=$(sed -n 's/^notify  *telegram: 3 sent, 0 failed, \([0-9]*\) dropped by the rate limit.*/\1/p' "$TMP/rate.txt")
[ -n "$dropped" ] && [ $((dropped + 3)) -eq "$(cat "$TMP/all.count")" ] \
  || fail "rate: 3 sent + $dropped dropped is not the $(cat "$TMP/all.count") messages of the session"

# --- failing servers: same results, bounded time, the token never shown ----------------------
base_secs=$(cat "$TMP/base.secs")
for mode in 500 hang 429; do
  start_server $mode
  session "f$mode" examples/sma_cross.json "$(tg 100000 1000000 1)"
  same_results "f$mode" base
  secs=$(cat "$TMP/f$mode.secs")
  # flush_s 1 + one request under way (timeout 1 s) + slack for a loaded machine
  awk -v a="$secs" -v b="$base_secs" 'BEGIN { exit !(a <= b + 6) }' \
    || fail "$mode: the session took ${secs}s, without notifications ${base_secs}s"
  grep -q "^session  *PAPER ended with the feed" "$TMP/f$mode.txt" || fail "$mode: no session summary"
done
grep -q "^notify  *telegram: 0 sent, [1-9][0-9]* failed.*last failure: POST /bot\[REDACTED\]/sendMessage: HTTP 500: .*\[REDACTED\]" \
  "$TMP/f500.txt" || fail "500: stats: $(grep ^notify "$TMP/f500.txt")"
grep -q "^notify  *telegram: 0 sent, [1-9].*failed.*last failure: .*Timeout" "$TMP/fhang.txt" \
  || fail "hang: stats: $(grep ^notify "$TMP/fhang.txt")"
# 429 with retry_after 30: nothing more is sent for 30 s, the rest is counted.
n=$(wc -l < "$TMP/req.jsonl")
[ "$n" -eq 1 ] || fail "429: $n requests after a 429 asking for 30 s"
grep -q "^notify  *telegram: 0 sent, 1 failed, [1-9][0-9]* dropped by the rate limit" "$TMP/f429.txt" \
  || fail "429: stats: $(grep ^notify "$TMP/f429.txt")"

# Everything the sessions wrote (outputs, terminal text, the store) is free of the token.
kill "$SRV" 2>/dev/null
hits=$(grep -rlF --exclude=req.jsonl -- "${TOKEN#*:}" "$TMP" 2>/dev/null)
[ -z "$hits" ] || fail "the bot token is in: $hits"
hits=$(grep -rlF --exclude=req.jsonl -- "s3cr3t-path" "$TMP" 2>/dev/null)
[ -z "$hits" ] || fail "the webhook URL is in: $hits"

# --- configuration errors name the key -----------------------------------------------------
bad() { # expected-text set...
  local want=$1
  shift
  "$BIN" paper --config examples/sma_cross.json --db "$DB" --out "$TMP/x" "${RANGE[@]}" "$@" > /dev/null \
    2> "$TMP/bad.txt" && fail "ran with $*"
  grep -qF -- "$want" "$TMP/bad.txt" || fail "message for $*: $(cat "$TMP/bad.txt")"
  grep -qF -- "${TOKEN#*:}" "$TMP/bad.txt" && fail "the token in the message for $*"
}
bad "live.notify.telegram.rate_per_min" --set 'live.notify.telegram.rate_per_min=-1'
bad "live.notify.telegram.tokn: unknown key" --set 'live.notify.telegram.tokn="x"'
bad "live.notify.webhook: needs url" --set 'live.notify.webhook.burst=2'
bad "live.notify.webhook.events.0" --set 'live.notify.webhook={"url":"http://127.0.0.1:9/","events":["trade"]}'
bad "live.notify.telegram.base_url" --set 'live.notify.telegram.base_url="ftp://x"'
TELEGRAM_BOT_TOKEN= bad "TELEGRAM_BOT_TOKEN is empty or missing" --set 'live.notify.telegram.burst=2'

[ $fails -eq 0 ] || exit 1
echo "ok"
