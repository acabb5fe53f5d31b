#!/usr/bin/env bash
# Runs a command with a private PostgreSQL server on a loopback port, and
# SLIPWAY_TEST_POSTGRES naming its empty database `slipway_test`; stops the
# server afterwards. `make test` wraps ctest in it, so every store test also
# runs on PostgreSQL (tests/store/backends.h). When no server can start here,
# says why and runs the command without it: those cases then report SKIPPED.
#
#   tests/postgres.sh ctest -j2
set -uo pipefail

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [[ -z $pgbin ]]; then
  echo "postgres.sh: PostgreSQL is not installed (apt-get install postgresql); its cases will be skipped" >&2
  exec "$@"
fi

dir=$(mktemp -d /tmp/slipway-pg.XXXXXX)
as_owner=()
if [[ $(id -u) == 0 ]]; then
  chown postgres:postgres "$dir"
  as_owner=(runuser -u postgres --)
fi
stop() {
  "${as_owner[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
  rm -rf "$dir"
}
trap stop EXIT

if ! "${as_owner[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1; then
  echo "postgres.sh: initdb failed; PostgreSQL cases will be skipped:" >&2
  tail -5 "$dir/initdb.log" >&2
  "$@"
  exit
fi
started=
for port in $(seq $((55432 + RANDOM % 2000)) 20 $((57500 + RANDOM % 20))); do
  if "${as_owner[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=300" start >/dev/null 2>&1; then
    started=$port
    break
  fi
done
if [[ -z $started ]]; then
  echo "postgres.sh: the server did not start; PostgreSQL cases will be skipped:" >&2
  tail -5 "$dir/log" >&2
  "$@"
  exit
fi
psql -q -h 127.0.0.1 -p "$started" -U postgres -c 'CREATE DATABASE slipway_test' >/dev/null
export SLIPWAY_TEST_POSTGRES="postgresql://postgres@127.0.0.1:$started/slipway_test"
echo "postgres.sh: PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') at $SLIPWAY_TEST_POSTGRES"
"$@"
