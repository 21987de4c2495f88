#!/usr/bin/env bash
# Runs the store tests against a real, throwaway PostgreSQL server: initdb
# into a temporary directory, listen on 127.0.0.1 only at a free port in
# 54000-54999 (unix socket inside the temporary directory), trust auth,
# create database "prtest", run $PR_BUILD_DIR/data_test_store with
# PR_PG_URL set (and PR_PG_SOCKET_URL, the same server through its Unix
# socket), then stop the server and delete everything (trap on EXIT).
# As root the server runs as the `postgres` user (PostgreSQL refuses root).
#
#   bash tests/data/store_pg.sh                 # the store tests
#   bash tests/data/store_pg.sh CMD [ARGS...]   # any command with PR_PG_URL set,
#                                               # e.g. build/bench_data_store
# Exit status: the command's; 77 (skipped) when the server cannot start.
set -u

skip() {
    echo "SKIP: PostgreSQL could not start: $*"
    exit 77
}

build_dir=${PR_BUILD_DIR:-build}
if [ $# -gt 0 ]; then
    cmd=("$@")
else
    cmd=("$build_dir/data_test_store")
    if [ ! -x "${cmd[0]}" ]; then
        echo "store_pg: ${cmd[0]} is not built (set PR_BUILD_DIR)" >&2
        exit 1
    fi
fi

# --- find the server binaries ---------------------------------------------------
bindir=${PR_PG_BINDIR:-}
if [ -z "$bindir" ]; then
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -n -r) \
             "$(pg_config --bindir 2>/dev/null)" "$(dirname "$(command -v initdb 2>/dev/null || echo /x/y)")"; do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
            bindir=$d
            break
        fi
    done
fi
[ -n "$bindir" ] || skip "initdb/pg_ctl/postgres not found (install postgresql or set PR_PG_BINDIR)"
[ -x "$bindir/createdb" ] || skip "$bindir/createdb not found"

# --- a private directory, owned by the server's user ---------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/prpg.XXXXXX") || skip "cannot create a temporary directory"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || { rm -rf "$tmp"; skip "running as root and no 'postgres' user exists"; }
    chown postgres: "$tmp" || { rm -rf "$tmp"; skip "cannot chown $tmp to postgres"; }
    chmod 700 "$tmp"
    if command -v runuser >/dev/null 2>&1; then
        as_pg=(runuser -u postgres --)
    else
        as_pg=(su postgres -s /bin/sh -c '"$0" "$@"')
    fi
fi
data="$tmp/data"
log="$tmp/server.log"
started=0

cleanup() {
    if [ "$started" -eq 1 ]; then
        (cd "$tmp" && "${as_pg[@]}" "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1)
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cd "$tmp" || skip "cannot enter $tmp"

if ! "${as_pg[@]}" "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-locale \
        --no-sync >"$tmp/initdb.log" 2>&1; then
    skip "initdb failed: $(tail -n 3 "$tmp/initdb.log" | tr '\n' ' ')"
fi

# --- start on a free loopback port ----------------------------------------------------
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

port=""
for attempt in 1 2 3 4 5 6 7 8; do
    candidate=$((54000 + (RANDOM % 1000)))
    port_busy "$candidate" && continue
    if "${as_pg[@]}" "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $candidate -k $tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >"$tmp/pg_ctl.log" 2>&1; then
        port=$candidate
        started=1
        break
    fi
    # Stop a half-started server before trying another port.
    "${as_pg[@]}" "$bindir/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1
done
if [ -z "$port" ]; then
    skip "server did not start: $(tail -n 3 "$log" 2>/dev/null | tr '\n' ' ')"
fi

if ! "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres prtest >"$tmp/createdb.log" 2>&1; then
    echo "store_pg: createdb failed: $(cat "$tmp/createdb.log")" >&2
    exit 1
fi

cd "${PR_SOURCE_DIR:-$OLDPWD}" || exit 1
echo "store_pg: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
PR_PG_URL="postgresql://postgres@127.0.0.1:$port/prtest" \
    PR_PG_SOCKET_URL="postgresql://postgres@/prtest?host=$tmp&port=$port" "${cmd[@]}"
rc=$?
if [ "$rc" -ne 0 ]; then
    echo "store_pg: command failed ($rc); server log tail:" >&2
    tail -n 20 "$log" >&2
fi
exit "$rc"
