#!/usr/bin/env bash
# End-to-end test that `proratio data` never loses or silently changes stored
# data (issue #8): a resample never overwrites source bars and never stores a
# partial bucket; a second feed without volume never zeroes stored volume and
# --on-conflict decides over differing values; a repeated time anywhere in a
# file keeps the first row; funding series are listed and exported. Expected
# values come from the sample files themselves (the exchange's own 1h bar,
# the first feed's volume) and from hand-made rows. With PR_PG_URL set
# (tests/e2e/data_integrity_pg.sh) the stores are that PostgreSQL database.
set -u
BIN=${PR_BIN:-build/proratio}
[ -x "$BIN" ] || { echo "SKIP: $BIN not built"; exit 77; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fails=0; passes=0
ok() { passes=$((passes+1)); echo "ok   $1"; }
bad() { fails=$((fails+1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
json() { /usr/bin/python3 -c "import json,sys; d=json.load(open('$1')); $2"; }
# A fresh store per part: a new SQLite file, or the PostgreSQL database emptied.
fresh() {
    if [ -n "${PR_PG_URL:-}" ]; then
        psql -q "$PR_PG_URL" -c 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;' >/dev/null 2>&1 ||
            { echo "cannot reset $PR_PG_URL"; exit 1; }
        DB=$PR_PG_URL
    else
        DB="sqlite:$T/$1.db"
    fi
}

# 1. resample over an exchange's own dataset --------------------------------
fresh rs
mkdir -p "$T/c"
# The 1m data from 03:40: the 03:00 hour has 20 of its 60 minutes.
{ head -1 data/sample/crypto/BTCUSDT-1m.csv; tail -n +42 data/sample/crypto/BTCUSDT-1m.csv; } >"$T/c/BTCUSDT-1m.csv"
"$BIN" data import data/sample/crypto/BTCUSDT-1h.csv "$T/c/BTCUSDT-1m.csv" data/sample/stocks/SPY-1d.csv \
    data/sample/stocks/SPY-5m.csv --db "$DB" --quiet >/dev/null 2>&1
"$BIN" data export local:BTCUSDT:1h --db "$DB" --out "$T/btc_before.csv" 2>/dev/null
"$BIN" data export local:SPY:1d --db "$DB" --out "$T/spy_before.csv" 2>/dev/null
"$BIN" data resample BTCUSDT:1m --to 1h --db "$DB" >"$T/rs1.txt" 2>&1
rc=$?
check "resample onto the exchange's local:BTCUSDT:1h is refused (got $rc)" \
  "[ $rc -ne 0 ] && grep -q 'never overwrites' '$T/rs1.txt' && grep -q -- '--replace' '$T/rs1.txt'"
"$BIN" data export local:BTCUSDT:1h --db "$DB" --out "$T/btc_after.csv" 2>/dev/null
check "the exchange's 1h bars are byte-identical after the refused resample" "cmp -s '$T/btc_before.csv' '$T/btc_after.csv'"
"$BIN" data resample SPY:5m --to 1d --db "$DB" >"$T/rs2.txt" 2>&1
rc=$?
check "resample of SPY 5m onto Yahoo's local:SPY:1d is refused (got $rc)" "[ $rc -ne 0 ]"
"$BIN" data export local:SPY:1d --db "$DB" --out "$T/spy_after.csv" 2>/dev/null
check "Yahoo's daily bars are byte-identical (2518, no appended days)" \
  "cmp -s '$T/spy_before.csv' '$T/spy_after.csv' && [ \$(tail -n +2 '$T/spy_after.csv' | wc -l) -eq 2518 ]"

"$BIN" data resample BTCUSDT:1m --to 1h --venue rs --db "$DB" >"$T/rs3.txt" 2>&1
rc=$?
check "resample into its own venue rs exits 0 (got $rc)" "[ $rc -eq 0 ]"
"$BIN" data export rs:BTCUSDT:1h --db "$DB" --out "$T/rs.csv" 2>/dev/null
check "the 03:00 bucket (20 of 60 minutes) is not stored" "[ -s '$T/rs.csv' ] && ! grep -q '^2025-01-01 03:00:00,' '$T/rs.csv'"
# Binance's own 1h bar is the aggregate of its 1m bars: the outside reference.
check "the 04:00 bucket equals Binance's own 1h bar" \
  "/usr/bin/python3 -c \"
import csv,sys
a={r['timestamp']:r for r in csv.DictReader(open('$T/rs.csv'))}['2025-01-01 04:00:00']
b={r['timestamp']:r for r in csv.DictReader(open('data/sample/crypto/BTCUSDT-1h.csv'))}['2025-01-01 04:00:00']
sys.exit(not (all(float(a[k])==float(b[k]) for k in ('open','high','low','close')) and abs(float(a['volume'])-float(b['volume']))<1e-9))\""
"$BIN" data list --db "$DB" --json >"$T/list.json"
check "list: rs:BTCUSDT:1h is a resample of local:BTCUSDT:1m, local:BTCUSDT:1h an import" \
  "json '$T/list.json' \"m={x['dataset']:x for x in d}; s=m['rs:BTCUSDT:1h']['source']; i=m['local:BTCUSDT:1h']['source']; sys.exit(not (s=={'kind':'resample','from':'local:BTCUSDT:1m'} and i['kind']=='import' and i['from'].endswith('BTCUSDT-1h.csv')))\""
"$BIN" data list --db "$DB" >"$T/list.txt"
check "list text shows the source" "grep -q '^rs:BTCUSDT:1h .*resample of local:BTCUSDT:1m' '$T/list.txt'"
"$BIN" data resample BTCUSDT:1m --to 1h --venue rs --db "$DB" >"$T/rs4.txt" 2>&1
rc=$?
check "running the same resample again updates its own dataset (got $rc)" \
  "[ $rc -eq 0 ] && grep -q '(0 new, 0 updated, 335 unchanged)' '$T/rs4.txt'"
# A derived dataset is protected from other derivations too.
"$BIN" data resample rs:BTCUSDT:1h --to 4h --venue rs --db "$DB" >/dev/null 2>&1
"$BIN" data resample local:BTCUSDT:1h --to 4h --venue rs --db "$DB" >"$T/rs5.txt" 2>&1
rc=$?
check "a resample of another source is refused over rs:BTCUSDT:4h (got $rc)" \
  "[ $rc -ne 0 ] && grep -q 'resampled from rs:BTCUSDT:1h' '$T/rs5.txt'"
"$BIN" data resample local:BTCUSDT:1h --to 4h --venue rs --replace --db "$DB" >/dev/null 2>&1
"$BIN" data list --db "$DB" --json >"$T/list2.json"
check "--replace replaces it and the list names the new source" \
  "json '$T/list2.json' \"m={x['dataset']:x for x in d}; s=m['rs:BTCUSDT:4h']; sys.exit(not (s['source']['from']=='local:BTCUSDT:1h' and s['bars']>7000))\""

# 2. a second feed without volume --------------------------------------------
fresh fx
"$BIN" data import data/sample/forex/EURUSD-1h-2012-2020.csv --db "$DB" --quiet >/dev/null 2>&1
"$BIN" data export EURUSD-1h --db "$DB" --out "$T/fx_before.csv" 2>/dev/null
"$BIN" data import data/sample/forex/EURUSD-1h.csv --db "$DB" --on-conflict fail >"$T/fail.txt" 2>&1
rc=$?
"$BIN" data export EURUSD-1h --db "$DB" --out "$T/fx_fail.csv" 2>/dev/null
check "--on-conflict fail: exit 3, nothing stored (got $rc)" \
  "[ $rc -eq 3 ] && cmp -s '$T/fx_before.csv' '$T/fx_fail.csv' && grep -q 'on-conflict fail' '$T/fail.txt'"
"$BIN" data import data/sample/forex/EURUSD-1h.csv --db "$DB" >"$T/keep.txt" 2>&1
rc=$?
check "default (keep): exit 0, the differing bars are counted as kept with their columns (got $rc)" \
  "[ $rc -eq 0 ] && grep -q ' not replaced)' '$T/keep.txt' && grep -q 'stored bars had other values (open [0-9]*, high [0-9]*, low [0-9]*, close [0-9]*)' '$T/keep.txt'"
# The first feed's row: 2020-06-01 00:00:00,1.11155,1.1126,1.11126,1.11216,9270
check "keep: 2020-06-01 00:00 still holds the first feed's prices and volume 9270" \
  "\"$BIN\" data export EURUSD-1h --db '$DB' --from '2020-06-01' --to '2020-06-01 01:00' | grep -qx '2020-06-01 00:00:00,1.11155,1.1126,1.11126,1.11216,9270'"
"$BIN" data import data/sample/forex/EURUSD-1h.csv --db "$DB" --on-conflict replace >"$T/replace.txt" 2>&1
# TradingView's row: 2020-06-01T00:00:00Z,1.11158,1.11261,1.11128,1.11217 (no volume)
check "replace: the file's prices, the stored volume 9270 untouched" \
  "\"$BIN\" data export EURUSD-1h --db '$DB' --from '2020-06-01' --to '2020-06-01 01:00' | grep -qx '2020-06-01 00:00:00,1.11158,1.11261,1.11128,1.11217,9270'"
check "replace says the file has no volume column and stored volume was left" "grep -q 'no volume column' '$T/replace.txt'"
"$BIN" data import data/sample/forex/EURUSD-1h.csv --db "$DB" --json >"$T/again.json" 2>/dev/null
check "--json: every bar now equal in the file's columns; volume never counted as changed" \
  "json '$T/again.json' \"r=d[0]; sys.exit(not (r['inserted']==0 and r['updated']==0 and r['not_replaced']==0 and r['unchanged']==21643 and r['changed_columns']['volume']==0 and r['on_conflict']=='keep'))\""
"$BIN" data import data/sample/forex/EURUSD-1h.csv --db "$DB" --on-conflict bogus >"$T/bogus.txt" 2>&1
rc=$?
check "--on-conflict with an unknown policy is a usage error (got $rc)" "[ $rc -eq 2 ]"

# 3. a repeated time that is not on the next line ----------------------------
fresh dup
printf 'timestamp,open,high,low,close,volume\n2024-01-01 00:00:00,10,12,9,11,100\n2024-01-01 01:00:00,11,13,10,12,100\n2024-01-01 00:00:00,10,15,9,11,100\n' >"$T/XYZUSDT-1h.csv"
"$BIN" data import "$T/XYZUSDT-1h.csv" --db "$DB" >"$T/dup.txt" 2>&1
check "the repeat is reported as a conflict error at line 4" "grep -q 'XYZUSDT-1h.csv:4: error conflict' '$T/dup.txt'"
check "the summary adds up: 3 rows = 2 new + 1 skipped" "grep -q ': 3 rows (2 new, 0 updated, 0 unchanged), 1 skipped' '$T/dup.txt'"
check "the first row is kept (high 12, not 15)" \
  "\"$BIN\" data export XYZUSDT-1h --db '$DB' | grep -qx '2024-01-01 00:00:00,10,12,9,11,100'"

# 4. funding series: listed and exported --------------------------------------
fresh fund
"$BIN" data import data/sample/crypto/BTCUSDT-funding-8h.csv --db "$DB" --quiet >/dev/null 2>&1
"$BIN" data list --db "$DB" >"$T/fl.txt"
check "list text shows local:BTCUSDT:funding with its 1000 rates" "grep -q '^local:BTCUSDT:funding .* 1000 ' '$T/fl.txt'"
"$BIN" data list --db "$DB" --json >"$T/fl.json"
check "list --json has the funding series (kind, count, range)" \
  "json '$T/fl.json' \"f=[x for x in d if x['dataset']=='local:BTCUSDT:funding'][0]; sys.exit(not (f['kind']=='funding' and f['bars']==1000 and f['first']=='2024-07-19T08:00:00Z' and f['last']=='2025-06-17T08:00:00Z' and f['timeframe']=='8h'))\""
"$BIN" data export local:BTCUSDT:funding --db "$DB" --out "$T/f1.csv" 2>/dev/null
rc=$?
# PROVENANCE: Binance stamps jitter by a millisecond; the store holds them on the 8h grid.
check "export writes the 1000 rates of the sample (times on the 8h grid, same rates)" \
  "[ $rc -eq 0 ] && /usr/bin/python3 -c \"
import csv,sys
a=list(csv.DictReader(open('$T/f1.csv'))); b=list(csv.DictReader(open('data/sample/crypto/BTCUSDT-funding-8h.csv')))
sys.exit(not (len(a)==len(b)==1000 and all(x['fundingTime']==y['fundingTime'][:19] and float(x['fundingRate'])==float(y['fundingRate']) for x,y in zip(a,b))))\""
mkdir -p "$T/f2"; cp "$T/f1.csv" "$T/f2/BTCUSDT-funding-8h.csv"
fresh fund2
"$BIN" data import "$T/f2/BTCUSDT-funding-8h.csv" --db "$DB" --quiet >/dev/null 2>&1
"$BIN" data export BTCUSDT-funding --db "$DB" --out "$T/f3.csv" 2>/dev/null
check "the export imports back to the same rates" "cmp -s '$T/f1.csv' '$T/f3.csv'"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
