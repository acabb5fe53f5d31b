#!/usr/bin/env bash
# Shapes that used to be quadratic or worse, timed at growing sizes so the
# growth shows: (1) a pipeline whose `variables:` mapping has 25k..200k keys
# (the YAML duplicate-key check), expanded; (2) N stages of one job each,
# each stage after the previous one, against N jobs in one stage, run on one
# slot (the same number of jobs one at a time, so only the scheduler's own
# cost differs) and on the default slots. Medians of ${REPEATS:-3} runs.
# Usage: bench/shapes/run.sh [BUILD_DIR]  (default build-release)
set -euo pipefail
build=$(cd "${1:-build-release}" && pwd)
slipway="$build/slipway"
[[ -x $slipway ]] || { echo "no slipway binary in $build" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$slipway" "$tmp" "${REPEATS:-3}" "${STAGES:-5000}" <<'P'
import os, resource, shutil, statistics, subprocess, sys, time
slipway, tmp, repeats, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])

def write(name, text):
    path = os.path.join(tmp, name)
    with open(path, "w") as f: f.write(text)
    return path

def measure(argv, fresh_state):
    walls, cpus = [], []
    for _ in range(repeats):
        if fresh_state: shutil.rmtree(os.path.join(tmp, ".slipway"), ignore_errors=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        subprocess.run(argv, cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        walls.append(time.monotonic() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)

print("(1) duplicate-key check: pipeline expand of a variables mapping with K keys")
for keys in (25_000, 100_000, 200_000):
    body = "variables:\n" + "".join(f"  k{i}: v\n" for i in range(keys)) + "steps:\n- script: echo\n"
    path = write(f"keys{keys}.yml", body)
    wall, _ = measure([slipway, "pipeline", "expand", "--file", path], False)
    print(f"  {keys:>7} keys: {wall:6.2f} s  ({wall / keys * 1e6:.1f} us per key)")

subprocess.run([slipway, "init", tmp], check=True, stdout=subprocess.DEVNULL)
stages = "stages:\n" + "".join(f"- stage: s{i}\n  jobs:\n  - job: j\n    steps:\n    - script: 'true'\n" for i in range(n))
jobs = "jobs:\n" + "".join(f"- job: j{i}\n  steps:\n  - script: 'true'\n" for i in range(n))
stages_file, jobs_file = write("stages.yml", stages), write("jobs.yml", jobs)
print(f"(2) {n} stages in a chain vs {n} jobs in one stage (slipway run)")
for slots in ("1", None):
    extra = ["--agents", slots] if slots else []
    sw, sc = measure([slipway, "run", "--file", stages_file] + extra, True)
    jw, jc = measure([slipway, "run", "--file", jobs_file] + extra, True)
    label = f"{slots} slot" if slots else "default slots"
    print(f"  {label:>13}: stages {sw:6.2f} s wall {sc:6.2f} s cpu | jobs {jw:6.2f} s wall {jc:6.2f} s cpu"
          f" | stages/jobs {sw / jw:.2f}x wall {sc / jc:.2f}x cpu")
P
