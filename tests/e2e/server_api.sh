#!/usr/bin/env bash
# slipway serve --listen: the HTTP API over real loopback with curl. A token
# made by an admin acts as its user; no token or an unknown one is 401; a
# promotion the user may not make is 403 naming the permission and leaves
# the store unchanged; an approval and a promotion by the right people are
# 200; openapi.json lists every route the server answers; SIGTERM while a
# promotion applies lets it answer, then ends serve.
source "$(dirname "$0")/common.sh"
server_test_setup
ws=$TMP/ws
make_component_repo "$ws" api
cat >"$ws/slipway.yaml" <<'YAML'
product: {name: shop, version: "2.1"}
components:
  api:
    repo: repos/api
    deploy:
      script:
        apply: echo "$SLIPWAY_ENV api $SLIPWAY_VERSION" >> calls.txt; if [ "$SLIPWAY_ENV" = qa ]; then touch MARK; sleep 2; fi
environments:
  dev:
    platform: {kind: script}
    components: [api]
    policy: {mode: auto, branch: main}
  qa:
    platform: {kind: script}
    components: [api]
    policy: {mode: manual, promote_from: dev}
  prod:
    platform: {kind: script}
    components: [api]
    policy:
      mode: manual
      promote_from: dev
      approvals: [{role: qa, count: 1}]
      permissions: {promote: [release-manager]}
roles:
  developer: [alice]
  qa: [carol]
  release-manager: [erin]
  admin: [frank]
YAML
sed -i "s|MARK|$TMP/applying|" "$ws/slipway.yaml"  # a qa apply says it started, then takes 2 s
unset SLIPWAY_USER SLIPWAY_MASTER_KEY
sw() { "$SLIPWAY" -C "$ws" "$@"; }
dump() { state_dump "$ws"; }
field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }

expect_exit 0 sw release built api 1.0.0 --digest sha256:a1 --as alice
expect_exit 0 sw release create --from dev --json --as erin
release=$(field '["id"]' <<<"$OUT")

# Tokens: only permission token (admin) makes them; each is printed once.
expect_exit 1 sw token create --user erin --as alice
expect_contains "$ERR" "needs permission token"
expect_exit 2 sw token create --user nobody --as frank
expect_contains "$ERR" "no role has member nobody"
tokens=()
for user in alice carol erin frank; do
  expect_exit 0 sw token create --user "$user" --as frank
  tokens+=("$OUT")
done
alice=${tokens[0]} carol=${tokens[1]} erin=${tokens[2]} frank=${tokens[3]}
[[ $(sqlite3 "$ws/.slipway/state.db" "SELECT count(*) FROM api_tokens WHERE hash = '$erin'") == 0 ]] ||
  die "the store holds a token itself"

start_serve "$ws"

expect_http 200 "$alice" GET /status
expect_contains "$BODY" '"dev"'
expect_http 401 "slw_not-a-token" GET /status
expect_contains "$BODY" '"code":"unauthorized"'
CODE=$(curl -s -o /dev/null -w '%{http_code}' "$base/status"); [[ $CODE == 401 ]] || die "no token answered $CODE"
expect_http 200 "$alice" GET /environments
expect_contains "$BODY" '"prod"'
expect_http 200 "$alice" GET /releases
expect_contains "$BODY" "\"$release\""
expect_http 200 "$alice" GET "/releases/$release"
expect_http 404 "$alice" GET /releases/nope
expect_contains "$BODY" '"code":"not_found"'
expect_http 404 "$alice" GET /environments/nope/history
expect_http 400 "$carol" POST "/releases/$release/approvals" '{"env": "prod"}'
expect_http 401 "slw_not-a-token" POST "/releases/$release/approvals" 'not json'

# alice may not promote into prod: 403 naming the permission, nothing changed.
before=$(dump)
expect_http 403 "$alice" POST "/releases/$release/promotions" '{"environment": "prod"}'
expect_contains "$BODY" "needs permission promote"
[[ $(dump) == "$before" ]] || die "a refused promotion changed the store"

# The gate still holds for erin until carol approves; then she promotes.
expect_http 403 "$erin" POST "/releases/$release/promotions" '{"environment": "prod"}'
expect_contains "$BODY" "needs 1 approval by role qa"
expect_http 200 "$carol" POST "/releases/$release/approvals" '{"environment": "prod"}'
expect_contains "$BODY" '"approved_by":"carol"'
expect_http 200 "$erin" POST "/releases/$release/promotions" '{"environment": "prod"}'
expect_contains "$BODY" '"succeeded":true'
expect_http 200 "$alice" GET /environments/prod/history
expect_contains "$BODY" '"erin"'

# Every route the server answers is in the OpenAPI document (no token needed).
curl -sf "$base/openapi.json" >"$TMP/openapi.json" || die "openapi.json failed"
for route in /status /environments '/environments/{env}/history' /releases '/releases/{id}' \
  '/releases/{id}/approvals' '/releases/{id}/promotions' /openapi.json; do
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert "/api/v1"+sys.argv[2] in d["paths"], sys.argv[2]' \
    "$TMP/openapi.json" "$route" || die "openapi.json lacks $route"
done

# SIGTERM while a promotion applies: it answers first, then serve stops
# listening and exits 0.
call "$frank" POST "/releases/$release/promotions" '{"environment": "qa"}' &
caller=$!
for _ in $(seq 100); do [[ -e $TMP/applying ]] && break; sleep 0.1; done
[[ -e $TMP/applying ]] || die "the qa promotion did not start"
kill -TERM "$serve_pid"
wait "$caller"
[[ $(cat "$TMP/body") == *'"succeeded":true'* ]] || die "the promotion in flight did not answer: $(cat "$TMP/body")"
wait "$serve_pid" || die "serve exited $? on SIGTERM: $(cat "$TMP/serve.out")"
serve_pid=
CODE=$(curl -s -o /dev/null -w '%{http_code}' "$base/status" || true)
[[ $CODE == 000 ]] || die "serve still answers after SIGTERM ($CODE)"
echo "server_api: ok"
