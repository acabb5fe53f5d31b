#!/usr/bin/env bash
# slipway serve hosts the process platform's supervisors: an apply while it
# runs hands the service to it (the supervisor is serve's child); a SIGKILLed
# supervisor is restarted by serve and brings the service back (its orphaned
# child ended); a crashed service is restarted; a second serve on the same
# state is refused naming the holder; SIGTERM leaves the services running by
# default, and the next serve adopts them and, with --stop-services-on-exit,
# stops them on Ctrl-C.
source "$(dirname "$0")/common.sh"
command -v python3 >/dev/null || skip "python3 is needed for the service"
command -v curl >/dev/null || skip "curl is needed for the probe"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
ws=$TMP/ws
serve_pid=
on_exit '[[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null; "$SLIPWAY" -C "$ws" service-stop >/dev/null 2>&1 || true'
mkdir -p "$ws/repos/web"
cat >"$ws/repos/web/app.py" <<'PY'
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    def do_GET(self):
        body = ("web " + os.environ["VERSION"] + " " + str(os.getpid())).encode()
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
svc=$ws/.slipway/services/test/web

wait_for() {  # wait_for WHAT CMD...: up to 30 s
  local what=$1; shift
  for _ in $(seq 1 300); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
  die "timed out waiting for $what; serve said: $(cat "$TMP/serve.out" 2>/dev/null)"
}
answers() { [[ $(curl -fsS -m 5 "http://127.0.0.1:$port/") == "web 1.0.0 "* ]]; }
child_pid() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["child"])' "$svc/state.json"; }

"$SLIPWAY" -C "$ws" serve >"$TMP/serve.out" 2>&1 &
serve_pid=$!
wait_for "serve to start" grep -q "supervising 0 services" "$TMP/serve.out"

# One serve per state: the second is refused and names the holder.
expect_exit 1 "$SLIPWAY" -C "$ws" serve
expect_contains "$ERR" "slipway serve already runs for $ws/.slipway: slipway serve ("
expect_contains "$ERR" "pid $serve_pid on"

# The apply hands the service to serve.
expect_exit 0 "$SLIPWAY" -C "$ws" apply test --version web=1.0.0
expect_contains "$OUT" "to test: applied (applied 1 change)"
answers || die "the service does not answer"
sup=$(cat "$svc/supervisor.pid")
[[ $(ps -o ppid= -p "$sup" | tr -d ' ') == "$serve_pid" ]] || die "the supervisor $sup is not serve's child"

# A SIGKILLed supervisor is restarted by serve; the old one's child is ended.
old_child=$(child_pid)
((old_child > 0 && sup > 0)) || die "no supervisor or service pid (supervisor '$sup', service '$old_child')"
kill -9 "$sup"
wait_for "a new supervisor" bash -c "[[ -s '$svc/supervisor.pid' && \$(cat '$svc/supervisor.pid') != $sup ]]"
wait_for "the service to answer again" answers
! kill -0 "$old_child" 2>/dev/null || die "the old supervisor's child $old_child still runs"
expect_contains "$(cat "$TMP/serve.out")" "test/web: supervisor (pid $sup) died; restarting in 1 s"
expect_contains "$(cat "$TMP/serve.out")" "test/web: supervisor restarted"

# A crashed service is restarted. (Its pid in state.json is 0 for a moment
# while a supervisor starts it: kill -9 0 would kill this test's whole group.)
wait_for "the service's pid in its state" bash -c "[[ \$(python3 -c 'import json; print(json.load(open(\"$svc/state.json\"))[\"child\"])') != 0 ]]"
crashed=$(child_pid)
((crashed > 0)) || die "no service pid in $svc/state.json"
kill -9 "$crashed"
wait_for "a new service process" bash -c "[[ \$(python3 -c 'import json; print(json.load(open(\"$svc/state.json\"))[\"child\"])') != $crashed && \$(python3 -c 'import json; print(json.load(open(\"$svc/state.json\"))[\"child\"])') != 0 ]]"
wait_for "the restarted service to answer" answers

# SIGTERM: serve exits 0 and, by default, leaves the service running.
kill -TERM "$serve_pid"
wait "$serve_pid" || die "serve exited $? on SIGTERM"
serve_pid=
expect_contains "$(cat "$TMP/serve.out")" "the services keep running"
answers || die "the service stopped with serve"

# The next serve adopts it and stops it on Ctrl-C when asked.
"$SLIPWAY" -C "$ws" serve --stop-services-on-exit >"$TMP/serve.out" 2>&1 &
serve_pid=$!
wait_for "serve to adopt the service" grep -q "supervising 1 service" "$TMP/serve.out"
last_child=$(child_pid)
kill -INT "$serve_pid"
wait "$serve_pid" || die "serve exited $? on SIGINT"
serve_pid=
expect_contains "$(cat "$TMP/serve.out")" "slipway serve: stopped 1 service"
! kill -0 "$last_child" 2>/dev/null || die "the service $last_child still runs"
[[ ! -e "$ws/.slipway/serve.sock" ]] || die "serve left its socket"
echo "ok"
