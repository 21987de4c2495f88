#!/usr/bin/env bash
# The statistics must not depend on the BLAS: reruns the C statistics tests
# (ta_test_stats, ta_test_stats_reference) and `proratio stats` under every
# OpenBLAS kernel this CPU can run (OPENBLAS_CORETYPE Haswell, Zen,
# Sandybridge, Prescott; SkylakeX only with AVX-512) and with 1, 2 and 4 BLAS
# threads. The tests must pass everywhere and the `proratio stats --json`
# outputs must be byte-identical across all combinations (the determinism
# rule). Before stats_qr.c the 'ctt' statistics changed with both.
# About 20 s of CPU in a Release build.
#
# OPENBLAS_CORETYPE / OPENBLAS_NUM_THREADS (and OMP_NUM_THREADS) are set
# explicitly for every run, whatever the environment says; other OPENBLAS_*
# variables (e.g. OPENBLAS_L2_SIZE) are kept and printed. OPENBLAS_VERBOSE=2
# makes OpenBLAS name the kernel it loaded, which is checked, so a library
# without runtime kernel selection fails here instead of passing vacuously.
set -u
root=${PR_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${PR_BUILD_DIR:-$root/build}
BIN=${PR_BIN:-$build/proratio}
cd "$root" || exit 1
for f in "$build/ta_test_stats" "$build/ta_test_stats_reference" "$BIN"; do
    [ -x "$f" ] || { echo "FAIL: $f is not built"; exit 1; }
done

flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
has() { [[ " $flags " == *" $1 "* ]]; }
kernels=(Prescott)
has avx && kernels+=(Sandybridge)
has avx2 && has fma && kernels+=(Haswell Zen)
has avx512f && kernels+=(SkylakeX)
env | grep '^OPENBLAS_' | sed 's/^/environment: /'
# A sanitizer build (-O0, ASan) runs the reference checker ~30x slower: there
# it runs under the first combination only (the Release suite runs it under
# all); unit tests and the byte-identical CLI outputs still cover every one.
full_ref=1
grep -q '^PR_SANITIZE:BOOL=ON' "$build/CMakeCache.txt" 2>/dev/null && full_ref=0
echo "kernels: ${kernels[*]}; threads: 1 2 4"

T=$(mktemp -d "${TMPDIR:-/tmp}/stats_blas.XXXXXX")
trap 'rm -rf "$T"' EXIT
S=data/sample
cli() { # name, args...
    local name=$1
    shift
    "$BIN" stats "$@" --json > "$T/$name.$tag.json" 2>> "$T/err" || { echo "FAIL ($tag): proratio stats $*"; return 1; }
}
fails=0
first=
for k in "${kernels[@]}"; do
    for th in 1 2 4; do
        tag=$k-$th
        export OPENBLAS_CORETYPE=$k OPENBLAS_NUM_THREADS=$th OMP_NUM_THREADS=$th
        # the kernel OpenBLAS really loaded
        if ! OPENBLAS_VERBOSE=2 "$build/ta_test_stats" > "$T/unit.out" 2>&1; then
            echo "FAIL ($tag): ta_test_stats"
            grep -E 'ERROR|FAILED|LINE' "$T/unit.out"
            fails=$((fails + 1))
        fi
        got=$(sed -n 's/^Core: //p' "$T/unit.out" | head -1)
        if [ "${got,,}" != "${k,,}" ]; then
            echo "FAIL ($tag): OpenBLAS loaded kernel '${got:-?}' instead of $k (no OPENBLAS_CORETYPE support?)"
            fails=$((fails + 1))
        fi
        if { [ -z "$first" ] || [ "$full_ref" = 1 ]; } && ! "$build/ta_test_stats_reference" > "$T/ref.out" 2>&1; then
            echo "FAIL ($tag): ta_test_stats_reference"
            grep -E 'MISMATCH|FAILED' "$T/ref.out"
            fails=$((fails + 1))
        fi
        cli coint_ctt coint --csv $S/stocks/PEP-1d.csv --csv2 $S/stocks/KO-1d.csv --trend ctt --autolag none || fails=$((fails + 1))
        cli coint_c coint --csv $S/crypto/BTCUSDT-1h.csv --csv2 $S/crypto/ETHUSDT-1h.csv || fails=$((fails + 1))
        cli adf_ctt adf --csv $S/stocks/KO-1d.csv --regression ctt --maxlag 20 --autolag t-stat || fails=$((fails + 1))
        cli adf_ct adf --csv $S/crypto/BTCUSDT-1h.csv --regression ct || fails=$((fails + 1))
        cli halflife halflife --csv $S/stocks/KO-1d.csv --csv2 $S/stocks/PEP-1d.csv || fails=$((fails + 1))
        if [ -z "$first" ]; then
            first=$tag
        else
            for name in coint_ctt coint_c adf_ctt adf_ct halflife; do
                if ! cmp -s "$T/$name.$first.json" "$T/$name.$tag.json"; then
                    echo "FAIL: proratio stats ($name) differs between $first and $tag:"
                    diff "$T/$name.$first.json" "$T/$name.$tag.json" | head -8
                    fails=$((fails + 1))
                fi
            done
        fi
        echo "ok: $tag (kernel $got)"
    done
done
unset OPENBLAS_CORETYPE OPENBLAS_NUM_THREADS OMP_NUM_THREADS
if [ "$fails" -ne 0 ]; then
    echo "FAIL: $fails problem(s)"
    exit 1
fi
[ "$full_ref" = 1 ] || echo "note: sanitizer build, ta_test_stats_reference ran under $first only"
echo "PASS: statistics identical under ${#kernels[@]} kernels x 3 thread counts"
