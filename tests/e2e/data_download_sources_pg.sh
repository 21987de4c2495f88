#!/usr/bin/env bash
# Runs the end-to-end test of the other download sources (OANDA, Yahoo,
# Alpha Vantage, CoinGecko, the futures premium index) with a PostgreSQL
# store: a throwaway server on loopback (tests/data/store_pg.sh) and
# PR_PG_URL set. Skipped (77) only when the server cannot start.
cd "${PR_SOURCE_DIR:-.}" || exit 1
exec bash tests/data/store_pg.sh bash tests/e2e/data_download_sources.sh
