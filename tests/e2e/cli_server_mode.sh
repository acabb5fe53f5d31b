#!/usr/bin/env bash
# The CLI with --server (or SLIPWAY_SERVER): status, history, diff, release
# list/show/create, approve, promote, rollback, plan, apply (--version too),
# secret list/rotate/show, lock list, runs, logs (--follow) and run cancel
# sent to `slipway serve`
# print the same and exit the same as run locally. The token's user acts
# (--as is refused with a server); a refusal by the server is the same
# message and exit code; an unreachable server or a missing token says so.
source "$(dirname "$0")/common.sh"
server_test_setup
ws=$TMP/ws
make_component_repo "$ws" api
cat >"$ws/slipway.yaml" <<'YAML'
product: {name: shop, version: "2.1"}
components:
  api:
    repo: repos/api
    deploy: {script: {apply: 'true'}}
environments:
  dev:
    platform: {kind: script}
    components: [api]
    policy: {mode: auto, branch: main}
  prod:
    platform: {kind: script}
    components: [api]
    secrets:
      db_password: {generate: {length: 24}}
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
unset SLIPWAY_USER SLIPWAY_SERVER SLIPWAY_TOKEN
sw() { "$SLIPWAY" -C "$ws" "$@"; }
expect_exit 0 sw release built api 1.0.0 --digest sha256:a1 --as alice
expect_exit 0 sw release built api 1.1.0 --digest sha256:a2 --as alice
expect_exit 0 sw run api --as alice
for user in alice carol erin frank; do
  expect_exit 0 sw token create --user "$user" --as frank
  printf -v "token_$user" %s "$OUT"
done
start_serve "$ws"
server=${base%/api/v1}

# same USER EXIT ARGS...: locally as USER and through the server with USER's
# token, the same exit code and the same stdout (and stderr, without times).
same() {
  local user=$1 want=$2; shift 2
  local token_var=token_$user
  expect_exit "$want" sw "$@" --as "$user"
  local local_out=$OUT local_err=$ERR
  SLIPWAY_TOKEN=${!token_var} expect_exit "$want" sw --server "$server" "$@"
  [[ $OUT == "$local_out" ]] || die "'$*' printed differently through the server:
--- local
$local_out
--- server
$OUT"
  [[ $ERR == "$local_err" ]] || die "'$*' said differently through the server: '$local_err' / '$ERR'"
}
same_read() {  # same_read ARGS...: a read, without --as
  local want=$1; shift
  expect_exit "$want" sw "$@"
  local local_out=$OUT local_err=$ERR
  SLIPWAY_SERVER=$server SLIPWAY_TOKEN=$token_alice expect_exit "$want" sw "$@"
  [[ $OUT == "$local_out" ]] || die "'$*' printed differently through the server: '$local_out' / '$OUT'"
  [[ $ERR == "$local_err" ]] || die "'$*' said differently through the server: '$local_err' / '$ERR'"
}

same_read 0 status
same_read 0 status --json
same_read 0 history dev
same_read 0 history dev --json
same_read 2 history nowhere
same_read 0 release list
same_read 0 diff dev prod
same_read 2 diff dev nowhere
same_read 2 release show nope
same_read 0 runs
same_read 0 runs --json
same_read 0 logs 1
same_read 0 logs 1 --follow
same_read 2 logs 9
same_read 0 artifact list
same_read 0 artifact list --json
same_read 0 artifact list --run 1
same_read 2 artifact get nothere --run 1 --to "$TMP/x"
same_read 2 artifact get ../api --run 1 --to "$TMP/x"
# A build started through the server runs on its slots; the CLI follows it to its end.
SLIPWAY_TOKEN=$token_alice expect_exit 0 sw --server "$server" run api --follow
expect_contains "$OUT" "[__default.Job] published artifact 'api'"
expect_contains "$OUT" "__default.Job  succeeded"
remote_run=$(sed -n 's/^run \([0-9]*\) (api .*): succeeded$/\1/p' <<<"$OUT")
[[ -n $remote_run ]] || die "no run line: $OUT"
SLIPWAY_TOKEN=$token_alice expect_exit 0 sw --server "$server" runs
expect_contains "$OUT" "$remote_run  api"
same alice 2 run apu
expect_contains "$ERR" "unknown component 'apu'"
same alice 2 run retry 99
SLIPWAY_TOKEN=$token_alice expect_exit 0 sw --server "$server" run retry "$remote_run"
expect_contains "$OUT" "__default.Job  succeeded    (reused from run $remote_run)"
SLIPWAY_TOKEN=$token_alice expect_exit 2 sw --server "$server" run --file "$ws/repos/api/azure-pipelines.yml"
expect_contains "$ERR" "'run' works on the local workspace and state only"
# artifact get through the server: by digest, each file checked; the same files as locally.
expect_exit 0 sw artifact get api --run 1 --to "$TMP/local-get"
SLIPWAY_SERVER=$server SLIPWAY_TOKEN=$token_alice expect_exit 0 sw artifact get api --run 1 --to "$TMP/remote-get"
expect_contains "$OUT" "artifact 'api' of run 1 written to $TMP/remote-get"
diff -r "$TMP/local-get" "$TMP/remote-get" >/dev/null || die "artifact get differs through the server"
# A blob changed in the server's store arrives with another SHA-256: refused.
blob=$(find "$ws/.slipway/artifacts/blobs" -type f | head -n 1)
cp "$blob" "$TMP/blob.orig"; echo tampered >"$blob"
SLIPWAY_SERVER=$server SLIPWAY_TOKEN=$token_alice expect_exit 1 sw artifact get api --run 1 --to "$TMP/tampered-get"
expect_contains "$ERR" "arrived with sha256"
cp "$TMP/blob.orig" "$blob"
same alice 1 run cancel 1
expect_contains "$ERR" "is not running"

# A release made through the server, then read both ways.
SLIPWAY_TOKEN=$token_erin expect_exit 0 sw --server "$server" release create --from dev --json
release=$(python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$OUT")
same_read 0 release show "$release"
same_read 0 release show "$release" --json
SLIPWAY_TOKEN=$token_erin expect_exit 2 sw --server "$server" release create --from dev --pin api=9.9.9

# Refusals: the same message and exit code, nothing changed.
same alice 1 promote "$release" --to prod
same erin 1 promote "$release" --to prod
expect_contains "$ERR" "needs 1 approval by role qa"
same carol 1 approve "$release" --env dev

# Actions through the server act as the token's user.
SLIPWAY_TOKEN=$token_carol expect_exit 0 sw --server "$server" approve "$release" --env prod
expect_contains "$OUT" "carol approved $release for prod"
SLIPWAY_TOKEN=$token_erin expect_exit 0 sw --server "$server" promote "$release" --to prod
expect_contains "$OUT" "promote $release to prod: applied"
expect_exit 0 sw history prod
expect_contains "$OUT" "by erin"
SLIPWAY_TOKEN=$token_erin expect_exit 1 sw --server "$server" rollback prod
expect_contains "$ERR" "needs permission rollback"
same_read 0 history prod
same_read 0 plan prod
same_read 0 plan prod --json
same_read 0 plan dev --release "$release"
same_read 2 plan nowhere
same_read 0 lock list
same_read 0 lock list --json
same alice 1 apply prod
expect_contains "$ERR" "needs permission apply"
same erin 1 apply prod
same_read 0 plan prod --version api=1.0.0
same_read 2 plan prod --version api
same_read 2 plan prod --version api=1.0.0,web=1.0.0
same erin 1 apply prod --version api=1.0.0
expect_contains "$ERR" "erin may not hotfix prod: needs permission hotfix"
# A hotfix through the server, then the same as a repair locally (nothing left to change).
SLIPWAY_TOKEN=$token_frank expect_exit 0 sw --server "$server" apply prod --version api=1.0.0
expect_contains "$OUT" "hotfix "
same_read 0 history prod
same_read 0 secret list prod --json  # the text says ages, which move between the two calls
SLIPWAY_SERVER=$server SLIPWAY_TOKEN=$token_alice expect_exit 0 sw secret list prod
[[ $OUT =~ ^db_password\ \ environment\ \ created\ [0-9]+s\ ago$ ]] || die "secret list through the server: $OUT"
same erin 1 secret rotate prod db_password
expect_contains "$ERR" "needs permission rotate"
same erin 1 secret show prod db_password --reveal
expect_contains "$ERR" "needs permission reveal"
SLIPWAY_TOKEN=$token_frank expect_exit 0 sw --server "$server" secret rotate prod db_password
expect_contains "$OUT" "rotated secret db_password of prod"
SLIPWAY_TOKEN=$token_frank expect_exit 0 sw --server "$server" secret show prod db_password --reveal
[[ $OUT == "$(sw secret show prod db_password --reveal --as frank)" ]] || die "the revealed value differs through the server"
[[ ${#OUT} == 24 ]] || die "the revealed value is not the generated one: $OUT"

# With a server, identity is the token's: --as is refused; no token, a bad
# one, or no server listening are said as such.
SLIPWAY_TOKEN=$token_alice expect_exit 2 sw --server "$server" approve "$release" --env prod --as carol
expect_contains "$ERR" "--as carol does not apply with a server"
expect_exit 2 env -u SLIPWAY_TOKEN SLIPWAY_CONFIG=$TMP/none.yaml "$SLIPWAY" -C "$ws" --server "$server" status
expect_contains "$ERR" "set SLIPWAY_TOKEN"
printf 'token: [a, b]\n' >"$TMP/config.yaml"
expect_exit 2 env -u SLIPWAY_TOKEN SLIPWAY_CONFIG=$TMP/config.yaml "$SLIPWAY" -C "$ws" --server "$server" status
expect_contains "$ERR" "token: expected a token"
printf 'token: %s\n' "$token_alice" >"$TMP/config.yaml"
expect_exit 0 env -u SLIPWAY_TOKEN SLIPWAY_CONFIG=$TMP/config.yaml "$SLIPWAY" -C "$ws" --server "$server" status
SLIPWAY_TOKEN=slw_nope expect_exit 1 sw --server "$server" status
expect_contains "$ERR" "unknown token"
SLIPWAY_TOKEN=$token_alice expect_exit 1 sw --server http://127.0.0.1:1 status
expect_contains "$ERR" "cannot reach the slipway server http://127.0.0.1:1"
SLIPWAY_TOKEN=$token_alice expect_exit 2 sw --server ftp://x status
expect_contains "$ERR" "expected http://HOST:PORT"
# A build reported through the server; dev (auto) follows, as locally.
SLIPWAY_TOKEN=$token_alice expect_exit 0 sw --server "$server" release built api 1.2.0 --digest sha256:a3
expect_contains "$OUT" "recorded api 1.2.0"
expect_contains "$OUT" "1.1.0 -> 1.2.0"
same alice 2 release built apu 1.2.1 --digest sha256:a4
expect_contains "$ERR" "unknown component 'apu' (did you mean 'api'?)"
# Breaking a lock: refused the same both ways, and nothing to break.
same alice 1 lock break prod
expect_contains "$ERR" "needs permission lock"
same frank 1 lock break prod
expect_contains "$ERR" "prod is not locked"
# A file on this machine is not sent: release create --file stays local.
SLIPWAY_TOKEN=$token_erin expect_exit 2 sw --server "$server" release create --file "$TMP/none.yaml"
expect_contains "$ERR" "works on the local workspace and state only"
# A command without a server form never acts on a local state meanwhile: refused, nothing changed.
before=$(state_dump "$ws")
SLIPWAY_TOKEN=$token_erin expect_exit 2 sw --server "$server" service-stop dev
expect_contains "$ERR" "'service-stop' works on the local workspace and state only"
SLIPWAY_SERVER=$server SLIPWAY_TOKEN=$token_erin expect_exit 2 sw token revoke slw_00000000
expect_contains "$ERR" "'token revoke' works on the local workspace and state only"
[[ $(state_dump "$ws") == "$before" ]] || die "a command refused for --server changed the state"
# The server keeps its status answer while the state is unchanged: a change
# made by another process (a local `release built`; dev follows) shows at once.
dev_api() { python3 -c 'import json,sys; print(next(e["components"]["api"] for e in json.load(sys.stdin) if e["environment"] == "dev"))'; }
SLIPWAY_TOKEN=$token_alice expect_exit 0 sw --server "$server" status --json
SLIPWAY_TOKEN=$token_alice expect_exit 0 sw --server "$server" status --json
[[ $(dev_api <<<"$OUT") != 1.3.0 ]] || die "dev runs 1.3.0 already: $OUT"
expect_exit 0 sw release built api 1.3.0 --digest sha256:a6 --as alice
SLIPWAY_TOKEN=$token_alice expect_exit 0 sw --server "$server" status --json
[[ $(dev_api <<<"$OUT") == 1.3.0 ]] || die "the server's status missed a change made meanwhile: $OUT"
echo "cli_server_mode: ok"
