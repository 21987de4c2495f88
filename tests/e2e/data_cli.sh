#!/usr/bin/env bash
# End-to-end test of `proratio data`: imports the bundled sample data into a
# fresh SQLite store and checks the listing, gap report, idempotent re-import,
# atomic rejection (--strict), error exit codes, export round trip and
# resampling against facts stated in data/sample/PROVENANCE.md. With
# PR_PG_URL set (tests/e2e/data_cli_pg.sh) the main store is that PostgreSQL
# database instead of a SQLite file.
set -u
BIN=${PR_BIN:-build/proratio}
[ -x "$BIN" ] || { echo "SKIP: $BIN not built"; exit 77; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
DB=${PR_PG_URL:-sqlite:$T/p.db}
fails=0; passes=0
ok() { passes=$((passes+1)); echo "ok   $1"; }
bad() { fails=$((fails+1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
json() { /usr/bin/python3 -c "import json,sys; d=json.load(open('$1')); $2"; }

# 1. import everything in data/sample
# EURUSD-1h-2012-2020 is another feed of the same pair: it goes to its own venue so the two never mix.
"$BIN" data import data/sample/crypto/*.csv data/sample/forex/EURUSD-1h.csv data/sample/stocks/*.csv --db "$DB" >"$T/imp.txt" 2>&1
rc=$?
"$BIN" data import data/sample/forex/EURUSD-1h-2012-2020.csv --venue mt --db "$DB" >>"$T/imp.txt" 2>&1
rc=$((rc + $?))
check "import of the sample data exits 0 (got $rc)" "[ $rc -eq 0 ]"
check "import reports the zero-volume outage bar with its line" "grep -q 'BTCUSDT-1h.csv:10742: warning zero-volume' '$T/imp.txt'"
check "import reports the all-zero placeholder rows of EURUSD 2012-2020 as skipped" "grep -q 'EURUSD-1h-2012-2020.csv:6706-6768: error all-zero: all-zero placeholder row \\[63 rows skipped\\]' '$T/imp.txt'"

"$BIN" data list --db "$DB" --json >"$T/list.json"
# PROVENANCE: BTCUSDT-1h has 29303 rows and exactly 1 missing bar (2023-03-24 13:00).
check "list: BTCUSDT 1h has 29303 bars, 1 gap, 1 missing bar" \
  "json '$T/list.json' \"b=[x for x in d if x['dataset']=='local:BTCUSDT:1h'][0]; sys.exit(not (b['bars']==29303 and b['gaps']==1 and b['missing_bars']==1 and b['first']=='2022-01-01T00:00:00Z' and b['last']=='2025-05-05T23:00:00Z'))\""
# PROVENANCE: KO-1d has 6084 rows and no gaps beyond market holidays.
check "list: KO 1d has 6084 bars and no gaps on the NYSE calendar" \
  "json '$T/list.json' \"b=[x for x in d if x['dataset']=='local:KO:1d'][0]; sys.exit(not (b['bars']==6084 and b['gaps']==0 and b['calendar']=='us-stock' and b['asset_class']=='stock'))\""
# PROVENANCE: EURUSD-1h has weekend breaks and two holiday gaps only: no missing bars on the forex calendar.
check "list: EURUSD 1h has 21643 bars and no unexpected gaps" \
  "json '$T/list.json' \"b=[x for x in d if x['dataset']=='local:EURUSD:1h'][0]; sys.exit(not (b['bars']==21643 and b['missing_bars']==0 and b['calendar']=='forex'))\""

"$BIN" data gaps local:BTCUSDT:1h --db "$DB" --json >"$T/gaps.json"
check "gaps: the BTCUSDT gap is the 2023-03-24 13:00 outage" \
  "json '$T/gaps.json' \"g=d[0]['gaps']; sys.exit(not (len(g)==1 and g[0]['from']=='2023-03-24T13:00:00Z' and g[0]['missing']==1))\""
# SOLUSDT sample (2020-08 .. 2021): PROVENANCE lists 9 gaps with 19 missing bars before 2022.
"$BIN" data gaps SOLUSDT-1h --db "$DB" --json >"$T/sol.json"
check "gaps: SOLUSDT sample has the 9 maintenance gaps (19 bars) PROVENANCE lists before 2022" \
  "json '$T/sol.json' \"sys.exit(not (d[0]['gap_count']==9 and d[0]['missing_bars']==19))\""

# 2. idempotent re-import
"$BIN" data import data/sample/crypto/BTCUSDT-1h.csv --db "$DB" --quiet >"$T/re.txt" 2>&1
check "re-import stores nothing new" "grep -q '(0 new, 0 updated, 29303 unchanged)' '$T/re.txt'"

# 3. --strict on a file with defects: exit 3, store unchanged
"$BIN" data export BTCUSDT-1h --db "$DB" --out "$T/before.csv" 2>/dev/null
cp tests/data/fixtures/dup_order.csv "$T/BTCUSDT-1h.csv"
"$BIN" data import "$T/BTCUSDT-1h.csv" --db "$DB" --strict >"$T/strict.txt" 2>&1
rc=$?
check "--strict import of a defective file exits 3 (got $rc)" "[ $rc -eq 3 ]"
"$BIN" data export BTCUSDT-1h --db "$DB" --out "$T/after.csv" 2>/dev/null
check "--strict rejection leaves the stored bars byte-identical" "cmp -s '$T/before.csv' '$T/after.csv'"
"$BIN" data list --db "$DB" --json >"$T/list2.json"
check "--strict rejection leaves the dataset listing unchanged" "cmp -s '$T/list.json' '$T/list2.json'"

# 4. default policy on the same file: repaired, reported with lines, imported
"$BIN" data import "$T/BTCUSDT-1h.csv" --db "sqlite:$T/d.db" >"$T/dup.txt" 2>&1
rc=$?
check "default import of dup/out-of-order rows exits 0 (got $rc)" "[ $rc -eq 0 ]"
check "duplicate row reported with its line" "grep -q 'BTCUSDT-1h.csv:4: .*duplicate' '$T/dup.txt'"
check "conflicting duplicate reported with its line" "grep -q 'BTCUSDT-1h.csv:7: .*conflict' '$T/dup.txt'"
check "out-of-order row reported with its line" "grep -q 'BTCUSDT-1h.csv:6: .*out-of-order' '$T/dup.txt'"
"$BIN" data export BTCUSDT-1h --db "sqlite:$T/d.db" --out "$T/dup_out.csv" 2>/dev/null
check "stored result is sorted with 5 distinct bars" "[ \$(tail -n +2 '$T/dup_out.csv' | wc -l) -eq 5 ] && tail -n +2 '$T/dup_out.csv' | cut -d, -f1 | sort -c"

# 5. error exit codes
"$BIN" data import tests/data/fixtures/empty.csv --db "sqlite:$T/e.db" --symbol X --tf 1h >"$T/empty.txt" 2>&1
rc=$?
check "empty file exits 3 and names the file (got $rc)" "[ $rc -eq 3 ] && grep -q 'empty.csv' '$T/empty.txt'"
"$BIN" data import tests/data/fixtures/header_only.csv --db "sqlite:$T/e.db" --symbol X --tf 1h >"$T/ho.txt" 2>&1
rc=$?
check "header-only file exits 3 (got $rc)" "[ $rc -eq 3 ] && grep -qi 'no data rows' '$T/ho.txt'"
"$BIN" data import "$T/does-not-exist.csv" --db "sqlite:$T/e.db" --symbol X >"$T/nf.txt" 2>&1
rc=$?
check "missing file exits 4 (got $rc)" "[ $rc -eq 4 ] && grep -q 'does-not-exist.csv' '$T/nf.txt'"
"$BIN" data import tests/data/fixtures/truncated.csv --db "sqlite:$T/e.db" --symbol X --tf 1h >"$T/tr.txt" 2>&1
check "truncated rows reported with file:line" "grep -q 'truncated.csv:[0-9]*: error' '$T/tr.txt'"
# --tz-offset is minutes: text, or a value past a day, is a usage error (it used
# to be read as 0, or overflowed atoi), and nothing is stored.
for tz in abc 90x 99999999999 -2147483648 1441; do
  "$BIN" data import tests/data/fixtures/histdata.csv --db "sqlite:$T/tz.db" --symbol EURUSD --tf 1m \
    --tz-offset "$tz" >"$T/tz.txt" 2>&1; rc=$?
  check "--tz-offset $tz exits 2 (got $rc)" "[ $rc -eq 2 ] && grep -q 'tz-offset' '$T/tz.txt'"
done
"$BIN" data import tests/data/fixtures/histdata.csv --db "sqlite:$T/tz.db" --symbol EURUSD --tf 1m \
  --tz-offset -300 --quiet >"$T/tz.txt" 2>&1; rc=$?
# histdata.csv's first stamp 20120201 000000 at UTC-5 is 05:00 UTC.
check "--tz-offset -300 imports with the offset applied (got $rc)" \
  "[ $rc -eq 0 ] && grep -q '2012-02-01 05:00:00 ..' '$T/tz.txt'"
"$BIN" data frobnicate >/dev/null 2>&1; rc=$?
check "unknown subcommand exits 2 (got $rc)" "[ $rc -eq 2 ]"
"$BIN" data list --db "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2" >"$T/pg.txt" 2>&1; rc=$?
check "unreachable PostgreSQL gives exit 1 with host:port (got $rc)" "[ $rc -eq 1 ] && grep -q '127.0.0.1' '$T/pg.txt'"
for c in import list gaps resample export; do
  "$BIN" data $c --help >/dev/null 2>&1 || bad "data $c --help"
done
ok "--help on every data command"

# 6. export round trip: export -> import into a new store -> export is identical
"$BIN" data export ETHUSDT-1h --db "$DB" --out "$T/eth.csv" 2>/dev/null
"$BIN" data import "$T/eth.csv" --symbol ETHUSDT --tf 1h --db "sqlite:$T/rt.db" --quiet >/dev/null 2>&1
"$BIN" data export ETHUSDT-1h --db "sqlite:$T/rt.db" --out "$T/eth2.csv" 2>/dev/null
check "export -> import -> export is byte-identical" "cmp -s '$T/eth.csv' '$T/eth2.csv'"
check "exported prices equal the source text" \
  "[ \"\$(sed -n 2p '$T/eth.csv')\" = '2022-01-01 00:00:00,3676.22,3730,3676.22,3723.04,9023.374' ]"

# 6b. a long --out path: the temporary name ("<out>.tmp") used to be cut to 271
# characters, so the export wrote into (and then renamed away) whatever file
# had that shorter name.
L1=$(printf 'd%.0s' $(seq 1 120)); L2=$(printf 'e%.0s' $(seq 1 200))
mkdir -p "$T/$L1"
longout="$T/$L1/$L2.csv"
victim=$(printf '%s' "$longout.tmp" | cut -c1-271)
echo keep-me >"$victim"
"$BIN" data export ETHUSDT-1h --db "$DB" --out "$longout" 2>/dev/null
rc=$?
check "export to a ${#longout}-character path exits 0 (got $rc)" "[ $rc -eq 0 ]"
check "export to a long path writes that path exactly" "cmp -s '$T/eth.csv' '$longout'"
check "export to a long path leaves the file named by its truncated prefix alone" \
  "[ \"\$(cat '$victim' 2>/dev/null)\" = keep-me ]"

# 7. resampling: a 1m sample ending mid-day gives an incomplete last daily bucket, left out
"$BIN" data resample BTCUSDT-1m --to 1d --db "$DB" >"$T/rs.txt" 2>&1
rc=$?
last=$(tail -n 1 data/sample/crypto/BTCUSDT-1m.csv | cut -c1-10)
check "resample 1m -> 1d exits 0 (got $rc)" "[ $rc -eq 0 ]"
check "resample reports the incomplete last day ($last) and leaves it out" "grep -q \"last bucket $last 00:00:00 is incomplete\" '$T/rs.txt'"
"$BIN" data export BTCUSDT-1d --db "$DB" --out "$T/d1.csv" 2>/dev/null
check "the incomplete day is not stored" "! grep -q '^$last' '$T/d1.csv'"
# daily high of the first full day equals the max of its 1440 minute highs (computed here with awk)
day=$(sed -n 3p "$T/d1.csv" | cut -c1-10)
want=$(awk -F, -v d="$day" 'index($1,d)==1 { if ($3+0 > m) m = $3+0 } END { printf "%.2f", m }' data/sample/crypto/BTCUSDT-1m.csv)
got=$(sed -n 3p "$T/d1.csv" | awk -F, '{ printf "%.2f", $3 }')
check "resampled daily high of $day equals the max minute high ($want = $got)" "[ '$want' = '$got' ]"

# 8. the listing's gaps and missing bars are kept by each write, never rescanned:
# after overlapping, out-of-order and gap-leaving imports and a resample they
# must equal what a rescan of the exported bars finds (24x7: every absent
# step of the timeframe is missing), computed here in Python.
S="sqlite:$T/sum.db"
src=data/sample/crypto/ETHUSDT-1h.csv
{ head -n 1 "$src"; sed -n 2,1001p "$src"; } >"$T/ETHUSDT-1h.csv"
"$BIN" data import "$T/ETHUSDT-1h.csv" --db "$S" --quiet >/dev/null 2>&1
{ head -n 1 "$src"; sed -n 500,2000p "$src" | tac; } >"$T/ETHUSDT-1h.csv"
"$BIN" data import "$T/ETHUSDT-1h.csv" --db "$S" --quiet >/dev/null 2>&1
{ head -n 1 "$src"; sed -n 3000,3500p "$src"; sed -n 2400,2410p "$src"; } >"$T/ETHUSDT-1h.csv"
"$BIN" data import "$T/ETHUSDT-1h.csv" --db "$S" --quiet >/dev/null 2>&1
"$BIN" data resample ETHUSDT-1h --to 4h --db "$S" >/dev/null 2>&1
"$BIN" data list --db "$S" --json >"$T/sum.json"
for ds in ETHUSDT-1h:3600 ETHUSDT-4h:14400; do
  name=${ds%%:*}; step=${ds##*:}
  "$BIN" data export "$name" --db "$S" --out "$T/sum.csv" 2>/dev/null
  check "list: $name gaps and missing bars equal a rescan of its bars" \
    "/usr/bin/python3 - '$T/sum.json' '$T/sum.csv' 'local:${name%-*}:${name##*-}' $step <<'PY'
import csv, datetime, json, sys
lst, exp, key, step = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
ts = [int(datetime.datetime.strptime(r[0], '%Y-%m-%d %H:%M:%S').replace(tzinfo=datetime.timezone.utc).timestamp())
      for r in list(csv.reader(open(exp)))[1:]]
gaps = sum(1 for a, b in zip(ts, ts[1:]) if b - a > step)
missing = sum((b - a) // step - 1 for a, b in zip(ts, ts[1:]) if b - a > step)
d = [x for x in json.load(open(lst)) if x['dataset'] == key][0]
ok = d['bars'] == len(ts) and d['gaps'] == gaps and d['missing_bars'] == missing and gaps > 0
print(key, d['bars'], d['gaps'], d['missing_bars'], 'rescan', len(ts), gaps, missing)
sys.exit(0 if ok else 1)
PY"
done

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
