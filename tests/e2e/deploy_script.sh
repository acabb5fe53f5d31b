#!/usr/bin/env bash
# slipway plan / apply / secret on a workspace whose platform is `script`
# (real /bin/sh commands recording their calls): reentrant apply, a failing
# component reverted, secrets generated once, masked in logs, key file 0600,
# reveal only for admins.
source "$(dirname "$0")/common.sh"
ws=$TMP/ws
mkdir -p "$ws/repos/db" "$ws/repos/api"
for c in db api; do printf 'steps:\n- script: echo %s\n' "$c" >"$ws/repos/$c/azure-pipelines.yml"; done
cat >"$ws/slipway.yaml" <<'YAML'
product: {name: tiny, version: "1.0"}
components:
  db:
    repo: repos/db
    secrets: [token]
    deploy:
      script:
        apply: echo "apply db $SLIPWAY_VERSION" >> calls.txt; echo "token=$SECRET_TOKEN"
        rollback: echo "rollback db $SLIPWAY_VERSION" >> calls.txt
  api:
    repo: repos/api
    depends_on: [db]
    deploy:
      script:
        apply: echo "apply api $SLIPWAY_VERSION" >> calls.txt; test "$SLIPWAY_VERSION" != 6.6.6-bad
        rollback: echo "rollback api $SLIPWAY_VERSION" >> calls.txt
blocks:
  core:
    components: [db, api]
    secrets:
      token: {generate: {length: 30, charset: alphanumeric}}
environments:
  test:
    platform: {kind: script}
    blocks: [core]
    policy: {mode: manual}
roles:
  developer: [alice]
  admin: [frank]
YAML
export SLIPWAY_USER=frank
unset SLIPWAY_MASTER_KEY

expect_exit 0 "$SLIPWAY" -C "$ws" plan test --version db=1.0.0 --version api=2.0.0
expect_contains "$OUT" "install   db 1.0.0  (not applied yet)"
# A developer may not hotfix a manual environment; the refusal changes nothing.
SLIPWAY_USER=alice expect_exit 1 "$SLIPWAY" -C "$ws" apply test --version db=1.0.0
expect_contains "$ERR" "alice may not hotfix test: needs permission hotfix, held by role admin (frank)"
[[ ! -e $ws/calls.txt ]] || die "a refused apply called a driver"
expect_exit 0 "$SLIPWAY" -C "$ws" apply test --version db=1.0.0 --version api=2.0.0
expect_contains "$OUT" "to test: applied (applied 2 changes)"
# The master key lives outside the workspace (0600), never beside the database.
[[ ! -e $ws/.slipway/master.key ]] || die "the master key was written into the workspace"
key=$(ls "$XDG_DATA_HOME"/slipway/keys/*.key)
[[ $(stat -c %a "$key") == 600 ]] || die "key file mode is not 0600"

expect_exit 0 "$SLIPWAY" -C "$ws" apply test
expect_contains "$OUT" "to test: applied (no changes)"
[[ $(wc -l <"$ws/calls.txt") == 2 ]] || die "a no-change apply called a driver: $(cat "$ws/calls.txt")"

expect_exit 1 "$SLIPWAY" -C "$ws" apply test --version api=6.6.6-bad
expect_contains "$ERR" "to test failed: api: script apply failed (exit 1)"
expect_contains "$(tail -1 "$ws/calls.txt")" "rollback api 2.0.0"
expect_exit 0 "$SLIPWAY" -C "$ws" plan test
expect_contains "$OUT" "plan for test: no changes"
# The hotfixes are the environment's history and status.
expect_exit 0 "$SLIPWAY" -C "$ws" history test
expect_contains "$OUT" "applied"
expect_contains "$OUT" "(hotfix)"
expect_contains "$OUT" "failed"
expect_exit 0 "$SLIPWAY" -C "$ws" status --json
[[ $(python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["components"]["api"])' <<<"$OUT") == 2.0.0 ]] ||
  die "status does not show the hotfixed version: $OUT"

# Secrets: generated once, masked, revealed only with permission reveal (recorded).
SLIPWAY_USER=alice expect_exit 1 "$SLIPWAY" -C "$ws" secret show test token --reveal
expect_contains "$ERR" "alice may not reveal secrets of test: needs permission reveal, held by role admin (frank)"
expect_exit 0 "$SLIPWAY" -C "$ws" secret show test token --reveal
token=$OUT
[[ ${#token} == 30 ]] || die "token has length ${#token}"
grep -q "token=\*\*\*" "$ws/.slipway/logs/test/db.log" || die "secret not masked: $(cat "$ws/.slipway/logs/test/db.log")"
! grep -rq "$token" "$ws/.slipway/logs" || die "secret value found in logs"
expect_exit 0 "$SLIPWAY" -C "$ws" apply test --version db=1.0.1
SLIPWAY_USER=frank expect_exit 0 "$SLIPWAY" -C "$ws" secret show test token --reveal
[[ $OUT == "$token" ]] || die "the secret changed without a rotation"
expect_exit 0 "$SLIPWAY" -C "$ws" secret rotate test token
expect_exit 0 "$SLIPWAY" -C "$ws" secret list test
expect_contains "$OUT" "(generation 2)"
expect_exit 0 "$SLIPWAY" -C "$ws" history test
expect_contains "$OUT" "secret.revealed"
expect_contains "$OUT" "secret.rotated"

# rekey: a new key file; the old one is gone and every secret still reads the same.
SLIPWAY_USER=alice expect_exit 1 "$SLIPWAY" -C "$ws" secret rekey
expect_contains "$ERR" "needs permission rekey"
expect_exit 0 "$SLIPWAY" -C "$ws" secret show test token --reveal
rotated=$OUT
expect_exit 0 "$SLIPWAY" -C "$ws" secret rekey
expect_contains "$OUT" "re-encrypted 1 secret with a new master key in $XDG_DATA_HOME/slipway/keys/"
[[ ! -e $key ]] || die "the old key file is still there"
expect_exit 0 "$SLIPWAY" -C "$ws" secret show test token --reveal
[[ $OUT == "$rotated" ]] || die "rekey changed the secret's value"
echo "ok"
