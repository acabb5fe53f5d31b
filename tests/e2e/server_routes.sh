#!/usr/bin/env bash
# Every /api/v1 route of slipway serve over real HTTP on loopback (curl): a
# run built by the CLI read back through the API (list, pages, document,
# logs, a log followed live as server-sent events, artifacts by digest),
# releases created, planned, applied, promoted and rolled back, secrets by
# name and fingerprint (the value only with permission reveal), the event
# log resumed with Last-Event-ID, and the error answers (400, 401, 403, 404,
# 409, 413, 422). Last, every route of openapi.json must have been called.
source "$(dirname "$0")/common.sh"
command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"
ws=$TMP/ws
make_component_repo "$ws" api
cat >"$ws/repos/api/azure-pipelines.yml" <<'YAML'
steps:
- script: |
    mkdir -p out && echo api > out/api.txt
    for i in 1 2 3; do echo "line $i"; done
    if [ -e "$GATE" ]; then echo waiting; while [ ! -e "$GATE.open" ]; do sleep 0.1; done; echo "after the gate"; fi
  env: {GATE: GATEFILE}
- publish: out
  artifact: api
YAML
sed -i "s|GATEFILE|$TMP/gate|" "$ws/repos/api/azure-pipelines.yml"
git -C "$ws/repos/api" commit -qam "feat: gate"
cat >"$ws/slipway.yaml" <<'YAML'
product: {name: shop, version: "2.1"}
components:
  api:
    repo: repos/api
    secrets: [token]
    deploy:
      script:
        apply: |
          if [ -e LOCKGATE ]; then touch LOCKGATE.waiting; while [ ! -e LOCKGATE.open ]; do sleep 0.05; done; fi
          echo "$SLIPWAY_ENV api $SLIPWAY_VERSION" >> calls.txt
blocks:
  core:
    components: [api]
    secrets:
      token: {generate: {length: 24, charset: alphanumeric}}
environments:
  dev:
    platform: {kind: script}
    blocks: [core]
    policy: {mode: auto, branch: main}
  prod:
    platform: {kind: script}
    blocks: [core]
    policy:
      mode: manual
      promote_from: dev
      approvals: [{role: qa, count: 2}]
roles:
  developer: [alice]
  qa: [carol, quinn]
  admin: [frank]
permissions:
  run: [developer, admin]
YAML
sed -i "s|LOCKGATE|$TMP/lockgate|g" "$ws/slipway.yaml"
unset SLIPWAY_USER SLIPWAY_MASTER_KEY
sw() { "$SLIPWAY" -C "$ws" "$@"; }
dump() { state_dump "$ws"; }  # without what serve keeps by itself (its lease, the tokens' last use)
field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }

# Two builds: 1.0.0 and 1.1.0 run in dev (auto), so there is something to roll back.
expect_exit 0 sw run api --as alice
git -C "$ws/repos/api" commit -q --allow-empty -m "feat: more"
expect_exit 0 sw run api --as alice
for user in alice carol quinn frank; do
  expect_exit 0 sw token create --user "$user" --as frank
  printf -v "$user" %s "$OUT"
done

start_serve "$ws"


# ---- runs: list (newest first, paged), one run, its logs and artifacts
expect_http 200 "$alice" GET /runs
[[ $(field '[0]["id"]' <<<"$BODY") == 2 ]] || die "runs are not newest first: $BODY"
expect_http 200 "$alice" GET '/runs?per_page=1'
[[ $(field '.__len__()' <<<"$BODY") == 1 ]] || die "per_page=1 gave $BODY"
expect_contains "$HEADERS" 'X-Total-Count: 2'
expect_contains "$HEADERS" 'rel="next"'
expect_http 200 "$alice" GET '/runs?per_page=1&page=2'
[[ $(field '[0]["id"]' <<<"$BODY") == 1 ]] || die "page 2 gave $BODY"
[[ $HEADERS != *'rel="next"'* ]] || die "the last page links a next one"
expect_http 422 "$alice" GET '/runs?per_page=0'
expect_http 422 "$alice" GET '/runs?page=x'
expect_http 200 "$alice" GET /runs/1
[[ $(field '["result"]' <<<"$BODY") == succeeded ]] || die "run 1: $BODY"
expect_http 404 "$alice" GET /runs/99
expect_http 200 "$alice" GET /runs/1/logs
expect_contains "$BODY" 'line 3"'
expect_http 404 "$alice" GET /runs/99/logs
expect_http 200 "$alice" GET /artifacts
[[ $(field '[0]["run"]' <<<"$BODY") == 1 ]] || die "artifacts are not listed oldest first: $BODY"
expect_http 200 "$alice" GET /runs/1/artifacts
digest=$(field '[0]["digest"]' <<<"$BODY")
expect_http 200 "$alice" GET "/artifacts/$digest"
expect_contains "$BODY" '"path":"api.txt"'
sha=$(field '["files"][0]["sha256"]' <<<"$BODY")
expect_http 200 "$alice" GET "/artifacts/$digest/blobs/$sha"
[[ $BODY == api ]] || die "the blob holds '$BODY'"
expect_http 404 "$alice" GET "/artifacts/$digest/blobs/$digest"
expect_http 422 "$alice" GET "/artifacts/..state.db"
expect_http 404 "$alice" GET "/artifacts/$(printf '0%.0s' {1..64})"

# A run's log followed live: lines arrive while it runs, then its end.
touch "$TMP/gate"
on_exit 'touch "$TMP/gate.open"'  # a failed check does not leave the step waiting
sw run api --as alice >"$TMP/run3.out" 2>&1 &
runner=$!
for _ in $(seq 100); do sw runs --json 2>/dev/null | grep -q '"id": "3"' && break; sleep 0.1; done
curl -sN -H "Authorization: Bearer $alice" "$base/runs/3/logs?follow=1" >"$TMP/follow" &
follower=$!
echo "GET /api/v1/runs/{id}/logs" >>"$TMP/called"
for _ in $(seq 100); do grep -qs waiting "$TMP/follow" && break; sleep 0.1; done
grep -q '"line":"waiting"' "$TMP/follow" || die "no live line before the run ended: $(cat "$TMP/follow")"
! grep -q 'after the gate' "$TMP/follow" || die "the follow saw the future"
# A second follower joining late (one reader serves both) gets the lines from the first.
curl -sN -H "Authorization: Bearer $alice" "$base/runs/3/logs?follow=1" >"$TMP/follow2" &
follower2=$!
for _ in $(seq 100); do grep -qs waiting "$TMP/follow2" && break; sleep 0.1; done
touch "$TMP/gate.open"
wait "$runner" || die "run 3 failed: $(cat "$TMP/run3.out")"
wait "$follower" "$follower2"
grep -q '"line":"after the gate"' "$TMP/follow" || die "the follow missed the last lines: $(cat "$TMP/follow")"
grep -q '^event: end' "$TMP/follow" || die "the follow did not end with the run: $(cat "$TMP/follow")"
[[ $(cat "$TMP/follow2") == "$(cat "$TMP/follow")" ]] || die "a late follower saw another log:
$(diff "$TMP/follow" "$TMP/follow2")"
rm -f "$TMP/gate"

# Cancel: a finished run is a conflict.
expect_http 409 "$alice" POST /runs/1/cancel
expect_contains "$BODY" "is not running"
expect_http 404 "$alice" POST /runs/99/cancel

# Start and retry through the API: 202 with the run's id at once, the run on serve's slots.
wait_run() {  # wait_run ID: until run ID finishes; its result in $RESULT
  for _ in $(seq 200); do
    call "$alice" GET "/runs/$1"
    RESULT=$(field '.get("result") or ""' <<<"$BODY")
    [[ $(field '["state"]' <<<"$BODY") == finished ]] && return; sleep 0.1
  done
  die "run $1 did not finish: $BODY"
}
expect_http 400 "$alice" POST /runs '{}'
expect_http 404 "$alice" POST /runs '{"component": "apu"}'
expect_contains "$BODY" "did you mean 'api'"
expect_http 202 "$alice" POST /runs '{"component": "api", "branch": "main"}'
started=$(field '["id"]' <<<"$BODY")
expect_contains "$HEADERS" "Location: /api/v1/runs/$started"
wait_run "$started"
[[ $RESULT == succeeded ]] || die "run $started: $RESULT"
expect_http 202 "$alice" POST "/runs/$started/retry"
retried=$(field '["id"]' <<<"$BODY")
[[ $retried != "$started" ]] || die "a retry reused the run's id"
wait_run "$retried"
expect_http 404 "$alice" POST /runs/99/retry

# ---- components, versions, environments
expect_http 200 "$alice" GET /components
expect_contains "$BODY" '"name":"api"'
expect_http 200 "$alice" GET /components/api/versions
expect_contains "$BODY" '"version":"1.1.0"'
expect_http 404 "$alice" GET /components/apu/versions
expect_contains "$BODY" "did you mean"
expect_http 200 "$alice" GET /environments
expect_http 200 "$alice" GET /status
expect_http 200 "$alice" GET /locks
expect_contains "$BODY" '"holder":"slipway serve"'  # one server per state
[[ $BODY != *'"resource":"env:'* ]] || die "environment locks held at rest: $BODY"

# ---- releases: create, list, show, plan, approve, promote
expect_http 400 "$alice" POST /releases '{"from": 3}'
expect_http 404 "$alice" POST /releases '{"from": "nope"}'
expect_http 422 "$alice" POST /releases '{"from": "dev", "pins": {"api": "9.9.9"}}'
expect_http 201 "$alice" POST /releases '{"from": "dev"}'
release=$(field '["id"]' <<<"$BODY")
expect_http 200 "$alice" GET /releases
expect_contains "$BODY" "\"$release\""
expect_http 200 "$alice" GET "/releases/$release"
expect_http 200 "$alice" GET "/environments/prod/plan?release=$release"
expect_contains "$BODY" '"changes":true'
expect_http 404 "$alice" GET "/environments/prod/plan?release=nope"
expect_http 403 "$alice" POST "/releases/$release/promotions" '{"environment": "prod"}'
# Two approvals at once: both recorded, and then the gate (2 by qa) opens.
approvers=()
for user in carol quinn; do
  curl -s -o "$TMP/approval.$user" -w '%{http_code}' -X POST -H "Authorization: Bearer ${!user}" \
    -H 'Content-Type: application/json' --data-binary '{"environment": "prod"}' \
    "$base/releases/$release/approvals" >"$TMP/approval.$user.code" &
  approvers+=($!)
done
wait "${approvers[@]}"
echo "POST /releases/{id}/approvals" >>"$TMP/called"
for user in carol quinn; do
  [[ $(cat "$TMP/approval.$user.code") == 200 ]] || die "$user's approval: $(cat "$TMP/approval.$user")"
done
expect_http 200 "$frank" POST "/releases/$release/promotions" '{"environment": "prod"}'
expect_contains "$BODY" '"succeeded":true'
expect_http 200 "$alice" GET '/diff?a=dev&b=prod'
expect_http 422 "$alice" GET '/diff?a=dev'
expect_http 200 "$alice" GET /environments/prod/history

# ---- apply and rollback
before=$(dump)
expect_http 403 "$alice" POST /environments/prod/apply '{}'
expect_contains "$BODY" "needs permission apply"
expect_http 400 "$frank" POST /environments/prod/apply '{"force": "yes"}'
expect_http 422 "$frank" POST /environments/prod/apply '{"wait_seconds": -1}'
expect_contains "$BODY" "wait_seconds is between 0 and 3600"
[[ $(dump) == "$before" ]] || die "a refused apply changed the store"
expect_http 200 "$frank" POST /environments/prod/apply '{}'
expect_contains "$BODY" '"reason":"apply"'
expect_http 200 "$frank" POST /environments/dev/rollbacks '{}'
expect_contains "$BODY" '"reason":"rollback"'
expect_http 409 "$frank" POST /environments/prod/rollbacks '{}'
expect_contains "$BODY" "no earlier release"

# ---- secrets: names and fingerprints for anyone, the value with permission reveal
expect_http 200 "$alice" GET /environments/prod/secrets
expect_contains "$BODY" '"fingerprint"'
value=$(sw secret show prod token --reveal --as frank)
[[ $BODY != *"$value"* ]] || die "the secret list shows its value"
expect_http 403 "$alice" POST /environments/prod/secrets/token/reveal
expect_contains "$BODY" "needs permission reveal"
[[ $BODY != *"$value"* ]] || die "a refusal shows the value"
expect_http 200 "$frank" POST /environments/prod/secrets/token/reveal
[[ $(field '["value"]' <<<"$BODY") == "$value" ]] || die "reveal gave another value"
expect_http 403 "$alice" POST /environments/prod/secrets/token/rotations
expect_http 200 "$frank" POST /environments/prod/secrets/token/rotations
expect_http 404 "$frank" POST /environments/prod/secrets/nope/rotations

# ---- the event log: a page, then a stream resumed with Last-Event-ID
expect_http 200 "$alice" GET '/events?after=0'
last=$(field '[-1]["id"]' <<<"$BODY")
first=$(field '[0]["id"]' <<<"$BODY")
curl -sN -m 2 -H "Authorization: Bearer $alice" -H "Last-Event-ID: $((last - 1))" \
  "$base/events?follow=1" >"$TMP/events" || true
grep -q "^id: $last\$" "$TMP/events" || die "the stream did not resume after $((last - 1)): $(cat "$TMP/events")"
! grep -q "^id: $first\$" "$TMP/events" || die "the stream repeated event $first"
expect_http 422 "$alice" GET '/events?after=-4'

# ---- a build reported by hand: recorded once, dev (auto) follows
expect_http 400 "$alice" POST /components/api/versions '{"version": "1.2.0"}'
expect_contains "$BODY" 'the body needs string field \"digest\"'
expect_http 404 "$alice" POST /components/apu/versions '{"version": "1.2.0", "digest": "sha256:b1"}'
expect_http 403 "$carol" POST /components/api/versions '{"version": "1.2.0", "digest": "sha256:b1"}'
expect_contains "$BODY" "needs permission run"
expect_http 201 "$alice" POST /components/api/versions '{"version": "1.2.0", "digest": "sha256:b1"}'
expect_contains "$BODY" '"environment":"dev"'
expect_http 200 "$alice" GET /components/api/versions
expect_contains "$BODY" '"version":"1.2.0"'

# ---- breaking a lock: held by an apply waiting at its gate, broken by someone with permission lock
touch "$TMP/lockgate"
on_exit 'touch "$TMP/lockgate.open"'
sw apply prod --version api=1.0.0 --as frank >"$TMP/held.out" 2>&1 &
holder=$!
for _ in $(seq 200); do [[ -e $TMP/lockgate.waiting ]] && break; sleep 0.05; done
[[ -e $TMP/lockgate.waiting ]] || die "the apply never reached its gate: $(cat "$TMP/held.out")"
expect_http 403 "$alice" POST /environments/prod/lock/break
expect_contains "$BODY" "needs permission lock"
expect_http 404 "$frank" POST /environments/nope/lock/break
expect_http 200 "$frank" POST /environments/prod/lock/break
expect_contains "$BODY" '"resource":"env:prod"'
expect_contains "$BODY" '"actor":"frank"'
expect_http 409 "$frank" POST /environments/prod/lock/break
expect_contains "$BODY" "prod is not locked"
touch "$TMP/lockgate.open"
wait "$holder" || true
rm -f "$TMP/lockgate"

# ---- errors: malformed, unauthenticated, too large, unknown
expect_http 400 "$carol" POST "/releases/$release/approvals" 'not json'
expect_http 401 slw_nope GET /components
head -c 6000000 /dev/zero | tr '\0' a >"$TMP/big"
CODE=$(curl -s -o "$TMP/body" -w '%{http_code}' -H "Authorization: Bearer $alice" -H 'Content-Type: application/json' \
  --data-binary @"$TMP/big" "$base/releases")
[[ $CODE == 413 ]] || die "a 6 MB body answered $CODE"
expect_contains "$(cat "$TMP/body")" '"code":"too_large"'
expect_http 404 "$alice" GET /nothing/here
expect_contains "$BODY" '"code":"not_found"'

# Every route of openapi.json was called above.
curl -sf "$base/openapi.json" >"$TMP/openapi.json" || die "openapi.json failed"
echo "GET /api/v1/openapi.json" >>"$TMP/called"
python3 - "$TMP/openapi.json" "$TMP/called" <<'PY' || die "routes never called"
import json, re, sys
doc = json.load(open(sys.argv[1]))
called = [line.split(" ", 1) for line in open(sys.argv[2]).read().split("\n") if line]
called = [(m, p if p.startswith("/api/v1") else "/api/v1" + p) for m, p in called]
missing = []
for path, ops in doc["paths"].items():
    pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
    for method in ops:
        if not any(m == method.upper() and pattern.match(p) for m, p in called):
            missing.append(method.upper() + " " + path)
if missing:
    print("\n".join(missing)); sys.exit(1)
PY
echo "server_routes: ok"
