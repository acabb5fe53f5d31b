#!/usr/bin/env bash
# bench/plan: time to plan every environment of a synthetic product of
# COMPONENTS components (default 2000, each depending on up to three earlier
# ones, each deployed as a process with environment references to values) in
# ENVIRONMENTS environments (default 20), and peak RSS. Prints the median of
# ROUNDS rounds (default 7) in wall and CPU time, all environments and per
# environment; on a shared machine compare CPU times (wall time also counts
# the time other processes held the cores).
# Usage: [ROUNDS=N] [BENCH_WRAP="perf record -g"] bench/plan/run.sh [BUILD_DIR]
# (default build-release; BENCH_WRAP prefixes the timed binary, e.g. a profiler).
set -euo pipefail
build=$(cd "${1:-build-release}" && pwd)
bench="$build/bench/plan/bench_plan"
[[ -x $bench ]] || { echo "bench/plan: no $bench (build the bench_plan target)" >&2; exit 1; }
components=${COMPONENTS:-2000}
environments=${ENVIRONMENTS:-20}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" "$components" "$environments" <<'PY'
import os, sys
root, n, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(f"{root}/environments")
with open(f"{root}/slipway.yaml", "w") as out:
    out.write("product:\n  name: big\n  version: '1.0'\ncomponents:\n")
    for i in range(n):
        deps = [f"c{j}" for j in (i - 1, i - 7, i - 31) if j >= 0]
        out.write(f"  c{i}:\n    repo: https://git.example.com/big/c{i}.git\n    depends_on: [{', '.join(deps)}]\n"
                  f"    deploy:\n      process:\n        argv: [./run, serve]\n        port: {20000 + i}\n"
                  f"        env:\n          LOG_LEVEL: ${{{{ values.log.level }}}}\n"
                  f"          NAME: ${{{{ values.names.c{i} }}}}\n        health: {{http: /health}}\n")
    out.write("blocks:\n  core:\n    components: [" + ", ".join(f"c{i}" for i in range(n)) + "]\n")
    out.write("    values:\n      log: {level: info}\n      names:\n")
    for i in range(n):
        out.write(f"        c{i}: component-{i}\n")
for e in range(m):
    with open(f"{root}/environments/e{e}.yaml", "w") as out:
        out.write(f"platform: {{kind: process, port_offset: {e * 10}}}\nblocks: [core]\n"
                  f"values:\n  log: {{level: {'debug' if e % 2 else 'info'}}}\npolicy: {{mode: manual}}\n")
PY
${BENCH_WRAP:-} "$bench" "$work"
