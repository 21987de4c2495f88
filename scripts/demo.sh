#!/usr/bin/env bash
# The main job on the bundled sample data: installs dependencies, builds, imports
# data/sample into ./proratio.db (embedded SQLite), prints the dataset listing and
# gap report, then backtests trend_ema on BTCUSDT 1h (examples/trend_ema.json):
# prints the metrics (net, without costs, buy and hold) and writes trades.csv,
# equity.csv, metrics.json and the HTML report under out/trend_ema/.
# No server, no API keys. Installing and building print one line each (their
# full output only when they fail: scripts/quiet.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/quiet.sh "== dependencies" bash scripts/install-deps.sh
bash scripts/quiet.sh "== build (./build/proratio)" bash scripts/build.sh build
db=${PR_DB:-sqlite:proratio.db}
bin=./build/proratio
echo "== importing data/sample into ${db#sqlite:}"
"$bin" data import data/sample/crypto/*.csv data/sample/stocks/*.csv data/sample/forex/EURUSD-1h.csv --db "$db"
# A second EURUSD feed (MetaTrader export, 2020) is kept apart under its own venue.
"$bin" data import data/sample/forex/EURUSD-1h-2012-2020.csv --venue mt --db "$db"
echo
echo "== datasets"
"$bin" data list --db "$db"
echo
echo "== gaps"
"$bin" data gaps --db "$db"
echo
echo "== backtest: trend_ema on BTCUSDT 1h (examples/trend_ema.json)"
"$bin" backtest --config examples/trend_ema.json --db "$db" --report out/trend_ema/report.html
