#!/usr/bin/env bash
# GET /api/v1/status from `slipway serve --listen` beside nginx serving the
# same response bytes from a file: wrk (2 threads, 50 connections), requests/s
# and p99 of both and their ratio. What nginx shows is the ceiling of HTTP on
# this machine; slipway's gap to it is the cost of cpp-httplib plus a
# Service opened per request under one mutex.
# Then DELIVERIES signed GitHub push webhooks, one at a time, each a new
# commit of component c0 (a git repo): the time from sending the delivery to
# the start of its run's first step (the step's start_ms in the store), p50
# and p99, and the answer's own time (the 202 goes out before the run).
#   bench/server/run.sh [BUILD] [COMPONENTS] [ENVIRONMENTS] [SECONDS] [DELIVERIES]
set -euo pipefail
build=$(cd "${1:-build-release}" && pwd)
components=${2:-1000} environments=${3:-10} seconds=${4:-10} deliveries=${5:-20}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)"; exit 0; }
command -v nginx >/dev/null || command -v /usr/sbin/nginx >/dev/null || { echo "nginx is not installed"; exit 0; }
tmp=$(mktemp -d)
serve_pid= nginx_pid=
trap '[[ -n $serve_pid ]] && kill "$serve_pid"; [[ -n $nginx_pid ]] && kill "$nginx_pid"; rm -rf "$tmp"' EXIT
export XDG_DATA_HOME=$tmp/xdg
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# The workspace: every environment deploys every component (script platform).
python3 - "$tmp/ws" "$components" "$environments" <<'PY'
import os, sys
ws, n, m = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(ws)
lines = ['product: {name: bench, version: "1.0"}', "components:"]
for i in range(n):
    os.makedirs(f"{ws}/repos/c{i}")
    open(f"{ws}/repos/c{i}/azure-pipelines.yml", "w").write("steps:\n- script: 'true'\n")
    lines += [f"  c{i}:", f"    repo: repos/c{i}", "    deploy: {script: {apply: 'true'}}"]
lines.append("environments:")
names = ", ".join(f"c{i}" for i in range(n))
for e in range(m):
    lines += [f"  e{e}:", "    platform: {kind: script}", f"    components: [{names}]", "    policy: {mode: manual}"]
lines += ["roles:", "  admin: [frank]", "  ci: ['webhook:github']"]
open(f"{ws}/slipway.yaml", "w").write("\n".join(lines) + "\n")
PY
git -C "$tmp/ws/repos/c0" init -q -b main
git -C "$tmp/ws/repos/c0" add . && git -C "$tmp/ws/repos/c0" -c user.name=bench -c user.email=bench@example.com commit -qm "feat: c0"
token=$("$build/slipway" -C "$tmp/ws" token create --user frank --as frank 2>/dev/null)
export SLIPWAY_WEBHOOK_SECRET_GITHUB=bench-secret
port=$(free_port)
"$build/slipway" -C "$tmp/ws" serve --listen "127.0.0.1:$port" >"$tmp/serve.out" 2>&1 &
serve_pid=$!
for _ in $(seq 100); do grep -qs "listening on" "$tmp/serve.out" && break; sleep 0.1; done
url=http://127.0.0.1:$port/api/v1/status
curl -sf -H "Authorization: Bearer $token" "$url" >"$tmp/status.json"

nport=$(free_port)
mkdir -p "$tmp/www/api/v1"
cp "$tmp/status.json" "$tmp/www/api/v1/status"
cat >"$tmp/nginx.conf" <<CONF
user root;
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/nginx.err;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  server { listen 127.0.0.1:$nport; root $tmp/www; }
}
CONF
/usr/sbin/nginx -c "$tmp/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
sleep 0.5

# measure NAME URL [HEADER]: "NAME: R req/s, p99 P" from wrk --latency.
measure() {
  local out
  out=$(wrk -t2 -c50 -d"${seconds}s" --latency ${3:+-H "$3"} "$2")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  echo "$1: $rps req/s, p99 $p99"
}
echo "status of $components components x $environments environments: $(wc -c <"$tmp/status.json") bytes"
measure slipway "$url" "Authorization: Bearer $token"
s_rps=$rps
measure nginx "http://127.0.0.1:$nport/api/v1/status"
python3 -c "import sys; print(f'slipway / nginx: {float(sys.argv[1]) / float(sys.argv[2]):.3f}')" "$s_rps" "$rps"
echo "serve RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$serve_pid/status)"

# Webhook → first step: deliveries one at a time (each waits for its step to start).
python3 - "$tmp/ws" "$port" "$deliveries" <<'PY'
import hashlib, hmac, json, sqlite3, subprocess, sys, time, urllib.request
ws, port, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
repo, db = f"{ws}/repos/c0", sqlite3.connect(f"{ws}/.slipway/state.db")
git = lambda *a: subprocess.run(["git", "-C", repo, "-c", "user.name=bench", "-c", "user.email=bench@example.com", *a],
                                check=True, capture_output=True, text=True).stdout.strip()
to_step, answers = [], []
for i in range(n):
    before = git("rev-parse", "HEAD")
    open(f"{repo}/n.txt", "w").write(str(i))
    git("add", "."); git("commit", "-qm", f"feat: {i}")
    after = git("rev-parse", "HEAD")
    body = json.dumps({"ref": "refs/heads/main", "before": before, "after": after,
                       "repository": {"clone_url": f"file://{repo}"}}).encode()
    sig = "sha256=" + hmac.new(b"bench-secret", body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/hooks/github", data=body, method="POST", headers={
        "X-GitHub-Event": "push", "X-GitHub-Delivery": f"bench-{i}", "X-Hub-Signature-256": sig})
    sent = time.time() * 1000
    with urllib.request.urlopen(request, timeout=10) as answer:
        assert answer.status == 202, answer.read()
    answers.append(time.time() * 1000 - sent)
    for _ in range(3000):
        row = db.execute("SELECT min(s.start_ms) FROM run_steps s JOIN runs r ON r.id = s.run_id "
                         "WHERE r.commit_sha = ? AND s.start_ms > 0", (after,)).fetchone()
        if row[0]: break
        time.sleep(0.01)
    else:
        sys.exit(f"delivery {i}: no step started")
    to_step.append(row[0] - sent)
    for _ in range(3000):  # one run at a time: the next delivery is not queued behind this one
        if db.execute("SELECT state FROM runs WHERE commit_sha = ?", (after,)).fetchone()[0] == "finished": break
        time.sleep(0.01)
pct = lambda xs, p: sorted(xs)[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
print(f"webhook -> first step ({n} deliveries): p50 {pct(to_step, 50):.0f} ms, p99 {pct(to_step, 99):.0f} ms; "
      f"202 answered in p50 {pct(answers, 50):.0f} ms, p99 {pct(answers, 99):.0f} ms")
PY

# Live logs: a run with and without 200 clients following it.
bash "$(dirname "$0")/followers.sh" "$build" 200
