#!/usr/bin/env bash
# End-to-end test of errors a user must be able to act on (issue #8, parts 4
# and 5): file-name guessing and its failures, read-only commands that never
# create a store (and work in a read-only directory), exit codes of binary
# input, --config directories and --from/--to, errors blamed on the flag that
# set a value, "did you mean" for datasets, the SQLite write lock, Ctrl-C
# during an import, and names that would break tables or terminals.
set -u
BIN=${PR_BIN:-build/proratio}
[ -x "$BIN" ] || { echo "SKIP: $BIN not built"; exit 77; }
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
T=$(mktemp -d); trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
fails=0; passes=0
ok() { passes=$((passes+1)); echo "ok   $1"; }
bad() { fails=$((fails+1)); echo "FAIL $1"; }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
py() { /usr/bin/python3 -c "$1"; }
SRC=data/sample/crypto/BTCUSDT-1h.csv
head -n 50 "$SRC" >"$T/small.csv"   # header + 49 hourly bars from 2022-01-01 00:00

# --- 1. file-name guessing ----------------------------------------------------
mkdir -p "$T/ft"
for f in BTC_USDT-1h.csv 1INCHUSDT-1h.csv 1000PEPEUSDT-1h.csv; do cp "$T/small.csv" "$T/ft/$f"; done
"$BIN" data import "$T/ft/BTC_USDT-1h.csv" "$T/ft/1INCHUSDT-1h.csv" "$T/ft/1000PEPEUSDT-1h.csv" \
  --db "$T/g.db" --quiet >"$T/g.txt" 2>&1
rc=$?
check "Freqtrade and digit-led names import (exit $rc)" "[ $rc -eq 0 ]"
check "BTC_USDT-1h.csv is local:BTCUSDT:1h" "grep -q -- '-> local:BTCUSDT:1h: 49 rows' '$T/g.txt'"
check "1INCHUSDT-1h.csv is local:1INCHUSDT:1h" "grep -q -- '-> local:1INCHUSDT:1h: 49 rows' '$T/g.txt'"
check "1000PEPEUSDT-1h.csv is local:1000PEPEUSDT:1h" "grep -q -- '-> local:1000PEPEUSDT:1h: 49 rows' '$T/g.txt'"

# A symbol that cannot be split (crypto folder, unknown quote) is said first,
# with the flag to pass, and does not stop the next file.
mkdir -p "$T/crypto"
cp "$T/small.csv" "$T/crypto/FOO-1h.csv"; cp "$T/small.csv" "$T/crypto/ETHUSDT-1h.csv"
"$BIN" data import "$T/crypto/FOO-1h.csv" "$T/crypto/ETHUSDT-1h.csv" --db "$T/g2.db" >"$T/g2.out" 2>"$T/g2.err"
rc=$?
check "an unguessable file is a usage error (exit $rc)" "[ $rc -eq 2 ]"
check "the failed guess is the first thing said, naming --symbol" \
  "head -n 1 '$T/g2.err' | grep -q 'FOO-1h.csv: cannot split crypto symbol \"FOO\".*pass --symbol'"
check "nothing of the unguessable file was reported as imported" "! grep -q 'FOO' '$T/g2.out'"
check "the next file was still imported" "grep -q -- '-> local:ETHUSDT:1h: 49 rows' '$T/g2.out'"

# --- 2. read-only commands never create a store --------------------------------
cd "$T" || exit 1
for cmd in "data list" "data gaps" "data export BTCUSDT-1h" "ta --dataset BTCUSDT-1h --indicator rsi" \
           "stats hurst --dataset BTCUSDT-1h" "ai calls"; do
  rm -f "$T/none.db"
  # shellcheck disable=SC2086
  "$BIN" $cmd --db none.db >"$T/ro.out" 2>"$T/ro.err"
  rc=$?
  check "'$cmd' on a missing store: exit 4 (got $rc), no file created" "[ $rc -eq 4 ] && [ ! -e '$T/none.db' ]"
  check "'$cmd' names the resolved path" "grep -q 'sqlite:$T/none.db does not exist' '$T/ro.err'"
done
cat >"$T/bt.json" <<EOF
{"data": {"db": "sqlite:none.db", "datasets": ["local:BTCUSDT:1h"]},
 "strategy": {"name": "sma_cross", "params": {"fast": 10, "slow": 30}}, "output": {"dir": "$T/btout"}}
EOF
rm -f "$T/none.db"
"$BIN" backtest --config "$T/bt.json" >"$T/ro.out" 2>"$T/ro.err"
rc=$?
check "backtest on a missing store: exit 4 (got $rc), no file created" "[ $rc -eq 4 ] && [ ! -e '$T/none.db' ]"
cd - >/dev/null || exit 1

# A store in a directory nobody may write (WAL needs -shm beside the file):
# listed through a read-only (immutable) open. Root ignores permissions, so
# the check runs as an unprivileged user when we are root.
mkdir -p "$T/rodir"
"$BIN" data import "$T/ft/BTC_USDT-1h.csv" --db "$T/rodir/p.db" --quiet >/dev/null 2>&1
chmod 0555 "$T/rodir"; chmod 0444 "$T/rodir/p.db"; chmod 0755 "$T"
as_user() { if [ "$(id -u)" -eq 0 ]; then setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; else "$@"; fi; }
# The unprivileged user may not reach the build tree: run a copy from $T.
cp "$BIN" "$T/proratio-copy"; chmod 0755 "$T/proratio-copy"
if { [ "$(id -u)" -ne 0 ] || command -v setpriv >/dev/null; } && as_user "$T/proratio-copy" --version >/dev/null 2>&1; then
  as_user "$T/proratio-copy" data list --db "$T/rodir/p.db" --json >"$T/rol.json" 2>"$T/rol.err"
  rc=$?
  check "a store in a read-only directory can be listed (exit $rc: $(head -c 200 "$T/rol.err"))" \
    "[ $rc -eq 0 ] && grep -q '\"bars\": 49' '$T/rol.json'"
  check "listing it created no file beside it" "[ \"\$(ls '$T/rodir')\" = p.db ]"
  # A pending write-ahead log cannot be read there: said, not guessed.
  chmod 0755 "$T/rodir"; chmod 0644 "$T/rodir/p.db"
  py "import sqlite3; c=sqlite3.connect('$T/rodir/p.db'); c.execute('PRAGMA wal_autocheckpoint=0'); c.execute('UPDATE candles SET volume=volume+1'); c.commit(); import os; os._exit(0)"
  # Without its -shm file (a crash can leave the log alone) nothing can
  # read the log in a directory where -shm cannot be created.
  rm -f "$T/rodir/p.db-shm"
  chmod 0555 "$T/rodir"; chmod 0444 "$T/rodir/p.db" "$T/rodir/p.db-wal" 2>/dev/null
  as_user "$T/proratio-copy" data list --db "$T/rodir/p.db" >"$T/rol2.out" 2>"$T/rol2.err"
  rc=$?
  check "a pending WAL in a read-only directory is an error that says why (exit $rc)" \
    "[ $rc -ne 0 ] && grep -q 'directory is not writable' '$T/rol2.err'"
  chmod 0755 "$T/rodir"
else
  echo "skip read-only directory checks: cannot run as an unprivileged user here"
fi

# --- 3. exit codes and messages --------------------------------------------------
printf '\x1f\x8b\x08\x00\x1b[31mred\x07\xff\n' >"$T/BTCUSDT-1h.csv"
"$BIN" data import "$T/BTCUSDT-1h.csv" --db "$T/x.db" >"$T/bin.out" 2>"$T/bin.err"
rc=$?
check "a gzip file is bad input data: exit 3 (got $rc)" "[ $rc -eq 3 ]"
check "the message says it is gzip-compressed" "grep -q 'gzip-compressed' '$T/bin.err'"
check "no raw escape or control byte reaches the terminal" \
  "! LC_ALL=C grep -q \$'[\\x01-\\x08\\x0b-\\x1f\\x7f-\\xff]' '$T/bin.out' '$T/bin.err'"
"$BIN" data import --symbol $'A\x1b[2J' "$T/small.csv" --db "$T/x.db" >"$T/esc.out" 2>"$T/esc.err"
rc=$?
check "a symbol with an escape sequence: exit 2 (got $rc), shown escaped" \
  "[ $rc -eq 2 ] && grep -qF 'A\\x1B[2J' '$T/esc.err' && ! LC_ALL=C grep -q \$'\\x1b' '$T/esc.err'"

"$BIN" ta --csv "$T/small.csv" --indicator rsi --from $'\x1b]0;title\x07' >/dev/null 2>"$T/arg.err"
check "a time argument with escape sequences is quoted escaped" \
  "grep -qF '\x1B]0;title\x07' '$T/arg.err' && ! LC_ALL=C grep -q \$'\\x1b' '$T/arg.err'"

"$BIN" backtest --config "$T" >/dev/null 2>"$T/cd.err"
rc=$?
check "a directory as --config says so (exit $rc)" "[ $rc -eq 2 ] && grep -q 'is a directory' '$T/cd.err'"

"$BIN" data import "$T/ft/BTC_USDT-1h.csv" --db "$T/r.db" --quiet >/dev/null 2>&1
want="--from 2022-01-02 is not before --to 2022-01-01"
for cmd in "data export BTCUSDT-1h --db $T/r.db" "ta --dataset BTCUSDT-1h --db $T/r.db --indicator rsi" \
           "stats hurst --dataset BTCUSDT-1h --db $T/r.db" "backtest --config $T/bt.json --db $T/r.db"; do
  # shellcheck disable=SC2086
  "$BIN" $cmd --from 2022-01-02 --to 2022-01-01 >/dev/null 2>"$T/ft.err"
  rc=$?
  check "'${cmd%% --*}': --from after --to is exit 2 (got $rc) with the same message" \
    "[ $rc -eq 2 ] && grep -qF -- '$want' '$T/ft.err'"
done

"$BIN" backtest --config "$T/bt.json" --db "$T/r.db" --param fast=abc >/dev/null 2>"$T/p.err"
rc=$?
check "--param fast=abc is blamed on the flag with the full path (exit $rc)" \
  "[ $rc -eq 2 ] && grep -qF 'backtest: --param fast=abc: strategy.params.fast:' '$T/p.err' && ! grep -qF '$T/bt.json' '$T/p.err'"
"$BIN" backtest --config "$T/bt.json" --db "$T/r.db" --set strategy.params.slow=-1 >/dev/null 2>"$T/s.err"
check "--set strategy.params.slow=-1 is blamed on the flag" \
  "grep -qF 'backtest: --set strategy.params.slow=-1: strategy.params.slow:' '$T/s.err'"
"$BIN" backtest --config "$T/bt.json" --db "$T/r.db" --set risk.max_drawdwn=0.2 >/dev/null 2>"$T/s2.err"
check "--set of an unknown key is blamed on the flag, not the file" \
  "grep -qF 'backtest: --set risk.max_drawdwn=0.2:' '$T/s2.err' && ! grep -qF '$T/bt.json' '$T/s2.err'"
sed 's/"datasets"/"from": "2022-01-02", "datasets"/' "$T/bt.json" >"$T/bt2.json"
"$BIN" backtest --config "$T/bt2.json" --db "$T/r.db" --to 2022-01-01 >/dev/null 2>"$T/to.err"
rc=$?
check "--to before the config's data.from is blamed on --to (exit $rc)" \
  "[ $rc -eq 2 ] && grep -qF 'backtest: --to 2022-01-01: data.to' '$T/to.err'"

"$BIN" data export local:BTCUSD:1h --db "$T/r.db" >/dev/null 2>"$T/dym.err"
rc=$?
check "a dataset typo: exit 4 (got $rc) with did you mean" \
  "[ $rc -eq 4 ] && grep -qF 'did you mean local:BTCUSDT:1h?' '$T/dym.err'"
"$BIN" data gaps BTCUSTD-1h --db "$T/r.db" >/dev/null 2>"$T/dym2.err"
check "data gaps: a transposed typo gets did you mean too" "grep -qF 'did you mean local:BTCUSDT:1h?' '$T/dym2.err'"

# --- 4. the SQLite write lock and Ctrl-C ---------------------------------------
rm -f "$T/ready" "$T/lk.err"
py "
import sqlite3, time, os
c = sqlite3.connect('$T/r.db', isolation_level=None); c.execute('BEGIN IMMEDIATE')
open('$T/ready', 'w').close()
t = time.time()
# Hold the lock until the importer has said it gave up (or 30 s).
while time.time() - t < 30:
    if os.path.exists('$T/lk.err') and 'write lock' in open('$T/lk.err').read(): break
    time.sleep(0.05)
c.execute('ROLLBACK')
" &
holder=$!
for _ in $(seq 200); do [ -e "$T/ready" ] && break; sleep 0.05; done
start=$(date +%s%N)
"$BIN" data import "$T/ft/1INCHUSDT-1h.csv" --db "$T/r.db" --busy-timeout 300 >"$T/lk.out" 2>"$T/lk.err"
rc=$?
wait "$holder"
check "a second writer gives up with exit 1 (got $rc) and says another process holds the write lock" \
  "[ $rc -eq 1 ] && grep -q 'another process holds the write lock' '$T/lk.err'"
check "the locked attempt is recorded in the import log" \
  "[ \"\$(py \"import sqlite3; print(sqlite3.connect('$T/r.db').execute(\\\"SELECT status FROM import_log WHERE file LIKE '%1INCHUSDT%'\\\").fetchall())\")\" = \"[('locked',)]\" ]"

# Ctrl-C while the second file streams in through a FIFO: the first file
# stays committed, the second is rolled back and logged as interrupted.
mkfifo "$T/ETHUSDT-1h.csv"
trap '' PIPE   # a writer whose reader died gets EPIPE, not killed
"$BIN" data import "$T/ft/BTC_USDT-1h.csv" "$T/ETHUSDT-1h.csv" "$T/ft/1000PEPEUSDT-1h.csv" --db "$T/i.db" \
  >"$T/int.out" 2>"$T/int.err" &
imp=$!
# If the importer dies before opening the FIFO, open it here so the test
# cannot hang on it.
( while kill -0 "$imp" 2>/dev/null; do sleep 0.1; done; exec 4<>"$T/ETHUSDT-1h.csv" ) &
exec 3>"$T/ETHUSDT-1h.csv"   # returns once the importer opened it (its handler is installed)
head -n 20 "$T/small.csv" >&3
sleep 0.3
kill -INT "$imp"
sleep 0.3
tail -n +21 "$T/small.csv" >&3
exec 3>&-
wait "$imp"
rc=$?
check "Ctrl-C during an import exits 130 (got $rc)" "[ $rc -eq 130 ]"
check "it says what was committed" \
  "grep -q 'interrupted: 1 file committed before Ctrl-C, .*ETHUSDT-1h.csv rolled back (nothing of it stored), 1 not started' '$T/int.err'"
py "
import sqlite3, sys
c = sqlite3.connect('$T/i.db')
log = c.execute('SELECT file, status FROM import_log ORDER BY id').fetchall()
bars = dict(c.execute('SELECT symbol, count(*) FROM candles GROUP BY symbol').fetchall())
sys.exit(not ([s for _, s in log] == ['ok', 'interrupted'] and bars == {'BTCUSDT': 49}))
"
check "import log: ok then interrupted; only the first file's 49 bars stored" "[ $? -eq 0 ]"

# --- 5. names ---------------------------------------------------------------------
for v in $'v\xff' $'v\nx' 'v"x' 'v\x' $'v\tx' 'v:x'; do
  "$BIN" data import "$T/small.csv" --symbol BTCUSDT --venue "$v" --db "$T/n.db" >/dev/null 2>"$T/n.err"
  rc=$?
  check "venue $(printf %q "$v") is a usage error (exit $rc)" "[ $rc -eq 2 ] && grep -q -- '--venue: name' '$T/n.err'"
done
check "no rejected name reached the store" "[ ! -e '$T/n.db' ] || ! grep -q 'v' <(py \"import sqlite3; print(sqlite3.connect('$T/n.db').execute('SELECT venue FROM datasets').fetchall())\")"
# A store written before names were checked still lists every dataset, escaped.
cp "$T/r.db" "$T/old.db"
py "
import sqlite3
c = sqlite3.connect('$T/old.db')
c.execute(\"UPDATE datasets SET venue = CAST(X'76FF' AS TEXT)\")
c.execute(\"UPDATE bar_chunks SET venue = CAST(X'76FF' AS TEXT)\")
c.commit()"
"$BIN" data list --db "$T/old.db" --json >"$T/old.json" 2>"$T/old.err"
check "data list --json keeps a dataset with an invalid UTF-8 venue, escaped" \
  "py \"import json,sys; d=json.load(open('$T/old.json')); sys.exit(not (len(d)==1 and d[0]['dataset']=='v\\\\\\\\xFF:BTCUSDT:1h'))\""
"$BIN" data list --db "$T/old.db" >"$T/old.txt" 2>&1
check "the text listing shows it escaped, with no raw byte" \
  "grep -qF 'v\\xFF:BTCUSDT:1h' '$T/old.txt' && ! LC_ALL=C grep -q \$'\\xff' '$T/old.txt'"

# --- review additions: bad numeric settings and resample venue names ------------
PRORATIO_BUSY_TIMEOUT_MS=abc "$BIN" data list --db "$T/g.db" >/dev/null 2>"$T/envbt.err"
rc=$?
check "a bad PRORATIO_BUSY_TIMEOUT_MS is warned about, not silently ignored (exit $rc)" \
  "[ $rc -eq 0 ] && grep -q 'PRORATIO_BUSY_TIMEOUT_MS: expected milliseconds' '$T/envbt.err'"
"$BIN" data import "$T/ft/1INCHUSDT-1h.csv" --db "$T/bt2.db" --busy-timeout 12abc >/dev/null 2>"$T/bt2.err"
rc=$?
check "--busy-timeout 12abc is a usage error (exit $rc)" "[ $rc -eq 2 ] && grep -q -- '--busy-timeout' '$T/bt2.err'"
"$BIN" data resample local:BTCUSDT:1h --to 4h --db "$T/g.db" --venue "$(printf 'v\tx')" >/dev/null 2>"$T/rsv.err"
rc=$?
check "resample --venue with a control character is a usage error (exit $rc)" \
  "[ $rc -eq 2 ] && grep -q -- '--venue' '$T/rsv.err'"

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
