# Azure deployment jobs on slipway's environments: a `deployment` job whose
# environment is the workspace's waits for its gates (an approval by role qa,
# given from another process), holds the environment's lock while it runs,
# gets Azure's deployment variables, and is recorded in the environment's
# history; refusals (a developer, an unknown environment) change nothing.
source "$(dirname "$0")/common.sh"
ws=$TMP/ws
mkdir -p "$ws"
cat > "$ws/slipway.yaml" <<'YAML'
product: {name: p, version: "1.0"}
components:
  web: {repo: repos/web, deploy: {process: {command: 'exec sleep 1000'}}}
environments:
  dev:
    platform: {kind: process}
    components: [web]
    policy: {mode: manual}
  staging:
    platform: {kind: process}
    components: [web]
    policy:
      mode: manual
      approvals: [{role: qa}]
roles:
  admin: [alice]
  qa: [quinn, alice]
  developer: [dave]
YAML
mkdir -p "$ws/repos/web" && git -C "$ws/repos/web" init -q -b main && printf "steps: [{script: echo web}]\n" > "$ws/repos/web/azure-pipelines.yml" &&
  git -C "$ws/repos/web" add . && git -C "$ws/repos/web" commit -qm "feat: web"
cat > "$ws/deploy.yml" <<YAML
stages:
- stage: build
  jobs:
  - job: b
    steps: [{script: echo built}]
- stage: release
  jobs:
  - deployment: web
    environment: staging.web
    strategy:
      runOnce:
        deploy:
          steps:
          - script: echo "deploying to \$(Environment.Name) (\$(Environment.ResourceName)) with \$(Strategy.Name)"
          - script: while [ ! -f "$TMP/go" ]; do sleep 0.1; done
        on:
          success:
            steps: [{script: echo "deployed"}]
YAML
cd "$ws"
export SLIPWAY_USER=alice
unset SLIPWAY_MASTER_KEY

SLIPWAY_USER=alice "$SLIPWAY" run --file deploy.yml --follow > "$TMP/run.out" 2>&1 &
runner=$!
on_exit 'kill '"$runner"' 2>/dev/null'
# The job waits, saying for what.
for _ in $(seq 100); do
  "$SLIPWAY" runs --json > "$TMP/runs.json" 2>/dev/null && grep -q "waiting for needs 1 approval by role qa" "$TMP/runs.json" && break
  sleep 0.1
done
grep -q "slipway approve run-1.release.web --env staging" "$TMP/runs.json" || die "the job does not say what it waits for: $(cat "$TMP/runs.json")"
[[ $(cat "$TMP/run.out") != *deploying* ]] || die "the deployment job ran before its approval"

# Refused: a developer, and the requester; then QA approves from another process.
SLIPWAY_USER=dave expect_exit 1 "$SLIPWAY" approve run-1.release.web --env staging
expect_contains "$ERR" "dave may not approve for staging: needs role qa"
SLIPWAY_USER=alice expect_exit 1 "$SLIPWAY" approve run-1.release.web --env staging
expect_contains "$ERR" "alice started the deployment run-1.release.web and cannot approve it for staging (requester_cannot_approve)"
SLIPWAY_USER=quinn expect_exit 0 "$SLIPWAY" approve run-1.release.web --env staging
SLIPWAY_USER=quinn expect_exit 1 "$SLIPWAY" approve run-1.release.web --env staging
expect_contains "$ERR" "quinn already approved run-1.release.web for staging"

# It runs, holding the environment's lock.
for _ in $(seq 100); do grep -q deploying "$TMP/run.out" && break; sleep 0.1; done
expect_exit 0 "$SLIPWAY" lock list
expect_contains "$OUT" "env:staging"
expect_contains "$OUT" "deployment job release.web of run 1"
touch "$TMP/go"
set +e; wait "$runner"; code=$?; set -e
[[ $code == 0 ]] || die "the run exited $code: $(cat "$TMP/run.out")"
expect_contains "$(cat "$TMP/run.out")" "deploying to staging (web) with runOnce"
expect_contains "$(cat "$TMP/run.out")" "deployed"
expect_exit 0 "$SLIPWAY" lock list
[[ $OUT != *env:staging* ]] || die "the lock was kept: $OUT"

# Recorded in the environment's history: asked, approved, started, finished.
expect_exit 0 "$SLIPWAY" history staging
for what in deployment.requested deployment.approved deployment.started deployment.finished; do
  expect_contains "$OUT" "$what"
done
expect_contains "$OUT" "run 1 job release.web: succeeded in "

# A canary on an environment without gates: its hooks in Azure's order, an increment at a time.
cat > canary.yml <<'YAML'
jobs:
- deployment: web
  environment: dev
  strategy:
    canary:
      increments: [10, 50]
      preDeploy: {steps: [{script: echo "pre $(Strategy.Name)"}]}
      deploy: {steps: [{script: echo "deploy $(Strategy.Increment)"}]}
      routeTraffic: {steps: [{script: echo "route $(Strategy.Increment)"}]}
      on: {success: {steps: [{script: echo "canary done"}]}}
YAML
expect_exit 0 "$SLIPWAY" run --file canary.yml --follow
order=$(grep -oE '(pre canary|deploy [0-9]+|route [0-9]+|canary done)' <<<"$OUT" | tr '\n' ',')
[[ $order == "pre canary,deploy 10,route 10,deploy 50,route 50,canary done," ]] || die "canary order: $order"

# An environment the workspace does not have: refused before the run, at the job.
sed 's/environment: staging.web/environment: nowhere/' deploy.yml > nowhere.yml
expect_exit 2 "$SLIPWAY" run --file nowhere.yml
expect_contains "$ERR" "nowhere.yml:8:5: deployment job 'web': environment 'nowhere' is not an environment of the workspace"
