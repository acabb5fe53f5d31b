#!/usr/bin/env bash
# Live logs do not slow a run down: the same run (a step printing 2000 lines
# over about 2 s), started through the API, with 0 and then N clients
# following its log as server-sent events (curl -N). Prints each run's
# duration, the ratio, and whether every follower got every line.
#   bench/server/followers.sh [BUILD] [FOLLOWERS]
set -euo pipefail
build=$(cd "${1:-build-release}" && pwd)
followers=${2:-200}
command -v curl >/dev/null || { echo "curl is not installed"; exit 0; }
tmp=$(mktemp -d)
serve_pid=
trap '[[ -n $serve_pid ]] && kill "$serve_pid"; rm -rf "$tmp"' EXIT
export XDG_DATA_HOME=$tmp/xdg GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com
mkdir -p "$tmp/ws/repos/api"
cat >"$tmp/ws/repos/api/azure-pipelines.yml" <<'YAML'
steps:
- script: for i in $(seq 2000); do echo "line $i"; [ $((i % 100)) = 0 ] && sleep 0.1; done; true
YAML
git -C "$tmp/ws/repos/api" init -q -b main
git -C "$tmp/ws/repos/api" add . && git -C "$tmp/ws/repos/api" commit -qm "chore: api"
printf 'product: {name: bench, version: "1.0"}\ncomponents:\n  api: {repo: repos/api}\nroles:\n  admin: [frank]\n' \
  >"$tmp/ws/slipway.yaml"
token=$("$build/slipway" -C "$tmp/ws" token create --user frank --as frank 2>/dev/null)
"$build/slipway" -C "$tmp/ws" serve --listen 127.0.0.1:0 >"$tmp/serve.out" 2>&1 &
serve_pid=$!
for _ in $(seq 100); do grep -qs "listening on" "$tmp/serve.out" && break; sleep 0.1; done
base=$(grep -o 'http://[^ ]*' "$tmp/serve.out")
auth="Authorization: Bearer $token"

# run_with N: starts a run, N followers on its log; prints "SECONDS COMPLETE" (followers with all 2000 lines).
run_with() {
  local id pids=() complete=0
  id=$(curl -s -X POST -H "$auth" -H 'Content-Type: application/json' --data-binary '{"component": "api"}' \
    "$base/runs" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  for i in $(seq "$1"); do
    curl -sN -H "$auth" "$base/runs/$id/logs?follow=1" >"$tmp/follow.$id.$i" &
    pids+=($!)
  done
  while curl -s -H "$auth" "$base/runs/$id" | grep -q '"state":"running"'; do sleep 0.1; done
  ((${#pids[@]})) && wait "${pids[@]}"
  for i in $(seq "$1"); do
    [[ $(grep -c '^event: line' "$tmp/follow.$id.$i") -ge 2000 ]] && complete=$((complete + 1))
  done
  curl -s -H "$auth" "$base/runs/$id" | python3 -c '
import json, sys
from datetime import datetime
d = json.load(sys.stdin)
t = lambda s: datetime.fromisoformat(s.replace("Z", "+00:00"))
print("%.2f" % (t(d["finish"]) - t(d["start"])).total_seconds(), sys.argv[1])' "$complete"
}
read -r alone _ < <(run_with 0)
read -r watched complete < <(run_with "$followers")
echo "run alone: ${alone} s"
echo "run with $followers followers: ${watched} s ($complete of $followers got every line)"
python3 -c "import sys; print(f'followed / alone: {float(sys.argv[2]) / float(sys.argv[1]):.2f}')" "$alone" "$watched"
echo "serve RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$serve_pid/status)"
