#!/usr/bin/env bash
# bench/store: the state store's hot paths on a real file (SQLite in WAL mode,
# synchronous=NORMAL): appending history events one per transaction and in
# batches, taking and releasing a lock, reading one subject's history, opening.
# Side by side: the sqlite3 CLI inserting the same number of rows, one
# transaction each, into the same kind of table (the floor: SQLite alone).
# Usage: bench/store/run.sh [BUILD_DIR] (default build-release); EVENTS=5000.
set -euo pipefail
build=$(cd "${1:-build-release}" && pwd)
bench="$build/bench/store/store_bench"
[[ -x $bench ]] || { echo "bench/store: no store_bench in $build" >&2; exit 1; }
events=${EVENTS:-5000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

out=$("$bench" "$work" "$events")
echo "$out"
if command -v sqlite3 >/dev/null; then
  python3 - "$events" >"$work/inserts.sql" <<'PY'
import sys
n = int(sys.argv[1])
print("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")
print("CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, at_ms INTEGER, actor TEXT, kind TEXT, subject TEXT, detail TEXT);")
print("CREATE INDEX events_by_subject ON events (subject, id);")
for i in range(n):
    print(f"INSERT INTO events (at_ms, actor, kind, subject, detail) VALUES ({i}, 'bench', 'bench.one', 'env:e{i % 50}', '{{\"i\":{i}}}');")
PY
  start=$(date +%s.%N)
  sqlite3 "$work/floor.db" <"$work/inserts.sql" >/dev/null
  end=$(date +%s.%N)
  python3 - "$events" "$start" "$end" "$out" <<'PY'
import re, sys
n, start, end, out = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
floor = n / (end - start)
ours = float(re.search(r"one event per transaction: \d+ events in [\d.]+ s = (\d+) events/s", out).group(1))
print(f"sqlite3 CLI, one insert per transaction: {floor:.0f} rows/s; slipway store / sqlite3 = {ours / floor:.2f}")
PY
fi
