#!/usr/bin/env bash
# Webhooks of slipway serve --listen over real loopback with curl, one git
# repo made here, payloads shaped like each host's documented samples. For
# each host: a tampered delivery is 401 and changes nothing in the store; the
# signed one is answered 202 before its run starts, and the run builds the
# pushed commit; its replay is 200 "duplicate" and starts no second run; an
# event other than a push is 202 with the reason. Then: a body over 5 MB is
# 413, an unknown repository is 202 ignored with the reason, a delivery
# without a configured secret is 401 saying how to configure one, and every
# accepted delivery is in the history as its host's webhook identity.
source "$(dirname "$0")/common.sh"
command -v curl >/dev/null || skip "curl is not installed"
command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"
ws=$TMP/ws
repo=$ws/repos/api
serve_pid=
trap '[[ -n $serve_pid ]] && kill "$serve_pid" 2>/dev/null; [[ -n ${KEEP:-} ]] || rm -rf "$TMP"' EXIT
make_component_repo "$ws" api
cat >"$repo/azure-pipelines.yml" <<'YAML'
steps:
- script: sleep 1 && echo built
YAML
git -C "$repo" commit -qam "ci: a slow step"
cat >"$ws/slipway.yaml" <<'YAML'
product: {name: shop, version: "1.0"}
components:
  api:
    repo: repos/api
environments:
  dev:
    platform: {kind: process}
    secrets:
      bitbucket-hook: {generate: {length: 40, charset: hex}}
webhooks:
  gitea: {secret_file: gitea.secret}
  bitbucket: {secret: bitbucket-hook, environment: dev}
roles:
  ci: [webhook:github, webhook:gitea, webhook:gitlab, webhook:bitbucket, webhook:azure-devops]
  admin: [ann]
YAML
printf 'gitea-secret\n' >"$ws/gitea.secret"
unset SLIPWAY_USER SLIPWAY_WEBHOOK_SECRET_GITEA SLIPWAY_WEBHOOK_SECRET_AZURE_DEVOPS
export SLIPWAY_WEBHOOK_SECRET_GITHUB=github-secret
# GitLab's signing token (whsec_<base64 key>): v1,<base64 HMAC of "id.timestamp.body">.
gitlab_token=whsec_$(printf 'k%.0s' $(seq 32) | base64)
export SLIPWAY_WEBHOOK_SECRET_GITLAB=$gitlab_token
db=$ws/.slipway/state.db
expect_exit 0 "$SLIPWAY" -C "$ws" validate
start_serve() {
  "$SLIPWAY" -C "$ws" serve --listen 127.0.0.1:0 >"$TMP/serve.out" 2>&1 &
  serve_pid=$!
  for _ in $(seq 100); do grep -qs "listening on" "$TMP/serve.out" && break; sleep 0.1; done
  base=$(grep -o 'http://[^ ]*' "$TMP/serve.out" | sed 's|/api/v1$||') || die "serve did not listen: $(cat "$TMP/serve.out")"
}

forged=()
gitlab_signature() {
  python3 -c 'import hmac,hashlib,base64,sys
key = base64.b64decode(sys.argv[1][6:])
print("v1," + base64.b64encode(hmac.new(key, (sys.argv[2] + "." + sys.argv[3] + ".").encode() + open(sys.argv[4], "rb").read(), hashlib.sha256).digest()).decode())' "$gitlab_token" "$@"
}
hmac_hex() { python3 -c 'import hmac,hashlib,sys; print(hmac.new(sys.argv[1].encode(), open(sys.argv[2],"rb").read(), hashlib.sha256).hexdigest())' "$1" "$2"; }
# post HOST FILE HEADER...: sets $CODE, $BODY and $SECONDS_TAKEN.
post() {
  local host=$1 file=$2; shift 2
  local args=(-s -o "$TMP/answer" -w '%{http_code} %{time_total}' -X POST -H 'Content-Type: application/json'
              --data-binary "@$file")
  for header in "$@"; do args+=(-H "$header"); done
  local got; got=$(curl "${args[@]}" "$base/hooks/$host")
  CODE=${got% *} SECONDS_TAKEN=${got#* }
  BODY=$(cat "$TMP/answer")
}
# The store but the serve lease, which serve renews on its own.
dump() { sqlite3 "$db" .dump | grep -v '^INSERT INTO locks'; }
runs_of() { sqlite3 "$db" "SELECT count(*) FROM runs WHERE commit_sha = '$1'"; }
wait_run() {  # wait_run SHA: its run finished and succeeded
  for _ in $(seq 300); do
    [[ $(sqlite3 "$db" "SELECT result FROM runs WHERE commit_sha = '$1' AND state = 'finished'") == succeeded ]] && return
    sleep 0.1
  done
  die "no finished run of $1: $(sqlite3 "$db" 'SELECT id, commit_sha, state, result, reason FROM runs'); $(cat "$TMP/serve.out")"
}
new_commit() { echo "$1" >"$repo/$1.txt"; git -C "$repo" add . && git -C "$repo" commit -qm "feat: $1"; git -C "$repo" rev-parse HEAD; }

# check_host HOST: $TMP/payload sent with the headers in $signed (an array);
# forged: the payload changed under the same headers, or, for a host whose
# credential does not sign the body (Azure DevOps' basic authentication),
# the headers in $forged.
check_host() {
  local host=$1
  sed '$ s/}$/ }/' "$TMP/payload" >"$TMP/tampered"  # one more space: another body
  local before; before=$(dump)
  if [[ ${#forged[@]} -gt 0 ]]; then post "$host" "$TMP/payload" "${forged[@]}"
  else post "$host" "$TMP/tampered" "${signed[@]}"; fi
  [[ $CODE == 401 ]] || die "$host: a tampered payload answered $CODE: $BODY"
  expect_contains "$BODY" '"code":"unauthorized"'
  [[ $(dump) == "$before" ]] || die "$host: a tampered payload changed the store"

  post "$host" "$TMP/payload" "${signed[@]}"
  [[ $CODE == 202 ]] || die "$host: the signed push answered $CODE: $BODY"
  expect_contains "$BODY" '"status":"accepted"'
  expect_contains "$BODY" '"component":"api"'
  [[ $(sqlite3 "$db" "SELECT count(*) FROM runs WHERE commit_sha = '$sha' AND state = 'finished'") == 0 ]] ||
    die "$host: the run finished before the answer"
  wait_run "$sha"

  post "$host" "$TMP/payload" "${signed[@]}"
  [[ $CODE == 200 ]] || die "$host: a replay answered $CODE: $BODY"
  expect_contains "$BODY" '"status":"duplicate"'
  sleep 0.3
  [[ $(runs_of "$sha") == 1 ]] || die "$host: a replay started another run"
}

start_serve
url=file://$repo
zero=0000000000000000000000000000000000000000

# GitHub: a push event (repository.clone_url/ssh_url/html_url, ref, before, after).
old=$(git -C "$repo" rev-parse HEAD); sha=$(new_commit github)
cat >"$TMP/payload" <<JSON
{"ref": "refs/heads/main", "before": "$old", "after": "$sha", "created": false, "deleted": false, "forced": false,
 "repository": {"id": 1, "name": "api", "full_name": "acme/api", "html_url": "$url", "clone_url": "$url.git",
                "ssh_url": "git@example.com:acme/api.git"},
 "pusher": {"name": "octocat"}, "commits": [{"id": "$sha", "message": "feat: github", "modified": []}]}
JSON
signed=("X-GitHub-Event: push" "X-GitHub-Delivery: 72d3162e-cc78-11e3-81ab-4c9367dc0958"
        "X-Hub-Signature-256: sha256=$(hmac_hex github-secret "$TMP/payload")")
check_host github
echo '{"zen": "Design for failure.", "hook_id": 1}' >"$TMP/ping"
post github "$TMP/ping" "X-GitHub-Event: ping" "X-GitHub-Delivery: p1" \
  "X-Hub-Signature-256: sha256=$(hmac_hex github-secret "$TMP/ping")"
[[ $CODE == 202 ]] || die "ping answered $CODE: $BODY"
expect_contains "$BODY" "github event 'ping' is not a push"

# Gitea / Forgejo: the same shape, a bare hex signature; the secret from the workspace's file.
old=$sha; sha=$(new_commit gitea)
cat >"$TMP/payload" <<JSON
{"ref": "refs/heads/main", "before": "$old", "after": "$sha", "compare_url": "",
 "repository": {"id": 1, "name": "api", "full_name": "acme/api", "html_url": "$url", "clone_url": "$url.git",
                "ssh_url": "git@example.com:acme/api.git"},
 "pusher": {"login": "gitea"}, "commits": []}
JSON
signed=("X-Forgejo-Event: push" "X-Forgejo-Delivery: 0e5c4a40-8a94-4c1f-9c3b-3c1d3a0e6f11"
        "X-Forgejo-Signature: $(hmac_hex gitea-secret "$TMP/payload")")
check_host gitea
echo '{"action": "opened", "number": 1}' >"$TMP/pr"
post gitea "$TMP/pr" "X-Gitea-Event: pull_request" "X-Gitea-Delivery: pr1" \
  "X-Gitea-Signature: $(hmac_hex gitea-secret "$TMP/pr")"
[[ $CODE == 202 ]] || die "a pull request answered $CODE: $BODY"
expect_contains "$BODY" "gitea event 'pull_request' is not a push"

# GitLab: a Push Hook (project.git_http_url/git_ssh_url), X-Gitlab-Token.
old=$sha; sha=$(new_commit gitlab)
cat >"$TMP/payload" <<JSON
{"object_kind": "push", "event_name": "push", "before": "$old", "after": "$sha", "ref": "refs/heads/main",
 "checkout_sha": "$sha", "user_name": "John Smith", "project_id": 15,
 "project": {"id": 15, "name": "api", "web_url": "$url", "git_ssh_url": "git@example.com:acme/api.git",
             "git_http_url": "$url.git", "path_with_namespace": "acme/api"},
 "repository": {"name": "api", "url": "git@example.com:acme/api.git", "homepage": "$url"},
 "commits": [], "total_commits_count": 1}
JSON
signed=("X-Gitlab-Event: Push Hook" "X-Gitlab-Event-UUID: 13792a34-cac6-4fda-95a8-c58e00a3954e"
        "webhook-id: 13792a34-cac6-4fda-95a8-c58e00a3954e" "webhook-timestamp: 1700000000"
        "webhook-signature: $(gitlab_signature 13792a34-cac6-4fda-95a8-c58e00a3954e 1700000000 "$TMP/payload")")
check_host gitlab
echo '{"object_kind": "issue"}' >"$TMP/issue"
post gitlab "$TMP/issue" "X-Gitlab-Event: Issue Hook" "X-Gitlab-Event-UUID: i1" "webhook-id: i1" \
  "webhook-timestamp: 1700000001" "webhook-signature: $(gitlab_signature i1 1700000001 "$TMP/issue")"
[[ $CODE == 202 ]] || die "an issue answered $CODE: $BODY"
expect_contains "$BODY" "gitlab event 'Issue Hook' is not a push"

# Bitbucket Cloud: repo:push, push.changes[].new/old.target.hash, repository.links.html.href.
# Its secret is a slipway secret of dev: 401 until it is generated, then
# the value an admin reveals (to paste into Bitbucket) signs.
old=$sha; sha=$(new_commit bitbucket)
cat >"$TMP/payload" <<JSON
{"push": {"changes": [{"new": {"type": "branch", "name": "main", "target": {"type": "commit", "hash": "$sha"}},
                       "old": {"type": "branch", "name": "main", "target": {"type": "commit", "hash": "$old"}},
                       "created": false, "closed": false, "forced": false, "truncated": false}]},
 "repository": {"type": "repository", "name": "api", "full_name": "acme/api", "links": {"html": {"href": "$url"}}},
 "actor": {"display_name": "Emma"}}
JSON
signed=("X-Event-Key: repo:push" "X-Request-UUID: 2b0b1b34-1c57-4f6e-9a4c-8b1f44c3a001"
        "X-Hub-Signature: sha256=$(hmac_hex bitbucket-secret "$TMP/payload")")
post bitbucket "$TMP/payload" "${signed[@]}"
[[ $CODE == 401 ]] || die "a secret not generated yet answered $CODE: $BODY"
expect_contains "$BODY" "secret 'bitbucket-hook' of environment 'dev' was not generated yet"
SLIPWAY_USER=ann expect_exit 0 "$SLIPWAY" -C "$ws" secret rotate dev bitbucket-hook
SLIPWAY_USER=ann expect_exit 0 "$SLIPWAY" -C "$ws" secret show dev bitbucket-hook --reveal
bitbucket_secret=$OUT
signed=("X-Event-Key: repo:push" "X-Request-UUID: 2b0b1b34-1c57-4f6e-9a4c-8b1f44c3a001"
        "X-Hub-Signature: sha256=$(hmac_hex "$bitbucket_secret" "$TMP/payload")")
check_host bitbucket
echo '{"fork": {}}' >"$TMP/fork"
post bitbucket "$TMP/fork" "X-Event-Key: repo:fork" "X-Request-UUID: f1" \
  "X-Hub-Signature: sha256=$(hmac_hex "$bitbucket_secret" "$TMP/fork")"
[[ $CODE == 202 ]] || die "a fork answered $CODE: $BODY"
expect_contains "$BODY" "bitbucket event 'repo:fork' is not a push"

# Azure DevOps: no secret configured yet is 401 saying how; serve is restarted with one.
old=$sha; sha=$(new_commit azure)
cat >"$TMP/payload" <<JSON
{"subscriptionId": "00000000-0000-0000-0000-000000000000", "notificationId": 3,
 "id": "03c164c2-8912-4d5e-8009-3707d5f83734", "eventType": "git.push", "publisherId": "tfs",
 "resource": {"refUpdates": [{"name": "refs/heads/main", "oldObjectId": "$old", "newObjectId": "$sha"}],
              "repository": {"id": "278d5cd2", "name": "api", "remoteUrl": "$url"}, "pushId": 14}}
JSON
post azure-devops "$TMP/payload" "Authorization: Basic $(printf 'hook:azure-secret' | base64)"
[[ $CODE == 401 ]] || die "a host without a secret answered $CODE: $BODY"
expect_contains "$BODY" "SLIPWAY_WEBHOOK_SECRET_AZURE_DEVOPS"
kill -TERM "$serve_pid"; wait "$serve_pid" || die "serve did not exit cleanly: $(cat "$TMP/serve.out")"
export SLIPWAY_WEBHOOK_SECRET_AZURE_DEVOPS=azure-secret
start_serve
signed=("Authorization: Basic $(printf 'hook:azure-secret' | base64)")
forged=("Authorization: Basic $(printf 'hook:azure-secreT' | base64)")
check_host azure-devops
echo '{"id": "b1", "eventType": "build.complete", "resource": {}}' >"$TMP/build"
post azure-devops "$TMP/build" "${signed[@]}"
[[ $CODE == 202 ]] || die "build.complete answered $CODE: $BODY"
expect_contains "$BODY" "azure-devops event 'build.complete' is not a push"

# A repository no component has, and a body over 5 MB.
sed "s|$url|https://github.com/acme/elsewhere|g" "$TMP/payload" >"$TMP/elsewhere"
post azure-devops "$TMP/elsewhere" "${signed[@]}"
[[ $CODE == 202 ]] || die "an unknown repository answered $CODE: $BODY"
expect_contains "$BODY" '"status":"ignored"'
expect_contains "$BODY" "no component of the workspace has its repo at https://github.com/acme/elsewhere"
head -c $((5 * 1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >"$TMP/huge"
post github "$TMP/huge" "X-GitHub-Event: push" "X-GitHub-Delivery: big" "X-Hub-Signature-256: sha256=00"
[[ $CODE == 413 ]] || die "a 5 MB body answered $CODE: $BODY"
expect_contains "$BODY" '"code":"too_large"'

# Each accepted delivery is in the history, as its host's webhook identity; no secret reached serve's output.
[[ $(sqlite3 "$db" "SELECT group_concat(actor, ' ') FROM (SELECT actor FROM events WHERE kind = 'webhook.delivery' ORDER BY id)") == \
   "webhook:github webhook:gitea webhook:gitlab webhook:bitbucket webhook:azure-devops" ]] ||
  die "history: $(sqlite3 "$db" "SELECT actor, subject, detail FROM events WHERE kind = 'webhook.delivery'")"
[[ $(sqlite3 "$db" "SELECT count(*) FROM runs") == 5 ]] || die "runs: $(sqlite3 "$db" 'SELECT id, commit_sha FROM runs')"
! grep -Eq "(github|gitea|gitlab|azure)-secret|$bitbucket_secret" "$TMP/serve.out" || die "serve printed a secret: $(cat "$TMP/serve.out")"
kill -TERM "$serve_pid"; wait "$serve_pid" || die "serve did not exit cleanly"
serve_pid=
