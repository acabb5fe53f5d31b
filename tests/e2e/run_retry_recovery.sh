# `slipway run retry` reruns only what failed (reusing outputs and artifacts),
# and a runner killed with SIGKILL leaves a run that is marked failed on the
# next start, whose step process died with it, and which a retry completes.
source "$(dirname "$0")/common.sh"
cd "$TMP"
# Steps report through report/: they may not create files in the folder
# holding the state (.slipway), only in folders that existed before (run/step_isolation.h).
mkdir report
cat > p.yml <<Y
stages:
- stage: s
  jobs:
  - job: a
    steps:
    - bash: echo ran >> $TMP/report/count-a; mkdir -p out; echo art > out/f; echo "##vso[task.setvariable variable=v;isOutput=true]va"
      name: st
    - {publish: out, artifact: drop}
  - job: b
    dependsOn: [a]
    variables: {x: "\$[ dependencies.a.outputs['st.v'] ]"}
    steps:
    - bash: echo "b got \$(x)"; [ -f $TMP/flag ]
  - job: c
    dependsOn: [b]
    steps:
    - {download: current, artifact: drop}
    - bash: cat \$(Pipeline.Workspace)/drop/f
Y
expect_exit 1 "$SLIPWAY" run --file p.yml
touch flag
expect_exit 0 "$SLIPWAY" run retry 1 --json
expect_contains "$OUT" '"retryOf": "1"'
expect_contains "$OUT" '"reason": "reused from run 1"'
[[ $(wc -l < report/count-a) == 1 ]] || die "job a ran again on retry"
expect_exit 0 "$SLIPWAY" logs 2 --job b
expect_contains "$OUT" "b got va"
expect_exit 0 "$SLIPWAY" logs 2 --job c
expect_contains "$OUT" " art"

# Artifacts: listed per run, fetched by name, unsafe names refused.
expect_exit 0 "$SLIPWAY" artifact list --run 1
expect_contains "$OUT" "1  drop  -  $(date -u +%Y%m%d).1  4 bytes  1 files  sha256:"
expect_exit 0 "$SLIPWAY" artifact get drop --run 2 --to "$TMP/fetched"
[[ $(cat "$TMP/fetched/f") == art ]] || die "fetched artifact content differs"
expect_exit 2 "$SLIPWAY" artifact get ../drop --run 1 --to "$TMP/x"
expect_contains "$ERR" "artifact name '../drop' is not allowed: it contains '..'"
expect_exit 2 "$SLIPWAY" artifact get nothere --run 1 --to "$TMP/x"
expect_contains "$ERR" "run 1 has no artifact 'nothere'"

# SIGKILL of the runner mid-step.
cat > slow.yml <<Y
steps:
- bash: echo \$\$ > $TMP/report/pid.tmp; mv $TMP/report/pid.tmp $TMP/report/pid; [ -f $TMP/fast ] || exec sleep 300
Y
"$SLIPWAY" run --file slow.yml > /dev/null 2>&1 &
runner=$!
for _ in $(seq 1 500); do [[ -f report/pid ]] && break; sleep 0.02; done
[[ -f report/pid ]] || die "the step never started"
sleep 0.3  # let the runner record the job as started
kill -KILL "$runner"
set +e; wait "$runner"; set -e
step=$(cat report/pid)
for _ in $(seq 1 250); do
  state=$(awk '{print $3}' "/proc/$step/stat" 2>/dev/null || echo gone)
  [[ $state == gone || $state == Z ]] && break
  sleep 0.02
done
[[ $state == gone || $state == Z ]] || die "the step outlived its killed runner"
expect_exit 0 "$SLIPWAY" runs
expect_contains "$ERR" "run 3 was left running by a process that died; marked failed"
expect_contains "$OUT" "3  "
expect_contains "$OUT" "failed"
touch fast
expect_exit 0 "$SLIPWAY" run retry 3
expect_contains "$OUT" "succeeded"
