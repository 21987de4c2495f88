#!/usr/bin/env bash
# Runs every benchmark program built from bench/ and prints its figures with
# peak memory, then the whole-command benchmarks (bench/whole_commands.sh:
# backtest and ta on 1M bars, and the NumPy peer). Timing never fails: the
# exit status is always 0. PR_BENCH_ENGINE_BASE=other/bench_engine_sma times
# another build's standalone runs in fresh processes interleaved with ours.
cd "$(dirname "$0")/.."
[ -d build ] || bash scripts/build.sh build
for b in build/bench_*; do
  [ -x "$b" ] || continue
  echo "---- $(basename "$b")"
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "peak RSS: %M KiB, wall %e s" timeout 600 "$b" || true
  else
    timeout 600 "$b" || true
  fi
done
echo "---- whole commands"
bash bench/whole_commands.sh "${PR_BENCH_RUNS:-5}" || true
exit 0
