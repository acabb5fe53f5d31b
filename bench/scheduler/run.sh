#!/usr/bin/env bash
# Scheduler benchmark.
# (1) 200 jobs x 10 trivial steps (`true`) on 2 slots, in 20 chains of 10
#     jobs (job k depends on job k-20), against `make -j2` running the same
#     2000 commands with the same dependencies (one target per job, one
#     recipe line per step), and against make running every line through bash
#     as a script step is run. Prints totals, time per step and the ratios.
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

# Each side runs ${REPEATS:-3} times (fresh state each time); medians of wall
# time and of CPU time (user+sys of the command and its children: the figure a
# shared, loaded machine disturbs least).
python3 - "$slipway" "$tmp" "$((jobs * steps))" "${REPEATS:-3}" <<'P'
import os, resource, shutil, statistics, subprocess, sys, time
slipway, tmp, n, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def measure(argv):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=tmp)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
s_runs, m_runs, b_runs = [], [], []
for _ in range(repeats):
    shutil.rmtree(f"{tmp}/state", ignore_errors=True)
    s_runs.append(measure([slipway, "--state", f"{tmp}/state/state.db", "run", "--file", "pipeline.yml", "--agents", "2"]))
    m_runs.append(measure(["make", "-s", "-j2", "-f", "Makefile"]))
    # make runs a bare `true` without a shell; a script step is a bash script, so
    # the like-for-like reference runs each recipe line through bash too.
    b_runs.append(measure(["make", "-s", "-j2", "-f", "Makefile", "SHELL=/bin/bash", ".SHELLFLAGS=-ec"]))
sw, sc = statistics.median(r[0] for r in s_runs), statistics.median(r[1] for r in s_runs)
mw, mc = statistics.median(r[0] for r in m_runs), statistics.median(r[1] for r in m_runs)
bw, bc = statistics.median(r[0] for r in b_runs), statistics.median(r[1] for r in b_runs)
print(f"scheduler: {n} steps (200 jobs x 10, 2 slots), median of {repeats}")
print(f"  slipway     wall {sw:8.3f} s  {sw / n * 1000:7.3f} ms/step   cpu {sc:8.3f} s  {sc / n * 1000:7.3f} ms/step")
print(f"  make -j2    wall {mw:8.3f} s  {mw / n * 1000:7.3f} ms/step   cpu {mc:8.3f} s  {mc / n * 1000:7.3f} ms/step")
print(f"  make, bash  wall {bw:8.3f} s  {bw / n * 1000:7.3f} ms/step   cpu {bc:8.3f} s  {bc / n * 1000:7.3f} ms/step")
print(f"  overhead      {(sw - mw) / n * 1000:7.3f} ms/step wall over make")
print(f"  ratio slipway/make  wall {sw / mw:5.2f}x   cpu {sc / mc:5.2f}x  (goal <= 1.5x)")
print(f"  ratio slipway/make with every line through bash  wall {sw / bw:5.2f}x   cpu {sc / bc:5.2f}x")
# A script step is a bash script (Azure's semantics): bash's own start is in
# every step, so no runner that starts a bash per step gets below this.
print(f"  floor of a bash per step: make, bash / make  wall {bw / mw:5.2f}x   cpu {bc / mc:5.2f}x")
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
