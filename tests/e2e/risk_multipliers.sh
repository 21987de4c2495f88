#!/usr/bin/env bash
# End-to-end test of the risk stage's confirmation multipliers with an LLM
# provider played by tests/ai/fake_llm_server.py on loopback: sma_cross on
# six weeks of the sample BTCUSDT 1h, sized by the risk stage at a fixed 5%
# of equity, so each trade's notional / equity at its entry shows the
# multiplier (recomputed from trades.csv):
#  - APPROVE at 0.9 with the verdict table: 1.0 -> 5%;
#  - APPROVE at 0.8 (not above approve_confidence 0.8): approve_low 0.5 -> 2.5%;
#  - REDUCE_SIZE at 0.9 (the stage's own reduce_factor set to 1): 0.5 -> 2.5%;
#  - the same with the stage's reduce_factor left at its default 0.5, or set
#    to 0.5: still 2.5%, not 0.5 x 0.5 = 1.25% (with the verdict table on,
#    the stage's factor is 1; a factor set in the file is named in a warning);
#  - "5% base x AI confidence", APPROVE at 0.6: 0.6 -> 3%;
#  - the mtf question, 1h 4h 1d bullish and 1w bearish: 3 of 4 timeframes
#    agree with the longs, alignment 0.75, the table's 0.7 -> 3.5%;
#  - the provider down: no verdict, both multipliers 1 -> 5%.
# (A REJECT never reaches the sizer, the stage vetoes the entry: the table's
# reject row is tested in tests/risk/test_mult.c.)
set -u
source "$(dirname "$0")/lib/prelude.bash"
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "skipped: $PY is needed for the fake LLM server"; exit 77; }
command -v curl > /dev/null || { echo "skipped: curl is needed to script the fake LLM server"; exit 77; }
export PR_E2E_RM_KEY="sk-e2e-RISKMULT-SECRET-0a1b2c"

"$PY" tests/ai/fake_llm_server.py --fixtures tests/ai/fixtures --port-file "$TMP/port" > /dev/null 2>&1 &
SRV=$!
for _ in $(seq 200); do [ -s "$TMP/port" ] && break; sleep 0.05; done
PORT=$(cat "$TMP/port")
# answers ACTION CONFIDENCE: every answer the same (ACTION "mtf": the
# multi-timeframe verdict above).
answers() {
  "$PY" - "$1" "$2" > "$TMP/script.json" << 'PYEOF'
import json, sys
tf = lambda d: {"direction": d, "confidence": float(sys.argv[2]), "patterns": []}
content = json.dumps({"action": sys.argv[1], "confidence": float(sys.argv[2]), "reasons": ["e2e"]}
                     if sys.argv[1] != "mtf" else
                     {"timeframes": {"1h": tf("bullish"), "4h": tf("bullish"), "1d": tf("bullish"),
                                     "1w": tf("bearish")}, "reasoning": "e2e"})
body = json.dumps({"id": "e2e", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
                   "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                "finish_reason": "stop"}],
                   "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}})
print(json.dumps([{"status": 200, "headers": {"content-type": "application/json"}, "body": body}] * 300))
PYEOF
  curl -s -X POST --data @"$TMP/script.json" "http://127.0.0.1:$PORT/__script" > /dev/null
}
# run NAME MULTIPLIERS [BASE_URL] [QUESTION]: the run with the given risk.multipliers.
run() {
  cat > "$TMP/$1.json" << EOF
{"data": {"csv": ["data/sample/crypto/BTCUSDT-1h.csv"], "db": "sqlite:$TMP/c.db", "from": "2023-01-01", "to": "2023-02-15"},
 "strategy": {"name": "sma_cross", "params": {"fast": 10, "slow": 30, "stop": 0.03}},
 "confirm": [{"type": "llm", "providers": [{"kind": "openai", "name": "oa", "base_url": "${3:-http://127.0.0.1:$PORT/v1}",
     "key_env": "PR_E2E_RM_KEY", "max_retries": 0, "timeout_s": 5, "rate_per_min": 0}],
   "prices": [{"model": "gpt-4o-mini", "input": 0.15, "output": 0.6}],
   "mode": "live", "prompts_dir": "prompts", "ta_threshold": 0.5, "consensus": ${CONS:-{\"reduce_factor\": 1\}},
   "question": "${4:-confirm}"}],
 "risk": {"sizing": {"mode": "fixed_fraction", "fraction": 0.05}, "multipliers": $2},
 "account": {"currency": "USDT", "cash": 10000}}
EOF
  "$BIN" backtest --config "$TMP/$1.json" --out "$TMP/$1" > "$TMP/$1.out" 2>&1 || fail "$1 exited: $(tail -3 "$TMP/$1.out")"
}
# ratio NAME WANT: every trade's notional is WANT x the equity at its entry.
ratio() {
  "$PY" - "$TMP/$1/trades.csv" "$2" "$1" << 'PY' || fail "$1 (above)"
import csv, sys
tr = list(csv.DictReader(open(sys.argv[1])))
want = float(sys.argv[2])
if len(tr) < 5:
    print(f"FAIL: {sys.argv[3]}: only {len(tr)} trades"); sys.exit(1)
bad = 0
for i, t in enumerate(tr):
    eq = 10000 + sum(float(x["pnl"]) for x in tr[:i] if x["exit_time"] and x["exit_time"] <= t["entry_time"])
    r = float(t["qty"]) * float(t["entry_price"]) / eq
    if abs(r - want) > want * 0.002:
        bad += 1
        print(f"FAIL: {sys.argv[3]} trade {i}: {r:.5f} of equity, want {want}")
sys.exit(1 if bad else 0)
PY
}
answers APPROVE 0.9
run approve '{"ai_verdict": true}'
ratio approve 0.05
answers APPROVE 0.8
run approve_low '{"ai_verdict": true}'
ratio approve_low 0.025
answers REDUCE_SIZE 0.9
run reduce '{"ai_verdict": true}'
ratio reduce 0.025
grep -q "AI verdict REDUCE_SIZE: [0-9]* resized" "$TMP/reduce.out" || fail "reduce: no reason counted: $(grep '^risk' "$TMP/reduce.out")"
CONS='{}' run reduce_default '{"ai_verdict": true}'
ratio reduce_default 0.025
grep -q "reduce_factor" "$TMP/reduce_default.out" && fail "reduce_default: a warning on a factor not set: $(grep reduce_factor "$TMP/reduce_default.out")"
CONS='{"reduce_factor": 0.5}' run reduce_set '{"ai_verdict": true}'
ratio reduce_set 0.025
grep -q "warning: .*confirm.0.consensus.reduce_factor 0.5 is not applied: risk.multipliers.ai_verdict" "$TMP/reduce_set.out" \
  || fail "reduce_set: no warning: $(grep -i warning "$TMP/reduce_set.out")"
answers APPROVE 0.6
run confidence '{"ai_confidence": true}'
ratio confidence 0.03
answers mtf 0.8
run mtf '{"mtf": true}' "" mtf
ratio mtf 0.035
grep -q "timeframe alignment multiplier: [0-9]* resized" "$TMP/mtf.out" || fail "mtf: no reason counted: $(grep '^risk' "$TMP/mtf.out")"
run down '{"ai_verdict": true, "ai_confidence": true, "mtf": true}' "http://127.0.0.1:9/v1"
ratio down 0.05

[ "$fails" -eq 0 ] && echo "risk_multipliers: all passed"
exit $((fails > 0))
