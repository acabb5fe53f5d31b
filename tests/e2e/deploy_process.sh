#!/usr/bin/env bash
# The process platform through the CLI: a component built by `slipway run`
# (a tar.gz published as its artifact), recorded with `release built`,
# applied with `slipway apply`, probed over HTTP on loopback; the second apply
# does nothing; `service-logs` shows the service's output; `service-stop`
# leaves no process behind.
source "$(dirname "$0")/common.sh"
command -v python3 >/dev/null || skip "python3 is needed for the service"
command -v curl >/dev/null || skip "curl is needed for the probe"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ws=$TMP/ws
on_exit '"$SLIPWAY" -C "$ws" service-stop >/dev/null 2>&1 || true'
mkdir -p "$ws/repos/web"
cat >"$ws/repos/web/app.py" <<'PY'
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("web " + os.environ["VERSION"]).encode()
        self.send_response(200); self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
print("web listening", flush=True)
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
expect_contains "$OUT" "to test: applied (applied 1 change)"
[[ $(curl -fsS -m 10 "http://127.0.0.1:$port/") == "web 1.0.0" ]] || die "the service does not answer on $port"
expect_exit 0 "$SLIPWAY" -C "$ws" apply test
expect_contains "$OUT" "to test: applied (no changes)"
expect_exit 0 "$SLIPWAY" -C "$ws" service-logs test web
expect_contains "$OUT" "web listening"
expect_exit 0 "$SLIPWAY" -C "$ws" service-logs test web --tail 1
[[ $(wc -l <<<"$OUT") == 1 && $OUT == *'"GET / HTTP'* ]] || die "service-logs --tail 1 printed: $OUT"
# --follow prints what the service writes next, until Ctrl-C.
"$SLIPWAY" -C "$ws" service-logs test web --tail 0 --follow >"$TMP/follow.out" 2>&1 &
follower=$!
sleep 0.5
curl -sS -m 10 "http://127.0.0.1:$port/followed" >/dev/null
for _ in $(seq 100); do grep -q "GET /followed" "$TMP/follow.out" && break; sleep 0.05; done
kill -INT "$follower"
wait "$follower" || die "service-logs --follow exited $? on Ctrl-C"
grep -q "GET /followed" "$TMP/follow.out" || die "--follow did not print the new line: $(cat "$TMP/follow.out")"
! grep -q "web listening" "$TMP/follow.out" || die "--tail 0 printed the old lines"
pid=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["child"])' "$ws/.slipway/services/test/web/state.json")
expect_exit 0 "$SLIPWAY" -C "$ws" service-stop
expect_contains "$OUT" "stopped 1 service"
! kill -0 "$pid" 2>/dev/null || die "the service (pid $pid) still runs after service-stop"
expect_exit 0 "$SLIPWAY" -C "$ws" plan test
expect_contains "$OUT" "drift: recorded as applied but not running"
echo "ok"
