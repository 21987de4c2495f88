#!/usr/bin/env bash
# Whole-process benchmarks of `proratio optimize` (issue #15), median and
# min of RUNS runs each:
#   random    10,000 sma_cross trials (random sampler, in-sample) over the
#             17,520 1h bars of 2022-2023 of the bundled BTCUSDT CSV, on
#             every local core: target under 5 s (>= 35 M bars/s aggregate);
#   mpi-K     the same under mpirun -n K (1, 2, 4): the scaling table;
#   walk      walk-forward sma_cross on 8 years of EURUSD 1h
#             (../shared/data/forex/EURUSD-1h-2012-2020.csv when present):
#             train 1 year, test the rest in 40 windows, 500 TPE trials per
#             fold.
# Each run writes all its files (trials.csv and the rest) and stores every
# trial (a fresh run each time: --fresh). Never fails on
# timing (exit status 0).
# Usage: bench/optimize.sh [RUNS]   (default 3); PR_BIN=path (default build/proratio)
cd "$(dirname "$0")/.." || exit 0
runs=${1:-3}
bin=$(realpath "${PR_BIN:-build/proratio}")
[ -x "$bin" ] || { echo "optimize bench: no program at $bin (build first)"; exit 0; }
work=$(mktemp -d "${TMPDIR:-/tmp}/prbench.XXXXXX")
trap 'rm -rf "$work"' EXIT

# time_runs NAME CMD...: wall times of RUNS runs, median and min.
time_runs() {
  local name=$1
  shift
  local ts=()
  for ((i = 0; i < runs; i++)); do
    local t0 t1
    t0=$(date +%s.%N)
    "$@" > "$work/$name.out" 2>&1 || { echo "$name: failed: $(tail -3 "$work/$name.out")"; return; }
    t1=$(date +%s.%N)
    ts+=("$(echo "$t1 - $t0" | bc)")
  done
  printf '%s\n' "${ts[@]}" | sort -n | awk -v n="$name" '{a[NR] = $1} END {
    printf "%-8s median %.2f s, min %.2f s (%d runs)\n", n, (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2), a[1], NR}'
}

cat > "$work/random.json" <<JSON
{"data": {"csv": [{"file": "$PWD/data/sample/crypto/BTCUSDT-1h.csv", "symbol": "BTCUSDT", "tf": "1h",
                   "asset_class": "crypto"}], "to": "2024-01-01", "db": "sqlite:$work/bench.db"},
 "strategy": {"name": "sma_cross", "params": {"fast": 10, "slow": 30}},
 "sizing": {"mode": "all_cash"}, "account": {"currency": "USDT", "cash": 10000},
 "optimize": {"space": {"fast": {"int": [2, 100]}, "slow": {"int": [10, 400]}}, "constraints": ["fast < slow"],
              "sampler": "random", "trials": 10000, "min_trades": 0},
 "output": {"dir": "$work/random"}}
JSON
echo "cores: $(nproc)"
time_runs random "$bin" optimize --config "$work/random.json" --in-sample-only --fresh
grep -m1 "^optimize" "$work/random.out"

# MPI scaling of the same search: 1, 2 and 4 ranks (oversubscribed beyond the cores)
if command -v mpirun > /dev/null; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
  for n in 1 2 4; do
    time_runs "mpi-$n" mpirun --oversubscribe -n "$n" "$bin" optimize --config "$work/random.json" --in-sample-only \
      --fresh --run "mpi$n"
  done
else
  echo "mpi: skipped (mpirun not installed)"
fi

eur=../shared/data/forex/EURUSD-1h-2012-2020.csv
if [ -f "$eur" ]; then
  cat > "$work/walk.json" <<JSON
{"data": {"csv": [{"file": "$(realpath "$eur")", "symbol": "EURUSD", "tf": "1h", "asset_class": "forex"}],
          "db": "sqlite:$work/bench.db"},
 "strategy": {"name": "sma_cross", "params": {"fast": 10, "slow": 30}},
 "costs": {"forex": {"spread_pips": 0.8}}, "margin": {"leverage": 10, "allow_short": true},
 "sizing": {"mode": "fixed_fraction", "fraction": 1}, "account": {"currency": "USD", "cash": 10000},
 "optimize": {"space": {"fast": {"int": [2, 100]}, "slow": {"int": [10, 400], "step": 5}},
              "constraints": ["fast < slow"], "sampler": "tpe", "trials": 500, "min_trades": 5,
              "walk_forward": {"train": "365d", "test": "64d"}},
 "output": {"dir": "$work/walk"}}
JSON
  time_runs walk "$bin" optimize --config "$work/walk.json" --fresh
  grep -m1 "^windows" "$work/walk.out"
  grep -m1 -A1 "^OUT-OF-SAMPLE" "$work/walk.out" | tail -1
else
  echo "walk: skipped ($eur not found: it comes with ../shared)"
fi
exit 0
