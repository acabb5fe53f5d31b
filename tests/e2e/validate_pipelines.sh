#!/usr/bin/env bash
# `slipway validate` checks pipelines and deploy settings too: every
# component's pipeline is expanded with its default parameters (an unknown
# key such as `stepz:` and a wrong parameter type are errors with their
# position, in text and --json), and each ${{ values.x }} / ${{ secrets.x }}
# of a deploy section must be set in every environment deploying the
# component. `slipway run` of a pipeline with `stepz:` fails at the key
# instead of running a job with no steps. examples/acme validates clean.
source "$(dirname "$0")/common.sh"
ws=$TMP/ws
make_component_repo "$ws" api
cat >"$ws/slipway.yaml" <<'YAML'
product: {name: shop, version: "1.0"}
components:
  api:
    repo: repos/api
    deploy:
      process:
        argv: [sleep, "1000"]
        env:
          CURRENCY: "${{ values.currency }}"
          TOKEN: "${{ secrets.api_token }}"
environments:
  dev:
    platform: {kind: process}
    components: [api]
    policy: {mode: manual}
    values: {currency: EUR}
    secrets:
      api_token: {generate: {length: 24}}
  staging:
    platform: {kind: process}
    components: [api]
    policy: {mode: manual}
    values: {currency: USD}
    secrets:
      api_token: {generate: {length: 24}}
roles:
  developer: [dana]
YAML
good=$(cat "$ws/slipway.yaml")
pipeline=$ws/repos/api/azure-pipelines.yml
good_pipeline=$(cat "$pipeline")

expect_exit 0 "$SLIPWAY" validate "$ws"
[[ $OUT == "workspace shop: 1 component, 0 blocks, 2 environments: ok" ]] || die "validate said: $OUT"

# An unknown key in a job: the error names the key's position, and run refuses it too.
cat >"$pipeline" <<'YAML'
jobs:
- job: build
  stepz:
  - script: echo built
YAML
expect_exit 2 "$SLIPWAY" validate "$ws"
[[ $ERR == "repos/api/azure-pipelines.yml:3:3: unknown key 'stepz' in job 'build' (did you mean 'steps'?)
slipway: 1 error in workspace $ws" ]] || die "validate errors were: $ERR"
expect_exit 2 "$SLIPWAY" validate "$ws" --json
python3 - "$OUT" <<'PY' || die "validate --json: $OUT"
import json, sys
out = json.loads(sys.argv[1])
assert out["ok"] is False, out
[error] = out["errors"]
assert (error["file"], error["line"], error["column"]) == ("repos/api/azure-pipelines.yml", 3, 3), error
assert error["message"] == "unknown key 'stepz' in job 'build' (did you mean 'steps'?)", error
PY
git -C "$ws/repos/api" commit -q -am "fix: typo in the pipeline"
expect_exit 2 "$SLIPWAY" -C "$ws" run api --as dana
expect_contains "$ERR" "repos/api/azure-pipelines.yml:3:3: unknown key 'stepz' in job 'build' (did you mean 'steps'?)"
[[ $OUT != *succeeded* ]] || die "run said: $OUT"

# A value of the wrong type for a template parameter: the error points at the value.
cat >"$ws/repos/api/steps.yml" <<'YAML'
parameters:
- name: retries
  type: number
  default: 1
steps:
- script: echo ${{ parameters.retries }}
YAML
cat >"$pipeline" <<'YAML'
steps:
- template: steps.yml
  parameters:
    retries: many
YAML
expect_exit 2 "$SLIPWAY" validate "$ws"
expect_contains "$ERR" "repos/api/azure-pipelines.yml:4:14: "
expect_contains "$ERR" "'many' is not a valid number"

# A pipeline parameter's default of the wrong type, without templates.
cat >"$pipeline" <<'YAML'
parameters:
- name: verbose
  type: boolean
  default: loud
steps:
- script: echo ${{ parameters.verbose }}
YAML
expect_exit 2 "$SLIPWAY" validate "$ws"
expect_contains "$ERR" "repos/api/azure-pipelines.yml:"
expect_contains "$ERR" "'loud' is not a valid boolean"
echo "$good_pipeline" >"$pipeline"

# Deploy settings against every environment that deploys the component.
sed 's/values.currency/values.curency/; s/currency: EUR/currency: EUR, curency: EUR/' <<<"$good" >"$ws/slipway.yaml"
expect_exit 2 "$SLIPWAY" validate "$ws"
[[ $ERR == "slipway.yaml:9:22: component 'api' uses \${{ values.curency }}, which environment 'staging' does not set (did you mean 'currency'?)
slipway: 1 error in workspace $ws" ]] || die "validate errors were: $ERR"
sed 's/secrets.api_token/secrets.api_tokn/' <<<"$good" >"$ws/slipway.yaml"
expect_exit 2 "$SLIPWAY" validate "$ws"
expect_contains "$ERR" "slipway.yaml:10:19: component 'api' uses \${{ secrets.api_tokn }}, which environment 'dev' does not give (did you mean 'api_token'?)"
expect_contains "$ERR" "slipway.yaml:10:19: component 'api' uses \${{ secrets.api_tokn }}, which environment 'staging' does not give (did you mean 'api_token'?)"
echo "$good" >"$ws/slipway.yaml"
expect_exit 0 "$SLIPWAY" validate "$ws"

# The example product validates clean, its five pipelines expanded.
expect_exit 0 "$SLIPWAY" validate "$SLIPWAY_SOURCE_DIR/examples/acme"
