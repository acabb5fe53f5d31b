#!/usr/bin/env bash
# SIGKILL of `slipway apply` in the middle of an apply (process platform):
# `api` is up and recorded, `web` (depends on api) is still in its health
# check - its service only listens once the file $ws/go exists - when the
# apply is killed. After the restart, `plan` shows the truth (api applied,
# web still to install), `apply` takes over the dead apply's lock and does
# only web, and a second apply reports no changes.
source "$(dirname "$0")/common.sh"
command -v python3 >/dev/null || skip "python3 is needed for the services"
command -v curl >/dev/null || skip "curl is needed for the probe"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
api_port=$(free_port)
web_port=$(free_port)
ws=$TMP/ws
on_exit '"$SLIPWAY" -C "$ws" service-stop >/dev/null 2>&1 || true'
mkdir -p "$ws/repos/svc"
cat >"$ws/repos/svc/app.py" <<'PY'
import os, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
gate = os.environ.get("GATE")
if gate:
    print("waiting for " + gate, flush=True)
    while not os.path.exists(gate):
        time.sleep(0.05)
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        body = (os.environ["SLIPWAY_COMPONENT"] + " " + os.environ["VERSION"]).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
PY
cat >"$ws/repos/svc/azure-pipelines.yml" <<'YAML'
steps:
- checkout: self
- script: mkdir -p out && tar -czf out/svc.tar.gz app.py
- publish: out
  artifact: svc
YAML
git -C "$ws/repos/svc" init -q -b main && git -C "$ws/repos/svc" add . && git -C "$ws/repos/svc" commit -q -m "feat: svc"
cat >"$ws/slipway.yaml" <<YAML
product: {name: tiny, version: "1.0"}
components:
  api:
    repo: repos/svc
    deploy:
      process:
        argv: [python3, app.py]
        port: $api_port
        health: {http: /, timeout: 10}
  web:
    repo: repos/svc
    depends_on: [api]
    deploy:
      process:
        argv: [python3, app.py]
        port: $web_port
        env: {GATE: $ws/go}
        health: {http: /, timeout: 120}
environments:
  test:
    platform: {kind: process}
    components: [api, web]
    policy: {mode: manual}
roles:
  admin: [tester]
YAML
export SLIPWAY_USER=tester  # admin: applies a manual environment
expect_exit 0 "$SLIPWAY" -C "$ws" run api --json
digest=$(python3 -c 'import json,sys; print(next(a["digest"] for a in json.load(sys.stdin)["artifacts"] if a["name"]=="svc"))' <<<"$OUT")
expect_exit 0 "$SLIPWAY" -C "$ws" release built api 1.0.0 --digest "$digest"
expect_exit 0 "$SLIPWAY" -C "$ws" release built web 1.0.0 --digest "$digest"

"$SLIPWAY" -C "$ws" apply test --version api=1.0.0 --version web=1.0.0 >"$TMP/apply1.out" 2>&1 &
apply_pid=$!
web_log=$ws/.slipway/services/test/web/service.log
for _ in $(seq 1 600); do
  grep -q "waiting for" "$web_log" 2>/dev/null && break
  kill -0 "$apply_pid" 2>/dev/null || die "apply ended before web started: $(cat "$TMP/apply1.out")"
  sleep 0.05
done
grep -q "waiting for" "$web_log" || die "web never started"
kill -9 "$apply_pid"
wait "$apply_pid" 2>/dev/null || true
[[ $(curl -fsS -m 10 "http://127.0.0.1:$api_port/") == "api 1.0.0" ]] || die "api does not answer after the kill"

# The truth after the kill: api is applied and runs, web is still to install.
expect_exit 0 "$SLIPWAY" -C "$ws" plan test --version api=1.0.0 --version web=1.0.0
expect_contains "$OUT" "plan for test: 1 change"
expect_contains "$OUT" "nothing   api"
expect_contains "$OUT" "install   web 1.0.0"
[[ "$OUT" != *drift* ]] || die "unexpected drift: $OUT"

# The retry takes over the dead apply's lock and completes only web.
touch "$ws/go"
expect_exit 0 "$SLIPWAY" -C "$ws" apply test --version api=1.0.0 --version web=1.0.0
expect_contains "$OUT" "took over the lock of test held by hotfix "
expect_contains "$OUT" ": not running"
expect_contains "$OUT" "ok      install web"
[[ "$OUT" != *"install api"* ]] || die "api was applied again: $OUT"
expect_contains "$OUT" "to test: applied (applied 1 change)"
[[ $(curl -fsS -m 10 "http://127.0.0.1:$web_port/") == "web 1.0.0" ]] || die "web does not answer"
expect_exit 0 "$SLIPWAY" -C "$ws" apply test --version api=1.0.0 --version web=1.0.0
expect_contains "$OUT" "to test: applied (no changes)"
expect_exit 0 "$SLIPWAY" -C "$ws" plan test --version api=1.0.0 --version web=1.0.0
expect_contains "$OUT" "plan for test: no changes"
echo "ok"
