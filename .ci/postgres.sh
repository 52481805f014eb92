#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on 127.0.0.1 for the tests: `start` prints the database URL to
# use as REGISTRY_TEST_DATABASE_URL; `stop` stops it and removes it. The bench keeps its data
# between runs: `resume` starts the cluster already in DIR (or makes one), `halt` stops it.
#   .ci/postgres.sh start|resume [DIR] [PORT]   (defaults: /tmp/registry-pg, 54329)
#   .ci/postgres.sh stop|halt    [DIR]
# PG_FSYNC=on for a server that syncs its commits to disk as production does (default off).
# Debian's postgresql package is installed first when no server binaries are found (as root).
set -euo pipefail
action=${1:?usage: .ci/postgres.sh start|stop [DIR] [PORT]}
dir=${2:-/tmp/registry-pg}
port=${3:-54329}

bindir() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

as_owner() {  # the server refuses to run as root: run it as the `postgres` user then
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  resume)
    if [ -f "$dir/data/PG_VERSION" ]; then
      bin=$(bindir)
      as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1 ||
      as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=${PG_FSYNC:-off} -c max_connections=200" \
        start >/dev/null
      echo "postgresql://postgres@127.0.0.1:$port/registry_test"
      exit 0
    fi
    exec "$0" start "$dir" "$port"
    ;;
  halt)
    bin=$(bindir)
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null
    ;;
  start)
    if [ -z "$(bindir)" ] || [ ! -x "$(bindir)/postgres" ]; then
      "$(dirname "$0")/ensure-debian-packages.sh" __no_such_command__=postgresql
    fi
    bin=$(bindir)
    if [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=${PG_FSYNC:-off} -c max_connections=200" \
      start >/dev/null
    as_owner "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres registry_test
    echo "postgresql://postgres@127.0.0.1:$port/registry_test"
    ;;
  stop)
    bin=$(bindir)
    if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
      as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null
    fi
    rm -rf "$dir"
    ;;
  *) echo "usage: .ci/postgres.sh start|resume|stop|halt [DIR] [PORT]" >&2; exit 2 ;;
esac
