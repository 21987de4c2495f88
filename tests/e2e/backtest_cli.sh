#!/usr/bin/env bash
# End-to-end test of `proratio backtest`:
#  - sma_cross under the peer engines' rules (examples/sma_cross_reference.json)
#    reproduces their 588 trades (times and fill prices equal, sizes to 1e-9)
#    and final equity 7872.1046030923 (tests/data/reference/README.md) to 1e-6;
#  - the fingerprint printed is sha256sum of trades.csv;
#  - two runs give byte-identical trades.csv, equity.csv, metrics.json, report,
#    signals.jsonl and executions.jsonl, and summaries equal but for logged_at;
#    the logs count the run's fills and carry its fingerprint;
#  - the same bars from the store and from the CSV file give the same trades;
#  - flags override keys (--param, --strategy, --from/--to, --set, --out, --json);
#  - every example configuration runs on the imported sample data;
#  - --ab runs TA-only and TA+AI: with no provider key both are identical;
#    with the fake LLM server vetoing every entry TA+AI has no trades, and a
#    replay from the response cache with the server gone gives the same files;
#  - a bad configuration exits 2 naming each bad key's path, a missing dataset
#    or file exits 4, the report references nothing outside itself;
#  - equity.csv, written in the background, is never half-replaced: a failed
#    run leaves the previous one and no partial file.
set -u
. "$(dirname "$0")/lib/prelude.bash"
REF=examples/sma_cross_reference.json

# Value of "end" in the "net" block of a metrics.json.
net_end() { awk '/^  "net": \{/ { n = 1 } n && /"end":/ { gsub(/[",]/, "", $2); print $2; exit }' "$1"; }

# --- the peer reference ----------------------------------------------------------
"$BIN" backtest --config "$REF" --out "$TMP/a" --report "$TMP/a/report.html" > "$TMP/a.txt" 2> "$TMP/a.err"
rc=$?
[ $rc -eq 0 ] || fail "reference run exited $rc: $(cat "$TMP/a.err")"
n=$(($(wc -l < "$TMP/a/trades.csv") - 1))
[ "$n" -eq 588 ] || fail "reference: $n trades, want 588"
end=$(net_end "$TMP/a/metrics.json")
awk -v e="$end" 'BEGIN { r = e / 7872.1046030923 - 1; if (r < 0) r = -r; exit !(e != "" && r < 1e-6) }' \
  || fail "reference: final equity '$end', want 7872.1046030923 (1e-6 relative)"
grep -q "588 closed, 0 open" "$TMP/a.txt" || fail "reference: summary does not say 588 closed trades"
# Trade by trade against the peers' list: times and fill prices equal, sizes to 1e-9.
awk -F, 'NR == FNR { if (FNR > 1) { t = $1; x = $2; sub(" ", "T", t); sub(" ", "T", x)
                       et[FNR - 1] = t ":00Z"; xt[FNR - 1] = x ":00Z"; ep[FNR - 1] = $3; xp[FNR - 1] = $4; sz[FNR - 1] = $5 }
                     next }
         FNR > 1 { k = FNR - 1
                   if ($1 != et[k] || $2 != xt[k]) { print "trade " k ": times " $1 " " $2 " vs " et[k] " " xt[k]; bad = 1 }
                   if ($8 + 0 != ep[k] + 0 || $9 + 0 != xp[k] + 0) { print "trade " k ": prices " $8 " " $9; bad = 1 }
                   d = $7 / sz[k] - 1; if (d < 0) d = -d; if (d > 1e-9) { print "trade " k ": size " $7; bad = 1 }
                   if ($6 != "long" || $4 != "BTCUSDT") { print "trade " k ": " $4 " " $6; bad = 1 } }
         END { exit bad }' tests/data/reference/sma_cross_10_30_btcusdt_1h_trades.csv "$TMP/a/trades.csv" \
  || fail "reference: trades differ from the peers' list"
# Costs are on and shown: 0.1% per side on 1,176 fills; the table has all three columns.
grep -q "Without costs" "$TMP/a.txt" && grep -q "Buy & hold" "$TMP/a.txt" || fail "table lacks the cost-free or benchmark column"
# The fingerprint is the SHA-256 of trades.csv.
fp=$(awk '/^fingerprint/ { print $2 }' "$TMP/a.txt")
[ -n "$fp" ] && [ "$fp" = "$(sha256sum "$TMP/a/trades.csv" | cut -d' ' -f1)" ] || fail "fingerprint '$fp' is not sha256 of trades.csv"
head -1 "$TMP/a/equity.csv" | grep -qx 'time,equity,equity_gross,cash,balance,margin_used,exposure,drawdown' \
  || fail "equity.csv header"
# All-cash spot: while a position is held its cost is out of the cash (cash + position value = equity,
# so cash < 1% of equity), the margin balance is not, and at leverage 1 the margin used is the
# position's value (= exposure x equity); flat, cash = balance = equity.
awk -F, 'NR > 1 && $7 > 0 { held++; if ($4 >= 0.01 * $2 || $5 < 0.5 * $2 || ($6 - $7 * $2) ^ 2 > 1e-12 * $2 ^ 2) bad++ }
         NR > 1 && $7 == 0 { if ($4 != $5 || $4 != $2 || $6 != 0) bad++ }
         END { exit !(held > 1000 && bad == 0) }' "$TMP/a/equity.csv" || fail "equity.csv: cash, balance or margin_used wrong"
[ $(($(wc -l < "$TMP/a/equity.csv") - 1)) -eq 29303 ] || fail "equity.csv: one point per bar expected"
# The report: written, self-contained.
[ -s "$TMP/a/report.html" ] || fail "no report"
grep -qi "http" "$TMP/a/report.html" && fail "report references http"

# --- determinism -------------------------------------------------------------------
"$BIN" backtest --config "$REF" --out "$TMP/b" --report "$TMP/b/report.html" > "$TMP/b.txt" 2>&1 || fail "second run"
for f in trades.csv equity.csv metrics.json report.html signals.jsonl executions.jsonl; do
  cmp -s "$TMP/a/$f" "$TMP/b/$f" || fail "determinism: $f differs between two runs"
done
# The summary differs only in its wall-clock field, logged_at (last).
sed 's/,"logged_at":"[^"]*"}$/}/' "$TMP/a/summary.jsonl" > "$TMP/a.sum"
sed 's/,"logged_at":"[^"]*"}$/}/' "$TMP/b/summary.jsonl" > "$TMP/b.sum"
[ "$(wc -l < "$TMP/a/summary.jsonl")" -eq 1 ] && grep -q '"logged_at":"' "$TMP/a/summary.jsonl" \
  && cmp -s "$TMP/a.sum" "$TMP/b.sum" || fail "determinism: summary.jsonl differs beyond logged_at"
# The run logs agree with trades.csv: 588 round trips are 1,176 fills; the
# summary's figures are the run's.
[ "$(wc -l < "$TMP/a/executions.jsonl")" -eq 1176 ] || fail "executions.jsonl: $(wc -l < "$TMP/a/executions.jsonl") fills, want 1176"
grep -q '"trades":588,"open_trades":0' "$TMP/a/summary.jsonl" && grep -q "\"fingerprint\":\"$fp\"" "$TMP/a/summary.jsonl" \
  || fail "summary.jsonl: $(cat "$TMP/a/summary.jsonl")"

# --- the store gives what the CSV gives ------------------------------------------------
DB="sqlite:$TMP/s.db"
"$BIN" data import data/sample/crypto/*.csv data/sample/stocks/SPY-1d.csv data/sample/stocks/KO-1d.csv \
  data/sample/forex/EURUSD-1h.csv --db "$DB" > /dev/null 2>&1 || fail "import of the sample data"
"$BIN" backtest --config "$REF" --set 'data.csv=[]' --set 'data.datasets=["local:BTCUSDT:1h"]' --db "$DB" \
  --out "$TMP/s" > "$TMP/s.txt" 2>&1 || fail "store run: $(cat "$TMP/s.txt")"
cmp -s "$TMP/a/trades.csv" "$TMP/s/trades.csv" || fail "store and CSV runs differ"

# --- flags override keys ---------------------------------------------------------------
"$BIN" backtest --config "$REF" --param fast=12 --out "$TMP/p" > "$TMP/p.txt" 2>&1 || fail "--param run"
grep -q "fast=12 slow=30" "$TMP/p.txt" || fail "--param fast=12 not applied: $(head -1 "$TMP/p.txt")"
cmp -s "$TMP/a/trades.csv" "$TMP/p/trades.csv" && fail "--param fast=12 gave the same trades"
"$BIN" backtest --config "$REF" --from 2023-01-01 --to 2023-02-01 --out "$TMP/w" > /dev/null 2>&1 || fail "--from/--to run"
[ "$(sed -n 2p "$TMP/w/equity.csv" | cut -d, -f1)" = "2023-01-01T00:00:00Z" ] || fail "--from: first point $(sed -n 2p "$TMP/w/equity.csv")"
[ "$(tail -1 "$TMP/w/equity.csv" | cut -d, -f1)" = "2023-01-31T23:00:00Z" ] || fail "--to: last point $(tail -1 "$TMP/w/equity.csv")"
"$BIN" backtest --config "$REF" --set sizing.mode=fixed_fraction --set sizing.fraction=0.5 --out "$TMP/f" > "$TMP/f.txt" 2>&1 \
  || fail "--set run"
grep -q "sizing fixed_fraction 0.5" "$TMP/f.txt" || fail "--set sizing not applied"
# --strategy drops the file's parameters of the other strategy.
"$BIN" backtest --config "$REF" --strategy ta_score --out "$TMP/t" > "$TMP/t.txt" 2>&1 || fail "--strategy run: $(tail -2 "$TMP/t.txt")"
head -1 "$TMP/t.txt" | grep -q "^strategy *ta_score" || fail "--strategy not applied: $(head -1 "$TMP/t.txt")"
# --json: the metrics document on stdout, the same bytes as metrics.json.
"$BIN" backtest --config "$REF" --json --out "$TMP/j" > "$TMP/j.json" 2> "$TMP/j.err" || fail "--json run"
cmp -s "$TMP/j.json" "$TMP/j/metrics.json" || fail "--json output differs from metrics.json"
[ "$(head -c 1 "$TMP/j.json")" = "{" ] || fail "--json output is not a JSON object"

# --- every example runs ------------------------------------------------------------
# (Without provider keys, so an LLM example never goes to the network: its
# stage is disabled and every signal passes.)
for cfg in examples/*.json; do
  name=$(basename "$cfg" .json)
  env -u OPENAI_API_KEY -u ANTHROPIC_API_KEY -u GEMINI_API_KEY -u OPENROUTER_API_KEY -u DEEPSEEK_API_KEY \
    "$BIN" backtest --config "$cfg" --db "$DB" --out "$TMP/ex/$name" > "$TMP/ex_$name.txt" 2>&1 \
    || fail "example $cfg: $(tail -3 "$TMP/ex_$name.txt")"
  [ -s "$TMP/ex/$name/metrics.json" ] || fail "example $cfg wrote no metrics"
done
grep -q "^KO " "$TMP/ex_multi_asset.txt" && grep -q "^EURUSD " "$TMP/ex_multi_asset.txt" || fail "multi_asset: instruments missing"
grep -q "^ai  *disabled" "$TMP/ex_trend_ema_llm.txt" || fail "trend_ema_llm without keys: no 'ai disabled' line"

# --- a stored forex record without a pip size keeps the default pip ---------------------
# (otherwise the 1-pip spread would silently become 0 and the costs vanish)
FX='{"data": {"datasets": ["local:EURUSD:1h"], "from": "2021-01-01"}, "strategy": {"name": "sma_cross"}, "costs": {"forex": {"spread_pips": 1.0}}}'
echo "$FX" > "$TMP/fx.json"
"$BIN" backtest --config "$TMP/fx.json" --db "$DB" --out "$TMP/fx1" > /dev/null 2>&1 || fail "forex run"
if command -v sqlite3 > /dev/null; then
  sqlite3 "$TMP/s.db" "UPDATE instruments SET pip_size = 0 WHERE symbol = 'EURUSD'" || fail "sqlite3 update"
  "$BIN" backtest --config "$TMP/fx.json" --db "$DB" --out "$TMP/fx2" > /dev/null 2>&1 || fail "forex run, pip 0 stored"
  cmp -s "$TMP/fx1/trades.csv" "$TMP/fx2/trades.csv" || fail "a stored pip size of 0 changed the forex costs"
fi
# 1 pip of spread on EURUSD: each trade's slippage column (spread + slippage) is
# qty x 0.0001 (half a pip on each side); the first trade's must be exactly that.
awk -F, 'NR == 2 { d = $12 - $7 * 0.0001; exit (d < -1e-9 || d > 1e-9) }' "$TMP/fx1/trades.csv" \
  || fail "forex run: spread cost $(sed -n 2p "$TMP/fx1/trades.csv" | cut -d, -f7,12) is not qty x 1 pip"

# --- --ab: TA-only against TA+AI ---------------------------------------------------------
AB_DATA='"data": {"datasets": ["local:BTCUSDT:1h"], "from": "2025-01-01"}, "strategy": {"name": "ta_score"}'
echo "{$AB_DATA}" > "$TMP/noai.json"
"$BIN" backtest --config "$TMP/noai.json" --db "$DB" --ab --out "$TMP/ab0" > /dev/null 2> "$TMP/e.err"
[ $? -eq 2 ] && grep -qF '"confirm" list' "$TMP/e.err" || fail "--ab without confirmation stages: $(cat "$TMP/e.err")"
echo "{$AB_DATA, \"ai\": {\"providers\": [{\"kind\": \"openai\", \"key_env\": \"PR_E2E_NO_SUCH_KEY\"}]}}" > "$TMP/ai_nokey.json"
env -u PR_E2E_NO_SUCH_KEY "$BIN" backtest --config "$TMP/ai_nokey.json" --db "$DB" --ab --out "$TMP/ab1" > "$TMP/ab1.txt" 2>&1 \
  || fail "--ab without a key: $(tail -3 "$TMP/ab1.txt")"
grep -q "^ai  *disabled" "$TMP/ab1.txt" || fail "--ab without a key: no 'disabled' note"
cmp -s "$TMP/ab1/ta_only/trades.csv" "$TMP/ab1/ta_ai/trades.csv" || fail "--ab without a key: the sides differ"
[ $(($(wc -l < "$TMP/ab1/ta_only/trades.csv") - 1)) -gt 0 ] || fail "--ab: the TA-only side has no trades to compare"
PY=/usr/bin/python3
if [ -x "$PY" ] && command -v curl > /dev/null; then
  "$PY" tests/ai/fake_llm_server.py --fixtures tests/ai/fixtures --port-file "$TMP/port" > /dev/null 2>&1 &
  SRV=$!
  for _ in $(seq 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
  PORT=$(cat "$TMP/port")
  # Every answer rejects the trade.
  "$PY" - > "$TMP/script.json" <<'PYEOF'
import json
content = json.dumps({"action": "REJECT", "confidence": 0.9, "reasons": ["e2e veto"]})
body = json.dumps({"id": "e2e", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
                   "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                   "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}})
print(json.dumps([{"status": 200, "headers": {"content-type": "application/json"}, "body": body, "repeat": 1000}]))
PYEOF
  curl -s -X POST --data @"$TMP/script.json" "http://127.0.0.1:$PORT/__script" > /dev/null
  ai_cfg() {
    echo "{$AB_DATA, \"ai\": {\"providers\": [{\"kind\": \"openai\", \"name\": \"oa\", \"base_url\": \"http://127.0.0.1:$PORT/v1\",
      \"key_env\": \"PR_E2E_AB_KEY\", \"max_retries\": 0}], \"mode\": \"$1\", \"prompts_dir\": \"prompts\"}}" > "$TMP/ai_$1.json"
  }
  ai_cfg record
  PR_E2E_AB_KEY=sk-e2e-ab "$BIN" backtest --config "$TMP/ai_record.json" --db "$DB" --ab --out "$TMP/ab2" > "$TMP/ab2.txt" 2>&1 \
    || fail "--ab record: $(tail -3 "$TMP/ab2.txt")"
  cmp -s "$TMP/ab1/ta_only/trades.csv" "$TMP/ab2/ta_only/trades.csv" || fail "--ab: the TA-only side changed"
  [ "$(wc -l < "$TMP/ab2/ta_ai/trades.csv")" -eq 1 ] || fail "--ab: every entry vetoed, yet TA+AI traded"
  grep -q "TA+AI better on" "$TMP/ab2.txt" && grep -Eq "^ai calls +0 +[1-9]" "$TMP/ab2.txt" || fail "--ab table: $(tail -4 "$TMP/ab2.txt")"
  kill "$SRV"; wait "$SRV" 2> /dev/null; SRV=
  ai_cfg replay
  PR_E2E_AB_KEY=sk-e2e-ab "$BIN" backtest --config "$TMP/ai_replay.json" --db "$DB" --ab --out "$TMP/ab3" > "$TMP/ab3.txt" 2>&1 \
    || fail "--ab replay: $(tail -3 "$TMP/ab3.txt")"
  for f in trades.csv equity.csv metrics.json; do
    cmp -s "$TMP/ab2/ta_ai/$f" "$TMP/ab3/ta_ai/$f" || fail "--ab replay: ta_ai/$f differs from the recorded run"
  done
  [ -s "$TMP/ab2/ta_ai/ai_decisions.jsonl" ] && [ ! -e "$TMP/ab2/ta_only/ai_decisions.jsonl" ] \
    || fail "--ab: the AI decisions belong in ta_ai/ai_decisions.jsonl only"
  grep -rq "sk-e2e-ab" "$TMP/ab2.txt" "$TMP/ab2" && fail "the API key appears in the output"
else
  echo "note: --ab checks with the fake LLM server skipped (need $PY and curl)"
fi

# --- errors ---------------------------------------------------------------------------
cat > "$TMP/bad.json" <<'EOF'
{
  "data": {"csv": ["data/sample/crypto/BTCUSDT-1h.csv"], "from": "2022-13-01"},
  "instruments": {"BTCUSDT": {"costs": {"slipage": 0.1}}},
  "strategy": {"name": "sma_cross"},
  "sizing": {"mode": "all_cash", "risk": 5},
  "colour": "blue"
}
EOF
"$BIN" backtest --config "$TMP/bad.json" --out "$TMP/bad" > /dev/null 2> "$TMP/bad.err"
rc=$?
[ $rc -eq 2 ] || fail "bad config: exit $rc, want 2"
for key in 'data.from: expected a time' 'instruments.BTCUSDT.costs.slipage: unknown key (did you mean "slippage"?)' \
           'sizing.risk: expected a number in (0,1), got 5' 'colour: unknown key'; do
  grep -qF "$key" "$TMP/bad.err" || fail "bad config: no message '$key' in: $(cat "$TMP/bad.err")"
done
[ -e "$TMP/bad" ] && fail "bad config still wrote output"
"$BIN" backtest --config "$REF" --param fst=3 > /dev/null 2> "$TMP/e.err"
[ $? -eq 2 ] && grep -qF 'strategy.params.fst: unknown key' "$TMP/e.err" || fail "bad strategy parameter: $(cat "$TMP/e.err")"
"$BIN" backtest --config "$REF" --set 'strategy.name="sma"' > /dev/null 2> "$TMP/e.err"
[ $? -eq 2 ] && grep -qF 'strategy.name: expected one of "sma_cross"' "$TMP/e.err" || fail "unknown strategy: $(cat "$TMP/e.err")"
echo '{"data": ' > "$TMP/broken.json"
"$BIN" backtest --config "$TMP/broken.json" > /dev/null 2>&1
[ $? -eq 2 ] || fail "malformed JSON: want exit 2"
"$BIN" backtest --config "$REF" --bogus > /dev/null 2>&1
[ $? -eq 2 ] || fail "unknown option: want exit 2"
echo '{"data": {"datasets": ["local:DOGEUSDT:1h"]}, "strategy": {"name": "sma_cross"}}' > "$TMP/missing.json"
"$BIN" backtest --config "$TMP/missing.json" --db "$DB" --out "$TMP/m" > /dev/null 2> "$TMP/e.err"
[ $? -eq 4 ] && grep -q "DOGEUSDT" "$TMP/e.err" || fail "missing dataset: want exit 4 naming it: $(cat "$TMP/e.err")"
"$BIN" backtest --config "$REF" --set 'data.csv=["nowhere/BTCUSDT-1h.csv"]' > /dev/null 2>&1
[ $? -eq 4 ] || fail "missing CSV file: want exit 4"
"$BIN" backtest --config "$TMP/none.json" > /dev/null 2>&1
[ $? -eq 4 ] || fail "missing configuration file: want exit 4"
"$BIN" backtest --help | grep -q -- "--config FILE" || fail "--help"

# equity.csv is written in the background (src/cli/backtest_equity.c): a run
# that fails after it started (trades.csv cannot be written) leaves the
# previous run's equity.csv as it was and no partial file; one whose
# equity.csv cannot be created says so, naming equity.csv; a run that works
# leaves no partial file either.
mkdir -p "$TMP/w"
"$BIN" backtest --config "$REF" --out "$TMP/w" > /dev/null 2>&1 || fail "equity: first run failed"
cp "$TMP/w/equity.csv" "$TMP/w.keep"
rm -f "$TMP/w/trades.csv" && mkdir "$TMP/w/trades.csv"
"$BIN" backtest --config "$REF" --param fast=12 --out "$TMP/w" > /dev/null 2> "$TMP/e.err"
[ $? -ne 0 ] || fail "equity: a run whose trades.csv is a directory succeeded"
cmp -s "$TMP/w/equity.csv" "$TMP/w.keep" || fail "equity: a failed run replaced equity.csv"
[ ! -e "$TMP/w/equity.csv.partial" ] || fail "equity: a failed run left equity.csv.partial"
rmdir "$TMP/w/trades.csv" && rm -f "$TMP/w/equity.csv" && mkdir "$TMP/w/equity.csv"
"$BIN" backtest --config "$REF" --out "$TMP/w" > /dev/null 2> "$TMP/e.err"
[ $? -ne 0 ] && grep -q "w/equity.csv.*equity CSV: cannot create" "$TMP/e.err" \
  || fail "equity: equity.csv a directory: $(cat "$TMP/e.err")"
[ ! -e "$TMP/w/equity.csv.partial" ] || fail "equity: a failed rename left equity.csv.partial"
rmdir "$TMP/w/equity.csv"
"$BIN" backtest --config "$REF" --out "$TMP/w" > /dev/null 2>&1 || fail "equity: third run failed"
cmp -s "$TMP/w/equity.csv" "$TMP/w.keep" && [ ! -e "$TMP/w/equity.csv.partial" ] || fail "equity: third run's equity.csv"

[ $fails -eq 0 ] && echo "backtest_cli: all checks passed"
exit $((fails > 0))
