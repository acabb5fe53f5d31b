#!/usr/bin/env bash
# bench/store: the state store on both backends side by side - SQLite (a file
# in a temp folder: WAL, synchronous=NORMAL) and PostgreSQL (a fresh schema
# in the server of SLIPWAY_TEST_POSTGRES) - see store_bench.cpp for the
# figures. Then the references: the sqlite3 CLI inserting the same rows one
# transaction each (SQLite alone, the floor), and pgbench's built-in
# simple-update on the same PostgreSQL server, with its fsync settings as
# they are (tests/postgres.sh runs it with fsync=off; shown below).
# Without SLIPWAY_TEST_POSTGRES it runs itself under tests/postgres.sh; when
# no server starts, the postgresql column is n/a and says why.
# Usage: bench/store/run.sh [BUILD_DIR] (default build-release);
# EVENTS=2000 REPS=5 RUNS=100000 RELEASES=10000 PGBENCH_SECONDS=10.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build-release}" && pwd)
bench="$build/bench/store/store_bench"
[[ -x $bench ]] || { echo "bench/store: no store_bench in $build" >&2; exit 1; }

# Once only: postgres.sh runs us without the variable when its server fails.
if [[ -z ${SLIPWAY_TEST_POSTGRES:-} && -z ${SLIPWAY_BENCH_UNDER_POSTGRES:-} ]]; then
  SLIPWAY_BENCH_UNDER_POSTGRES=1 exec bash "$here/../../tests/postgres.sh" bash "$here/run.sh" "$build"
fi

export EVENTS=${EVENTS:-2000} REPS=${REPS:-5}
work=$(mktemp -d)
server=${SLIPWAY_TEST_POSTGRES:-}
schema=bench_$$_$RANDOM
pgbench_db=slipway_pgbench_$$
cleanup() {
  if [[ -n $server ]]; then  # the server may be someone's own: leave it as found
    psql -q "$server" -c "DROP SCHEMA IF EXISTS $schema CASCADE" -c "DROP DATABASE IF EXISTS $pgbench_db" \
      >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

pg_location=()
if [[ -z $server ]]; then
  echo "bench/store: postgresql column unavailable: no PostgreSQL server (SLIPWAY_TEST_POSTGRES unset, see above)"
elif ! err=$(psql -q "$server" -c "CREATE SCHEMA $schema" 2>&1); then
  echo "bench/store: postgresql column unavailable: $err"
  server=
else
  # A fresh, empty schema, as tests/store/backends.cpp gives each case.
  [[ $server == *\?* ]] && sep='&' || sep='?'
  pg_location=("$server${sep}options=-csearch_path%3D$schema")
fi

out=$("$bench" "$work" "$work/bench.db" "${pg_location[@]}")
echo "$out"
# A figure of ours from the table: ROW's sqlite (1) or postgresql (2) cell.
ours() { awk -F'|' -v col="$2" -v row="$1" 'index($0, row) == 1 { n = split($col, f, " "); print (col == 1 ? f[n] : f[1]) }' <<<"$out"; }

echo "references:"
if command -v sqlite3 >/dev/null; then
  python3 - "$EVENTS" >"$work/inserts.sql" <<'PY'
import sys
n = int(sys.argv[1])
print("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
print("CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER, actor TEXT, kind TEXT, subject TEXT, detail TEXT);")
print("CREATE INDEX events_by_subject ON events (subject, id);")
for i in range(n):
    print(f"INSERT INTO events (at_ms, actor, kind, subject, detail) VALUES ({i}, 'bench', 'bench.one', 'env:e{i % 50}', '{{\"i\":{i}}}');")
PY
  times=()
  for ((r = 0; r < REPS; r++)); do  # the median of REPS, each into a new file
    rm -f "$work"/floor.db*
    start=$(date +%s.%N)
    sqlite3 "$work/floor.db" <"$work/inserts.sql" >/dev/null
    times+=("$(date +%s.%N)-$start")
  done
  python3 -c 'import statistics, sys; n, ours = map(float, sys.argv[1:3]); floor = n / statistics.median(float(e) - float(s) for e, s in (t.split("-") for t in sys.argv[3:]))
print(f"  sqlite3 CLI, one insert per transaction: {floor:.0f} rows/s; slipway store on sqlite / sqlite3 = {ours / floor:.2f}")' \
    "$EVENTS" "$(ours 'append, one event per transaction' 1)" "${times[@]}"
else
  echo "  sqlite3 CLI: not installed, no floor"
fi

if [[ -z $server ]]; then
  echo "  pgbench simple-update: unavailable (no PostgreSQL server)"
elif ! command -v pgbench >/dev/null; then
  echo "  pgbench simple-update: unavailable (pgbench not installed)"
else
  # Its own database on the same server, so its tables stay out of the store's way.
  bench_url="${server%%\?*}"
  bench_url="${bench_url%/*}/$pgbench_db"
  psql -q "$server" -c "CREATE DATABASE $pgbench_db" >/dev/null
  tps=
  if pgbench -q -i -s 1 "$bench_url" >"$work/pgbench.log" 2>&1; then
    # -M prepared: the store prepares its statements too (pooled with its connections).
    tps=$(pgbench -b simple-update -M prepared -T "${PGBENCH_SECONDS:-10}" -c 1 "$bench_url" 2>>"$work/pgbench.log" |
      awk '/^tps = / { print $3; exit }')
  fi
  settings=$(psql -Atq "$server" -c "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings
    WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')")
  [[ -n $tps ]] || { echo "  pgbench simple-update: failed: $(tail -1 "$work/pgbench.log")"; exit 0; }
  python3 -c 'import sys; tps, ours = map(float, sys.argv[1:3])
print(f"  pgbench -b simple-update -M prepared -c 1 (UPDATE, SELECT, INSERT per transaction): {tps:.0f} tps; slipway store on postgresql / pgbench = {ours / tps:.2f}")
print(f"  server: {sys.argv[3]}")' "$tps" "$(ours 'append, one event per transaction' 2)" "$settings"
fi
