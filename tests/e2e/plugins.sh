#!/usr/bin/env bash
# End-to-end test of strategy plugins (include/proratio/signal/plugin.h):
#  - the example plugin (examples/plugins/sma_cross_plugin.c, built by CMake
#    into build/plugins) trades exactly as the built-in sma_cross, long only
#    and with shorts, a stop and a target (same trades.csv fingerprint);
#  - a paper session on the replay feed runs it with the backtest's trades;
#  - `strategy new NAME` writes NAME.c, prints a build command that works
#    here (run as printed), and the plugin it builds runs; it refuses to
#    overwrite and refuses a NAME that is no C identifier;
#  - `strategy list --plugins DIR` and PRORATIO_PLUGINS list it, `strategy
#    show FILE.so` prints its table, and its parameters are validated with
#    their key;
#  - a missing file, a plugin of another ABI version, one without an entry,
#    one returning garbage and one that crashes are each reported with the
#    plugin's name or path (tests/e2e/plugins/misbehave.c).
set -u
source "$(dirname "$0")/lib/prelude.bash"
PLUG=$(dirname "$BIN")/plugins/sma_cross_plugin.so
[ -f "$PLUG" ] || { fail "the example plugin $PLUG is not built"; exit 1; }
command -v cc > /dev/null || { fail "no C compiler (cc) to build plugins"; exit 1; }

cfg() {   # file strategy-json
  cat > "$1" <<JSON
{"data": {"csv": [{"file": "data/sample/crypto/BTCUSDT-1h.csv", "symbol": "BTCUSDT", "tf": "1h", "asset_class": "crypto"}]},
 "strategy": $2, "margin": {"allow_short": true}, "account": {"currency": "USDT", "cash": 10000}}
JSON
}
fp() { grep -o 'fingerprint  [0-9a-f]*' "$1" | awk '{print $2}'; }

for params in '{"fast": 10, "slow": 30}' '{"fast": 20, "slow": 50, "short": true, "stop": 0.03, "target": 0.06}'; do
  cfg "$TMP/builtin.json" "{\"name\": \"sma_cross\", \"params\": $params}"
  cfg "$TMP/plugin.json" "{\"plugin\": \"$PLUG\", \"params\": $params}"
  "$BIN" backtest --config "$TMP/builtin.json" --out "$TMP/b" > "$TMP/b.txt" 2>&1 || fail "built-in exited $?"
  "$BIN" backtest --config "$TMP/plugin.json" --out "$TMP/p" > "$TMP/p.txt" 2>&1 || fail "plugin exited $?: $(tail -3 "$TMP/p.txt")"
  [ -n "$(fp "$TMP/b.txt")" ] && [ "$(fp "$TMP/b.txt")" = "$(fp "$TMP/p.txt")" ] ||
    fail "plugin trades differ from sma_cross with $params: $(fp "$TMP/b.txt") vs $(fp "$TMP/p.txt")"
done
[ "$(($(wc -l < "$TMP/p/trades.csv") - 1))" -gt 10 ] || fail "too few trades to compare"

# a paper session (replay feed) runs the plugin as the backtest does
"$BIN" data import data/sample/crypto/BTCUSDT-1h.csv --db "sqlite:$TMP/s.db" > /dev/null 2>&1 || fail "import"
cat > "$TMP/live.json" <<JSON
{"data": {"datasets": ["local:BTCUSDT:1h"], "to": "2023-01-01"},
 "strategy": {"plugin": "$PLUG", "params": {"fast": 5, "slow": 20, "stop": 0.02, "target": 0.04}},
 "account": {"currency": "USDT", "cash": 10000}, "live": {"feed": "replay", "speed": 0, "scan": "bar_close"}}
JSON
"$BIN" paper --config "$TMP/live.json" --db "sqlite:$TMP/s.db" --out "$TMP/pp" > "$TMP/pp.txt" 2>&1 || fail "paper exited $?: $(tail -3 "$TMP/pp.txt")"
"$BIN" backtest --config "$TMP/live.json" --db "sqlite:$TMP/s.db" --out "$TMP/pb" > "$TMP/pb.txt" 2>&1 || fail "backtest of the paper config"
[ -n "$(fp "$TMP/pp.txt")" ] && [ "$(fp "$TMP/pp.txt")" = "$(fp "$TMP/pb.txt")" ] || fail "the paper session's trades differ from the backtest's"

# a new plugin from the template, built with the printed command
mkdir -p "$TMP/mine"
"$BIN" strategy new my_trend --dir "$TMP/mine" > "$TMP/new.txt" 2>&1 || fail "strategy new exited $?"
[ -f "$TMP/mine/my_trend.c" ] || fail "strategy new wrote no my_trend.c"
grep -q '"my_trend"' "$TMP/mine/my_trend.c" || fail "the template was not renamed"
build=$(sed -n 's/^build: //p' "$TMP/new.txt")
eval "$build -Wall -Wextra -Werror" > "$TMP/cc.txt" 2>&1 || fail "the printed build command failed: $build: $(cat "$TMP/cc.txt")"
cfg "$TMP/mine.json" "{\"plugin\": \"$TMP/mine/my_trend.so\", \"params\": {\"fast\": 10, \"slow\": 30}}"
cfg "$TMP/builtin.json" '{"name": "sma_cross", "params": {"fast": 10, "slow": 30}}'
"$BIN" backtest --config "$TMP/builtin.json" --out "$TMP/b" > "$TMP/b.txt" 2>&1
"$BIN" backtest --config "$TMP/mine.json" --out "$TMP/m" > "$TMP/m.txt" 2>&1 || fail "my_trend exited $?: $(tail -3 "$TMP/m.txt")"
[ "$(fp "$TMP/b.txt")" = "$(fp "$TMP/m.txt")" ] || fail "the template's trades differ from sma_cross"
"$BIN" strategy new my_trend --dir "$TMP/mine" > /dev/null 2> "$TMP/again.txt" && fail "strategy new overwrote a file"
grep -q "exists; not overwriting" "$TMP/again.txt" || fail "overwrite message: $(cat "$TMP/again.txt")"
"$BIN" strategy new 'My-Strat' --dir "$TMP/mine" > /dev/null 2>&1
[ $? -eq 2 ] || fail "a NAME that is no C identifier should exit 2"

# discovery and parameters
"$BIN" strategy list --plugins "$TMP/mine" | grep -q "^my_trend .*(plugin $TMP/mine/my_trend.so)" || fail "list --plugins lacks my_trend"
PRORATIO_PLUGINS="$TMP/mine" "$BIN" strategy list | grep -q "^my_trend " || fail "PRORATIO_PLUGINS not listed"
"$BIN" strategy show "$TMP/mine/my_trend.so" | grep -Eq '^slow +int +30 ' || fail "strategy show FILE.so"
cfg "$TMP/badp.json" "{\"plugin\": \"$PLUG\", \"params\": {\"fast\": 40, \"slow\": 30}}"
"$BIN" backtest --config "$TMP/badp.json" --out "$TMP/x" > "$TMP/badp.txt" 2>&1 && fail "fast >= slow accepted"
grep -q "strategy.params.fast: need fast < slow" "$TMP/badp.txt" || fail "param error: $(tail -2 "$TMP/badp.txt")"

# plugins that fail
expect() {   # name config-plugin-path message...
  local n=$1 so=$2
  shift 2
  cfg "$TMP/$n.json" "{\"plugin\": \"$so\"}"
  "$BIN" backtest --config "$TMP/$n.json" --out "$TMP/$n" > "$TMP/$n.txt" 2>&1 && fail "$n: exit 0"
  for m in "$@"; do grep -qF "$m" "$TMP/$n.txt" || fail "$n: no '$m' in: $(tail -3 "$TMP/$n.txt")"; done
}
src=tests/e2e/plugins/misbehave.c
for k in 1 2 3; do
  cc -std=c17 -fPIC -shared -Iinclude -DKIND=$k "$src" -o "$TMP/k$k.so" || fail "cc KIND=$k"
done
cc -std=c17 -fPIC -shared -Iinclude -DPR_PLUGIN_ABI=999 "$src" -o "$TMP/abi.so" || fail "cc ABI 999"
expect missing "$TMP/nope.so" "plugin $TMP/nope.so: cannot load it"
expect abi "$TMP/abi.so" "was built for plugin ABI 999; this proratio has ABI 2: rebuild it"
expect noentry "$TMP/k3.so" "exports no pr_plugin_entry"
expect garbage "$TMP/k1.so" "plugin garbage: on_bar returned a signal with an instrument index out of range (instrument 7 of 1"
expect crash "$TMP/k2.so" "the strategy plugin 'crash' crashed (signal 11)"

[ $fails -eq 0 ] && echo "plugins: all checks passed"
exit $((fails > 0))
