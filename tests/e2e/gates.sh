#!/usr/bin/env bash
# No way around the gates: every way a person could walk around a permission,
# promote_from, an approval or an auto environment's order is refused through
# the binary with exit 1, says which permission (or gate) is missing, and
# leaves the store's content identical (a SQL dump before and after). The
# legitimate flow still works, and a hotfix by an admin is what status,
# history and plan show afterwards.
source "$(dirname "$0")/common.sh"
command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"
ws=$TMP/ws
make_component_repo "$ws" api
make_component_repo "$ws" web
cat >"$ws/slipway.yaml" <<'YAML'
product: {name: shop, version: "2.1"}
components:
  api:
    repo: repos/api
    deploy:
      script:
        apply: echo "$SLIPWAY_ENV api $SLIPWAY_VERSION" >> calls.txt
  web:
    repo: repos/web
    deploy:
      script:
        apply: echo "$SLIPWAY_ENV web $SLIPWAY_VERSION" >> calls.txt
environments:
  dev:
    platform: {kind: script}
    components: [api, web]
    policy: {mode: auto, branch: main}
  staging:
    platform: {kind: script}
    components: [api, web]
    policy:
      mode: manual
      promote_from: dev
      permissions: {promote: [release-manager]}
  prod:
    platform: {kind: script}
    components: [api, web]
    secrets:
      db_password: {generate: {length: 20}}
    policy:
      mode: manual
      promote_from: staging
      approvals: [{role: qa, count: 1}]
      permissions: {promote: [release-manager], rollback: [release-manager]}
roles:
  developer: [alice, bob]
  qa: [carol]
  release-manager: [erin]
  admin: [frank]
YAML
unset SLIPWAY_USER SLIPWAY_MASTER_KEY
sw() { "$SLIPWAY" -C "$ws" "$@"; }
release_id() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' <<<"$1"; }
dump() { state_dump "$ws"; }  # without the tokens (a server run records their use)

# refused NEEDLE CMD...: exit 1 (CODE=2: bad input), NEEDLE on stderr, the store unchanged.
refused() {
  local needle=$1; shift
  local before; before=$(dump)
  expect_exit "${CODE:-1}" "$@"
  expect_contains "$ERR" "$needle"
  [[ $(dump) == "$before" ]] || die "'$*' was refused but changed the store"
}

# The legitimate flow: builds reach dev, erin promotes, carol approves prod.
expect_exit 0 sw release built api 1.0.0 --digest sha256:a1 --as alice
expect_exit 0 sw release built web 1.0.0 --digest sha256:w1 --as alice
expect_exit 0 sw release create --from dev --json --as erin
r1=$(release_id "$OUT")
expect_exit 0 sw promote "$r1" --to staging --as erin
expect_exit 0 sw approve "$r1" --env prod --as carol
expect_exit 0 sw promote "$r1" --to prod --as erin
expect_contains "$OUT" "promote $r1 to prod: applied"
expect_exit 0 sw release built api 2.0.0 --digest sha256:a2 --as alice           # dev follows
expect_exit 0 sw release built api 2.1.0 --digest sha256:a21 --branch feature --as bob  # dev does not track it

# env show says who may act.
expect_exit 0 sw env show prod
expect_contains "$OUT" "may:        promote: release-manager; apply: admin; rollback: release-manager; hotfix: admin"

# A developer's hotfix of production.
refused "bob may not hotfix prod: needs permission hotfix, held by role admin (frank)" \
  sw apply prod --version api=2.1.0 --as bob
# A pin the source environment never ran, even approved.
expect_exit 0 sw release create --from staging --pin api=2.1.0 --json --as erin
r2=$(release_id "$OUT")
expect_exit 0 sw approve "$r2" --env prod --as carol
refused "api 2.1.0 never ran successfully in staging (prod promotes from staging)" sw promote "$r2" --to prod --as erin
# Someone in no role, and people whose roles do not hold the permission.
refused "nobody-at-all may not promote to prod: needs permission promote, held by role release-manager (erin)" \
  sw promote "$r1" --to prod --as nobody-at-all
refused "bob may not roll back prod: needs permission rollback, held by role release-manager (erin)" \
  sw rollback prod --as bob
refused "bob may not rotate secrets of prod: needs permission rotate, held by role admin (frank)" \
  sw secret rotate prod db_password --as bob
refused "bob may not reveal secrets of prod: needs permission reveal" sw secret show prod db_password --reveal --as bob
refused "bob may not break the lock of prod: needs permission lock" sw lock break prod --as bob
refused "erin may not force a change of prod: needs permission force, held by role admin (frank)" \
  sw promote "$r2" --to prod --force --as erin
# The creator of a release cannot approve it.
expect_exit 0 sw release create --from staging --json --as carol
r3=$(release_id "$OUT")
refused "carol created release $r3 and cannot approve it for prod (requester_cannot_approve)" \
  sw approve "$r3" --env prod --as carol
# An auto environment is not moved back to older versions by hand.
refused "release $r1 would move auto environment dev back: api 1.0.0 (dev runs 2.0.0)" sw promote "$r1" --to dev --as erin
refused "would move auto environment dev back" sw apply dev --release "$r1" --as alice
# No identity at all: a usage error.
SLIPWAY_CONFIG=$TMP/no-config.yaml CODE=2 refused "no identity: give --as NAME" sw promote "$r1" --to staging

# An admin's hotfix goes through the one apply path: status, history and plan agree.
expect_exit 0 sw apply prod --version api=2.1.0 --as frank
expect_contains "$OUT" "hotfix "
expect_exit 0 sw status --json
[[ $(python3 -c 'import json,sys; print(next(e["components"]["api"] for e in json.load(sys.stdin) if e["environment"] == "prod"))' <<<"$OUT") == 2.1.0 ]] ||
  die "status does not show the hotfix: $OUT"
expect_exit 0 sw history prod
expect_contains "$OUT" "(hotfix)"
expect_exit 0 sw plan prod
expect_contains "$OUT" "plan for prod: no changes"
expect_exit 0 sw diff staging prod
expect_contains "$OUT" "api: "
expect_exit 0 sw lock list
# No environment stays locked (a serve of this state, when one runs, holds its own "serve:" lock).
! grep -q '^env:' <<<"$OUT" || die "an environment is still locked: $OUT"
[[ -n ${SLIPWAY_E2E_THROUGH_SERVER:-} ]] || expect_contains "$OUT" "no locks held"
echo "ok"
