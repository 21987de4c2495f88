#!/usr/bin/env bash
# End-to-end test of `proratio optimize` on the bundled BTCUSDT 1h CSV, with
# `proratio backtest` (checked against peer engines elsewhere) as the
# outside reference:
#  - in-sample grid: every trial's Sharpe, return and trade count equal a
#    backtest of the same parameters (a sample of trials), and every line
#    that shows a result says IN-SAMPLE;
#  - walk-forward: the same trials and results on 1, 2 and 3 threads; a
#    fold's out-of-sample trades are the backtest's trades of the chosen
#    parameters over that test window (same times and prices); cutting the
#    data after a fold's test window changes nothing of that fold or the ones
#    before it (no decision reads later data); the stitched trades add up to
#    the stitched equity;
#  - the store: a search whose later trials were lost (deleted from the
#    store, as a crash between batches leaves it) and one damaged (reported
#    and run again) reads the rest back and
#    ends with the same files as the uninterrupted run; a killed search
#    resumes likewise; `optimize show` lists and shows runs; a run of the same
#    name from another configuration is refused without --fresh;
#  - bad configurations exit 2 naming the key.
set -u
source "$(dirname "$0")/lib/prelude.bash"

CSV=data/sample/crypto/BTCUSDT-1h.csv
cfg() {   # cfg FILE CSVFILE OPTIMIZE_JSON
  cat > "$1" <<EOF
{
  "data": {"csv": [{"file": "$2", "symbol": "BTCUSDT", "tf": "1h", "asset_class": "crypto"}],
           "to": "2023-07-01", "db": "sqlite:$TMP/opt.db"},
  "strategy": {"name": "sma_cross", "params": {"fast": 10, "slow": 30}},
  "costs": {"crypto": {"taker_fee": 0.001, "maker_fee": 0.001, "slippage": 0.0005}},
  "sizing": {"mode": "all_cash"},
  "account": {"currency": "USDT", "cash": 10000},
  "optimize": $3,
  "output": {"dir": "$TMP/unused"}
}
EOF
}

# ---- in-sample grid against backtests -------------------------------------------
cfg "$TMP/grid.json" "$CSV" '{"space": {"fast": {"int": [10, 40], "step": 10}, "slow": {"int": [50, 150], "step": 50}},
  "constraints": ["fast < slow"], "sampler": "grid", "trials": 100, "min_trades": 5}'
"$BIN" optimize --config "$TMP/grid.json" --in-sample-only --out "$TMP/g" > "$TMP/g.txt" 2>&1 \
  || fail "grid: exit $?: $(tail -3 "$TMP/g.txt")"
rows=$(($(wc -l < "$TMP/g/optimize/trials.csv") - 1))
[ "$rows" -eq 12 ] || fail "grid: $rows trials, want the 4 x 3 grid points = 12"
grep -q "IN-SAMPLE ONLY" "$TMP/g.txt" && grep -q "^IN-SAMPLE results" "$TMP/g.txt" && grep -q "IN-SAMPLE sharpe" "$TMP/g.txt" \
  || fail "in-sample results not labelled as such: $(head -3 "$TMP/g.txt")"
grep -q "^overfitting  deflated Sharpe" "$TMP/g.txt" && grep -q "PBO" "$TMP/g.txt" && grep -q "^monte carlo" "$TMP/g.txt" \
  || fail "grid: no overfitting statistics or Monte Carlo: $(tail -8 "$TMP/g.txt")"
# trials 0, 5 and 11: fast slow -> the backtest's metrics.json
for k in 0 5 11; do
  line=$(awk -F, -v k="$k" 'NR > 1 && $2 == k' "$TMP/g/optimize/trials.csv")
  f=$(echo "$line" | cut -d, -f3) s=$(echo "$line" | cut -d, -f4)
  "$BIN" backtest --config "$TMP/grid.json" --param fast="$f" --param slow="$s" --out "$TMP/bt$k" > /dev/null 2>&1 \
    || { fail "backtest fast=$f slow=$s failed"; continue; }
  python3 - "$line" "$TMP/bt$k/metrics.json" <<'PY' || fail "trial $k (fast=$f slow=$s) differs from its backtest"
import json, sys
row = sys.argv[1].split(",")
m = json.load(open(sys.argv[2]))
sharpe, ret, trades = float(row[5]), float(row[8]), int(row[14])
want = (m["net"]["sharpe"], m["net"]["total_return"], m["trades"]["trades"])
ok = abs(sharpe - want[0]) <= 1e-8 * max(1, abs(want[0])) and abs(ret - want[1]) <= 1e-8 * max(1, abs(want[1])) \
     and trades == want[2]
if not ok:
    print("optimize", sharpe, ret, trades, "backtest", want)
sys.exit(0 if ok else 1)
PY
done

# a confirmation stage's gate searched like any key: ta_score entries score 0.5
# and up (min_score 5); a threshold of 1 vetoes them all, 0.5 none
cat > "$TMP/gate.json" <<EOF
{"data": {"csv": [{"file": "$CSV", "symbol": "BTCUSDT", "tf": "1h", "asset_class": "crypto"}], "to": "2023-01-01",
          "db": "sqlite:$TMP/opt.db"},
 "strategy": {"name": "ta_score", "params": {"min_score": 5}},
 "confirm": [{"type": "llm", "providers": [{"kind": "openai", "name": "openai", "model": "gpt-4o-mini"}],
              "mode": "replay", "ta_threshold": 0.6}],
 "sizing": {"mode": "fixed_fraction", "fraction": 0.5}, "account": {"currency": "USDT", "cash": 10000},
 "optimize": {"space": {"confirm.0.ta_threshold": {"choice": [0.5, 1]}}, "sampler": "grid", "min_trades": 0},
 "output": {"dir": "$TMP/gate"}}
EOF
"$BIN" optimize --config "$TMP/gate.json" --in-sample-only > "$TMP/gate.txt" 2>&1 || fail "gate: $(tail -3 "$TMP/gate.txt")"
t05=$(awk -F, 'NR == 2 {print $14}' "$TMP/gate/optimize/trials.csv")
t1=$(awk -F, 'NR == 3 {print $14}' "$TMP/gate/optimize/trials.csv")
[ "${t05:-0}" -gt 0 ] && [ "${t1:-1}" -eq 0 ] || fail "gate: trades at threshold 0.5 and 1: '$t05' '$t1' (want > 0 and 0)"

# ---- walk-forward: threads, test windows, no look-ahead ---------------------------
WF='{"space": {"fast": {"int": [5, 50]}, "slow": {"int": [20, 200], "step": 5}}, "constraints": ["fast < slow"],
  "sampler": "tpe", "trials": 40, "batch": 8, "seed": 7, "min_trades": 5,
  "walk_forward": {"train": "120d", "test": "30d"}}'
cfg "$TMP/wf.json" "$CSV" "$WF"
for j in 1 2 3; do
  "$BIN" optimize --config "$TMP/wf.json" --jobs $j --out "$TMP/wf$j" > "$TMP/wf$j.txt" 2>&1 \
    || fail "walk-forward --jobs $j: exit $?: $(tail -3 "$TMP/wf$j.txt")"
done
for f in trials.csv folds.csv oos_trades.csv oos_equity.csv; do
  cmp -s "$TMP/wf1/optimize/$f" "$TMP/wf2/optimize/$f" && cmp -s "$TMP/wf1/optimize/$f" "$TMP/wf3/optimize/$f" \
    || fail "walk-forward: $f differs between 1, 2 and 3 threads"
done
grep -q "^OUT-OF-SAMPLE (the result" "$TMP/wf1.txt" && grep -q "^efficiency   walk-forward efficiency" "$TMP/wf1.txt" \
  || fail "walk-forward: no out-of-sample result or efficiency: $(tail -8 "$TMP/wf1.txt")"
python3 - "$TMP/wf1/optimize" <<'PY' || fail "walk-forward: the stitched trades do not add up to the stitched equity"
import csv, sys
d = sys.argv[1]
tr = list(csv.DictReader(open(d + "/oos_trades.csv")))
eq = list(csv.DictReader(open(d + "/oos_equity.csv")))
s = sum(float(t["pnl"]) for t in tr)
diff = float(eq[-1]["equity"]) - 10000
sys.exit(0 if len(tr) > 10 and abs(s - diff) < 1e-6 * max(1, abs(diff)) else 1)
PY
# fold 3's test window through `proratio backtest` with its chosen parameters
read -r from to params < <(python3 - "$TMP/wf1/optimize/folds.csv" <<'PY'
import csv, sys
r = list(csv.DictReader(open(sys.argv[1])))[2]
print(r["test_from"], r["test_to"], r["parameters"].replace(" ", ","))
PY
)
f=$(echo "$params" | tr ',' '\n' | sed -n 's/^fast=//p') s=$(echo "$params" | tr ',' '\n' | sed -n 's/^slow=//p')
"$BIN" backtest --config "$TMP/wf.json" --from "$from" --to "$to" --param fast="$f" --param slow="$s" \
  --out "$TMP/bt_fold3" > "$TMP/bt_fold3.txt" 2>&1 || fail "fold 3 backtest: $(tail -3 "$TMP/bt_fold3.txt")"
python3 - "$TMP/bt_fold3/trades.csv" "$TMP/wf1/optimize/oos_trades.csv" "$from" "$to" <<'PY' \
  || fail "fold 3: its out-of-sample trades differ from the backtest of its window"
import csv, sys
bt = [r for r in csv.DictReader(open(sys.argv[1])) if r["exit_time"]]
oos = [r for r in csv.DictReader(open(sys.argv[2])) if sys.argv[3] <= r["entry_time"] < sys.argv[4]]
key = lambda r: (r["entry_time"], r["side"], r["entry_price"])
closed = [key(r) for r in oos if not r["reason"].startswith("window end")]
want = [key(r) for r in bt]
if closed != want[:len(closed)] or len(want) - len(closed) > 1 or not want:
    print("oos", closed[:3], "backtest", want[:3])
    sys.exit(1)
PY
# the data cut after fold 3's test window: folds 1-3 and their trials unchanged
python3 - "$CSV" "$TMP/cut.csv" "$to" <<'PY'
import sys
src, dst, end = sys.argv[1], sys.argv[2], sys.argv[3][:19].replace("T", " ")
with open(src) as f, open(dst, "w") as g:
    for i, line in enumerate(f):
        if i == 0 or line[:19].replace("T", " ") < end:
            g.write(line)
PY
cfg "$TMP/cut.json" "$TMP/cut.csv" "$WF"
"$BIN" optimize --config "$TMP/cut.json" --jobs 2 --out "$TMP/wfcut" > "$TMP/wfcut.txt" 2>&1 \
  || fail "cut data: exit $?: $(tail -3 "$TMP/wfcut.txt")"
cmp -s <(sed -n 2,4p "$TMP/wf1/optimize/folds.csv") <(sed -n 2,4p "$TMP/wfcut/optimize/folds.csv") \
  || fail "cutting the data after fold 3 changed folds 1-3: $(diff <(sed -n 2,4p "$TMP/wf1/optimize/folds.csv") \
                                                              <(sed -n 2,4p "$TMP/wfcut/optimize/folds.csv") | head -4)"
cmp -s <(awk -F, '$1 >= 1 && $1 <= 3' "$TMP/wf1/optimize/trials.csv") <(awk -F, '$1 >= 1 && $1 <= 3' "$TMP/wfcut/optimize/trials.csv") \
  || fail "cutting the data after fold 3 changed the trials of folds 1-3"

# ---- the store: resume, show, refusal ---------------------------------------------
DB=$TMP/opt.db
"$BIN" optimize show --db "sqlite:$DB" > "$TMP/show.txt" 2>&1 || fail "optimize show: $(cat "$TMP/show.txt")"
grep -Eq '^wf1 +walk-forward +sma_cross +done ' "$TMP/show.txt" || fail "show: no run wf1: $(cat "$TMP/show.txt")"
"$BIN" optimize show wf1 --db "sqlite:$DB" > "$TMP/show1.txt" 2>&1 || fail "optimize show wf1: $(cat "$TMP/show1.txt")"
grep -q "^OUT-OF-SAMPLE" "$TMP/show1.txt" && grep -q "^best trials" "$TMP/show1.txt" \
  || fail "show wf1 lacks the result or the trials: $(head -5 "$TMP/show1.txt")"
total=$(sqlite3 "$DB" "SELECT count(*) FROM trials WHERE run = 'wf1'")
# as a crash between batches leaves it: folds 4 on and the second half of fold 3 gone
sqlite3 "$DB" "DELETE FROM trials WHERE run = 'wf1' AND (fold > 3 OR (fold = 3 AND trial >= 20));
               UPDATE runs SET status = 'running' WHERE name = 'wf1'" || fail "sqlite3 delete"
# and one stored trial damaged: run again, and said so
sqlite3 "$DB" "UPDATE trials SET params = '{}' WHERE run = 'wf1' AND fold = 1 AND trial = 0" || fail "sqlite3 damage"
kept=$(sqlite3 "$DB" "SELECT count(*) FROM trials WHERE run = 'wf1'")
"$BIN" optimize --config "$TMP/wf.json" --jobs 2 --out "$TMP/wf1" > "$TMP/resume.txt" 2>&1 \
  || fail "resume: exit $?: $(tail -3 "$TMP/resume.txt")"
grep -q "run 'wf1': $kept trials stored by an earlier start are read back" "$TMP/resume.txt" \
  || fail "resume: no read-back message for $kept trials: $(head -3 "$TMP/resume.txt")"
grep -q "run 'wf1': 1 stored trial of fold 1 could not be read back (first: fold 1 trial 0)" "$TMP/resume.txt" \
  || fail "resume: the damaged trial was not reported: $(grep -i 'read back' "$TMP/resume.txt")"
[ "$(sqlite3 "$DB" "SELECT count(*) FROM trials WHERE run = 'wf1'")" = "$total" ] || fail "resume: trials not all stored again"
for f in trials.csv folds.csv oos_trades.csv oos_equity.csv best.json; do
  cmp -s "$TMP/wf2/optimize/$f" "$TMP/wf1/optimize/$f" || fail "resumed run: $f differs from the uninterrupted run's"
done
# a killed search: stopped by SIGKILL once some trials are stored, then resumed
cfg "$TMP/kill.json" "$CSV" "$WF"
"$BIN" optimize --config "$TMP/kill.json" --jobs 1 --run killed --out "$TMP/k" > "$TMP/k1.txt" 2>&1 &
pid=$!
for _ in $(seq 1 200); do
  n=$(sqlite3 "$DB" "SELECT count(*) FROM trials WHERE run = 'killed'" 2>/dev/null || echo 0)
  [ "${n:-0}" -gt 40 ] && break
  sleep 0.02
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
st=$(sqlite3 "$DB" "SELECT status || ' ' || (SELECT count(*) FROM trials WHERE run = 'killed') FROM runs WHERE name = 'killed'")
case "$st" in running\ *) ;; *) fail "the search was not killed mid-way (status and trials: $st)";; esac
"$BIN" optimize --config "$TMP/kill.json" --jobs 2 --run killed --out "$TMP/k" > "$TMP/k2.txt" 2>&1 \
  || fail "resume after kill: $(tail -3 "$TMP/k2.txt")"
for f in folds.csv oos_trades.csv oos_equity.csv; do
  cmp -s "$TMP/wf2/optimize/$f" "$TMP/k/optimize/$f" || fail "killed and resumed run: $f differs from the uninterrupted run's"
done
# the same name from another configuration
cfg "$TMP/other.json" "$CSV" "${WF/\"seed\": 7/\"seed\": 8}"
"$BIN" optimize --config "$TMP/other.json" --run wf1 --out "$TMP/o" > "$TMP/other.txt" 2>&1
[ $? -eq 2 ] && grep -q "the store holds run 'wf1' of another configuration" "$TMP/other.txt" \
  || fail "another configuration under the same run name was not refused: $(cat "$TMP/other.txt")"
"$BIN" optimize --config "$TMP/other.json" --run wf1 --fresh --out "$TMP/o" > "$TMP/other.txt" 2>&1 \
  || fail "--fresh: $(tail -3 "$TMP/other.txt")"

# ---- bad configurations ----------------------------------------------------------
bad() {   # bad OPTIMIZE_JSON EXPECTED_TEXT
  cfg "$TMP/bad.json" "$CSV" "$1"
  "$BIN" optimize --config "$TMP/bad.json" > "$TMP/bad.txt" 2>&1
  local rc=$?
  [ $rc -eq 2 ] || fail "bad config $1: exit $rc, want 2"
  grep -qF "$2" "$TMP/bad.txt" || fail "bad config: '$2' not in: $(cat "$TMP/bad.txt")"
}
bad '{"space": {"fast": {"int": [50, 5]}}}' "optimize.space.fast: need finite bounds with low <= high (got 50, 5)"
bad '{"space": {"fast": {"int": [5, 50]}}, "constraints": ["fast < slow"]}' "optimize.constraints[0]: 'slow' is not a dimension"
bad '{"space": {"fast": {"int": [5, 50]}}, "objective": "sharp"}' "optimize.objective: expected one of sharpe"
bad '{"space": {"fast": {"int": [5, 50]}}, "sampeler": "tpe"}' "sampeler"
bad '{"space": {"fastt": {"int": [5, 50]}}}' "optimize.space: strategy.params.fastt is not a key the configuration takes"
bad '{"space": {"fast": {"int": [5, 50]}}, "walk_forward": {"train": "12x", "test": 10}}' \
  "optimize.walk_forward.train: expected a number of bars or a duration"
[ "$fails" -eq 0 ] && echo "optimize: all checks passed"
exit $((fails > 0))
