# `slipway pipeline check` says, without running anything, which steps this
# machine can run: exit 0 when all can, 1 (each listed with file:line:col and
# reason) when some cannot, 2 on bad input; --json; a component's variable
# groups come from the workspace, and `run` refuses a group it does not define.
source "$(dirname "$0")/common.sh"
cd "$TMP"

cat > ok.yml <<'YAML'
steps:
- script: echo hi
- task: CmdLine@2
  inputs: {script: echo hi}
YAML
expect_exit 0 "$SLIPWAY" pipeline check --file ok.yml
expect_contains "$OUT" "ok.yml:2:3  __default.Job  CmdLine  runs with bash"
expect_contains "$OUT" "2 of 2 can run here"
# The step-isolation status opens the report (a warning when steps are not isolated).
expect_contains "$(head -1 <<<"$OUT")" "isolated"

cat > some.yml <<'YAML'
variables:
- group: shared
jobs:
- job: build
  steps:
  - script: echo hi
  - task: AzurePowerShell@4
  - pwsh: Write-Host hi
YAML
expect_exit 1 "$SLIPWAY" pipeline check --file some.yml
expect_contains "$OUT" "some.yml:2:3  pipeline  variable group 'shared'  cannot run: variable group 'shared' is not defined in the workspace"
expect_contains "$OUT" "some.yml:7:5  __default.build  AzurePowerShell  cannot run: no implementation of task 'AzurePowerShell@4'"
expect_contains "$OUT" "some.yml:8:5  __default.build  PowerShell  cannot run:"
expect_contains "$OUT" "1 of 4 can run here; 3 cannot"

expect_exit 1 "$SLIPWAY" pipeline check --file some.yml --json
expect_contains "$OUT" '"can_run": false'
expect_contains "$OUT" '"reason": "no implementation of task '"'"'AzurePowerShell@4'"'"'"'
expect_contains "$OUT" '"isolation": "'

# Bad input: a task without a version, with its position; no file at all.
printf 'steps:\n- task: Bash\n' > bad.yml
expect_exit 2 "$SLIPWAY" pipeline check --file bad.yml
expect_contains "$ERR" "bad.yml:2:9: task 'Bash' needs a version: NAME@VERSION, such as Bash@3"
expect_exit 2 "$SLIPWAY" pipeline check --file missing.yml

# A component: its workspace defines the group; the secret is read at run time.
mkdir -p ws/app
cat > ws/slipway.yaml <<'YAML'
product:
  name: p
  version: '1.0'
variable_groups:
  shared:
    values:
      region: eu
    secrets:
      token: E2E_GROUP_TOKEN
components:
  app:
    repo: app
roles:
  developer: [dana]
YAML
export SLIPWAY_USER=dana  # running a component needs permission run
cat > ws/app/azure-pipelines.yml <<'YAML'
variables:
- group: shared
steps:
- bash: echo "region=$(region) macro=$(token) env=${TOKEN:-unset} mapped=$MAPPED"
  env: {MAPPED: $(token)}
YAML
(cd ws/app && git init -q -b main && git add . && git commit -qm init)
expect_exit 0 "$SLIPWAY" -C ws pipeline check app
expect_contains "$OUT" "variable group 'shared'  runs with workspace"

E2E_GROUP_TOKEN=s3cr3t-e2e expect_exit 0 "$SLIPWAY" -C ws run app --follow
expect_contains "$OUT" "region=eu macro=*** env=unset mapped=***"
[[ "$OUT" != *s3cr3t-e2e* ]] || die "the secret was printed: $OUT"

# Without the secret's environment variable the run is refused, naming it.
expect_exit 2 "$SLIPWAY" -C ws run app
expect_contains "$ERR" "secret 'token' of variable group 'shared' reads environment variable E2E_GROUP_TOKEN, which is not set"

# A group the workspace does not define is refused at run time, named.
sed -i 's/group: shared/group: other/' ws/app/azure-pipelines.yml
git -C ws/app commit -qam "ci: another group"
expect_exit 2 "$SLIPWAY" -C ws run app
expect_contains "$ERR" "variable group 'other' is not defined in the workspace"

# A container job where no engine is on PATH: check says what it needs; run
# refuses it before any step, at its position, rather than running its steps
# on this machine (tests/e2e/containers.sh runs them with podman).
printf 'jobs:\n- job: build\n  container: python:3.11\n  steps:\n  - script: pytest\n' > "$TMP/container.yml"
mkdir -p "$TMP/nobin" && ln -sf "$(command -v bash)" "$TMP/nobin/bash"
expect_exit 1 env PATH="$TMP/nobin" "$SLIPWAY" pipeline check --file "$TMP/container.yml"
expect_contains "$OUT" "container.yml:3:14  __default.build  container  cannot run: container jobs need docker or podman; neither is installed"
expect_exit 2 env PATH="$TMP/nobin" "$SLIPWAY" run --file "$TMP/container.yml"
expect_contains "$ERR" "container.yml:3:14: job 'build' runs in container 'python:3.11', but container jobs need docker or podman"
