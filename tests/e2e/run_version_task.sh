# `task: SlipwayVersion@1` (the version module, reached through the run
# module's built-in task hook) computes the next version of the checked-out
# repo; later steps and jobs see Slipway.Version.
source "$(dirname "$0")/common.sh"
cd "$TMP"
git init -q -b main .
git config user.email t@example.com; git config user.name t
echo a > a && git add a && git commit -q -m "feat: first"
git tag -a v1.0.0 -m v1.0.0
cat > p.yml <<'Y'
stages:
- stage: s
  jobs:
  - job: v
    steps:
    - checkout: self
    - task: SlipwayVersion@1
      name: ver
      inputs:
        preset: conventionalcommits
    - bash: echo "same job $(Slipway.Version)"; mkdir -p out; echo v > out/v
    - publish: out
      artifact: versioned
  - job: after
    dependsOn: v
    variables:
      next: $[ dependencies.v.outputs['ver.Slipway.Version'] ]
    steps:
    - bash: echo "next job $(next)"; mkdir -p out; echo n > out/n
    - publish: out
      artifact: numbered
Y
git add p.yml && git commit -q -m "fix: add pipeline"
expect_exit 0 "$SLIPWAY" run --file p.yml --follow
expect_contains "$OUT" "[s.v] same job 1.0.1"
expect_contains "$OUT" "[s.after] next job 1.0.1"
build_number=$(sed -n 's/^run 1 (p \(.*\)): succeeded$/\1/p' <<<"$OUT")
[[ -n $build_number ]] || die "no build number in: $OUT"
# Artifacts carry the version: Slipway.Version where the task set it, else the build number.
expect_exit 0 "$SLIPWAY" artifact list --run 1
expect_contains "$OUT" "1  versioned  -  1.0.1  "
expect_contains "$OUT" "1  numbered  -  $build_number  "
expect_exit 0 "$SLIPWAY" artifact list --json
expect_contains "$OUT" '"version": "1.0.1"'
expect_contains "$OUT" '"component": ""'

# A bad input fails the step with the version module's message.
sed -i 's/preset: conventionalcommits/preset: nope/' p.yml
git commit -q -am "chore: bad preset"
expect_exit 1 "$SLIPWAY" run --file p.yml --follow
expect_contains "$OUT" "##[error]"
