#!/usr/bin/env bash
# Runs the status/stop test (paper_ops.sh) with a PostgreSQL store: a
# throwaway server on loopback (tests/data/store_pg.sh) and PR_PG_URL set.
# Skipped (77) only when the server cannot start.
cd "${PR_SOURCE_DIR:-.}" || exit 1
exec bash tests/data/store_pg.sh bash tests/live/paper_ops.sh
