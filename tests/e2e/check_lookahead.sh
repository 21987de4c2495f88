#!/usr/bin/env bash
# End-to-end test of `proratio check lookahead`:
#  - each planted look-ahead plugin of tests/e2e/lookahead/ (the next bar, a
#    label used as a feature, a centred moving average, a normalisation over
#    the whole series, a day's bar used before its close) is built with the
#    command `proratio strategy new` prints and reported (exit 1, a signal
#    row naming the instrument), and the honest control plugin, which reads
#    the same raw series but only up to the current bar, is not (exit 0);
#  - every example configuration (built-in strategies on the sample data,
#    imported into a scratch store) is reported clean (exit 0);
#  - a missing file and an unknown key exit 2.
set -u
source "$(dirname "$0")/lib/prelude.bash"
command -v cc > /dev/null || { fail "no C compiler (cc) to build plugins"; exit 1; }

build=$("$BIN" strategy new probe --dir "$TMP" | sed -n 's/^build: //p')
[ -n "$build" ] || fail "strategy new printed no build command"
cfg() {   # file plugin
  cat > "$1" <<JSON
{"data": {"csv": [{"file": "data/sample/crypto/BTCUSDT-1h.csv", "symbol": "BTCUSDT", "tf": "1h", "asset_class": "crypto"}]},
 "strategy": {"plugin": "$2", "params": {"window": 12}}, "account": {"currency": "USDT", "cash": 10000}}
JSON
}
for p in next_bar label centred_ma normalise htf_early honest; do
  # the printed command, for this plugin's source and object
  cmd=${build//$TMP\/probe.c/$ROOT/tests/e2e/lookahead/$p.c}
  cmd=${cmd//$TMP\/probe.so/$TMP/$p.so}
  eval "$cmd -Wall -Wextra -Werror" > "$TMP/cc.txt" 2>&1 || { fail "building $p: $cmd: $(cat "$TMP/cc.txt")"; continue; }
  cfg "$TMP/$p.json" "$TMP/$p.so"
  "$BIN" check lookahead --config "$TMP/$p.json" > "$TMP/$p.txt" 2>&1
  rc=$?
  if [ "$p" = honest ]; then
    [ $rc -eq 0 ] && grep -q '^no look-ahead found' "$TMP/$p.txt" || fail "honest: exit $rc, expected a clean report: $(tail -3 "$TMP/$p.txt")"
  else
    [ $rc -eq 1 ] || fail "$p: exit $rc, expected 1 (look-ahead found): $(tail -3 "$TMP/$p.txt")"
    grep -q '^LOOK-AHEAD' "$TMP/$p.txt" && grep -q '^signal .*BTCUSDT' "$TMP/$p.txt" ||
      fail "$p: no signal row naming BTCUSDT: $(cat "$TMP/$p.txt")"
  fi
done
# the next-bar cheat shows at the last bar before every cut: 20 cuts, 20 differences
grep -q '^signal .* 20$' "$TMP/next_bar.txt" || fail "next_bar: not one difference per cut: $(cat "$TMP/next_bar.txt")"

# every example, on the sample data in a scratch store
for f in crypto/BTCUSDT-1h crypto/BTCUSDT-1m crypto/ETHUSDT-1h crypto/SOLUSDT-1h forex/EURUSD-1h stocks/KO-1d stocks/SPY-1d; do
  "$BIN" data import "data/sample/$f.csv" --db "sqlite:$TMP/s.db" > /dev/null 2>&1 || fail "import $f"
done
n=0
for f in examples/*.json; do
  "$BIN" check lookahead --config "$f" --db "sqlite:$TMP/s.db" > "$TMP/ex.txt" 2>&1
  rc=$?
  [ $rc -eq 0 ] && grep -q '^no look-ahead found' "$TMP/ex.txt" || fail "$f: exit $rc: $(grep -v warning "$TMP/ex.txt" | tail -4)"
  n=$((n + 1))
done
[ $n -ge 30 ] || fail "only $n example configurations checked"

# bad configurations
"$BIN" check lookahead --config "$TMP/none.json" > "$TMP/bad.txt" 2>&1
[ $? -eq 2 ] || fail "a missing configuration did not exit 2"
echo '{"data": {"csv": ["data/sample/crypto/BTCUSDT-1h.csv"]}, "strategy": {"name": "sma_cross"}, "bogus": 1}' > "$TMP/bad.json"
"$BIN" check lookahead --config "$TMP/bad.json" > "$TMP/bad.txt" 2>&1
[ $? -eq 2 ] && grep -q bogus "$TMP/bad.txt" || fail "an unknown key did not exit 2 naming it: $(cat "$TMP/bad.txt")"
"$BIN" check nonsense > /dev/null 2>&1
[ $? -eq 2 ] || fail "an unknown check did not exit 2"

[ $fails -eq 0 ] && echo "check lookahead: all passed"
exit $((fails > 0))
