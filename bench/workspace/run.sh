#!/usr/bin/env bash
# bench/workspace: loading and validating a large workspace, the first pass of
# every slipway command. Generates a product of COMPONENTS components (default
# 2000, each depending on up to three earlier ones, every tenth with a local
# repo and pipeline), 50 blocks and ENVIRONMENTS environment files (default 200,
# chained by promote_from), then times, median of 5 runs:
#   1. slipway validate          (parse every file, check every reference and cycle)
#   2. slipway env show LAST     (validate + resolve one environment's values)
#   3. python3 reading the same files as text (the floor: just reading them)
# Usage: bench/workspace/run.sh [BUILD_DIR] (default build-release).
set -euo pipefail
build=$(cd "${1:-build-release}" && pwd)
slipway="$build/slipway"
[[ -x $slipway ]] || { echo "bench/workspace: no slipway binary in $build" >&2; exit 1; }
components=${COMPONENTS:-2000}
environments=${ENVIRONMENTS:-200}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work" "$components" "$environments" <<'PY'
import os, sys
root, n, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(f"{root}/environments"); os.makedirs(f"{root}/blocks")
with open(f"{root}/slipway.yaml", "w") as out:
    out.write("product:\n  name: big\n  version: '1.0'\nroles:\n  qa: [carol, dave]\ncomponents:\n")
    for i in range(n):
        local = i % 10 == 0
        repo = f"repos/c{i}" if local else f"https://git.example.com/big/c{i}.git"
        deps = [f"c{j}" for j in (i - 1, i - 7, i - 31) if j >= 0]
        out.write(f"  c{i}:\n    repo: {repo}\n    depends_on: [{', '.join(deps)}]\n"
                  f"    deploy:\n      process:\n        argv: [python3, app.py]\n        port: {10000 + i}\n"
                  f"        health: {{http: /health}}\n")
        if local:
            os.makedirs(f"{root}/{repo}")
            with open(f"{root}/{repo}/azure-pipelines.yml", "w") as p:
                p.write("trigger: [main]\njobs:\n  - template: jobs/build.yaml@templates\n"
                        "    parameters: {platform: python}\n")
    out.write("templates:\n  templates:\n    git: https://git.example.com/templates.git\n")
for b in range(50):
    with open(f"{root}/blocks/b{b}.yaml", "w") as out:
        members = ", ".join(f"c{i}" for i in range(b, n, 50))
        out.write(f"components: [{members}]\nvalues:\n")
        for k in range(40):
            out.write(f"  group{k}:\n    key{k}_{b}: value{k}\n" if k % 8 == 0 else f"  key{k}: b{b}\n")
for e in range(m):
    with open(f"{root}/environments/e{e}.yaml", "w") as out:
        blocks = ", ".join(f"b{(e + k) % 50}" for k in range(50))
        policy = f"  mode: manual\n  promote_from: e{e - 1}\n  approvals:\n    - role: qa\n" if e else \
                 "  mode: auto\n  branch: main\n"
        out.write(f"platform:\n  kind: process\n  port_offset: {e}\n  values: {{tier: t{e}}}\n"
                  f"blocks: [{blocks}]\nvalues:\n  key1: e{e}\npolicy:\n{policy}")
PY

median() {  # median CMD...: median wall time of 5 runs, in milliseconds
  local times=()
  for _ in 1 2 3 4 5; do
    local start=$(date +%s%N)
    "$@" >/dev/null
    times+=($(( ($(date +%s%N) - start) / 1000000 )))
  done
  printf '%s\n' "${times[@]}" | sort -n | sed -n 3p
}

"$slipway" validate "$work" >/dev/null 2>&1 || { "$slipway" validate "$work" 2>&1 | head; exit 1; }
files=$(find "$work" -name '*.y*ml' | wc -l)
bytes=$(find "$work" -name '*.y*ml' -exec cat {} + | wc -c)
t_validate=$(median "$slipway" validate "$work")
t_show=$(median "$slipway" -C "$work" env show "e$((environments - 1))")
t_read=$(median python3 -c 'import sys,pathlib; [p.read_text() for p in pathlib.Path(sys.argv[1]).rglob("*.y*ml")]' "$work")
echo "workspace: $components components, 50 blocks, $environments environments, $files files, $((bytes / 1024)) KiB"
echo "slipway validate:       ${t_validate} ms"
echo "slipway env show e$((environments - 1)):   ${t_show} ms"
echo "python3 read the files: ${t_read} ms (floor)"
awk -v a="$t_validate" -v b="$t_read" 'BEGIN { if (b > 0) printf "validate / read floor:  %.1fx\n", a / b }'
