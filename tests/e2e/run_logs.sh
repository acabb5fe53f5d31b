# Step logs: compressed once a step finished, read back by `slipway logs`,
# secrets masked (also when split across writes), and followed live from
# another process with `slipway logs RUN --follow` (which exits as the run did).
source "$(dirname "$0")/common.sh"
cd "$TMP"

# (1) A live run followed from a second process. The step prints line-1 and
# then waits until the follower has shown it, so the run can only finish if
# lines arrive while it runs.
cat > live.yml <<Y
steps:
- bash: |
    echo line-1
    for _ in \$(seq 1 1500); do [[ -f $TMP/ack ]] && break; sleep 0.02; done
    [[ -f $TMP/ack ]] || { echo "never acknowledged"; exit 9; }
    echo line-2
    exit 3
Y
"$SLIPWAY" run --file live.yml > run.out 2>&1 &
runner=$!
for _ in $(seq 1 500); do "$SLIPWAY" logs 1 >/dev/null 2>&1 && break; sleep 0.02; done
"$SLIPWAY" logs 1 --follow > follow.out 2> follow.err &
follower=$!
for _ in $(seq 1 1500); do grep -q line-1 follow.out && break; sleep 0.02; done
grep -q "line-1" follow.out || die "line-1 did not reach the follower while the run was going: $(cat follow.out follow.err)"
grep -q "line-2" follow.out && die "line-2 was shown before it was written"
touch "$TMP/ack"
set +e; wait "$follower"; follow_code=$?; wait "$runner"; run_code=$?; set -e
[[ $run_code == 1 ]] || die "the run exited $run_code: $(cat run.out)"
[[ $follow_code == 1 ]] || die "logs --follow exited $follow_code, expected the run's 1: $(cat follow.out follow.err)"
grep -n "line-" follow.out | grep -q "line-2" || die "line-2 missing: $(cat follow.out)"
[[ $(grep -c "line-1" follow.out) == 1 ]] || die "line-1 shown more than once: $(cat follow.out)"
expect_contains "$(cat follow.out)" "run 1: failed"
expect_contains "$(cat follow.out)" "bash exited with code 3"

# Following a finished run prints it and exits with its result.
expect_exit 1 "$SLIPWAY" logs 1 --follow
expect_contains "$OUT" "line-2"

# (2) Compression and masking, with `run --follow` in the same process.
cat > secret.yml <<'Y'
steps:
- bash: |
    echo "##vso[task.setvariable variable=tok;issecret=true]s3cr3t-value"
- bash: |
    printf 's3cr3t-'; sleep 0.2; echo 'value is here'
    for i in $(seq 1 2000); do echo "ordinary line $i of the build"; done
Y
expect_exit 0 "$SLIPWAY" run --file secret.yml --follow
expect_contains "$OUT" "*** is here"
[[ $OUT != *s3cr3t* ]] || die "secret printed by run --follow: $OUT"
logs=$(find . -path '*/runs/2/logs/*' -type f | sort)
[[ -n $logs ]] || die "no log files for run 2"
for f in $logs; do [[ $f == *.log.gz ]] || die "step log not compressed: $f"; done
expect_exit 0 "$SLIPWAY" logs 2
expect_contains "$OUT" "*** is here"
expect_contains "$OUT" "ordinary line 2000 of the build"
[[ $OUT != *s3cr3t* ]] || die "secret in the stored log: $OUT"
big=$(echo "$logs" | tail -1)
[[ $(stat -c %s "$big") -lt 20000 ]] || die "log not compressed well: $(stat -c %s "$big") bytes"

# A log left plain (its writer died before the step finished) is read too.
gunzip "$big"
expect_exit 0 "$SLIPWAY" logs 2
expect_contains "$OUT" "ordinary line 2000 of the build"
