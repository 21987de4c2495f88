#!/usr/bin/env bash
# Runs every benchmark program built from bench/ and prints its figures with
# peak memory, then the whole-command benchmarks (bench/whole_commands.sh:
# backtest and ta on 1M bars, and the NumPy peer). Timing never fails: the
# exit status is always 0. PR_BENCH_ENGINE_BASE=other/bench_engine_sma times
# another build's standalone runs in fresh processes interleaved with ours.
cd "$(dirname "$0")/.."
[ -d build ] || bash scripts/build.sh build
# bench_data_store measures PostgreSQL too (TCP loopback and the Unix
# socket) when it can start a throwaway server (tests/data/store_pg.sh);
# without one it measures SQLite alone.
run_one() {
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "peak RSS: %M KiB, wall %e s" timeout 600 "$@"
  else
    timeout 600 "$@"
  fi
}
for b in build/bench_*; do
  [ -x "$b" ] || continue
  echo "---- $(basename "$b")"
  if [ "$(basename "$b")" = bench_data_store ]; then
    bash tests/data/store_pg.sh bash -c "$(declare -f run_one); run_one $b"
    [ $? -eq 77 ] && { run_one "$b" || true; }
  else
    run_one "$b" || true
  fi
done
echo "---- whole commands"
bash bench/whole_commands.sh "${PR_BENCH_RUNS:-5}" || true
echo "---- optimize"
bash bench/optimize.sh "${PR_BENCH_RUNS_OPT:-3}" || true
exit 0
