#!/usr/bin/env bash
# Scheduler benchmark.
# (1) 200 jobs x 10 trivial steps (`true`) on 2 slots, in 20 chains of 10
#     jobs (job k depends on job k-20), against `make -j2` running the same
#     2000 commands with the same dependencies (one target per job, one
#     recipe line per step). Prints totals, time per step and the ratio.
# (2) One step printing 100 MB of log lines: throughput and slipway's peak RSS.
# Usage: bench/scheduler/run.sh [BUILD_DIR]  (default build-release)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build-release}" && pwd)
slipway="$build/slipway"
[[ -x $slipway ]] || { echo "no slipway binary in $build" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"

jobs=200 steps=10 chains=20
{
  echo "stages:"
  echo "- stage: bench"
  echo "  jobs:"
  for ((j = 0; j < jobs; j++)); do
    if ((j >= chains)); then deps="[j$((j - chains))]"; else deps="[]"; fi
    echo "  - job: j$j"
    echo "    dependsOn: $deps"
    echo "    steps:"
    for ((s = 0; s < steps; s++)); do echo "    - script: 'true'"; done
  done
} > pipeline.yml
{
  printf 'all:'
  for ((j = 0; j < jobs; j++)); do printf ' j%d' "$j"; done
  printf '\n.PHONY: all'
  for ((j = 0; j < jobs; j++)); do printf ' j%d' "$j"; done
  printf '\n'
  for ((j = 0; j < jobs; j++)); do
    if ((j >= chains)); then echo "j$j: j$((j - chains))"; else echo "j$j:"; fi
    for ((s = 0; s < steps; s++)); do printf '\ttrue\n'; done
  done
} > Makefile

now() { date +%s.%N; }
t0=$(now)
"$slipway" --state "$tmp/state/state.db" run --file pipeline.yml --agents 2 > slipway.out || { cat slipway.out; exit 1; }
t1=$(now)
make -s -j2 -f Makefile > /dev/null
t2=$(now)
python3 - "$t0" "$t1" "$t2" "$((jobs * steps))" <<'P'
import sys
t0, t1, t2, n = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
s, m = t1 - t0, t2 - t1
print(f"scheduler: {n} steps (200 jobs x 10, 2 slots)")
print(f"  slipway total   {s:8.3f} s   {s / n * 1000:7.3f} ms/step (wall, 2 slots)")
print(f"  make -j2 total  {m:8.3f} s   {m / n * 1000:7.3f} ms/step")
print(f"  overhead        {(s - m) / n * 1000:7.3f} ms/step over make")
print(f"  ratio slipway/make  {s / m:5.2f}x  (goal <= 1.5x)")
P

# (2) 100 MB of log lines from one step.
cat > logs.yml <<'Y'
steps:
- bash: yes 'a log line of a build step, with some ordinary words in it, 0123456789' | head -c 100000000
Y
python3 - "$slipway" "$tmp" <<'P'
import resource, subprocess, sys, time
slipway, tmp = sys.argv[1], sys.argv[2]
start = time.monotonic()
subprocess.run([slipway, "--state", f"{tmp}/state2/state.db", "run", "--file", "logs.yml", "--agents", "1"],
               check=True, stdout=subprocess.DEVNULL, cwd=tmp)
elapsed = time.monotonic() - start
rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print("logs: one step printing 100 MB of lines")
print(f"  total {elapsed:7.3f} s   throughput {100 / elapsed:7.1f} MB/s   peak RSS of slipway {rss_mb:6.1f} MB (goal < 100 MB)")
P
