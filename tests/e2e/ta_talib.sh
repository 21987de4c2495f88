#!/usr/bin/env bash
# End-to-end test of TA-Lib compatibility in `proratio ta`: --list names every
# TA-Lib function of TA-Lib 0.6.4's function list
# (tests/data/golden/index.csv) with its TA-Lib name, TA-Lib names work as
# indicator names (HT_SINE gives TA-Lib's golden sine/leadsine text for text),
# --unstable 50 reproduces TA-Lib's rsi_14_unstable_50.csv, a bad --unstable
# is a usage error, and README's coverage table is the generator's output.
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

# --- --list: every TA-Lib function with its TA-Lib name -------------------------
"$BIN" ta --list > "$TMP/list.txt" || fail "--list exited non-zero"
funcs=$(tail -n +2 "$G/index.csv" | cut -d, -f2 | tr '+' '\n' | sort -u)
[ "$(printf '%s\n' "$funcs" | grep -c .)" -ge 156 ] || fail "read too few functions from index.csv"
for f in $funcs; do
  lower=$(printf '%s' "$f" | tr 'A-Z' 'a-z')
  grep -q "^$lower (.*\[TA-Lib $f[],]" "$TMP/list.txt" || fail "--list lacks $f as $lower [TA-Lib $f]"
done
# ... and every TA-Lib name --list shows is one of TA-Lib's functions.
all=$(tail -n +2 "$G/index.csv" | cut -d, -f2 | tr '+' '\n' | sort -u)
for f in $(sed -n 's/.*\[TA-Lib \([A-Z0-9_]*\)[],].*/\1/p' "$TMP/list.txt"); do
  printf '%s\n' "$all" | grep -qx "$f" || fail "--list names $f, which is not a TA-Lib 0.6.4 function"
done
grep -q '^ht_sine (cycle) \[TA-Lib HT_SINE, unstable period\]' "$TMP/list.txt" || fail "ht_sine not marked unstable"
grep -q '^sma (overlap) \[TA-Lib SMA\]:' "$TMP/list.txt" || fail "sma marked unstable"

# --- TA-Lib names as indicator names: HT_SINE against TA-Lib's golden file ------
"$BIN" ta --csv "$G/ht_sine.csv" --indicator HT_SINE > "$TMP/sine.csv" 2> "$TMP/err.txt" \
  || fail "HT_SINE run: $(cat "$TMP/err.txt")"
[ "$(head -1 "$TMP/sine.csv")" = "time,ht_sine_sine,ht_sine_leadsine" ] || fail "header $(head -1 "$TMP/sine.csv")"
paste -d, <(tail -n +2 "$TMP/sine.csv" | cut -d, -f2,3) <(tail -n +2 "$G/ht_sine.csv" | cut -d, -f7,8) |
  awk -F, '{ if (($1 == "") != ($3 == "") || ($1 != "" && ($1 != $3 + 0 || $2 != $4 + 0))) { print NR - 1 ": " $0; bad = 1 } }
           END { exit bad }' > "$TMP/diff.txt" || fail "HT_SINE differs from TA-Lib: $(head -3 "$TMP/diff.txt")"

# --- --unstable: RSI(14) with 50 against TA-Lib's rsi_14_unstable_50.csv ------------
"$BIN" ta --csv "$G/rsi_14.csv" --indicator RSI:14 --indicator sma:5 --unstable 50 > "$TMP/u.csv" 2> "$TMP/err.txt" \
  || fail "--unstable run: $(cat "$TMP/err.txt")"
paste -d, <(tail -n +2 "$TMP/u.csv" | cut -d, -f2) <(tail -n +2 "$G/rsi_14_unstable_50.csv" | cut -d, -f7) |
  awk -F, '{ if (($1 == "") != ($2 == "") || ($1 != "" && $1 != $2 + 0)) { print NR - 1 ": " $0; bad = 1 } }
           END { exit bad }' > "$TMP/diff.txt" || fail "--unstable 50 RSI differs: $(head -3 "$TMP/diff.txt")"
# SMA has no unstable period: its first value stays on bar 4.
[ "$(sed -n 6p "$TMP/u.csv" | cut -d, -f3)" != "" ] && [ "$(sed -n 5p "$TMP/u.csv" | cut -d, -f3)" = "" ] \
  || fail "--unstable moved sma"
"$BIN" ta --csv "$G/rsi_14.csv" --indicator rsi --unstable 2.5 > /dev/null 2>&1
[ $? -eq 2 ] || fail "--unstable 2.5 is not a usage error"

# --- README's coverage table is the generator's output -----------------------------
if command -v python3 > /dev/null; then
  python3 "$ROOT/scripts/ta_coverage.py" "$BIN" > "$TMP/cov.md" || fail "coverage generator failed"
  awk '/^\| TA-Lib \| proratio \|/{f=1} f && !/^\|/{exit} f' "$ROOT/README.md" > "$TMP/readme_cov.md"
  diff "$TMP/cov.md" "$TMP/readme_cov.md" > "$TMP/cov.diff" \
    || fail "README's TA-Lib coverage table is stale (python3 scripts/ta_coverage.py build/proratio): $(head -5 "$TMP/cov.diff")"
fi

if [ $fails -gt 0 ]; then echo "$fails check(s) failed"; exit 1; fi
echo "ok"
