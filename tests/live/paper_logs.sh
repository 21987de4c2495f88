#!/usr/bin/env bash
# Daily rotation of a paper session's JSON-lines logs (issue #13 item 6):
# by the decision clock on the replay feed, signals.jsonl and
# executions.jsonl are cut at each UTC day into NAME-YYYY-MM-DD.jsonl, the
# plain name holding the last day. Checked against the backtest over the
# same bars (whose files are one each, unrotated): every rotated file holds
# exactly the backtest's lines of its date (the "time" field), in order;
# there is one per date with lines but the last; the plain file holds the
# last date's lines. A rerun over a shorter range leaves no file of the
# longer run behind; "live.log_rotation": "none" writes the backtest's
# files as they are; a backtest writes no rotated file.
set -u
. "$(dirname "$0")/../e2e/lib/prelude.bash"
PY=${PYTHON:-python3}
DB="sqlite:$TMP/s.db"
"$BIN" data import data/sample/crypto/BTCUSDT-1h.csv --db "$DB" > /dev/null 2>&1 || fail "import of the sample"
CFG=examples/sma_cross.json
RANGE=(--to 2022-02-15)

"$BIN" backtest --config "$CFG" --db "$DB" --out "$TMP/bt" "${RANGE[@]}" > "$TMP/bt.txt" 2>&1 || fail "backtest"
ls "$TMP/bt" | grep -q -- '-20[0-9][0-9]-' && fail "the backtest wrote rotated logs: $(ls "$TMP/bt")"
"$BIN" paper --config "$CFG" --db "$DB" --out "$TMP/pp" "${RANGE[@]}" > "$TMP/pp.txt" 2>&1 || fail "paper"
grep -q "^logs  *rotated daily by the decision clock" "$TMP/pp.txt" || fail "no rotation line: $(tail -3 "$TMP/pp.txt")"

check() { # dir: its rotated files against the backtest's lines by date
  "$PY" - "$1" "$TMP/bt" <<'PY'
import json, os, re, sys
d, bt = sys.argv[1:]
for name in ("signals", "executions"):
    ref = open(os.path.join(bt, name + ".jsonl")).read().splitlines(True)
    by_date = {}
    for l in ref:
        by_date.setdefault(json.loads(l)["time"][:10], []).append(l)
    dates = sorted(by_date)
    assert len(dates) > 3, (name, "too few days to test", dates)
    rot = sorted(f for f in os.listdir(d) if re.fullmatch(name + r"-\d{4}-\d{2}-\d{2}\.jsonl", f))
    want = [name + "-" + x + ".jsonl" for x in dates[:-1]]
    assert rot == want, (name, rot, want)
    for x in dates[:-1]:
        got = open(os.path.join(d, name + "-" + x + ".jsonl")).read().splitlines(True)
        assert got == by_date[x], (name, x, len(got), len(by_date[x]))
    last = open(os.path.join(d, name + ".jsonl")).read().splitlines(True)
    assert last == by_date[dates[-1]], (name, "plain file", len(last), len(by_date[dates[-1]]))
PY
}
check "$TMP/pp" || fail "rotated files (above)"

# A shorter rerun into the same directory (--fresh: the configuration's
# range changed) leaves none of the longer run's days.
"$BIN" backtest --config "$CFG" --db "$DB" --out "$TMP/bt" --to 2022-01-20 > /dev/null 2>&1 || fail "backtest 2"
"$BIN" paper --config "$CFG" --db "$DB" --out "$TMP/pp" --to 2022-01-20 --fresh > "$TMP/pp2.txt" 2>&1 \
  || fail "paper 2: $(tail -3 "$TMP/pp2.txt")"
check "$TMP/pp" || fail "rotated files after a shorter rerun (above)"

# No rotation: the backtest's files byte for byte.
"$BIN" backtest --config "$CFG" --db "$DB" --out "$TMP/bt" "${RANGE[@]}" > /dev/null 2>&1 || fail "backtest 3"
"$BIN" paper --config "$CFG" --db "$DB" --out "$TMP/none" "${RANGE[@]}" --set live.log_rotation=none \
  > "$TMP/none.txt" 2>&1 || fail "paper without rotation"
ls "$TMP/none" | grep -q -- '-20[0-9][0-9]-' && fail "rotated files with log_rotation none"
for f in signals.jsonl executions.jsonl; do
  cmp -s "$TMP/bt/$f" "$TMP/none/$f" || fail "log_rotation none: $f differs from the backtest's"
done
"$BIN" paper --config "$CFG" --db "$DB" --out "$TMP/x" --set live.log_rotation=hourly > /dev/null 2> "$TMP/bad.txt" \
  && fail "an unknown rotation ran"
grep -q "live.log_rotation" "$TMP/bad.txt" || fail "rotation message: $(cat "$TMP/bad.txt")"

[ $fails -eq 0 ] || exit 1
echo "ok"
