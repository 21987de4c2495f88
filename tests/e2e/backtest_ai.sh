#!/usr/bin/env bash
# End-to-end test of confirmation stages in `proratio backtest` and of the
# run logs, with an LLM provider played by tests/ai/fake_llm_server.py on
# loopback. sma_cross on six weeks of BTCUSDT 1h (about 20 entries), sized in
# fixed units so a size factor shows directly in trades.csv:
#  (a) every verdict APPROVE: trades, equity and metrics byte-identical to
#      the TA-only run; one provider call per entry; the "ai" shorthand gives
#      the same run as "confirm": [{"type": "llm"}];
#  (b) every verdict REJECT: no trade opened, every entry logged as vetoed;
#  (c) every verdict REDUCE_SIZE: the TA-only entry and exit times with
#      every size times reduce_factor (0.25);
#  (d) record, then replay with the server stopped and no API key: trades.csv,
#      equity.csv, metrics.json, signals.jsonl, executions.jsonl
#      byte-identical; a replay whose questions are not in the cache (plain
#      prompts against an anonymised recording) lists every miss and exits 4;
#  (e) provider down (nothing listening, or HTTP 500): trades.csv
#      byte-identical to TA-only, "ai_unavailable" logged exactly once;
#  (f) budget.max_calls_run 3: exactly 3 calls in `proratio ai calls --json`,
#      then every entry falls back to TA-only;
#  (g) the API key is in no file the runs wrote (logs, store) nor in their
#      stdout/stderr;
#  (h) confirm.0.type "mtf" and other bad stage settings exit 2 naming the
#      key's path;
#  (i) prompts are anonymised by default (no symbol or date reaches the
#      provider); plain prompts about 2023 to gpt-4o-mini (trained on data up
#      to October 2023) label the run CONTAMINATED on stdout, in summary.jsonl,
#      in the report and in --ab;
#  (k) --ab with trend_ema (confidences 0.5..1) and ta_threshold 0.6, every
#      model approving: the entries below the threshold are vetoed on both
#      sides and counted apart, so the A/B shows no difference; --json is one
#      document, --report writes both reports and a side-by-side page;
#  (l) that recorded A/B replayed offline (no server, no key) reproduces it;
# and the logs: signals.jsonl records every signal with what each stage did,
# executions.jsonl every fill (checked against trades.csv), summary.jsonl one
# line; two identical runs write identical logs apart from logged_at.
set -u
BIN=${PR_BIN:-}
ROOT=${PR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
PY=/usr/bin/python3
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
  echo "skipped: the proratio program (PR_BIN=$BIN) is not built"
  exit 77
fi
[ -x "$PY" ] || { echo "skipped: $PY is needed for the fake LLM server"; exit 77; }
command -v curl > /dev/null || { echo "skipped: curl is needed to script the fake LLM server"; exit 77; }
cd "$ROOT" || exit 1
T=$(mktemp -d "${TMPDIR:-/tmp}/prtest.XXXXXX")
SRV=
cleanup() { [ -n "$SRV" ] && kill "$SRV" 2> /dev/null; rm -rf "$T"; }
trap cleanup EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
KEY="sk-e2e-BACKTEST-SECRET-3c9d1e7f5a"
export PR_E2E_BT_KEY="$KEY"

start_server() {
  rm -f "$T/port"
  "$PY" tests/ai/fake_llm_server.py --fixtures tests/ai/fixtures --port-file "$T/port" > /dev/null 2>&1 &
  SRV=$!
  for _ in $(seq 200); do [ -s "$T/port" ] && break; sleep 0.05; done
  PORT=$(cat "$T/port")
}
stop_server() { kill "$SRV" 2> /dev/null; wait "$SRV" 2> /dev/null; SRV=; }
# Scripts the server: each argument is an action, served in turn, and the
# whole cycle repeated up to 300 answers.
answers() {
  "$PY" - "$@" > "$T/script.json" << 'PYEOF'
import json, sys
steps = []
for i in range(300):
    action = sys.argv[1 + i % (len(sys.argv) - 1)]
    content = json.dumps({"action": action, "confidence": 0.8, "reasons": ["e2e " + action]})
    body = json.dumps({"id": "e2e%d" % i, "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
                       "choices": [{"index": 0, "message": {"role": "assistant", "content": content},
                                    "finish_reason": "stop"}],
                       "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}})
    steps.append({"status": 200, "headers": {"content-type": "application/json"}, "body": body})
print(json.dumps(steps))
PYEOF
  curl -s -X POST --data @"$T/script.json" "http://127.0.0.1:$PORT/__script" > /dev/null
}
n_requests() { curl -s "http://127.0.0.1:$PORT/__requests" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))'; }

# cfg NAME DB STAGES: a configuration with the given "confirm"/"ai" members
# (a JSON fragment, may be empty) and the response cache in DB.
cfg() {
  cat > "$T/$1.json" << EOF
{"data": {"csv": ["data/sample/crypto/BTCUSDT-1h.csv"], "db": "sqlite:$T/$2.db",
          "from": "2023-01-01", "to": "2023-02-15"},
 "instruments": {"BTCUSDT": {"asset_class": "crypto", "tick_size": 0, "lot_step": 0, "min_qty": 0, "min_notional": 0}},
 "strategy": {"name": "sma_cross", "params": {"fast": 10, "slow": 30}},
 "sizing": {"mode": "fixed_qty", "qty": 0.1},
 "account": {"currency": "USDT", "cash": 10000}${3:+, $3}}
EOF
}
# An LLM stage's settings: mode, then extra members.
llm() {
  echo "\"providers\": [{\"kind\": \"openai\", \"name\": \"oa\", \"base_url\": \"http://127.0.0.1:$PORT/v1\",
    \"key_env\": \"PR_E2E_BT_KEY\", \"max_retries\": 0, \"timeout_s\": 5, \"rate_per_min\": 0}],
    \"prices\": [{\"model\": \"gpt-4o-mini\", \"input\": 0.15, \"output\": 0.6}],
    \"mode\": \"$1\", \"prompts_dir\": \"prompts\", \"ta_threshold\": 0.5${2:+, $2}"
}
run() {   # run NAME OUTDIR [flags]: stdout/stderr into $T/NAME.out / .err
  local name=$1 out=$2
  shift 2
  "$BIN" backtest --config "$T/$name.json" --out "$T/$out" "$@" > "$T/$out.out" 2> "$T/$out.err"
}
# Python over the files of a run: d = directory; lines(f) = parsed JSON lines.
py() { "$PY" -c "import json, sys, csv
def lines(f): return [json.loads(l) for l in open(f)]
def trades(f): return list(csv.DictReader(open(f)))
$2" "$1"; }

# --- TA-only reference ------------------------------------------------------------------
cfg ta ta ""
run ta ta || fail "TA-only run: $(cat "$T/ta.err")"
ENTRIES=$(grep -c '"kind":"enter_long"' "$T/ta/signals.jsonl")
NT=$(($(wc -l < "$T/ta/trades.csv") - 1))
[ "$ENTRIES" -ge 10 ] && [ "$NT" -ge 10 ] || fail "TA-only: $ENTRIES entries, $NT trades; the window is too quiet to test"
# signals.jsonl: every signal, each with its fields and no stage.
py "$T/ta" "
s = lines(sys.argv[1] + '/signals.jsonl')
ok = all(list(x)[:4] == ['time', 'instrument', 'kind', 'close'] and x['instrument'] == 'BTCUSDT' and
         x['confidence'] == 1 and x['tag'] in ('sma_cross_up', 'sma_cross_down') and 'crossed' in x['reason'] and
         x['stages'] == [] and x['result'] == 'passed' for x in s)
sys.exit(not (ok and len(s) == sum(1 for x in s if x['kind'] in ('enter_long', 'exit'))))" \
  || fail "TA-only signals.jsonl: $(head -2 "$T/ta/signals.jsonl")"
# executions.jsonl against trades.csv: one buy at each entry and one sell at
# each exit, same times, prices and quantities; fees add up to the trades'.
py "$T/ta" "
d = sys.argv[1]; e = lines(d + '/executions.jsonl'); t = trades(d + '/trades.csv')
buys = [x for x in e if x['side'] == 'buy']; sells = [x for x in e if x['side'] == 'sell']
ok = len(buys) == len(t) and len(sells) == sum(1 for r in t if r['exit_time'])
for r, b in zip(t, buys):
    ok &= b['time'] == r['entry_time'] and b['price'] == float(r['entry_price']) and b['qty'] == float(r['qty'])
    ok &= b['role'] == 'entry' and b['tag'] == 'sma_cross_up' and 'crossed above' in b['reason']
for r, s in zip([r for r in t if r['exit_time']], sells):
    ok &= s['time'] == r['exit_time'] and s['price'] == float(r['exit_price']) and s['role'] == 'exit'
fees = sum(x['fee'] for x in e); tfees = sum(float(r['fees']) for r in t)
ok &= abs(fees - tfees) <= 1e-9 * max(1, tfees) and all(x['slippage'] >= 0 and 'spread' in x for x in e)
sys.exit(not ok)" || fail "executions.jsonl does not match trades.csv: $(head -2 "$T/ta/executions.jsonl")"
py "$T/ta" "
s = lines(sys.argv[1] + '/summary.jsonl'); x = s[0]
m = json.load(open(sys.argv[1] + '/metrics.json'))
sys.exit(not (len(s) == 1 and x['mode'] == 'backtest' and x['strategy'].startswith('sma_cross fast=10 slow=30') and
              len(x['config_digest']) == 64 and x['bars'] == 1080 and x['trades'] + x['open_trades'] == $NT and
              x['signals'] == len(lines(sys.argv[1] + '/signals.jsonl')) and x['vetoed'] == 0 and
              x['fills'] == len(lines(sys.argv[1] + '/executions.jsonl')) and x['confirm'] == [] and x['ai'] is None and
              x['from'] == '2023-01-01T00:00:00Z' and x['to'] == '2023-02-14T23:00:00Z' and
              list(x)[-1] == 'logged_at'))" || fail "TA-only summary.jsonl: $(cat "$T/ta/summary.jsonl")"
fp=$(sha256sum "$T/ta/trades.csv" | cut -d' ' -f1)
grep -q "\"fingerprint\":\"$fp\"" "$T/ta/summary.jsonl" || fail "summary.jsonl: fingerprint is not sha256 of trades.csv"
# Determinism of the logs: a second run, another directory.
run ta ta2 || fail "second TA-only run"
for f in signals.jsonl executions.jsonl trades.csv; do
  cmp -s "$T/ta/$f" "$T/ta2/$f" || fail "determinism: $f differs between two runs"
done
cmp -s <(sed 's/,"logged_at":"[^"]*"}$/}/' "$T/ta/summary.jsonl") <(sed 's/,"logged_at":"[^"]*"}$/}/' "$T/ta2/summary.jsonl") \
  || fail "determinism: summary.jsonl differs beyond logged_at"
[ -e "$T/ta/ai_decisions.jsonl" ] && fail "a TA-only run wrote ai_decisions.jsonl"

start_server
# --- (a) APPROVE everything ------------------------------------------------------------------
answers APPROVE
cfg ap ap "\"confirm\": [{\"type\": \"llm\", $(llm live)}]"
run ap ap || fail "(a) approve run: $(cat "$T/ap.err")"
for f in trades.csv equity.csv metrics.json executions.jsonl; do
  cmp -s "$T/ta/$f" "$T/ap/$f" || fail "(a) every verdict APPROVE, yet $f differs from TA-only"
done
[ "$(n_requests)" -eq "$ENTRIES" ] || fail "(a) $(n_requests) provider requests for $ENTRIES entries"
py "$T/ap" "
s = lines(sys.argv[1] + '/signals.jsonl')
ok = all(x['stages'] == [{'stage': 'llm', 'result': 'passed'}] and x['result'] == 'passed' for x in s)
x = lines(sys.argv[1] + '/summary.jsonl')[0]
ok &= x['ai']['calls'] == $ENTRIES and x['ai']['cache_hits'] == 0 and x['ai']['fallbacks'] == 0
ok &= x['ai']['cost_usd'] > 0 and x['confirm'][0]['type'] == 'llm' and x['confirm'][0]['passed'] == len(s)
sys.exit(not ok)" || fail "(a) logs: $(cat "$T/ap/summary.jsonl")"
grep -q '"event":"ai_decision"' "$T/ap/ai_decisions.jsonl" && grep -q '"event":"ai_summary"' "$T/ap/ai_decisions.jsonl" \
  || fail "(a) ai_decisions.jsonl lacks the decisions or the summary"
grep -Eq "^ai +$ENTRIES provider calls" "$T/ap.out" || fail "(a) stdout: $(grep '^ai' "$T/ap.out")"
# (i) anonymised by default: what reached the provider names no symbol and no date.
curl -s "http://127.0.0.1:$PORT/__requests" > "$T/ap_reqs.json"
py "$T/ap_reqs.json" "
b = [x['body'] for x in json.load(open(sys.argv[1]))]
sys.exit(not (len(b) == $ENTRIES and all('BTCUSDT' not in x and '2023-' not in x and 't-0 ' in x for x in b)))" \
  || fail "(i) the default prompts are not anonymised: $(head -c 600 "$T/ap_reqs.json")"
rm -f "$T/ap_reqs.json"   # it holds the key the fake provider received
grep -q '^prompts      anonymised prompts' "$T/ap.out" && ! grep -q CONTAMINATED "$T/ap.out" \
  || fail "(i) the anonymised run's stdout: $(grep -A1 '^ai' "$T/ap.out")"
py "$T/ap" "
x = lines(sys.argv[1] + '/summary.jsonl')[0]
sys.exit(not (x['ai']['contaminated'] is False and x['confirm'][0]['ai']['prompts'] == 'anonymised'))" \
  || fail "(i) summary.jsonl of the anonymised run: $(cat "$T/ap/summary.jsonl")"
# Plain prompts about January 2023 to gpt-4o-mini (trained up to October 2023).
answers APPROVE
cfg pl pl "\"confirm\": [{\"type\": \"llm\", $(llm live '"prompt_mode": "plain"')}]"
run pl pl --report "$T/pl.html" || fail "(i) plain-prompt run: $(cat "$T/pl.err")"
curl -s "http://127.0.0.1:$PORT/__requests" | grep -q 'BTCUSDT' || fail "(i) plain prompts do not name the symbol"
grep -q '^WARNING      CONTAMINATED: oa (gpt-4o-mini): trained on data up to 2023-11-01, shown identifiable prompts for decisions 2023-01-' "$T/pl.out" \
  || fail "(i) no contamination warning on stdout: $(grep -A2 '^ai' "$T/pl.out")"
py "$T/pl" "
x = lines(sys.argv[1] + '/summary.jsonl')[0]
a = x['confirm'][0]['ai']
sys.exit(not (x['ai']['contaminated'] is True and a['prompts'] == 'plain' and '2023-11-01' in a['contamination']))" \
  || fail "(i) summary.jsonl does not say contaminated: $(cat "$T/pl/summary.jsonl")"
grep -q 'CONTAMINATED: oa (gpt-4o-mini)' "$T/pl.html" || fail "(i) the report does not say contaminated"
answers APPROVE
run pl plab --ab || fail "(i) plain-prompt --ab: $(cat "$T/plab.err")"
grep -q '^WARNING: TA+AI is CONTAMINATED, its difference is not evidence of skill: oa (gpt-4o-mini): trained on data up to 2023-11-01' "$T/plab.out" \
  || fail "(i) --ab does not say contaminated: $(tail -4 "$T/plab.out")"
# The "ai" shorthand is the same single LLM stage.
answers APPROVE
cfg sh sh "\"ai\": {$(llm live)}"
run sh sh || fail "(a) \"ai\" shorthand run: $(cat "$T/sh.err")"
for f in trades.csv signals.jsonl executions.jsonl; do
  cmp -s "$T/ap/$f" "$T/sh/$f" || fail "(a) the \"ai\" shorthand gives another $f than confirm: [llm]"
done

# --- (b) REJECT everything ----------------------------------------------------------------------
answers REJECT
cfg rj rj "\"confirm\": [{\"type\": \"llm\", $(llm live)}]"
run rj rj || fail "(b) reject run: $(cat "$T/rj.err")"
[ "$(wc -l < "$T/rj/trades.csv")" -eq 1 ] || fail "(b) every verdict REJECT, yet trades.csv has trades"
[ -s "$T/rj/executions.jsonl" ] && fail "(b) fills without trades"
py "$T/rj" "
s = lines(sys.argv[1] + '/signals.jsonl')
en = [x for x in s if x['kind'] == 'enter_long']
ok = len(en) == $ENTRIES and all(x['result'] == 'vetoed' and x['stages'] == [{'stage': 'llm', 'result': 'vetoed'}] for x in en)
x = lines(sys.argv[1] + '/summary.jsonl')[0]
sys.exit(not (ok and x['vetoed'] == $ENTRIES and x['confirm'][0]['vetoed'] == $ENTRIES and x['trades'] == 0))" \
  || fail "(b) logs: $(cat "$T/rj/summary.jsonl")"

# --- (c) REDUCE_SIZE everything ---------------------------------------------------------------
answers REDUCE_SIZE
cfg rd rd "\"confirm\": [{\"type\": \"llm\", $(llm live '"consensus": {"reduce_factor": 0.25}')}]"
run rd rd || fail "(c) reduce run: $(cat "$T/rd.err")"
py "$T" "
a = trades(sys.argv[1] + '/ta/trades.csv'); b = trades(sys.argv[1] + '/rd/trades.csv')
ok = len(a) == len(b) and len(a) > 0
for x, y in zip(a, b):
    ok &= x['entry_time'] == y['entry_time'] and x['exit_time'] == y['exit_time'] and x['entry_price'] == y['entry_price']
    ok &= abs(float(y['qty']) / float(x['qty']) - 0.25) <= 1e-12
s = [x for x in lines(sys.argv[1] + '/rd/signals.jsonl') if x['kind'] == 'enter_long']
ok &= all(x['result'] == 'scaled' and x['factor'] == 0.25 and x['stages'][0]['factor'] == 0.25 for x in s)
sys.exit(not ok)" || fail "(c) REDUCE_SIZE: entries or sizes (x0.25) differ from TA-only"

# --- (d) record, then replay without the server ---------------------------------------------
answers APPROVE REDUCE_SIZE REJECT
cfg rec rr "\"confirm\": [{\"type\": \"llm\", $(llm record)}]"
run rec rec || fail "(d) record run: $(cat "$T/rec.err")"
cmp -s "$T/ta/trades.csv" "$T/rec/trades.csv" && fail "(d) mixed verdicts gave the TA-only trades"
grep -q '"result":"scaled"' "$T/rec/signals.jsonl" && grep -q '"result":"vetoed"' "$T/rec/signals.jsonl" \
  || fail "(d) the recorded run shows no scaled and vetoed signals"
stop_server
cfg rep rr "\"confirm\": [{\"type\": \"llm\", $(llm replay)}]"
PR_E2E_BT_KEY= run rep rep || fail "(d) replay run without the key: $(cat "$T/rep.err")"
grep -q "disabled" "$T/rep.out" && fail "(d) the replay without a key says the AI is disabled: $(grep '^ai' "$T/rep.out")"
for f in trades.csv equity.csv metrics.json signals.jsonl executions.jsonl; do
  cmp -s "$T/rec/$f" "$T/rep/$f" || fail "(d) replay: $f differs from the recorded run"
done
py "$T/rep" "
x = lines(sys.argv[1] + '/summary.jsonl')[0]['ai']
sys.exit(not (x['calls'] == 0 and x['cache_hits'] == $ENTRIES and x['fallbacks'] == 0 and x['cost_usd'] == 0))" \
  || fail "(d) replay summary: $(cat "$T/rep/summary.jsonl")"
# The recording holds anonymised prompts (the default); plain prompts are
# other questions: every entry misses, each is listed, the run exits 4.
cfg repm rr "\"confirm\": [{\"type\": \"llm\", $(llm replay '"prompt_mode": "plain"')}]"
PR_E2E_BT_KEY= run repm repm
rc=$?
n=$(grep -c '^proratio backtest: replay miss: 2023-.*, provider oa, prompt confirm.v1 [0-9a-f]\{12\} is not in the cache' "$T/repm.err")
[ $rc -eq 4 ] && [ "$n" -eq "$ENTRIES" ] && grep -q "replay incomplete: $ENTRIES questions were not in the cache" "$T/repm.err" \
  || fail "(d) replay with misses: exit $rc, $n miss lines for $ENTRIES entries: $(tail -2 "$T/repm.err")"
[ "$(grep -c '"event":"ai_replay_miss"' "$T/repm/ai_decisions.jsonl")" -eq "$ENTRIES" ] || fail "(d) ai_replay_miss not logged per miss"
[ -s "$T/repm/trades.csv" ] || fail "(d) a replay with misses still writes its outputs"

# --- (e) provider down: nothing listening, then HTTP 500 ----------------------------------------
cfg dn dn "\"confirm\": [{\"type\": \"llm\", $(llm live)}]"   # PORT of the stopped server
run dn dn || fail "(e) run with no server: $(cat "$T/dn.err")"
start_server
curl -s -X POST --data '[]' "http://127.0.0.1:$PORT/__script" > /dev/null   # every answer a 500
cfg e5 e5 "\"confirm\": [{\"type\": \"llm\", $(llm live)}]"
run e5 e5 || fail "(e) run with HTTP 500s: $(cat "$T/e5.err")"
for d in dn e5; do
  cmp -s "$T/ta/trades.csv" "$T/$d/trades.csv" || fail "(e) $d: the fallback is not exactly the TA-only trades"
  cmp -s "$T/ta/executions.jsonl" "$T/$d/executions.jsonl" || fail "(e) $d: executions differ from TA-only"
  n=$(grep -c '"event":"ai_unavailable"' "$T/$d/ai_decisions.jsonl")
  [ "$n" -eq 1 ] || fail "(e) $d: ai_unavailable logged $n times, want once"
  py "$T/$d" "
x = lines(sys.argv[1] + '/summary.jsonl')[0]['ai']
sys.exit(not (x['fallbacks'] == $ENTRIES and x['calls'] + x['failures'] >= 1))" || fail "(e) $d summary: $(cat "$T/$d/summary.jsonl")"
done

# --- (f) budget of 3 calls -----------------------------------------------------------------------
answers REJECT
cfg bu bu "\"confirm\": [{\"type\": \"llm\", $(llm live '"budget": {"max_calls_run": 3}')}]"
run bu bu || fail "(f) budget run: $(cat "$T/bu.err")"
"$BIN" ai calls --db "sqlite:$T/bu.db" --json > "$T/bu_calls.json" 2> "$T/bu_calls.err" || fail "(f) ai calls: $(cat "$T/bu_calls.err")"
"$PY" -c "import json,sys; d=json.load(open('$T/bu_calls.json')); sys.exit(not (len(d['calls'])==3 and d['total']['calls']==3))" \
  || fail "(f) want exactly 3 calls recorded: $(head -c 300 "$T/bu_calls.json")"
[ "$(n_requests)" -eq 3 ] || fail "(f) the server got $(n_requests) requests, want 3"
py "$T/bu" "
en = [x for x in lines(sys.argv[1] + '/signals.jsonl') if x['kind'] == 'enter_long']
ok = [x['result'] for x in en] == ['vetoed'] * 3 + ['passed'] * ($ENTRIES - 3)
x = lines(sys.argv[1] + '/summary.jsonl')[0]['ai']
sys.exit(not (ok and x['calls'] == 3 and x['fallbacks'] == $ENTRIES - 3))" \
  || fail "(f) after 3 calls every entry should fall back to TA-only: $(cat "$T/bu/summary.jsonl")"
[ "$(grep -c '"event":"ai_unavailable"' "$T/bu/ai_decisions.jsonl")" -eq 1 ] || fail "(f) ai_unavailable not logged once"

# --- --ab with a confirm list -------------------------------------------------------------------
answers REJECT
cfg ab ab "\"confirm\": [{\"type\": \"llm\", $(llm record)}]"
run ab ab --ab || fail "--ab with confirm: $(cat "$T/ab.err")"
cmp -s "$T/ta/trades.csv" "$T/ab/ta_only/trades.csv" || fail "--ab: the TA-only side differs from the TA-only run"
[ "$(wc -l < "$T/ab/ta_ai/trades.csv")" -eq 1 ] || fail "--ab: the TA+AI side traded though every entry was rejected"
for f in signals.jsonl executions.jsonl summary.jsonl; do
  [ -e "$T/ab/ta_only/$f" ] && [ -e "$T/ab/ta_ai/$f" ] || fail "--ab: $f missing on a side"
done

# --- (k) --ab: the threshold veto is a TA rule, not the models' -------------------------------
# trend_ema's entry confidence is the volume ratio clipped to [0.5, 1]; with
# ta_threshold 0.6 some entries are below it. Every model approves, so the
# models change nothing: both sides must trade alike.
cat > "$T/te.json" << EOF
{"data": {"csv": ["data/sample/crypto/BTCUSDT-1h.csv"], "db": "sqlite:$T/te.db", "from": "2023-01-01", "to": "2023-04-01"},
 "instruments": {"BTCUSDT": {"asset_class": "crypto", "tick_size": 0, "lot_step": 0, "min_qty": 0, "min_notional": 0}},
 "strategy": {"name": "trend_ema", "params": {"fast": 10, "slow": 30, "volume_filter": false}},
 "sizing": {"mode": "fixed_qty", "qty": 0.1}, "account": {"currency": "USDT", "cash": 10000},
 "confirm": [{"type": "llm", $(llm record '"ta_threshold": 0.6')}]}
EOF
sed -i 's/"ta_threshold": 0.5, "ta_threshold": 0.6/"ta_threshold": 0.6/' "$T/te.json"
answers APPROVE
"$BIN" backtest --config "$T/te.json" --out "$T/te" --ab --json --report "$T/te_rep/ab.html" > "$T/te.out" 2> "$T/te.err" \
  || fail "(k) --ab --json: $(cat "$T/te.err")"
py "$T" "
d = json.load(open(sys.argv[1] + '/te.out'))   # one JSON document
en = [x for x in lines(sys.argv[1] + '/te/ta_only/signals.jsonl') if x['kind'].startswith('enter')]
below = [x for x in en if x['confidence'] < 0.6]
c = d['comparison']
ok = len(below) > 0 and len(en) > len(below)
ok &= all(x['result'] == 'vetoed' and x['stages'] == [{'stage': 'ta_threshold', 'result': 'vetoed'}] for x in below)
ok &= c['a']['threshold_vetoes'] == len(below) == c['b']['threshold_vetoes']
ok &= c['a']['model_vetoes'] == 0 and c['b']['model_vetoes'] == 0 and c['a']['ai_calls'] == 0
ok &= c['b']['ai_calls'] == len(en) - len(below)
ok &= c['b_minus_a']['total_return'] == 0 and c['b_minus_a']['trades'] == 0
ok &= d['ta_only']['fingerprint'] == d['ta_ai']['fingerprint'] and d['ta_only']['metrics']['net']['total_return'] == c['a']['total_return']
sys.exit(not ok)" || fail "(k) --ab --json: $(head -c 400 "$T/te.out")"
cmp -s "$T/te/ta_only/trades.csv" "$T/te/ta_ai/trades.csv" || fail "(k) approving models, yet the A/B sides trade differently"
for f in ab.html ab.ta_only.html ab.ta_ai.html; do [ -s "$T/te_rep/$f" ] || fail "(k) --ab --report did not write $f"; done
grep -q '<iframe src="ab.ta_only.html">' "$T/te_rep/ab.html" && grep -q '<iframe src="ab.ta_ai.html">' "$T/te_rep/ab.html" \
  && grep -q 'threshold vetoes' "$T/te_rep/ab.html" || fail "(k) the side-by-side page lacks the reports or the vetoes"
grep -q 'Proratio backtest' "$T/te_rep/ab.ta_only.html" || fail "(k) the TA-only report is not a report"
stop_server

# --- (l) the recorded A/B, replayed offline ------------------------------------------------------
PR_E2E_BT_KEY= "$BIN" backtest --config "$T/te.json" --out "$T/tr" --ab --json --set confirm.0.mode=replay > "$T/tr.out" 2> "$T/tr.err" \
  || fail "(l) offline replay of the A/B: $(cat "$T/tr.err")"
py "$T" "
a = json.load(open(sys.argv[1] + '/te.out')); b = json.load(open(sys.argv[1] + '/tr.out'))
ca, cb = a['comparison'], b['comparison']
ok = cb['b']['ai_calls'] == 0 and cb['b']['replay_misses'] == 0
for k in ('ai_calls', 'ai_cost'):
    ca['b'].pop(k); cb['b'].pop(k)
ok &= ca == cb and a['ta_ai']['fingerprint'] == b['ta_ai']['fingerprint'] and a['ta_only']['metrics'] == b['ta_only']['metrics']
sys.exit(not ok)" || fail "(l) the offline replay does not reproduce the recorded A/B: $(head -c 300 "$T/tr.out")"

# --- (g) the key is nowhere ----------------------------------------------------------------------
leaks=$(grep -rl -- "$KEY" "$T" 2> /dev/null)
[ -z "$leaks" ] || fail "(g) the API key appears in: $leaks"
grep -rq -- "sk-e2e" "$T" && fail "(g) part of the API key appears in the outputs"

# --- (h) bad stage settings -----------------------------------------------------------------------
bad() {   # bad 'STAGES' 'expected message'
  cfg bad bad "$1"
  "$BIN" backtest --config "$T/bad.json" --out "$T/bad" > /dev/null 2> "$T/bad.err"
  local rc=$?
  [ $rc -eq 2 ] && grep -qF -- "$2" "$T/bad.err" || fail "(h) $1: exit $rc, want 2 and '$2' in: $(cat "$T/bad.err")"
}
bad '"confirm": [{"type": "mtf"}]' 'confirm.0.type: unknown confirmation stage "mtf"; available: llm'
bad '"confirm": [{"type": "llm", "providers": []}, {"type": "regime"}]' 'confirm.1.type: unknown confirmation stage "regime"'
bad '"confirm": [{"mode": "live"}]' 'confirm.0.type: missing'
bad '"confirm": [{"type": "llm", "consensus": {"threshold": 2}}]' 'confirm.0.consensus.threshold: expected a number'
bad '"confirm": [{"type": "llm", "mdoe": "live"}]' 'confirm.0.mdoe: unknown key (did you mean "mode"?)'
bad '"confirm": [{"type": "llm", "mode": "rewind"}]' 'confirm.0.mode: expected one of'
bad '"confirm": {"type": "llm"}' 'confirm: expected a list'
bad '"confirm": [], "ai": {}' '"ai" is the shorthand for one LLM stage'
bad '"ai": {"budget": {"max_calls_run": -1}}' 'ai.budget.max_calls_run'
[ -e "$T/bad" ] && fail "(h) a bad configuration still wrote output"

[ $fails -eq 0 ] && echo "backtest_ai: all checks passed"
exit $((fails > 0))
