#!/usr/bin/env bash
# Runs the llm_calls cache tests (ai_test_cache) against a throwaway
# PostgreSQL server, using the store tests' server script. Exit 77 (skipped)
# when no server can be started.
set -u
build_dir=${PR_BUILD_DIR:-build}
test_bin="$build_dir/ai_test_cache"
if [ ! -x "$test_bin" ]; then
    echo "cache_pg: $test_bin is not built (set PR_BUILD_DIR)" >&2
    exit 1
fi
exec bash "${PR_SOURCE_DIR:-.}/tests/data/store_pg.sh" "$test_bin"
