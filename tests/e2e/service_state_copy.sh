#!/usr/bin/env bash
# Services belong to the state that started them, not to whoever holds a copy
# of its pid files: after `cp -a ws copy` with a service running, the copy's
# service-stop and serve leave the original's supervisor alone (issue 19,
# finding 9: they stopped it), and the original still stops its own.
source "$(dirname "$0")/common.sh"
command -v python3 >/dev/null || skip "python3 is needed for the service"
command -v curl >/dev/null || skip "curl is needed for the probe"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ws=$TMP/ws
copy=$TMP/copy
on_exit '"$SLIPWAY" -C "$ws" service-stop >/dev/null 2>&1 || true'
mkdir -p "$ws/repos/web"
cat >"$ws/repos/web/app.py" <<'PY'
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("web " + os.environ["VERSION"]).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
ThreadingHTTPServer(("127.0.0.1", int(os.environ["PORT"])), H).serve_forever()
PY
cat >"$ws/repos/web/azure-pipelines.yml" <<'YAML'
steps:
- checkout: self
- script: mkdir -p out && tar -czf out/web.tar.gz app.py
- publish: out
  artifact: web
YAML
git -C "$ws/repos/web" init -q -b main && git -C "$ws/repos/web" add . && git -C "$ws/repos/web" commit -q -m "feat: web"
cat >"$ws/slipway.yaml" <<YAML
product: {name: tiny, version: "1.0"}
components:
  web:
    repo: repos/web
    deploy:
      process:
        argv: [python3, app.py]
        port: $port
        health: {http: /, timeout: 10}
environments:
  test:
    platform: {kind: process}
    components: [web]
    policy: {mode: manual}
roles:
  admin: [tester]
YAML
export SLIPWAY_USER=tester  # admin: applies a manual environment
expect_exit 0 "$SLIPWAY" -C "$ws" run web --json
digest=$(python3 -c 'import json,sys; print(next(a["digest"] for a in json.load(sys.stdin)["artifacts"] if a["name"]=="web"))' <<<"$OUT")
expect_exit 0 "$SLIPWAY" -C "$ws" release built web 1.0.0 --digest "$digest"
expect_exit 0 "$SLIPWAY" -C "$ws" apply test --version web=1.0.0
svc=$ws/.slipway/services/test/web
sup=$(cat "$svc/supervisor.pid")
answers() { [[ $(curl -fsS -m 5 "http://127.0.0.1:$port/") == "web 1.0.0" ]]; }
answers || die "the service does not answer"
kill -0 "$sup" || die "no supervisor runs (pid file: $sup)"

# The copy holds the original's supervisor.pid, naming the running supervisor.
cp -a "$ws" "$copy"
[[ $(cat "$copy/.slipway/services/test/web/supervisor.pid") == "$sup" ]] || die "the copy has no pid file to be misled by"

expect_exit 0 "$SLIPWAY" -C "$copy" service-stop
expect_contains "$OUT" "stopped 0 services"
kill -0 "$sup" 2>/dev/null || die "the copy's service-stop stopped the original's supervisor $sup"
answers || die "the original's service stopped answering after the copy's service-stop"

# Nor does the copy's serve adopt (and so watch or stop) the original's
# supervisor. (It starts the copy's own, which cannot listen on the port the
# original's holds; it is restarted until serve stops it.)
"$SLIPWAY" -C "$copy" serve --stop-services-on-exit >"$TMP/serve.out" 2>&1 &
serve_pid=$!
for _ in $(seq 1 300); do grep -q "supervising" "$TMP/serve.out" && break; sleep 0.1; done
kill -INT "$serve_pid"
wait "$serve_pid" || die "the copy's serve exited $? on SIGINT: $(cat "$TMP/serve.out")"
[[ $(cat "$TMP/serve.out") != *"adopted"* ]] || die "the copy's serve adopted a supervisor: $(cat "$TMP/serve.out")"
kill -0 "$sup" 2>/dev/null || die "the copy's serve stopped the original's supervisor $sup"
answers || die "the original's service stopped answering after the copy's serve"

# The original's own service-stop still stops it.
expect_exit 0 "$SLIPWAY" -C "$ws" service-stop
expect_contains "$OUT" "stopped 1 service"
! kill -0 "$sup" 2>/dev/null || die "the original's supervisor $sup still runs"
echo "ok"
