#!/usr/bin/env bash
# Auto environments follow builds by themselves: a successful `slipway run
# COMPONENT` (and a run started by `slipway notify`) on the tracked branch
# records the version built and applies a new release to `dev`; components
# not built yet are left out ("not yet built" in status and plan); a rebuild of
# the same version, a feature branch and a failed run move nothing; `--json`
# keeps stdout the run's JSON. `slipway diff` compares secrets by keyed
# fingerprint (changed / unchanged), never printing a value.
source "$(dirname "$0")/common.sh"
ws=$TMP/ws
for c in api web; do
  mkdir -p "$ws/repos/$c"
  cat >"$ws/repos/$c/azure-pipelines.yml" <<YAML
trigger:
  branches:
    include: [main]
steps:
- checkout: self
- script: mkdir -p out && date +%s%N > out/$c.txt && test ! -e FAIL
- publish: out
  artifact: $c
YAML
  git -C "$ws/repos/$c" init -q -b main
  git -C "$ws/repos/$c" add . && git -C "$ws/repos/$c" commit -q -m "feat: $c"
done
cat >"$ws/slipway.yaml" <<'YAML'
product: {name: tiny, version: "1.0"}
components:
  api:
    repo: repos/api
    deploy:
      script:
        apply: echo "apply api $SLIPWAY_VERSION" >> calls.txt
  web:
    repo: repos/web
    depends_on: [api]
    deploy:
      script:
        apply: echo "apply web $SLIPWAY_VERSION" >> calls.txt
blocks:
  core:
    components: [api, web]
    secrets:
      token: {generate: {length: 30, charset: alphanumeric}}
environments:
  dev:
    platform: {kind: script}
    blocks: [core]
    policy: {mode: auto, branch: main}
  staging:
    platform: {kind: script}
    blocks: [core]
    policy: {mode: manual, promote_from: dev}
roles:
  developer: [alice]
  admin: [frank]
permissions:
  promote: [developer, admin]
  rollback: [developer, admin]
YAML
export SLIPWAY_USER=alice
unset SLIPWAY_MASTER_KEY

# The first build: dev gets api alone; web is "not yet built", not an error.
expect_exit 0 "$SLIPWAY" -C "$ws" run api
expect_contains "$OUT" "recorded api 1.0.0"
expect_contains "$OUT" "to dev: applied (applied 1 change)"
[[ $(cat "$ws/calls.txt") == "apply api 1.0.0" ]] || die "dev was not applied with api alone: $(cat "$ws/calls.txt")"
expect_exit 0 "$SLIPWAY" -C "$ws" status
expect_contains "$OUT" "    api 1.0.0"
expect_contains "$OUT" "    web not yet built"
expect_exit 0 "$SLIPWAY" -C "$ws" status --json
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[0]["not_built"] == ["web"], d' <<<"$OUT" ||
  die "status --json does not list web as not built: $OUT"
expect_exit 0 "$SLIPWAY" -C "$ws" plan dev
expect_contains "$OUT" "web  (not yet built)"
# Staging is manual: builds never move it.
expect_exit 0 "$SLIPWAY" -C "$ws" history staging
[[ -z $OUT ]] || die "a build moved the manual environment staging: $OUT"

# The same version built again (a new artifact) is not a new version.
expect_exit 0 "$SLIPWAY" -C "$ws" run api
expect_contains "$OUT" "api 1.0.0 was already built by run 1; this build is not a new version (no release)"
[[ $(wc -l <"$ws/calls.txt") == 1 ]] || die "a rebuild re-applied dev: $(cat "$ws/calls.txt")"

# A branch that releases nothing moves nothing.
git -C "$ws/repos/web" branch feature/x
expect_exit 0 "$SLIPWAY" -C "$ws" run web --branch feature/x
expect_contains "$OUT" "web: branch feature/x releases no version; no release"

# A failed run records nothing.
touch "$ws/repos/web/FAIL" && git -C "$ws/repos/web" add FAIL && git -C "$ws/repos/web" commit -q -m "fix: break"
expect_exit 1 "$SLIPWAY" -C "$ws" run web
[[ $OUT != *recorded* ]] || die "a failed run was recorded: $OUT"
git -C "$ws/repos/web" rm -q FAIL && git -C "$ws/repos/web" commit -q -m "fix: repair"

# A push notified on the tracked branch: the run it starts moves dev too, and
# --json keeps stdout one JSON document.
sha=$(git -C "$ws/repos/web" rev-parse HEAD)
expect_exit 0 "$SLIPWAY" -C "$ws" notify --repo "$ws/repos/web" --ref refs/heads/main --sha "$sha"
expect_contains "$OUT" "recorded web 1.0.0"
expect_contains "$OUT" "to dev: applied (applied 1 change)"
expect_exit 0 "$SLIPWAY" -C "$ws" status --json
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[0]["components"] == {"api": "1.0.0", "web": "1.0.0"}, d' <<<"$OUT" ||
  die "dev does not run both components: $OUT"
git -C "$ws/repos/api" commit -q --allow-empty -m "feat: more api"
expect_exit 0 "$SLIPWAY" -C "$ws" run api --json
python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["result"] == "succeeded"' <<<"$OUT" ||
  die "run --json stdout is not the run's JSON: $OUT"
expect_contains "$ERR" "recorded api 1.1.0"
[[ $(tail -1 "$ws/calls.txt") == "apply api 1.1.0" ]] || die "dev was not moved to api 1.1.0: $(cat "$ws/calls.txt")"

# A deliberate rollback: dev goes back to api 1.0.0 and a build of the
# rolled-back 1.1.0 does not bring it back; a newer version does.
expect_exit 0 "$SLIPWAY" -C "$ws" rollback dev
expect_contains "$OUT" "to dev: applied"
[[ $(tail -1 "$ws/calls.txt") == "apply api 1.0.0" ]] || die "rollback did not apply api 1.0.0: $(cat "$ws/calls.txt")"
calls=$(wc -l <"$ws/calls.txt")
expect_exit 0 "$SLIPWAY" -C "$ws" run api
[[ $(wc -l <"$ws/calls.txt") == "$calls" ]] || die "the rolled-back version was re-applied: $(cat "$ws/calls.txt")"
git -C "$ws/repos/api" commit -q --allow-empty -m "fix: after the rollback"
expect_exit 0 "$SLIPWAY" -C "$ws" run api
expect_contains "$OUT" "recorded api 1.1.1"
[[ $(tail -1 "$ws/calls.txt") == "apply api 1.1.1" ]] || die "dev did not get the newer api 1.1.1: $(cat "$ws/calls.txt")"
expect_exit 0 "$SLIPWAY" -C "$ws" history dev
expect_contains "$OUT" "(rollback)"

# Secrets in a diff: each environment generated its own token (changed); a
# value never appears, not even in --json.
expect_exit 0 "$SLIPWAY" -C "$ws" diff dev staging
expect_contains "$OUT" "token: not generated yet generated -> -"
release=$("$SLIPWAY" -C "$ws" release create --from dev --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
expect_exit 0 "$SLIPWAY" -C "$ws" promote "$release" --to staging
expect_exit 0 "$SLIPWAY" -C "$ws" diff dev staging
expect_contains "$OUT" "secrets:
  token: changed"
diff_text=$OUT
expect_exit 0 "$SLIPWAY" -C "$ws" diff dev staging --json
diff_json=$OUT
for env in dev staging; do
  SLIPWAY_USER=frank expect_exit 0 "$SLIPWAY" -C "$ws" secret show "$env" token --reveal
  value=$(tail -n1 <<<"$OUT")
  [[ ${#value} -ge 30 ]] || die "secret show printed no value: $OUT"
  [[ $diff_text$diff_json != *"$value"* ]] || die "diff printed the $env token's value"
done
expect_exit 0 "$SLIPWAY" -C "$ws" diff staging staging
[[ $OUT != *"token: changed"* ]] || die "a secret differs from itself: $OUT"
