#!/usr/bin/env bash
# Whole-command benchmarks (issue #10): the time a user waits for a command,
# measured as whole processes (start-up, reading, computing and every default
# output), repeated, printing median and min:
#   backtest  `proratio backtest` SMA 10/30 on 1,000,000 1h bars (CSV in;
#             trades.csv, equity.csv, metrics.json, run logs and the HTML
#             report out), and bench/sma_cross_numpy.py doing the same rules
#             with NumPy in the same loop, printed as a ratio;
#   ta        `proratio ta` of 3 indicators (sma 20, rsi 14, ema 50) on the
#             same 1,000,000 bars read from a SQLite store, CSV out.
# The bars are the peer reference series (tests/data/reference/BTCUSDT-1h.csv)
# tiled on a regular hourly clock, as in that folder's README: the backtest
# must give 20,095 trades there, which this script checks against the NumPy
# run. Never fails on timing (exit status 0).
# Usage: bench/whole_commands.sh [RUNS]   (default 5)
#   PR_BIN=path      the program (default build/proratio)
#   PR_BENCH_BASE=path  a second program (e.g. a build of the base commit),
#                    timed in the same loop, interleaved run by run; the two
#                    programs' files are then compared byte for byte
cd "$(dirname "$0")/.." || exit 0
runs=${1:-5}
bin=$(realpath "${PR_BIN:-build/proratio}")
base=${PR_BENCH_BASE:+$(realpath "$PR_BENCH_BASE")}
py=/usr/bin/python3
work=${PR_BENCH_DIR:-build/bench-whole}
mkdir -p "$work" || exit 0
work=$(realpath "$work")
[ -x "$bin" ] || { echo "whole_commands: no program at $bin (build first)"; exit 0; }

csv=$work/BTCUSDT-1h.csv
if [ ! -s "$csv" ]; then
  "$py" - "$csv" <<'PY' || { echo "whole_commands: cannot write $csv"; exit 0; }
import datetime, sys
src = open("tests/data/reference/BTCUSDT-1h.csv").read().splitlines()
rows = [r.split(",", 1)[1] for r in src[1:]]
t0 = datetime.datetime(2022, 1, 1)
h = datetime.timedelta(hours=1)
with open(sys.argv[1], "w") as f:
    f.write(src[0] + "\n")
    f.write("".join(f"{(t0 + i * h):%Y-%m-%d %H:%M:%S},{rows[i % len(rows)]}\n" for i in range(1000000)))
PY
fi

cat > "$work/sma.json" <<JSON
{
  "data": {"csv": ["$csv"]},
  "instruments": {"BTCUSDT": {"asset_class": "crypto", "tick_size": 0, "lot_step": 0, "min_qty": 0,
    "min_notional": 0, "costs": {"taker_fee": 0.001, "maker_fee": 0.001, "slippage": 0, "spread_frac": 0}}},
  "strategy": {"name": "sma_cross", "params": {"fast": 10, "slow": 30}},
  "sizing": {"mode": "all_cash"},
  "account": {"currency": "USDT", "cash": 10000},
  "output": {"dir": "$work/out"}
}
JSON

db=sqlite:$work/bars.db
if [ ! -s "$work/bars.db" ]; then
  "$bin" data import "$csv" --db "$db" >/dev/null 2>&1 || echo "whole_commands: import into $db failed"
fi

# Each run appends "wall cpu" (seconds; cpu = user + system) to a file; on a
# shared machine the CPU time is the steadier figure, so both are printed.
have_time=0
[ -x /usr/bin/time ] && have_time=1
now() { date +%s.%N; }
median() { awk -v k="${2:-1}" '{ print $k }' "$1" | sort -g | awk '{ v[NR] = $1 }
  END { if (NR) print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# stats FILE -> "median X s, min Y s (cpu median Z s; N runs)"
stats() { [ -s "$1" ] || { echo "no runs"; return; }
  printf "median %.3f s, min %.3f s (cpu median %.3f s; %d runs)" "$(median "$1" 1)" \
    "$(awk '{ print $1 }' "$1" | sort -g | head -1)" "$(median "$1" 2)" "$(wc -l < "$1")"; }
# timed FILE CMD... : appends the wall and CPU time of one run of CMD to FILE
timed() { local f=$1; shift; local t0 t1 cpu=0
  t0=$(now)
  if [ $have_time = 1 ]; then
    /usr/bin/time -f "%U %S" -o "$f.cpu" "$@" >/dev/null 2>&1 || echo "whole_commands: failed: $*" >&2
    cpu=$(tail -1 "$f.cpu" | awk '{ print $1 + $2 }')
  else
    "$@" >/dev/null 2>&1 || echo "whole_commands: failed: $*" >&2
  fi
  t1=$(now)
  awk -v a="$t1" -v b="$t0" -v c="$cpu" 'BEGIN { print a - b, c }' >> "$f"; }

rm -f "$work"/t_*
for ((r = 0; r < runs; r++)); do
  timed "$work/t_bt" "$bin" backtest --config "$work/sma.json" --report "$work/out/report.html"
  [ -n "$base" ] && timed "$work/t_bt_base" "$base" backtest --config "$work/sma.json" --out "$work/out_base" --report "$work/out_base/report.html"
  timed "$work/t_np" "$py" bench/sma_cross_numpy.py "$csv" "$work/np"
  ta=(ta --dataset local:BTCUSDT:1h --db "$db" --indicator sma:20 --indicator rsi:14 --indicator ema:50)
  timed "$work/t_ta" "$bin" "${ta[@]}" --out "$work/ta.csv"
  [ -n "$base" ] && timed "$work/t_ta_base" "$base" "${ta[@]}" --out "$work/ta_base.csv"
done

echo "whole commands, 1,000,000 1h bars ($runs runs each, interleaved)"
echo "  backtest SMA 10/30 (CSV in, all outputs)   $(stats "$work/t_bt")"
[ -n "$base" ] && echo "    base program ($base)   $(stats "$work/t_bt_base")"
echo "  NumPy script, same rules                   $(stats "$work/t_np")"
echo "  ta sma:20 rsi:14 ema:50 (stored bars)      $(stats "$work/t_ta")"
[ -n "$base" ] && echo "    base program                            $(stats "$work/t_ta_base")"
awk -v a="$(median "$work/t_np")" -v b="$(median "$work/t_bt")" -v c="$(median "$work/t_np" 2)" \
  -v d="$(median "$work/t_bt" 2)" 'BEGIN { if (a > 0 && b > 0)
  printf "  NumPy time / proratio backtest time (medians): %.2fx wall, %.2fx cpu\n", a / b, (d > 0 ? c / d : 0) }'
# With a base program: its files must be the same bytes (a speed-up that
# changes a result is not one); the run logs' summary differs only in
# logged_at.
if [ -n "$base" ]; then
  for f in trades.csv equity.csv metrics.json signals.jsonl executions.jsonl; do
    cmp -s "$work/out/$f" "$work/out_base/$f" || echo "  DIFFERENT from the base program: $f"
  done
  cmp -s "$work/ta.csv" "$work/ta_base.csv" || echo "  DIFFERENT from the base program: ta table"
  echo "  outputs compared with the base program's (trades, equity, metrics, run logs, ta table)"
fi
npt=$("$py" bench/sma_cross_numpy.py "$csv" "$work/np" 2>/dev/null | awk '{ print $2 }')
prt=$(($(wc -l < "$work/out/trades.csv") - 1))
echo "  trades: proratio $prt, NumPy $npt (the reference README gives 20,095)"
exit 0
