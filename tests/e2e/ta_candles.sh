#!/usr/bin/env bash
# End-to-end test of the candlestick patterns in `proratio ta`: all 61 asked
# for in one run (computed in one pass) reproduce TA-Lib's
# cdl_all_aapl_1d.csv column for column, and --candle-setting changes a
# threshold as TA-Lib's candle settings do (worked out by hand below); a bad
# setting is a usage error.
set -u
BIN=${PR_BIN:-}
ROOT=${PR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
  echo "skipped: the proratio program (PR_BIN=$BIN) is not built"
  exit 77
fi
G="$ROOT/tests/data/golden"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/prtest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# --- all 61 patterns in one run against TA-Lib ----------------------------------
cols=$(head -1 "$G/cdl_all_aapl_1d.csv" | tr ',' '\n' | tail -n +7)
[ "$(printf '%s\n' "$cols" | grep -c .)" -eq 61 ] || fail "golden file has not 61 pattern columns"
args=()
for c in $cols; do args+=(--indicator "$(printf '%s' "$c" | tr 'a-z' 'A-Z')"); done
"$BIN" ta --csv "$G/cdl_all_aapl_1d.csv" "${args[@]}" > "$TMP/all.csv" 2> "$TMP/err.txt" \
  || fail "61 patterns run: $(cat "$TMP/err.txt")"
i=0
for c in $cols; do
  i=$((i + 1))
  hdr=$(head -1 "$TMP/all.csv" | cut -d, -f$((i + 1)))
  case "$hdr" in "$c" | "${c}_"*) ;; *) fail "column $i is $hdr, expected $c"; continue ;; esac
  paste -d, <(tail -n +2 "$TMP/all.csv" | cut -d, -f$((i + 1))) <(tail -n +2 "$G/cdl_all_aapl_1d.csv" | cut -d, -f$((i + 6))) |
    awk -F, '{ if (($1 == "") != ($2 == "") || ($1 != "" && $1 != $2 + 0)) { print NR ": " $0; bad = 1 } } END { exit bad }' \
    > "$TMP/diff.txt" || fail "$c differs from TA-Lib: $(head -3 "$TMP/diff.txt")"
done

# --- --candle-setting --------------------------------------------------------------
# 10 bars o=100 h=102 l=99 c=101 (range 3), then o=100 h=101.5 l=98.5 c=100.4:
# body 0.4. Doji when body <= BodyDoji's factor x the average high-low range
# of the 10 bars before (3): default 0.1 x 3 = 0.3 -> 0; factor 0.2 -> 0.6 ->
# 100; RealBody over 10 bars, factor 0.5: 0.5 x average body 1 = 0.5 -> 100.
{
  echo "time,open,high,low,close,volume"
  for d in 01 02 03 04 05 06 07 08 09 10; do echo "2024-01-$d,100,102,99,101,1"; done
  echo "2024-01-11,100,101.5,98.5,100.4,1"
} > "$TMP/bars.csv"
last() { "$BIN" ta --csv "$TMP/bars.csv" --indicator CDLDOJI "$@" | tail -1 | cut -d, -f2; }
[ "$(last)" = "0" ] || fail "default doji: $(last)"
[ "$(last --candle-setting BodyDoji=HighLow,10,0.2)" = "100" ] || fail "BodyDoji factor 0.2 did not make a doji"
[ "$(last --candle-setting bodydoji=RealBody,10,0.5)" = "100" ] || fail "BodyDoji RealBody 0.5 did not make a doji"
# A setting the pattern does not use changes nothing.
[ "$(last --candle-setting Far=RealBody,3,9)" = "0" ] || fail "Far changed the doji"
for bad in "BodyDoji" "Bodydojo=HighLow,10,0.1" "BodyDoji=Wide,10,0.1" "BodyDoji=HighLow,-1,0.1" \
           "BodyDoji=HighLow,10,x" "BodyDoji=HighLow,10"; do
  "$BIN" ta --csv "$TMP/bars.csv" --indicator CDLDOJI --candle-setting "$bad" > /dev/null 2>&1
  [ $? -eq 2 ] || fail "--candle-setting '$bad' is not a usage error"
done

if [ $fails -gt 0 ]; then echo "$fails check(s) failed"; exit 1; fi
echo "ok"
