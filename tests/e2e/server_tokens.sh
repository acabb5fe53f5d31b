#!/usr/bin/env bash
# API tokens over real loopback with curl: create --user/--expires/--read-only
# /--json, list and revoke (permission token, never showing a token or a
# hash); a token revoked while serve runs works until it is revoked, then is
# 401; an expired token is 401 saying when; a read-only token reads but any
# request that acts is 403 and changes nothing; the actor of a history entry
# is the token's user; bad input exits 2 with nothing stored.
source "$(dirname "$0")/common.sh"
server_test_setup
ws=$TMP/ws
make_component_repo "$ws" api
cat >"$ws/slipway.yaml" <<'YAML'
product: {name: shop, version: "2.1"}
components:
  api: {repo: repos/api, deploy: {script: {apply: "true"}}}
environments:
  dev: {platform: {kind: script}, components: [api], policy: {mode: auto, branch: main}}
  prod: {platform: {kind: script}, components: [api], policy: {mode: manual, approvals: [{role: qa, count: 1}]}}
roles: {developer: [alice], qa: [carol], admin: [frank]}
YAML
unset SLIPWAY_USER SLIPWAY_MASTER_KEY
sw() { "$SLIPWAY" -C "$ws" "$@"; }
db() { sqlite3 "$ws/.slipway/state.db" "$1"; }
field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }

expect_exit 0 sw release built api 1.0.0 --digest sha256:a1 --as alice
expect_exit 0 sw release create --from dev --json --as frank
release=$(field '["id"]' <<<"$OUT")

# Bad input: exit 2, a clear message, nothing stored.
expect_exit 2 sw token create --user alice --expires 30x --as frank
expect_contains "$ERR" "--expires 30x: expected a positive span such as 90s, 30m, 24h or 7d"
expect_exit 2 sw token create --user alice --expires 0d --as frank
expect_exit 2 sw token create --user mallory --as frank
expect_contains "$ERR" "no role has member mallory"
expect_exit 2 sw token create --as frank  # no --user
[[ $(db "SELECT count(*) FROM api_tokens") == 0 ]] || die "a refused token create stored a token"

# create: the token alone on stdout, a note on stderr; --json an object.
expect_exit 0 sw token create --user alice --as frank
alice=$OUT
[[ $alice =~ ^slw_[0-9a-f]{64}$ ]] || die "not a token: $alice"
expect_contains "$ERR" "token ${alice:0:12} for alice, never expires"
expect_exit 0 sw token create --user carol --read-only --expires 30d --json --as frank
carol_ro=$(field '["token"]' <<<"$OUT")
[[ $(field '["prefix"]' <<<"$OUT") == "${carol_ro:0:12}" ]] || die "prefix: $OUT"
[[ $(field '["user"]' <<<"$OUT") == carol && $(field '["read_only"]' <<<"$OUT") == True ]] || die "create --json: $OUT"
[[ $(field '["expires"]' <<<"$OUT") == 20* ]] || die "expires: $OUT"
expect_exit 0 sw token create --user carol --as frank
carol=$OUT

# list/revoke: permission token only.
expect_exit 1 sw token list --as alice
expect_contains "$ERR" "needs permission token"
expect_exit 1 sw token revoke "${alice:0:12}" --as alice
expect_contains "$ERR" "needs permission token"
expect_exit 2 sw token revoke slw_zzzzzzzz --as frank
expect_contains "$ERR" "no token slw_zzzzzzzz"
expect_exit 2 sw token revoke slw_ --as frank
expect_contains "$ERR" "3 tokens start with slw_"

start_serve "$ws"

# A token revoked while serve runs: it worked, then the next request is 401.
expect_http 200 "$alice" GET /status
expect_exit 0 sw token revoke "${alice:4:8}" --as frank
expect_contains "$OUT" "revoked token ${alice:0:12} of alice"
expect_http 401 "$alice" GET /status
expect_contains "$BODY" "token ${alice:0:12}… was revoked at"
expect_contains "$BODY" "by frank"
[[ $BODY != *"${alice:12}"* ]] || die "a 401 showed the token: $BODY"
expect_exit 0 sw token revoke "${alice:0:12}" --as frank
expect_contains "$OUT" "already revoked"

# An expired token: 401 saying when.
expect_exit 0 sw token create --user alice --expires 1s --as frank
short=$OUT
sleep 1.2
expect_http 401 "$short" GET /status
expect_contains "$BODY" "token ${short:0:12}… expired at 20"

# A read-only token reads; every request that acts is 403 and changes nothing.
expect_http 200 "$carol_ro" GET /status
expect_http 200 "$carol_ro" GET "/releases/$release"
before=$(state_dump "$ws")
expect_http 403 "$carol_ro" POST "/releases/$release/approvals" '{"environment": "prod"}'
expect_contains "$BODY" '"code":"denied"'
expect_contains "$BODY" "token ${carol_ro:0:12}… is read-only: it cannot approve a release for an environment"
expect_http 403 "$carol_ro" POST "/releases/$release/promotions" '{"environment": "prod"}'
expect_contains "$BODY" "is read-only: it cannot promote"
[[ $(state_dump "$ws") == "$before" ]] || die "a read-only token's request changed the store"

# Carol's full token approves: the history's actor is the token's user.
expect_http 200 "$carol" POST "/releases/$release/approvals" '{"environment": "prod"}'
[[ $(db "SELECT actor FROM events WHERE kind = 'release.approved' ORDER BY id DESC LIMIT 1") == carol ]] ||
  die "the approval's actor is not carol: $(db "SELECT kind, actor FROM events")"

# token list: prefixes, users, expiry, last use, state; never a token or a hash.
expect_exit 0 sw token list --as frank
expect_contains "$OUT" "${alice:0:12}"
expect_contains "$OUT" "revoked"
expect_contains "$OUT" "read-only"
expect_contains "$OUT" "never"
expect_exit 0 sw token list --json --as frank
list=$OUT
[[ $(python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <<<"$list") == 4 ]] || die "token list --json: $list"
for secret in "$alice" "$carol_ro" "$carol" "$short" $(db "SELECT hash FROM api_tokens"); do
  [[ $list != *"${secret: -56}"* ]] || die "token list --json shows a token or a hash"
done
[[ $(field '[0]["revoked_by"]' <<<"$list") == frank ]] || die "list: $list"
[[ $(field '[0]["last_used"]' <<<"$list") == 20* ]] || die "last use not recorded: $list"

# Each create and revoke is in the history, never with a token or its hash.
[[ $(db "SELECT count(*) FROM events WHERE kind = 'token.created'") == 4 ]] || die "token.created events"
[[ $(db "SELECT actor || ' ' || subject FROM events WHERE kind = 'token.revoked'") == "frank user:alice" ]] ||
  die "token.revoked event: $(db "SELECT * FROM events WHERE kind LIKE 'token.%'")"
events=$(db "SELECT detail FROM events")
for secret in "$alice" "$carol_ro" "$carol" "$short" $(db "SELECT hash FROM api_tokens"); do
  [[ $events != *"${secret: -56}"* ]] || die "an event shows a token or a hash"
done

kill -TERM "$serve_pid"
wait "$serve_pid" || die "serve exited $? on SIGTERM: $(cat "$TMP/serve.out")"
serve_pid=
echo "server_tokens: ok"
