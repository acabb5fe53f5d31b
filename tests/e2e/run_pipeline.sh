# `slipway run --file`: exit codes, --json, logs, runs, and Ctrl-C cancel
# killing the step's whole process group.
source "$(dirname "$0")/common.sh"
cd "$TMP"
# Steps report through report/: they may not create files in the folder
# holding the state (.slipway), only in folders that existed before (run/step_isolation.h).
mkdir report
cat > ok.yml <<'Y'
stages:
- stage: build
  jobs:
  - job: a
    steps:
    - bash: echo "##vso[task.setvariable variable=v;isOutput=true]42"
      name: s
  - job: b
    dependsOn: [a]
    variables: {x: "$[ dependencies.a.outputs['s.v'] ]"}
    steps: [{script: echo "got $(x) on $(Build.SourceBranchName)"}]
Y
expect_exit 0 "$SLIPWAY" run --file ok.yml --branch feature/x --json
expect_contains "$OUT" '"result": "succeeded"'
expect_contains "$OUT" '"s.v": "42"'
expect_exit 0 "$SLIPWAY" logs 1 --job b
expect_contains "$OUT" "got 42 on x"
expect_exit 0 "$SLIPWAY" runs
expect_contains "$OUT" "1  "

printf 'steps:\n- script: exit 4\n' > bad.yml
expect_exit 1 "$SLIPWAY" run --file bad.yml
expect_contains "$OUT" "failed"

cat > cycle.yml <<'Y'
stages:
- {stage: a, dependsOn: [b], jobs: [{job: j, steps: [{script: 'true'}]}]}
- {stage: b, dependsOn: [a], jobs: [{job: j, steps: [{script: 'true'}]}]}
Y
expect_exit 2 "$SLIPWAY" run --file cycle.yml
expect_contains "$ERR" "cycle"

cat > slow.yml <<Y
steps:
- bash: sleep 300 & echo \$! > $TMP/report/pid.tmp; mv $TMP/report/pid.tmp $TMP/report/pid; wait
- bash: echo cleanup ran
  condition: always()
Y
"$SLIPWAY" run --file slow.yml --json > "$TMP/cancel.json" 2>&1 &
runner=$!
for _ in $(seq 1 500); do [[ -f "$TMP/report/pid" ]] && break; sleep 0.02; done
[[ -f "$TMP/report/pid" ]] || die "the step never started"
kill -INT "$runner"
set +e; wait "$runner"; code=$?; set -e
[[ $code == 1 ]] || die "canceled run exited $code, expected 1: $(cat "$TMP/cancel.json")"
grep -q '"result": "canceled"' "$TMP/cancel.json" || die "run not recorded canceled: $(cat "$TMP/cancel.json")"
sleep_pid=$(cat "$TMP/report/pid")
for _ in $(seq 1 250); do
  state=$(awk '{print $3}' "/proc/$sleep_pid/stat" 2>/dev/null || echo gone)
  [[ $state == gone || $state == Z ]] && break
  sleep 0.02
done
[[ $state == gone || $state == Z ]] || die "the step's background process survived the cancel"
expect_exit 0 "$SLIPWAY" logs 3
expect_contains "$OUT" "cleanup ran"

# `slipway run cancel ID` from another process.
rm -f "$TMP/report/pid"
"$SLIPWAY" run --file slow.yml > "$TMP/cancel2.out" 2>&1 &
runner=$!
for _ in $(seq 1 500); do [[ -f "$TMP/report/pid" ]] && break; sleep 0.02; done
[[ -f "$TMP/report/pid" ]] || die "the step never started"
sleep 0.3
expect_exit 0 "$SLIPWAY" run cancel 4
set +e; wait "$runner"; code=$?; set -e
[[ $code == 1 ]] || die "run canceled by id exited $code: $(cat "$TMP/cancel2.out")"
expect_exit 0 "$SLIPWAY" runs
expect_contains "$OUT" "canceled"
expect_exit 1 "$SLIPWAY" run cancel 4
expect_contains "$ERR" "run 4 is not running (canceled)"
