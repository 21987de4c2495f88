#!/usr/bin/env bash
# End-to-end test of `mpirun -n K proratio optimize` (OpenMPI on loopback):
# 1, 2 and 4 ranks (oversubscribed on a small machine) give exactly the
# files of a run without MPI — every trial, fold, out-of-sample trade and
# the choice to trade — for a walk-forward TPE search (batches whose points
# depend on the trials before them) and an in-sample grid; a search resumed
# under MPI from a store holding part of its trials ends the same. Skipped
# (77) where mpirun is not installed or the program was built without MPI.
set -u
source "$(dirname "$0")/lib/prelude.bash"
command -v mpirun > /dev/null || { echo "skipped: mpirun not installed (openmpi-bin)"; exit 77; }
# CI runs as root; shared memory without cross-memory attach (containers)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl_vader_single_copy_mechanism=none
# Under the ASan suite, what OpenMPI keeps past MPI_Finalize is not ours: its
# components stay loaded (so their frames have names) and stacks are unwound
# fully (OpenMPI has no frame pointers), so that the suppressions can name
# its libraries and nothing of Proratio's is hidden.
export OMPI_MCA_mca_base_component_disable_dlclose=1
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}suppressions=$ROOT/tests/e2e/lsan_mpi.supp:fast_unwind_on_malloc=0"
MPI=(mpirun --oversubscribe)

CSV=data/sample/crypto/BTCUSDT-1h.csv
cat > "$TMP/wf.json" <<JSON
{"data": {"csv": [{"file": "$CSV", "symbol": "BTCUSDT", "tf": "1h", "asset_class": "crypto"}], "to": "2023-07-01",
          "db": "sqlite:$TMP/opt.db"},
 "strategy": {"name": "sma_cross", "params": {"fast": 10, "slow": 30}},
 "costs": {"crypto": {"taker_fee": 0.001, "maker_fee": 0.001, "slippage": 0.0005}},
 "sizing": {"mode": "all_cash"}, "account": {"currency": "USDT", "cash": 10000},
 "optimize": {"space": {"fast": {"int": [5, 50]}, "slow": {"int": [20, 200], "step": 5}}, "constraints": ["fast < slow"],
              "sampler": "tpe", "trials": 40, "batch": 8, "seed": 3, "min_trades": 5,
              "walk_forward": {"train": "120d", "test": "30d"}},
 "output": {"dir": "$TMP/unused"}}
JSON
"$BIN" optimize --config "$TMP/wf.json" --out "$TMP/serial" > "$TMP/serial.txt" 2>&1 || fail "serial: $(tail -3 "$TMP/serial.txt")"
probe=$(timeout 120 "${MPI[@]}" -n 1 "$BIN" optimize --config "$TMP/wf.json" --out "$TMP/r1" 2>&1)
if echo "$probe" | grep -q "built without OpenMPI"; then echo "skipped: proratio was built without OpenMPI"; exit 77; fi
for n in 1 2 4; do
  [ "$n" = 1 ] || timeout 300 "${MPI[@]}" -n $n "$BIN" optimize --config "$TMP/wf.json" --out "$TMP/r$n" \
    > "$TMP/r$n.txt" 2>&1 || fail "$n ranks: exit $?: $(tail -3 "$TMP/r$n.txt")"
  [ "$n" = 1 ] && echo "$probe" > "$TMP/r1.txt"
  grep -q "; $n MPI rank" "$TMP/r$n.txt" || fail "$n ranks: not run as $n ranks: $(head -2 "$TMP/r$n.txt")"
  for f in trials.csv folds.csv oos_trades.csv oos_equity.csv best.json; do
    cmp -s "$TMP/serial/optimize/$f" "$TMP/r$n/optimize/$f" || fail "$n ranks: $f differs from the run without MPI"
  done
done
# in-sample grid, 3 ranks
sed 's/"sampler": "tpe"/"sampler": "grid"/; s/"step": 5}/"step": 30}/' "$TMP/wf.json" > "$TMP/grid.json"
"$BIN" optimize --config "$TMP/grid.json" --in-sample-only --out "$TMP/gs" > "$TMP/gs.txt" 2>&1 || fail "grid serial"
timeout 300 "${MPI[@]}" -n 3 "$BIN" optimize --config "$TMP/grid.json" --in-sample-only --out "$TMP/g3" > "$TMP/g3.txt" 2>&1 \
  || fail "grid, 3 ranks: $(tail -3 "$TMP/g3.txt")"
for f in trials.csv best.json; do
  cmp -s "$TMP/gs/optimize/$f" "$TMP/g3/optimize/$f" || fail "grid, 3 ranks: $f differs"
done
# resumed under MPI: the serial run's later folds removed from the store
sqlite3 "$TMP/opt.db" "DELETE FROM trials WHERE run = 'serial' AND fold > 2; UPDATE runs SET status = 'running' WHERE name = 'serial'" \
  || fail "sqlite3"
timeout 300 "${MPI[@]}" -n 2 "$BIN" optimize --config "$TMP/wf.json" --out "$TMP/serial" > "$TMP/resume.txt" 2>&1 \
  || fail "resume, 2 ranks: $(tail -3 "$TMP/resume.txt")"
grep -q "trials stored by an earlier start are read back" "$TMP/resume.txt" || fail "resume: nothing read back"
for f in trials.csv folds.csv oos_trades.csv; do
  cmp -s "$TMP/r2/optimize/$f" "$TMP/serial/optimize/$f" || fail "resumed under MPI: $f differs"
done
[ "$fails" -eq 0 ] && echo "optimize_mpi: all checks passed"
exit $((fails > 0))
