#!/usr/bin/env bash
# Every indicator is declared by its row of include/proratio/ta/list.h and
# nowhere else: a family header that declares an indicator by hand (a
# pr_ta_X_lookback of its own) is one the table and `proratio ta --list`
# may miss, so it fails here. And the documentation agrees with the table
# both ways: every indicator `proratio ta --list` shows is named in README's
# indicator and statistics sections, and every name in the first column of
# README's indicator tables is one the table has.
set -u
cd "${PR_SOURCE_DIR:-.}"
bin=${PR_BIN:-build/proratio}
fail=0

names=$("$bin" ta --list | sed -n 's/^\([a-z0-9_]*\) (.*/\1/p')
count=$(printf '%s\n' "$names" | grep -c .)
if [ "$count" -lt 80 ]; then
  echo "FAIL: proratio ta --list shows $count indicators (expected the whole list)"
  exit 1
fi
has() { printf '%s\n' "$names" | grep -qx "$1"; }

# 1. Hand declarations in the family headers. pr_ta_cdl_lookback is the
#    candlestick engine's generic entry point (the patterns are rows).
for h in include/proratio/ta/*.h include/proratio/ta.h; do
  case $h in */list.h|*/shapes.h|*/indicators.h) continue ;; esac
  for x in $(sed -n 's/^[[:space:]]*int pr_ta_\([a-z0-9_]*\)_lookback(.*/\1/p' "$h"); do
    [ "$x" = cdl ] && continue
    t=$x
    case $x in cdl_*) t=cdl${x#cdl_} ;; esac
    if has "$t"; then
      echo "FAIL: $h declares pr_ta_${x}_lookback by hand; its declarations come from its row of list.h"
    else
      echo "FAIL: $h declares indicator $x, which has no row in include/proratio/ta/list.h (not in the table)"
    fi
    fail=1
  done
done

# 2. README: the sections on indicators and statistics.
doc=$(awk '/^## Technical indicators/{f=1} /^## Backtesting/{f=0} f' README.md)
for n in $names; do
  printf '%s\n' "$doc" | grep -qiw -- "$n" || { echo "FAIL: $n is in the table but not in README's indicator sections"; fail=1; }
done
# First cells of the indicator tables (### sections under "Technical
# indicators"): names separated by , or /, parenthesised notes dropped.
cells=$(printf '%s\n' "$doc" | awk '/^## Statistics/{exit} /^\| *[a-zA-Z`]/ && !/^\| *(indicator|name|TA-Lib) *\|/' |
  cut -d'|' -f2 | sed 's/([^)]*)//g; s/`//g' | tr ',/' '\n\n' | tr 'A-Z' 'a-z' | sed 's/^ *//; s/ *$//' | grep -v '^$')
checked=0
for c in $cells; do
  checked=$((checked + 1))
  has "$c" || { echo "FAIL: README documents indicator '$c', which the table does not have"; fail=1; }
done
if [ "$checked" -lt 80 ]; then
  echo "FAIL: read only $checked names from README's indicator tables (format changed?)"
  fail=1
fi
[ $fail = 0 ] && echo "ok: $count indicators, all from list.h rows; README names $checked, all in the table"
exit $fail
