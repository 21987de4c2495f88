#!/usr/bin/env bash
# End-to-end test of the LLM `levels` verdict merged with the detected
# levels in the risk stage's `level` stops (confirm stage "levels": true,
# risk.stops.llm_levels), with the provider played by
# tests/ai/fake_llm_server.py on loopback: sma_cross (no bracket of its own)
# on six weeks of the sample BTCUSDT 1h, plain prompts, every entry
# approved, and the levels question answered with supports every 1,000 from
# 16,000 to 23,000. With level_strength 0.999 no detected level qualifies
# and the LLM's count at 1, so the stop of an entry decided at the close C
# is 0.2% below the highest of those levels under C (if within 10% of C),
# else the 2% fallback, C x 0.98; each stopped-out trade names its stop,
# recomputed here from the CSV. With llm_levels off, every stop is the
# fallback's. A replay of the recorded answers gives the same trades.
set -u
source "$(dirname "$0")/lib/prelude.bash"
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "skipped: $PY is needed for the fake LLM server"; exit 77; }
command -v curl > /dev/null || { echo "skipped: curl is needed to script the fake LLM server"; exit 77; }
export PR_E2E_LL_KEY="sk-e2e-LLMLEVELS-SECRET-9z8y7x"

"$PY" tests/ai/fake_llm_server.py --fixtures tests/ai/fixtures --port-file "$TMP/port" > /dev/null 2>&1 &
SRV=$!
for _ in $(seq 200); do [ -s "$TMP/port" ] && break; sleep 0.05; done
PORT=$(cat "$TMP/port")
# The answers in order: per entry, the confirm question, then the levels one.
"$PY" - > "$TMP/script.json" << 'PYEOF'
import json
def body(content):
    return json.dumps({"id": "e2e", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
                       "choices": [{"index": 0, "message": {"role": "assistant", "content": json.dumps(content)},
                                    "finish_reason": "stop"}],
                       "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}})
confirm = body({"action": "APPROVE", "confidence": 0.9, "reasons": ["e2e"]})
levels = body({"levels": [{"kind": "support", "price": 16000 + 1000 * k, "strength": 0.6, "touches": 2}
                          for k in range(8)], "reasoning": "e2e"})
r = lambda b: {"status": 200, "headers": {"content-type": "application/json"}, "body": b}
print(json.dumps([r(confirm), r(levels)] * 200))
PYEOF
# run NAME LLM_LEVELS MODE
run() {
  cat > "$TMP/$1.json" << EOF
{"data": {"csv": ["data/sample/crypto/BTCUSDT-1h.csv"], "db": "sqlite:$TMP/c.db", "from": "2023-01-01", "to": "2023-02-15"},
 "strategy": {"name": "sma_cross", "params": {"fast": 10, "slow": 30}},
 "confirm": [{"type": "llm", "providers": [{"kind": "openai", "name": "oa", "base_url": "http://127.0.0.1:$PORT/v1",
     "key_env": "PR_E2E_LL_KEY", "max_retries": 0, "timeout_s": 5, "rate_per_min": 0}],
   "prices": [{"model": "gpt-4o-mini", "input": 0.15, "output": 0.6}],
   "mode": "$3", "prompts_dir": "prompts", "ta_threshold": 0.5, "prompt_mode": "plain", "levels": true}],
 "risk": {"sizing": {"mode": "fixed_fraction", "fraction": 0.05},
          "stops": {"mode": "level", "level_strength": 0.999, "level_max": 0.1, "level_fallback": "pct",
                    "stop_pct": 0.02, "llm_levels": $2}},
 "account": {"currency": "USDT", "cash": 10000}}
EOF
  "$BIN" backtest --config "$TMP/$1.json" --out "$TMP/$1" > "$TMP/$1.out" 2>&1 || fail "$1 exited: $(tail -3 "$TMP/$1.out")"
}
curl -s -X POST --data @"$TMP/script.json" "http://127.0.0.1:$PORT/__script" > /dev/null
run on true record
curl -s -X POST --data @"$TMP/script.json" "http://127.0.0.1:$PORT/__script" > /dev/null
run off false live
run replay true replay
cmp -s "$TMP/on/trades.csv" "$TMP/replay/trades.csv" || fail "the replay's trades differ from the recorded run's"

"$PY" - "$TMP" data/sample/crypto/BTCUSDT-1h.csv << 'PY' || fail "level stops (above)"
import csv, re, sys
from datetime import datetime, timedelta
d, data = sys.argv[1], sys.argv[2]
rows = list(csv.reader(open(data)))[1:]
key = lambda t: datetime.strptime(t.replace("T", " ").rstrip("Z"), "%Y-%m-%d %H:%M:%S")
close = {key(r[0]): float(r[4]) for r in rows}
levels = [16000 + 1000 * k for k in range(8)]
ok = True
for name, llm in (("on", True), ("off", False)):
    n_stop = n_llm = 0
    for t in csv.DictReader(open(d + "/" + name + "/trades.csv")):
        m = re.match(r"stop: protective stop ([0-9.e+]+)$", t["reason"])
        if not m: continue
        n_stop += 1
        c = close[key(t["entry_time"]) - timedelta(hours=1)]   # the decision bar's close
        below = [l for l in levels if l < c]
        want = c * 0.98
        if llm and below and c - max(below) * 0.998 <= 0.1 * c:
            want = max(below) * 0.998
            n_llm += 1
        if abs(float(m.group(1)) - want) > 0.01:
            print("FAIL: %s: entry %s (close %.2f): stop %s, want %.2f" % (name, t["entry_time"], c, m.group(1), want))
            ok = False
    print("%s: %d stopped out, %d at an LLM level" % (name, n_stop, n_llm))
    if n_stop == 0 or (llm and n_llm == 0):
        print("FAIL: %s: the run no longer exercises the rule" % name); ok = False
sys.exit(0 if ok else 1)
PY
[ "$fails" -eq 0 ] && echo "risk_llm_levels: all passed"
exit $((fails > 0))
