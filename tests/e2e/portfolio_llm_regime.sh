#!/usr/bin/env bash
# End-to-end test of the LLM regime verdict combined with the technical
# regime in the portfolio (strategy.params.regime.llm_weight, providers in
# strategy.params.regime_llm), with the provider played by
# tests/ai/fake_llm_server.py on loopback: trend_ema on BTCUSDT 1h and
# mean_reversion on ETHUSDT 1h over two weeks of the sample (January 2023,
# a rally), BTCUSDT's regime picking the weights: default [1, 1],
# strong_bear [0, 1]. The model answers strong_bear at 0.9 (strong_bull
# 0.1) at every bar. Worked out with pr_regime_combine's rule:
#  - llm_weight 0.9 (technical weight 0.1): the technical regime scores at
#    most 0.1 + 0.9 x 0.1 = 0.19 < 0.9 x 0.9 = 0.81, so the regime is
#    strong_bear at every bar: no BTCUSDT trade, and every regime bar asks
#    the model once;
#  - the same without llm_weight: the technical regime alone, BTCUSDT trades;
#  - llm_weight 0.1 (technical 0.9): a non-bear technical regime scores at
#    least 0.9 > 0.1 x 0.9: the model never changes it, the trades are those
#    of the run without it;
#  - a replay of the recorded answers gives the same trades, with no
#    provider call.
set -u
source "$(dirname "$0")/lib/prelude.bash"
PY=/usr/bin/python3
[ -x "$PY" ] || { echo "skipped: $PY is needed for the fake LLM server"; exit 77; }
command -v curl > /dev/null || { echo "skipped: curl is needed to script the fake LLM server"; exit 77; }
export PR_E2E_LR_KEY="sk-e2e-LLMREGIME-SECRET-5q4w3e"
DB="sqlite:$TMP/s.db"
"$BIN" data import data/sample/crypto/BTCUSDT-1h.csv data/sample/crypto/ETHUSDT-1h.csv --db "$DB" > /dev/null 2>&1 \
  || fail "import of the sample"

"$PY" tests/ai/fake_llm_server.py --fixtures tests/ai/fixtures --port-file "$TMP/port" > /dev/null 2>&1 &
SRV=$!
for _ in $(seq 200); do [ -s "$TMP/port" ] && break; sleep 0.05; done
PORT=$(cat "$TMP/port")
"$PY" - > "$TMP/script.json" << 'PYEOF'
import json
names = ["strong_bull", "weak_bull", "bull_range", "bear_range", "weak_bear", "strong_bear",
         "high_vol_expansion", "low_vol_compression"]
prob = {n: 0.0 for n in names}
prob["strong_bear"], prob["strong_bull"] = 0.9, 0.1
content = json.dumps({"regime": "strong_bear", "probabilities": prob, "reasoning": "e2e"})
body = json.dumps({"id": "e2e", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
                   "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                "finish_reason": "stop"}],
                   "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}})
print(json.dumps([{"status": 200, "headers": {"content-type": "application/json"}, "body": body}] * 1500))
PYEOF
curl -s -X POST --data @"$TMP/script.json" "http://127.0.0.1:$PORT/__script" > /dev/null
# run NAME WEIGHT MODE
run() {
  cat > "$TMP/$1.json" << EOF
{"data": {"db": "$DB", "datasets": ["local:BTCUSDT:1h", "local:ETHUSDT:1h"], "from": "2023-01-01", "to": "2023-01-15"},
 "instruments": {"BTCUSDT": {"fx_rate": 1}, "ETHUSDT": {"fx_rate": 1}},
 "strategy": {"name": "portfolio", "params": {
   "sleeves": [{"strategy": "trend_ema", "params": {"fast": 5, "slow": 20}, "markets": ["BTCUSDT"]},
               {"strategy": "mean_reversion", "markets": ["ETHUSDT"]}],
   "regime_market": "BTCUSDT",
   "regime": {"hurst_window": 0, "atr_window": 20, "llm_weight": $2},
   "allocation": {"default": [1, 1], "strong_bear": [0, 1]},
   "regime_llm": {"providers": [{"kind": "openai", "name": "oa", "base_url": "http://127.0.0.1:$PORT/v1",
       "key_env": "PR_E2E_LR_KEY", "max_retries": 0, "timeout_s": 5, "rate_per_min": 0}],
     "prices": [{"model": "gpt-4o-mini", "input": 0.15, "output": 0.6}],
     "mode": "$3", "prompts_dir": "prompts"}}},
 "sizing": {"mode": "fixed_fraction", "fraction": 0.2},
 "account": {"currency": "USD", "cash": 100000}}
EOF
  "$BIN" backtest --config "$TMP/$1.json" --out "$TMP/$1" > "$TMP/$1.out" 2>&1 || fail "$1 exited: $(tail -3 "$TMP/$1.out")"
}
run bear 0.9 record
run tech 0 live
run light 0.1 live
run replay 0.9 replay
btc() { grep -c "BTCUSDT" "$TMP/$1/trades.csv"; }
[ "$(btc bear)" -eq 0 ] || fail "llm_weight 0.9: $(btc bear) BTCUSDT trades, want none (strong_bear throughout)"
[ "$(btc tech)" -gt 0 ] || fail "without the model: no BTCUSDT trade (the test needs some)"
grep -q "LLM regime" "$TMP/tech.out" && fail "llm_weight 0: the note names LLM verdicts"
cmp -s "$TMP/tech/trades.csv" "$TMP/light/trades.csv" || fail "llm_weight 0.1: trades differ from the technical run's"
cmp -s "$TMP/bear/trades.csv" "$TMP/replay/trades.csv" || fail "the replay's trades differ from the recorded run's"
n=$(sed -n 's/.*LLM regime verdicts (weight 0.9): \([0-9]*\) asked, \([0-9]*\) answered, \([0-9]*\) changed.*/\1 \2 \3/p' \
  "$TMP/bear.out")
read -r asked answered changed <<< "$n"
[ -n "$n" ] && [ "$asked" -gt 0 ] && [ "$asked" = "$answered" ] || fail "llm_weight 0.9: note '$n' (asked = answered > 0)"
grep -q "LLM regime verdicts (weight 0.9): $asked asked, $asked answered" "$TMP/replay.out" \
  || fail "replay: $(grep -o 'LLM regime verdicts[^;]*' "$TMP/replay.out")"
grep -q "LLM regime verdicts (weight 0.1): [0-9]* asked, [0-9]* answered, 0 changed" "$TMP/light.out" \
  || fail "llm_weight 0.1: $(grep -o 'LLM regime verdicts.*' "$TMP/light.out")"
[ "$fails" -eq 0 ] && echo "portfolio_llm_regime: all passed"
exit $((fails > 0))
