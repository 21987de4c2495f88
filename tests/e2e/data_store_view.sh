#!/usr/bin/env bash
# End-to-end test of the per-bar SQL view over the chunked bar store: after
# `proratio data import` of the sample BTCUSDT 1h file, the database's own
# command-line client (sqlite3, or psql with PR_PG_URL set by
# tests/e2e/data_store_view_pg.sh) shows one row per bar in `candles`, and
# every row equals the CSV's bar exactly (values compared as doubles, times
# from the CSV's UTC stamps). On SQLite a price edited through the view is
# what the program reads back, bit for bit; ts cannot be edited there.
set -u
BIN=${PR_BIN:-build/proratio}
[ -x "$BIN" ] || { echo "SKIP: $BIN not built"; exit 77; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
PG=${PR_PG_URL:-}
DB=${PG:-sqlite:$T/v.db}
fails=0; passes=0
ok() { passes=$((passes+1)); echo "ok   $1"; }
bad() { fails=$((fails+1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
CSV=data/sample/crypto/BTCUSDT-1h.csv
SQL="SELECT ts, open, high, low, close, volume FROM candles WHERE venue = 'local' AND symbol = 'BTCUSDT' AND timeframe = '1h' ORDER BY ts"
# view rows as CSV text with every double in full
view() {
  if [ -n "$PG" ]; then
    psql -X -q -v ON_ERROR_STOP=1 "$PG" -c "COPY ($SQL) TO STDOUT WITH (FORMAT csv)"
  else
    # quote() writes a REAL with as many digits as reading it back needs
    sqlite3 -bail "$T/v.db" "SELECT ts || ',' || quote(open) || ',' || quote(high) || ',' || quote(low) || ',' || quote(close) || ',' || quote(volume) FROM ($SQL)"
  fi
}
command -v "$([ -n "$PG" ] && echo psql || echo sqlite3)" >/dev/null || { echo "SKIP: no database CLI"; exit 77; }

"$BIN" data import "$CSV" --db "$DB" --quiet >"$T/imp.txt" 2>&1
check "import exits 0" "[ $? -eq 0 ]"
view >"$T/view.csv" 2>"$T/view.err"
check "the view can be queried with the CLI ($(head -c 200 "$T/view.err"))" "[ -s '$T/view.csv' ]"
/usr/bin/python3 - "$CSV" "$T/view.csv" <<'PY'
import calendar, sys, time
src = [l.split(",") for l in open(sys.argv[1]).read().splitlines()[1:]]
got = [l.split(",") for l in open(sys.argv[2]).read().splitlines()]
if len(got) != len(src):
    sys.exit(f"view has {len(got)} rows, the CSV {len(src)}")
for i, (s, g) in enumerate(zip(src, got)):
    ts = calendar.timegm(time.strptime(s[0], "%Y-%m-%d %H:%M:%S")) * 1000
    if int(g[0]) != ts or [float(x) for x in g[1:]] != [float(x) for x in s[1:]]:
        sys.exit(f"row {i + 2}: CSV {s} but view {g}")
PY
check "every one of the 29303 view rows equals its CSV bar exactly" "[ $? -eq 0 ]"

if [ -z "$PG" ]; then
  # 2022-01-01 01:00 UTC; a subnormal, a decimal without exact binary form
  # and a huge number exercise the view's encoding (a valid bar: low <=
  # open, close <= high, all positive).
  t=1640998800000
  sqlite3 -bail "$T/v.db" "UPDATE candles SET open = 0.1, high = 1e300, low = 4.9406564584124654e-324, close = 0.1, volume = 123456.789 WHERE symbol = 'BTCUSDT' AND ts = $t" 2>"$T/upd.err"
  check "a bar's prices can be edited through the view ($(head -c 200 "$T/upd.err"))" "[ $? -eq 0 ]"
  "$BIN" data export BTCUSDT-1h --db "$DB" --out "$T/exp.csv" 2>/dev/null
  check "the program reads the edited values back exactly" \
    "/usr/bin/python3 -c \"import sys; r=[l.split(',') for l in open('$T/exp.csv')][2]; sys.exit(not ([float(x) for x in r[1:6]] == [0.1, 1e300, 5e-324, 0.1, 123456.789]))\""
  sqlite3 -bail "$T/v.db" "UPDATE candles SET high = 1, low = 2 WHERE symbol = 'BTCUSDT' AND ts = $t" 2>"$T/hl.err"
  check "high < low is refused through the view, as on import" "[ $? -ne 0 ] && grep -q 'high >= open' '$T/hl.err'"
  sqlite3 -bail "$T/v.db" "UPDATE candles SET low = -2.5 WHERE symbol = 'BTCUSDT' AND ts = $t" 2>"$T/neg.err"
  check "a negative price is refused through the view" "[ $? -ne 0 ]"
  sqlite3 -bail "$T/v.db" "UPDATE candles SET symbol = 'XBT' WHERE symbol = 'BTCUSDT'" 2>"$T/ren.err"
  check "a rename through the view (it would leave the dataset summary stale) is refused" \
    "[ $? -ne 0 ] && grep -q 'symbol' '$T/ren.err' && \"$BIN\" data list --db \"$DB\" | grep -q BTCUSDT"
  check "its neighbours are untouched" \
    "[ \"\$(sed -n 2p '$T/exp.csv' | cut -d, -f2-6)\" = '46216.93,46731.39,46208.37,46656.13,1503.33095' ] && [ \"\$(sed -n 4p '$T/exp.csv' | cut -d, -f2)\" = 46778.14 ]"
  sqlite3 -bail "$T/v.db" "UPDATE candles SET ts = ts + 1 WHERE symbol = 'BTCUSDT' AND ts = $t" 2>"$T/ts.err"
  check "ts cannot be edited through the view, and the error says so" \
    "[ $? -ne 0 ] && grep -q 'not its ts' '$T/ts.err'"
  check "the dataset still has 29303 bars" \
    "[ \"\$(sqlite3 '$T/v.db' \"SELECT count(*) FROM candles WHERE symbol = 'BTCUSDT'\")\" = 29303 ]"
fi
echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
