#!/usr/bin/env bash
# End-to-end test of `proratio ai`: imports a small generated dataset, asks a
# provider served by the fake LLM server (tests/ai/fake_llm_server.py) in
# record mode, replays the answer with the server gone, lists the audited
# calls and their cost, and checks failures (401, no key, unsafe .env) end
# with a clear message. Finally greps everything the runs wrote for the key.
set -u
BIN=${PR_BIN:-build/proratio}
PY=/usr/bin/python3
[ -x "$BIN" ] || { echo "SKIP: $BIN not built"; exit 77; }
[ -x "$PY" ] || { echo "SKIP: $PY not available for the fake server"; exit 77; }
"$BIN" ai --help >/dev/null 2>&1 || { echo "SKIP: this build has no 'ai' command yet"; exit 77; }
T=$(mktemp -d)
SRV=
cleanup() { [ -n "$SRV" ] && kill "$SRV" 2>/dev/null; rm -rf "$T"; }
trap cleanup EXIT
DB="sqlite:$T/p.db"
KEY="sk-e2e-SECRET-5f4e3d2c1b0a99887766"
fails=0; passes=0
ok() { passes=$((passes+1)); echo "ok   $1"; }
bad() { fails=$((fails+1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
json() { "$PY" -c "import json,sys; d=json.load(open('$1')); $2"; }

start_server() {
    rm -f "$T/port"
    "$PY" tests/ai/fake_llm_server.py --fixtures tests/ai/fixtures --port-file "$T/port" &
    SRV=$!
    for _ in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
    PORT=$(cat "$T/port")
}
script() { curl -s -X POST --data "$1" "http://127.0.0.1:$PORT/__script" >/dev/null; }

# 300 hourly bars from 2026-07-01T00:00Z, close = 90000 + 25 i (+ a wiggle).
"$PY" - "$T/BTCUSDT-1h.csv" <<'EOF'
import sys
t0 = 1782864000000
with open(sys.argv[1], "w") as f:
    f.write("timestamp,open,high,low,close,volume\n")
    prev = 90000.0
    for i in range(300):
        c = 90000 + 25 * i + (40 if i % 7 == 0 else -15)
        f.write(f"{t0 + i * 3600000},{prev},{max(prev, c) + 30},{min(prev, c) - 30},{c},{100 + i}\n")
        prev = c
EOF
"$BIN" data import "$T/BTCUSDT-1h.csv" --db "$DB" >"$T/import.txt" 2>&1
check "import the generated dataset" "[ $? -eq 0 ]"

# The config names the server's port, so it is rewritten at each start.
write_config() {
    cat >"$T/cfg.json" <<EOF
{"ai": {"providers": [{"kind": "openai", "name": "oa", "base_url": "http://127.0.0.1:$PORT/v1",
                       "key_env": "PR_E2E_OPENAI_KEY", "max_tokens": 400, "max_retries": 0}],
        "prices": [{"model": "gpt-4o-mini", "input": 0.15, "output": 0.6}],
        "prompts_dir": "prompts"}}
EOF
}
start_server
write_config
export PR_E2E_OPENAI_KEY="$KEY"
AT=2026-07-10T12:00:00Z
ASK=("$BIN" ai ask --provider oa --question direction --dataset local:BTCUSDT:1h --at "$AT" --db "$DB" --config "$T/cfg.json")

# 1. record: the prompt is printed, the fixture's verdict comes back validated
script '[{"fixture":"openai/chat_json_schema_ok"}]'
"${ASK[@]}" --mode record >"$T/rec.txt" 2>&1
rc=$?
check "ask --mode record exits 0 (got $rc)" "[ $rc -eq 0 ]"
check "the prompt is printed with its template id and hash" "grep -Eq '^prompt direction.v1 sha256 [0-9a-f]{64}$' '$T/rec.txt'"
check "the prompt shows the decision time and the last closed bar only" \
  "grep -q 'Decision time: 2026-07-10T12:00:00Z' '$T/rec.txt' && grep -q '^2026-07-10T11:00:00Z ' '$T/rec.txt' && ! grep -q '^2026-07-10T12:00:00Z ' '$T/rec.txt'"
check "the verdict is printed" "grep -q '\"direction\": \"bullish\"' '$T/rec.txt' && grep -q '\"confidence\": 0.72' '$T/rec.txt'"
curl -s "http://127.0.0.1:$PORT/__requests" >"$T/reqs.json"
check "the request carried the key as a Bearer header, on /v1/chat/completions" \
  "json '$T/reqs.json' \"r=d[0]; sys.exit(not (r['path']=='/v1/chat/completions' and r['headers']['authorization']=='Bearer ' + '$KEY'))\""
check "the request body asked for the verdict JSON schema" \
  "json '$T/reqs.json' \"b=json.loads(d[0]['body']); sys.exit(not (b['response_format']['json_schema']['name']=='trading_verdict' and b['max_completion_tokens']==400))\""

# 2. replay with the server gone: same verdict, nothing sent
kill "$SRV"; wait "$SRV" 2>/dev/null; SRV=
"${ASK[@]}" --mode replay >"$T/rep.txt" 2>&1
rc=$?
check "ask --mode replay exits 0 without a server (got $rc)" "[ $rc -eq 0 ]"
check "replay prints the same prompt and verdict" \
  "diff <(grep -v '^--- verdict' '$T/rec.txt') <(grep -v '^--- verdict' '$T/rep.txt') >/dev/null && grep -q 'replay, cached' '$T/rep.txt'"
"$BIN" ai ask --provider oa --question direction --dataset local:BTCUSDT:1h --at 2026-07-10T13:00:00Z --db "$DB" \
  --config "$T/cfg.json" --mode replay >"$T/miss.txt" 2>&1
rc=$?
check "replay of an uncached question exits 4 with cache_miss (got $rc)" "[ $rc -eq 4 ] && grep -q 'cache_miss' '$T/miss.txt'"

# 3. the audit trail: one call, its tokens and cost (231*0.15 + 96*0.6) / 1e6 = 9.225e-05
"$BIN" ai calls --db "$DB" --json >"$T/calls.json"
check "calls --json lists the one call with tokens and cost" \
  "json '$T/calls.json' \"c=d['calls']; sys.exit(not (len(c)==1 and c[0]['provider']=='oa' and c[0]['template']=='direction.v1' and c[0]['tokens_in']==231 and c[0]['tokens_out']==96 and abs(c[0]['cost']-9.225e-05)<1e-12 and c[0]['verdict']['direction']=='bullish' and d['total']['calls']==1))\""
"$BIN" ai calls --db "$DB" >"$T/calls.txt"
check "calls prints a table and the spend" "grep -q '^total: 1 call, \\\$0.000092' '$T/calls.txt'"

# 4. failures are clear and never crash
start_server
write_config
script '[{"fixture":"openai/err_401"}]'
"${ASK[@]}" --mode live >"$T/e401.txt" 2>&1
rc=$?
check "HTTP 401 exits 1 and says auth (got $rc)" "[ $rc -eq 1 ] && grep -q '^auth: ' '$T/e401.txt'"
script '[{"fixture":"openai/chat_finish_length"}]'
"${ASK[@]}" --mode live --json >"$T/trunc.json" 2>&1
check "a cut-off answer is rejected as truncated (--json)" \
  "json '$T/trunc.json' \"sys.exit(not (d['fail']=='truncated' and d['verdict'] is None))\""
unset PR_E2E_OPENAI_KEY
"${ASK[@]}" --mode live >"$T/nokey.txt" 2>&1
rc=$?
check "no key: exit 4 naming the variable, no crash (got $rc)" "[ $rc -eq 4 ] && grep -q 'PR_E2E_OPENAI_KEY is not set' '$T/nokey.txt'"
printf 'PR_E2E_OPENAI_KEY=%s\n' "$KEY" >"$T/env"
chmod 644 "$T/env"
"${ASK[@]}" --mode live --env "$T/env" >"$T/envbad.txt" 2>&1
rc=$?
check "a .env readable by others is refused (got $rc)" "[ $rc -ne 0 ] && grep -qi 'env' '$T/envbad.txt'"
chmod 600 "$T/env"
script '[{"fixture":"openai/chat_json_object_ok"}]'
"${ASK[@]}" --mode live --env "$T/env" >"$T/envok.txt" 2>&1
check "the key from a private .env works" "[ $? -eq 0 ] && grep -q '\"direction\": \"neutral\"' '$T/envok.txt'"
check "usage errors exit 2" "\"$BIN\" ai ask --provider oa >/dev/null 2>&1; [ \$? -eq 2 ]"

# 5. the key appears nowhere the runs wrote (outputs, store, WAL)
kill "$SRV"; wait "$SRV" 2>/dev/null; SRV=
# (env holds it on purpose; reqs.json is what the fake provider received)
leaks=$(grep -rl --exclude=env --exclude=reqs.json -- "$KEY" "$T" 2>/dev/null | wc -l)
check "the key is in no output, log or store file ($leaks files)" "[ $leaks -eq 0 ]"

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
