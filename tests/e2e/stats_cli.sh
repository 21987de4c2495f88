#!/bin/bash
# End-to-end test of `proratio stats` (adf, coint, hurst, halflife) on the
# repository's sample data: values against statsmodels (numbers below come
# from tests/ta/stats_expected.json, produced by tests/ta/stats_reference.py
# with statsmodels 0.13.5), text and JSON output, --dataset from a store,
# and the exit codes for bad usage (2), unusable data (3) and missing
# files or datasets (4).
set -u
root=${PR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${PR_BIN:-$root/build/proratio}
if [ ! -x "$BIN" ]; then
    echo "SKIP: $BIN not built"
    exit 77
fi
KO=$root/data/sample/stocks/KO-1d.csv
PEP=$root/data/sample/stocks/PEP-1d.csv
BTC=$root/data/sample/crypto/BTCUSDT-1h.csv
ETH=$root/data/sample/crypto/ETHUSDT-1h.csv
tmp=$(mktemp -d "${TMPDIR:-/tmp}/stats_cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fails=0

fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

# run EXPECTED_EXIT ARGS...: runs the program, output in $tmp/out, $tmp/err
run() {
    local want=$1
    shift
    "$BIN" "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    if [ "$rc" != "$want" ]; then
        fail "proratio $* exited $rc, expected $want"
        sed 's/^/    /' "$tmp/err" | head -5
    fi
}

# Value of "key": in the JSON output (one key per line, as printed).
jget() { sed -n "s/^ *\"$1\": *\([^,]*\),\{0,1\}$/\1/p" "$tmp/out" | head -1; }

# near WHAT GOT WANT RTOL
near() {
    if ! awk -v g="$2" -v w="$3" -v t="$4" 'BEGIN { d = g - w; if (d < 0) d = -d; a = w < 0 ? -w : w; exit !(g != "" && d <= t * a + 1e-300) }'; then
        fail "$1: got '$2', want $3 (rtol $4)"
    fi
}

same() { [ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"; }

has() { grep -q -- "$2" "$tmp/$1" || fail "expected '$2' in $1: $(head -c 300 "$tmp/$1")"; }

# --- adf: statsmodels adfuller(KO close, regression='c'/'ct', autolag='AIC') ---
run 0 stats adf --csv "$KO" --json
near "adf c stat" "$(jget statistic)" -0.6112115835513433 1e-9
near "adf c pvalue" "$(jget pvalue)" 0.8684284905210428 1e-9
same "adf c usedlag" "$(jget usedlag)" 12
same "adf c nobs" "$(jget nobs)" 6071
same "adf c maxlag" "$(jget maxlag)" 34
same "adf c reject" "$(jget reject_5pct)" false
run 0 stats adf --csv "$KO" --regression ct --json
near "adf ct stat" "$(jget statistic)" -4.362335283158587 1e-9
near "adf ct pvalue" "$(jget pvalue)" 0.002512854258445049 1e-8
same "adf ct reject" "$(jget reject_5pct)" true
run 0 stats adf --csv "$KO"
has out "Augmented Dickey-Fuller test: KO-1d.csv close (6084 values)"
has out "statistic         -0.6112"
has out "lags used         12 (0..34 searched by aic)"
has out "critical values   1%: -3.4314   5%: -2.8620   10%: -2.5670"
has out "unit root not rejected at 5%"
# fixed lag, log prices: adfuller(log KO, maxlag=.., autolag=None) has usedlag = maxlag
run 0 stats adf --csv "$KO" --log --autolag none --maxlag 3 --json
same "adf fixed usedlag" "$(jget usedlag)" 3
same "adf fixed nobs" "$(jget nobs)" 6080

# --- coint: statsmodels coint(y, x) with the series joined on time ---
run 0 stats coint --csv "$KO" --csv2 "$PEP" --json
near "coint KO~PEP stat" "$(jget statistic)" -3.6586962851200764 1e-9
near "coint KO~PEP pvalue" "$(jget pvalue)" 0.020688947491991787 1e-9
near "coint KO~PEP hedge" "$(jget hedge_ratio)" 0.29878284816322687 1e-10
same "coint KO~PEP usedlag" "$(jget usedlag)" 9
same "coint KO~PEP reject" "$(jget reject_5pct)" true
run 0 stats coint --csv "$BTC" --csv2 "$ETH" --json
same "coint BTC~ETH n (inner join)" "$(jget n)" 17519
near "coint BTC~ETH stat" "$(jget statistic)" -1.3982307590313827 1e-9
near "coint BTC~ETH pvalue" "$(jget pvalue)" 0.7981190513737897 1e-9
same "coint BTC~ETH usedlag" "$(jget usedlag)" 36
run 0 stats coint --csv "$KO" --csv2 "$PEP"
has out "cointegrated"
has out "p-value           0.02069  (MacKinnon 1994, N = 2)"

# --- hurst (reference: numpy transcriptions of the two estimators) ---
run 0 stats hurst --csv "$BTC" --log --json
near "hurst rs" "$(jget hurst)" 0.5116405555919139 1e-9
same "hurst rs points" "$(jget points)" 36
run 0 stats hurst --csv "$KO" --log --method var --json
near "hurst var" "$(jget hurst)" 0.4171139863490345 1e-9
run 0 stats hurst --csv "$KO" --csv2 "$PEP" --method var
has out "Hurst exponent: spread KO-1d.csv close - 0.298783 \* PEP-1d.csv close"

# --- half-life of the KO/PEP spread: OLS diff(s) on [1, s[:-1]] ---
run 0 stats halflife --csv "$KO" --csv2 "$PEP" --json
near "halflife spread" "$(jget halflife_bars)" 153.39340084089974 1e-9
same "halflife mean_reverting" "$(jget mean_reverting)" true
run 0 stats halflife --csv "$ETH" --log
has out "half-life         1382.83 bars of 1h"

# --- a stored dataset gives the same numbers as its CSV ---
if "$BIN" data import "$KO" --db "sqlite:$tmp/t.db" >/dev/null 2>&1; then
    run 0 stats adf --dataset KO:1d --db "sqlite:$tmp/t.db" --json
    near "adf dataset stat" "$(jget statistic)" -0.6112115835513433 1e-9
    run 4 stats adf --dataset NOPE:1d --db "sqlite:$tmp/t.db"
else
    fail "proratio data import failed"
fi

# --- exit codes ---
run 0 stats --help
has out "usage: proratio stats adf"
run 2 stats
run 2 stats frob --csv "$KO"
run 2 stats adf
run 2 stats adf --csv "$KO" --regression zz
has err "--regression: expected c, ct, ctt or n"
run 2 stats adf --csv "$KO" --maxlag 5000
has err "maxlag 5000 too large"
run 2 stats adf --csv "$KO" --csv2 "$PEP"
run 2 stats coint --csv "$KO"
run 2 stats hurst --csv "$KO" --method var --min-window 8
run 2 stats adf --csv "$KO" --column vwap
run 4 stats adf --csv "$tmp/missing.csv"
run 3 stats adf --csv "$KO" --to 2000-01-06
has err "needs at least"
printf 'timestamp,open,high,low,close,volume\n' >"$tmp/flat.csv"
for h in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19; do
    printf '2024-01-01 %02d:00:00,5,5,5,5,1\n' "$h" >>"$tmp/flat.csv"
done
run 3 stats adf --csv "$tmp/flat.csv"
has err "constant"
run 3 stats halflife --csv "$tmp/flat.csv"

if [ "$fails" -ne 0 ]; then
    echo "$fails check(s) failed"
    exit 1
fi
echo "stats CLI: all checks passed"
