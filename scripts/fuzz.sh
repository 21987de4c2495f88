#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang under ASan + UBSan
# (build-fuzz/, -DPR_FUZZ=ON) and runs each for a bounded time, starting from
# the committed corpus tests/fuzz/corpus/<target>. Prints executions and
# coverage per target; exits non-zero when any target crashed, leaked, timed
# out, ran out of memory or printed a sanitizer report (the input is kept
# under build-fuzz/artifacts/<target>/).
#   PR_FUZZ_SECONDS  seconds per target (default 60)
#   PR_FUZZ_TARGETS  space-separated subset (default: all)
#   PR_FUZZ_TIMEOUT  seconds one input may take before it counts as a hang (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

secs=${PR_FUZZ_SECONDS:-60}
timeout=${PR_FUZZ_TIMEOUT:-30}
all="csv_import verdict provider_openai provider_anthropic provider_gemini config download_pages binance_msg"
targets=${PR_FUZZ_TARGETS:-$all}
dir=build-fuzz
jobs=$(nproc 2>/dev/null || echo 2)

# -O1: sanitizer reports stay readable and the fuzzer still runs fast.
cmake -S . -B "$dir" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
  -DPR_FUZZ=ON -DPR_BUILD_TESTS=OFF -DPR_BUILD_BENCH=OFF >/dev/null
cmake --build "$dir" -j"$jobs" --target $(printf 'fuzz_%s ' $targets) >/dev/null

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=()
summary=()
for t in $targets; do
  work="$dir/corpus/$t" art="$dir/artifacts/$t" log="$dir/fuzz-$t.log"
  mkdir -p "$work" "$art"
  seeds="tests/fuzz/corpus/$t"
  [ -d "$seeds" ] || { echo "fuzz: no corpus $seeds" >&2; exit 2; }
  dict=()
  [ -f "tests/fuzz/${t%%_*}.dict" ] && dict=(-dict="tests/fuzz/${t%%_*}.dict")
  echo "== fuzz $t (${secs}s)"
  set +e
  # New inputs go to the first directory ($work), never into the committed corpus.
  "$dir/tests/fuzz/fuzz_$t" -max_total_time="$secs" -timeout="$timeout" -rss_limit_mb=2048 -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="$art/" "${dict[@]}" "$work" "$seeds" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9A-Za-z]*\).*/\1/p' <<<"$last")
  status=ok
  if [ $rc -ne 0 ] || grep -qE 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error:|fuzz property violated' "$log"; then
    status=FAILED
    failed+=("$t")
    grep -E 'ERROR:|runtime error:|fuzz property violated|SUMMARY:|Test unit written|^    #[0-9]+ ' "$log" | head -n 40 >&2
    echo "fuzz: $t failed (exit $rc); log $log; reproduce: $dir/tests/fuzz/fuzz_$t $art/<file>" >&2
  fi
  summary+=("$(printf '%-20s %-7s %12s %9s %8s %8s %12s' "$t" "$status" "${execs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}")")
done

echo
printf '%-20s %-7s %12s %9s %8s %8s %12s\n' target status executions exec/s cov ft corpus
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: all ${secs}s runs clean"
