#!/usr/bin/env bash
# A throwaway PostgreSQL server (Debian's packages) on a Unix socket, for the gallery's PostgreSQL tests.
#   bash scripts/postgres-test-server.sh start   → prints the socket file (…/.s.PGSQL.54329); fails if no server can start
#   bash scripts/postgres-test-server.sh stop SOCKET
# User `siamese`, trust authentication, no TCP listener; the data folder lives beside the socket in a temporary folder.
set -euo pipefail
port=54329
find_bin() {
  local initdb; initdb=$(command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$initdb" ] || { echo "postgres-test-server: no initdb (install Debian's postgresql)" >&2; exit 1; }
  dirname "$initdb"
}
as=(); [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
case "${1:-}" in
  start)
    bin=$(find_bin)
    dir=$(mktemp -d /tmp/siamese-pg.XXXXXX)
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    "${as[@]}" "$bin/initdb" -D "$dir/data" -U siamese --auth=trust >/dev/null
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -o "-k $dir -c listen_addresses='' -p $port" -l "$dir/log" -w start >/dev/null
    echo "$dir/.s.PGSQL.$port"
    ;;
  stop)
    dir=$(dirname "$2"); bin=$(find_bin)
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null || true
    rm -rf "$dir"
    ;;
  *) echo "usage: $0 start | stop SOCKET" >&2; exit 2 ;;
esac
