#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the store tests and prints its URL, for
#   export LADDER_TEST_POSTGRES="$(bash scripts/postgres.sh)"
# The cluster lives in target/postgres (or $LADDER_PG_DIR), listens on loopback only, on
# $LADDER_PG_PORT or else the first free port from 55432, and trusts local connections: it is
# for tests, never data.
# Installs Debian's postgresql package when no server is found. Running it again reuses a
# server that is already up. `bash scripts/postgres.sh stop` stops it.
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${LADDER_PG_DIR:-$PWD/target/postgres}"

bin_dir() {
  local found
  found="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$found" ] && [ -x "$found/initdb" ]; then echo "$found"; return; fi
  command -v initdb >/dev/null && dirname "$(command -v initdb)"
}

bin="$(bin_dir || true)"
if [ -z "$bin" ]; then
  echo "installing Debian's postgresql package" >&2
  export DEBIAN_FRONTEND=noninteractive
  { apt-get install -y --no-install-recommends postgresql \
    || { apt-get update && apt-get install -y --no-install-recommends postgresql; }; } >&2
  bin="$(bin_dir)"
fi

# PostgreSQL refuses to run as root: as root, run it as the postgres user the package made.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-}" = stop ]; then
  as_owner "$bin/pg_ctl" -D "$dir/data" -m fast stop >&2 || true
  exit 0
fi

mkdir -p "$dir"
if [ "$(id -u)" = 0 ]; then chown postgres "$dir"; fi
# Test processes may start this at the same moment: one at a time.
exec 9>"$dir/.lock"
flock 9
if [ ! -f "$dir/data/PG_VERSION" ]; then
  as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --encoding=UTF8 \
    --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
fi
port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

if ! as_owner "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
  port="${LADDER_PG_PORT:-}"
  if [ -z "$port" ]; then
    for candidate in $(seq 55432 55482); do
      if port_free "$candidate"; then port="$candidate"; break; fi
    done
  fi
  [ -n "$port" ] || { echo "no free port from 55432 to 55482" >&2; exit 1; }
  echo "$port" >"$dir/port"
  # Many connections: the replica and load tests open several pools at once.
  as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=300 \
        -c fsync=on" start >&2 \
    || { cat "$dir/server.log" >&2; exit 1; }
fi
echo "postgres://postgres@127.0.0.1:$(cat "$dir/port")/postgres"
