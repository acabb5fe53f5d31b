# Repositories read by URL through the mirror cache (STATE_ROOT/mirrors),
# with real bare repositories over file:// and over a loopback `git daemon`:
# a template source pinned to v1 while v1.1 exists; a resources.repositories
# entry whose ref wins; a moved tag followed and said; an unreachable URL
# with a stale mirror (used, said) and without one (refused, named); validate
# reporting references it cannot resolve; a component whose repo is only a
# URL, built, versioned, tagged back and applied, and watched for pushes.
source "$(dirname "$0")/common.sh"
command -v git >/dev/null || skip "git is not installed"
cd "$TMP"
export SLIPWAY_USER=alice
unset SLIPWAY_MASTER_KEY

# The shared templates: v1 and v1.1 tagged, served as a bare repository.
git init -q -b main tpl
printf 'steps:\n- script: echo "template v1"\n' > tpl/steps.yml
git -C tpl add . && git -C tpl commit -qm "feat: steps" && git -C tpl tag v1
printf 'steps:\n- script: echo "template v1.1"\n' > tpl/steps.yml
git -C tpl commit -qam "feat: newer steps" && git -C tpl tag v1.1
mkdir served && git clone -q --bare tpl served/tpl.git

# The component whose repo is only a URL: a bare repository nobody works in here.
git init -q -b main svc
cat > svc/azure-pipelines.yml <<'YAML'
trigger: {branches: {include: [main]}}
steps:
- template: steps.yml@templates
- checkout: self
- script: mkdir -p out && cp version.txt out/ && echo "built $(cat version.txt)"
- publish: out
  artifact: svc
YAML
echo one > svc/version.txt
git -C svc add . && git -C svc commit -qm "feat: the service"
git clone -q --bare svc served/svc.git

mkdir -p ws/repos/app
cat > ws/slipway.yaml <<YAML
product: {name: p, version: "1.0"}
templates:
  templates: {git: file://$TMP/served/tpl.git, ref: v1}
components:
  app: {repo: repos/app}
  svc:
    repo: file://$TMP/served/svc.git
    versioning: {push_tags: true}
    deploy: {process: {command: 'exec sleep 1000'}}
environments:
  dev: {platform: {kind: process}, components: [svc], policy: {mode: manual}}
roles: {admin: [alice]}
YAML
on_exit '"$SLIPWAY" -C "$TMP/ws" service-stop >/dev/null 2>&1 || true'
printf 'steps:\n- template: steps.yml@templates\n' > ws/repos/app/azure-pipelines.yml
git -C ws/repos/app init -q -b main && git -C ws/repos/app add . && git -C ws/repos/app commit -qm "feat: app"
cd ws
expect_exit 0 "$SLIPWAY" validate

# Pinned to v1 while v1.1 exists.
expect_exit 0 "$SLIPWAY" run app --follow
expect_contains "$OUT" "template v1"
[[ $OUT != *"template v1.1"* ]] || die "the source's ref v1 was not used: $OUT"
[[ -n $(ls .slipway/mirrors/*.git -d) ]] || die "no mirror was kept"

# A pipeline's own resources.repositories: its ref wins over the source's;
# a URL name is read as it is, here over git's own protocol.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
git daemon --reuseaddr --export-all --base-path="$TMP/served" --listen=127.0.0.1 --port="$port" \
  --pid-file="$TMP/daemon.pid" --detach "$TMP/served"
on_exit 'kill "$(cat "$TMP/daemon.pid")" 2>/dev/null'
for _ in $(seq 50); do git ls-remote "git://127.0.0.1:$port/tpl.git" >/dev/null 2>&1 && break; sleep 0.1; done
cat > newer.yml <<YAML
resources:
  repositories:
  - repository: shared
    type: git
    name: templates
    ref: refs/tags/v1.1
  - repository: daemon
    type: git
    name: git://127.0.0.1:$port/tpl.git
    ref: v1
steps:
- template: steps.yml@shared
- template: steps.yml@daemon
YAML
expect_exit 0 "$SLIPWAY" run --file newer.yml --follow
expect_contains "$OUT" "template v1.1"
expect_contains "$OUT" "template v1"$'\n'

# checkout: ALIAS fetches the entry's repository at its ref: alone into the
# sources folder, beside others into s/ALIAS; an undeclared alias stops the run at the step.
cat > checkouts.yml <<YAML
resources:
  repositories:
  - repository: tools
    type: git
    name: templates
    ref: v1
jobs:
- job: alone
  steps:
  - checkout: tools
  - script: cat steps.yml
- job: beside
  steps:
  - checkout: self
  - checkout: tools
  - script: cat tools/steps.yml
YAML
expect_exit 0 "$SLIPWAY" run --file checkouts.yml --follow
expect_contains "$OUT" "[__default.alone] - script: echo \"template v1\""
expect_contains "$OUT" "[__default.beside] - script: echo \"template v1\""
printf 'resources:\n  repositories:\n  - repository: local\n    type: git\n    name: file://%s/served/svc.git\nsteps:\n- checkout: local\n' "$TMP" > local.yml
expect_exit 1 "$SLIPWAY" run --file local.yml
expect_contains "$ERR" "repository 'local': a pipeline may not name a local repository (file://$TMP/served/svc.git)"
printf 'steps:\n- checkout: elsewhere\n' > undeclared.yml
expect_exit 2 "$SLIPWAY" run --file undeclared.yml
expect_contains "$ERR" "undeclared.yml:2:3: checkout of repository 'elsewhere': resources.repositories has no such alias"

# A tag that moved is followed, and said.
git -C "$TMP/tpl" tag -f v1 v1.1 >/dev/null
git -C "$TMP/tpl" push -q -f "$TMP/served/tpl.git" v1
expect_exit 0 "$SLIPWAY" run app --follow
expect_contains "$OUT$ERR" "tag 'v1' of file://$TMP/served/tpl.git moved from "
expect_contains "$OUT" "template v1.1"

# Unreachable: the stale mirror is used and said; without one, refused naming URL and ref.
mv "$TMP/served/tpl.git" "$TMP/served/gone.git"
expect_exit 0 "$SLIPWAY" run app --follow
expect_contains "$ERR" "cannot fetch file://$TMP/served/tpl.git (ref v1): "
expect_contains "$ERR" "; using the copy fetched before ("
rm -rf .slipway/mirrors
expect_exit 1 "$SLIPWAY" run app
expect_contains "$ERR" "slipway.yaml:3:3: template source 'templates': cannot fetch file://$TMP/served/tpl.git (ref v1): "
expect_contains "$ERR" "no copy of it was fetched before"
expect_exit 2 "$SLIPWAY" validate
expect_contains "$ERR" "cannot fetch file://$TMP/served/tpl.git (ref v1)"
mv "$TMP/served/gone.git" "$TMP/served/tpl.git"

# validate resolves references: a file missing in the source at its ref.
printf 'steps:\n- template: missing.yml@templates\n' > repos/app/azure-pipelines.yml
git -C repos/app commit -qam "ci: a template that is not there"
expect_exit 2 "$SLIPWAY" validate
expect_contains "$ERR" "repos/app/azure-pipelines.yml:2:13: template 'missing.yml@templates' not found"
expect_contains "$ERR" "missing.yml"
git -C repos/app revert --no-edit HEAD >/dev/null

# The component that is only a URL: run, versioned in its mirror, tag pushed back, applied.
expect_exit 0 "$SLIPWAY" version svc
[[ $OUT == 1.0.0* ]] || die "svc's next version: $OUT"
expect_exit 0 "$SLIPWAY" run svc --follow
expect_contains "$OUT" "built one"
expect_contains "$OUT$ERR" "recorded svc 1.0.0"
expect_contains "$OUT$ERR" "pushed tag v1.0.0 to file://$TMP/served/svc.git"
[[ $(git -C "$TMP/served/svc.git" tag) == v1.0.0 ]] || die "the tag did not reach svc's repository"
expect_exit 0 "$SLIPWAY" apply dev --version svc=1.0.0

# A push to it is found by watch (one fetch of its mirror) and built.
git -C "$TMP/svc" pull -q "$TMP/served/svc.git" main
echo two > "$TMP/svc/version.txt"
git -C "$TMP/svc" commit -qam "feat: two" && git -C "$TMP/svc" push -q "$TMP/served/svc.git" main
expect_exit 0 "$SLIPWAY" watch --once
expect_contains "$OUT$ERR" "recorded svc 1.1.0"
expect_contains "$OUT$ERR" "pushed tag v1.1.0 to file://$TMP/served/svc.git"
# Nothing new: the next pass starts nothing.
expect_exit 0 "$SLIPWAY" watch --once
[[ $OUT$ERR != *"run "* ]] || die "watch built again what it had built: $OUT$ERR"
