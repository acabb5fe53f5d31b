#!/usr/bin/env bash
# slipway serve --watch SECONDS: the push triggers of `slipway watch` in the
# server; each new commit on a component's branch becomes one run on serve's
# run slots, acting as serve's identity (none: refused before it starts).
source "$(dirname "$0")/common.sh"
ws=$TMP/ws
one_component_workspace "$ws" api
make_component_repo "$ws" api
unset SLIPWAY_USER
expect_exit 2 env SLIPWAY_CONFIG=$TMP/none.yaml "$SLIPWAY" -C "$ws" serve --watch 1
expect_contains "$ERR" "--watch starts runs as serve's identity"
SLIPWAY_USER=dana "$SLIPWAY" -C "$ws" serve --watch 0.3 >"$TMP/serve.out" 2>&1 &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null || true; rm -rf "$TMP"' EXIT
runs_of() {  # runs_of N: waits until N runs finished
  for _ in $(seq 150); do
    [[ $("$SLIPWAY" -C "$ws" runs --json | python3 -c 'import json,sys; print(sum(r["state"] == "finished" for r in json.load(sys.stdin)))') == "$1" ]] && return
    sleep 0.1
  done
  die "expected $1 finished runs: $("$SLIPWAY" -C "$ws" runs); serve: $(cat "$TMP/serve.out")"
}
runs_of 1
git -C "$ws/repos/api" commit -q --allow-empty -m "fix: again"
runs_of 2
sleep 1  # more passes: nothing new, no run
runs_of 2
grep -q "refs/heads/main" "$TMP/serve.out" || die "serve did not say what its watch started: $(cat "$TMP/serve.out")"
kill -TERM "$serve_pid"
wait "$serve_pid" || die "serve exited $? on SIGTERM"
echo "serve_watch: ok"
