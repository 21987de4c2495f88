#!/usr/bin/env bash
# Runs the per-bar view test with a PostgreSQL store and psql: a throwaway
# server on loopback (tests/data/store_pg.sh) and PR_PG_URL set. Skipped (77)
# only when the server cannot start.
cd "${PR_SOURCE_DIR:-.}" || exit 1
exec bash tests/data/store_pg.sh bash tests/e2e/data_store_view.sh
