#!/usr/bin/env bash
# End-to-end test of `proratio check warmup`:
#  - moving averages over a window need exactly their lookback (hand
#    values: SMA(p) and Bollinger bands over p bars agree from the p-th bar
#    on, so p-1 bars before it: 9 for SMA(10), 29 for SMA(30), 19 for
#    SMA(20) of the volume and BBANDS(20));
#  - EMA(20) needs what an independent EMA written here (TA-Lib's: seeded
#    with the mean of the first 20 closes, then k = 2/21) finds on the same
#    CSV from the starts the check prints, at the same tolerance (1e-10 of
#    its largest value), give or take a bar;
#  - with data.from set, a warm-up of 10 bars is reported too short for
#    SMA(30) (a warning naming it, exit 1); 40 bars and "auto" are not.
set -u
source "$(dirname "$0")/lib/prelude.bash"
CSV=data/sample/crypto/BTCUSDT-1h.csv

cfg() {   # file strategy-json [data extras]
  cat > "$1" <<JSON
{"data": {"csv": [{"file": "$CSV", "symbol": "BTCUSDT", "tf": "1h", "asset_class": "crypto"}]$3},
 "strategy": $2, "account": {"currency": "USDT", "cash": 10000}}
JSON
}
need() { awk -v w="$2" 'index($0, w) == 1 { print $(NF - 1) }' "$1" | head -1; }                # the "bars needed" column

cfg "$TMP/sma.json" '{"name": "sma_cross", "params": {"fast": 10, "slow": 30}}' ''
"$BIN" check warmup --config "$TMP/sma.json" > "$TMP/sma.txt" 2>&1 || fail "sma_cross: exit $?: $(tail -3 "$TMP/sma.txt")"
[ "$(need "$TMP/sma.txt" 'sma(10) close')" = 9 ] || fail "SMA(10): $(grep 'sma(10)' "$TMP/sma.txt")"
[ "$(need "$TMP/sma.txt" 'sma(30) close')" = 29 ] || fail "SMA(30): $(grep 'sma(30)' "$TMP/sma.txt")"
grep -q "^note: data.from is not set" "$TMP/sma.txt" || fail "no note on the missing data.from"

cfg "$TMP/ta.json" '{"name": "ta_score"}' ''
"$BIN" check warmup --config "$TMP/ta.json" > "$TMP/ta.txt" 2>&1 || fail "ta_score: exit $?: $(tail -3 "$TMP/ta.txt")"
[ "$(need "$TMP/ta.txt" 'sma(20) volume')" = 19 ] || fail "SMA(20) of the volume: $(grep 'sma(20) volume' "$TMP/ta.txt")"
[ "$(need "$TMP/ta.txt" 'bbands(20,2,2) close')" = 19 ] || fail "BBANDS(20): $(grep 'bbands' "$TMP/ta.txt")"
got=$(need "$TMP/ta.txt" 'ema(20) close on BTCUSDT 1h')
starts=$(sed -n 's/.*starts at bars \([0-9, ]*\) of .*/\1/p' "$TMP/ta.txt")
want=$(/usr/bin/python3 - "$CSV" "$starts" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
head = [h.strip().lower() for h in rows[0]]
ci = next(i for i, h in enumerate(head) if h == "close")
x = [float(r[ci]) for r in rows[1:]]
p, k = 20, 2.0 / 21.0
def ema(s):
    out = [None] * len(x)
    e = sum(x[s:s + p]) / p
    out[s + p - 1] = e
    for i in range(s + p, len(x)):
        e = e + k * (x[i] - e)
        out[i] = e
    return out
ref = ema(0)
tol = 1e-10 * max(abs(v) for v in ref if v is not None)
need = 0
for s in (int(t) for t in sys.argv[2].split(",")):
    o, last = ema(s), None
    for i in range(s, len(x)):
        a, b = ref[i], o[i]
        if (a is None) != (b is None) or (a is not None and abs(a - b) > tol):
            last = i
    if last is not None:
        need = max(need, last - s + 1)
print(need)
PY
)
[ -n "$starts" ] && [ -n "$got" ] && [ -n "$want" ] && [ $((got - want)) -ge -1 ] && [ $((got - want)) -le 1 ] ||
  fail "EMA(20): the check measured '$got' bars, the reference EMA '$want' (starts $starts)"
echo "EMA(20): measured $got bars, reference $want"
[ "${want:-0}" -gt 100 ] || fail "EMA(20): the reference found only '$want' bars, no test of a recursive indicator"

# the configuration's warm-up against what was measured
cfg "$TMP/w10.json" '{"name": "sma_cross", "params": {"fast": 10, "slow": 30}}' ', "from": "2023-01-01", "warmup": 10'
"$BIN" check warmup --config "$TMP/w10.json" > "$TMP/w10.txt" 2>&1
rc=$?
[ $rc -eq 1 ] && grep -q "warning: the warm-up before data.from is 10 bars, sma(30) close on BTCUSDT 1h needs 29" "$TMP/w10.txt" ||
  fail "warm-up 10: exit $rc, expected 1 and a warning: $(tail -3 "$TMP/w10.txt")"
for w in 40 '"auto"'; do
  cfg "$TMP/w.json" '{"name": "sma_cross", "params": {"fast": 10, "slow": 30}}' ", \"from\": \"2023-01-01\", \"warmup\": $w"
  "$BIN" check warmup --config "$TMP/w.json" > "$TMP/w.txt" 2>&1 || fail "warm-up $w: exit $?: $(tail -3 "$TMP/w.txt")"
  grep -q warning "$TMP/w.txt" && fail "warm-up $w: a warning: $(grep warning "$TMP/w.txt")"
done

[ $fails -eq 0 ] && echo "check warmup: all passed"
exit $((fails > 0))
