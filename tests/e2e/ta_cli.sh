#!/usr/bin/env bash
# End-to-end test of `proratio ta`: column names, empty warm-up cells, RSI(14)
# equal to TA-Lib's golden column, --from/--to/--out, --list (text and JSON)
# naming every indicator, and the exit codes of the error cases.
set -u
BIN=${PR_BIN:-}
ROOT=${PR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
  echo "skipped: the proratio program (PR_BIN=$BIN) is not built"
  exit 77
fi
CSV="$ROOT/tests/data/golden/rsi_14.csv"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/prtest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# --- a run with several indicators ---------------------------------------------
"$BIN" ta --csv "$CSV" --indicator rsi:14 --indicator bbands:20,2,2 --indicator keltner \
  --indicator supertrend:10,3 --indicator swings > "$TMP/out.csv" 2> "$TMP/err.txt"
rc=$?
[ $rc -eq 0 ] || { fail "ta run exited $rc: $(cat "$TMP/err.txt")"; }
want='time,rsi_14,bbands_20_2_2_upper,bbands_20_2_2_middle,bbands_20_2_2_lower,keltner_20_10_2_upper,keltner_20_10_2_middle,keltner_20_10_2_lower,supertrend_10_3_line,supertrend_10_3_direction,swings_5_5_high,swings_5_5_low'
got=$(head -1 "$TMP/out.csv")
[ "$got" = "$want" ] || fail "header: got '$got', want '$want'"
rows=$(($(wc -l < "$TMP/out.csv") - 1))
[ $rows -eq 3000 ] || fail "expected 3000 rows, got $rows"
# First row: time in ISO 8601 UTC and every indicator cell empty.
[ "$(sed -n 2p "$TMP/out.csv")" = "2022-01-01T00:00:00Z,,,,,,,,,,," ] || fail "row 1: $(sed -n 2p "$TMP/out.csv")"
# RSI(14): bars 0..13 empty, bar 14 onwards a number; bbands empty through bar 18.
awk -F, 'NR > 1 { i = NR - 2
  if (i < 14 && $2 != "") { print "rsi cell " i " not empty"; bad = 1 }
  if (i >= 14 && $2 == "") { print "rsi cell " i " empty"; bad = 1 }
  if (i < 19 && $3 != "") { print "bbands cell " i " not empty"; bad = 1 }
  if (i == 19 && $3 == "") { print "bbands cell 19 empty"; bad = 1 }
  if (i < 19 && $7 != "") { print "keltner cell " i " not empty"; bad = 1 }
  if (i == 19 && $7 == "") { print "keltner cell 19 empty"; bad = 1 }
  if (i >= 10 && $10 != "1" && $10 != "-1") { print "supertrend direction " i ": " $10; bad = 1 }
} END { exit bad }' "$TMP/out.csv" || fail "empty-cell pattern"

# RSI column against TA-Lib's golden rsi column, row by row.
paste -d, <(cut -d, -f2 "$TMP/out.csv") <(cut -d, -f7 "$CSV") | awk -F, '
  NR == 1 { if ($1 != "rsi_14" || $2 != "rsi") { print "columns " $0; bad = 1 }; next }
  { if (($1 == "") != ($2 == "")) { print "row " NR - 1 ": empty mismatch " $0; bad = 1; next }
    if ($1 == "") next
    d = $1 - $2; if (d < 0) d = -d; s = $2 < 0 ? -$2 : $2; if (s < 1) s = 1
    if (d > 1e-9 * s) { print "row " NR - 1 ": " $1 " vs " $2; bad = 1 }
    n++ }
  END { if (n != 2986) { print "compared " n " values"; bad = 1 }; exit bad }' || fail "rsi differs from golden"

# --from/--to keep [from, to) and do not change values (warm-up uses earlier bars).
"$BIN" ta --csv "$CSV" --indicator rsi --from 2022-01-02T00:00:00Z --to "2022-01-02 03:00" > "$TMP/win.csv" || fail "window run"
expect=$(printf 'time,rsi_14\n%s\n' "$(grep -E '^2022-01-02T0[0-2]:' "$TMP/out.csv" | cut -d, -f1,2)")
[ "$(cat "$TMP/win.csv")" = "$expect" ] || fail "--from/--to window: $(cat "$TMP/win.csv")"
# --out writes the same CSV to a file.
"$BIN" ta --csv "$CSV" --indicator rsi:14 --indicator bbands:20,2,2 --indicator keltner \
  --indicator supertrend:10,3 --indicator swings --out "$TMP/file.csv" 2> /dev/null || fail "--out run"
cmp -s "$TMP/out.csv" "$TMP/file.csv" || fail "--out differs from standard output"

# --- --list ---------------------------------------------------------------------
"$BIN" ta --list > "$TMP/list.txt" || fail "--list exited non-zero"
"$BIN" ta --list --json > "$TMP/list.json" || fail "--list --json exited non-zero"
for name in sma ema wma bbands macd rsi stoch atr adx obv vwap rvwap keltner donchian supertrend \
            ichimoku heikin_ashi cmf wavetrend hma zscore percentrank pivots swings levels; do
  grep -q "^$name (" "$TMP/list.txt" || fail "--list lacks $name"
  grep -q "\"name\": \"$name\"" "$TMP/list.json" || fail "--list --json lacks $name"
done
grep -q 'params:  ema_period=20 \[2, 100000\], atr_period=10 \[1, 100000\], mult=2 \[0, 100\] real' "$TMP/list.txt" \
  || fail "keltner parameters not listed with defaults and ranges"
# Every indicator in the text list appears in the JSON one and vice versa.
a=$(grep -E '^[a-z0-9_]+ \(' "$TMP/list.txt" | cut -d' ' -f1 | sort)
b=$(grep -E '^    "name": ' "$TMP/list.json" | sed 's/.*"name": "\(.*\)",/\1/' | sort)
[ -n "$a" ] && [ "$a" = "$b" ] || fail "--list and --list --json name different indicators"
if command -v python3 > /dev/null; then
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert all("params" in x and "outputs" in x for x in d)' \
    "$TMP/list.json" || fail "--list --json is not valid JSON"
fi

# --- errors and exit codes --------------------------------------------------------
expect_exit() { want=$1; shift; "$@" > "$TMP/o.txt" 2> "$TMP/e.txt"; got=$?
  [ $got -eq "$want" ] || fail "'$*' exited $got, want $want ($(cat "$TMP/e.txt"))"; }
expect_exit 4 "$BIN" ta --csv "$CSV" --indicator nosuch
grep -q -- "--list" "$TMP/e.txt" || fail "unknown indicator message does not point to --list"
expect_exit 2 "$BIN" ta --csv "$CSV" --indicator rsi:1
grep -q "period" "$TMP/e.txt" && grep -q "100000" "$TMP/e.txt" || fail "bad parameter message lacks name/range: $(cat "$TMP/e.txt")"
expect_exit 2 "$BIN" ta --csv "$CSV" --indicator keltner:20,10,-3
grep -q "mult" "$TMP/e.txt" || fail "bad mult message: $(cat "$TMP/e.txt")"
expect_exit 2 "$BIN" ta --csv "$CSV" --indicator rsi:abc
expect_exit 2 "$BIN" ta --csv "$CSV" --indicator rsi:14,5
expect_exit 2 "$BIN" ta --csv "$CSV"
expect_exit 2 "$BIN" ta --indicator rsi
expect_exit 2 "$BIN" ta --csv "$CSV" --indicator rsi --from yesterday-ish
expect_exit 2 "$BIN" ta --csv "$CSV" --indicator rsi --bogus
expect_exit 4 "$BIN" ta --csv "$TMP/missing.csv" --indicator rsi
expect_exit 4 "$BIN" ta --dataset NOSUCH-1h --db "$TMP/empty.db" --indicator rsi
expect_exit 0 "$BIN" ta --help

if [ $fails -gt 0 ]; then echo "$fails check(s) failed"; exit 1; fi
echo "ok"
