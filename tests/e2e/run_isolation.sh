# Steps are kept from slipway's state (Landlock): a step's attempts to open
# the state database, the master key and another job's work folder are each
# denied, and the state is unchanged; the step can still do normal work (write
# its own folders, read the system, run git). Steps get the job's variables
# and a few system basics, not slipway's environment. State files, logs and
# folders are their owner's alone (0600/0700).
source "$(dirname "$0")/common.sh"
cd "$TMP"
abi=$(python3 -c 'import ctypes; l=ctypes.CDLL(None, use_errno=True); print(max(0, l.syscall(444, None, 0, 1)))')
[[ $abi -gt 0 ]] || skip "this kernel has no Landlock: steps cannot be isolated here"

mkdir report  # made before the run: an existing folder outside the state is the steps' way to report
cat > probe.yml <<'Y'
steps:
- bash: echo a line, so the run has a step log
Y
expect_exit 0 "$SLIPWAY" run --file probe.yml  # creates the state
printf '%064d\n' 7 > .slipway/master.key
chmod 600 .slipway/master.key
key_before=$(sha256sum .slipway/master.key)

cat > isolation.yml <<Y
jobs:
- job: holder
  steps:
  - bash: |
      echo mine > "\$(Build.SourcesDirectory)/mine.txt"
      echo "\$(Build.SourcesDirectory)/mine.txt" > $TMP/report/holder-file
      for _ in \$(seq 1 1500); do [[ -f $TMP/report/prober-done ]] && break; sleep 0.02; done
- job: prober
  steps:
  - bash: |
      set +e
      state=\$(Agent.WorkFolder)/../state.db
      report() { if "\$@" > /dev/null 2>&1; then echo "allowed: \$*"; else echo "denied: \$*"; fi; }
      for _ in \$(seq 1 1500); do [[ -f $TMP/report/holder-file ]] && break; sleep 0.02; done
      {
        report cat "\$state"
        report sqlite3 "\$state" "insert into approvals (release, environment, actor, time_ms) values ('r1', 'prod', 'mallory', 0)"
        report sh -c "echo >> \$state-wal"
        report cat "\$(Agent.WorkFolder)/../master.key"
        report cat "\$(cat $TMP/report/holder-file)"
        report sh -c "zcat \$(Agent.WorkFolder)/../runs/1/logs/*/0.log.gz"
        echo "secret: \${SLIPWAY_TEST_CLOUD_TOKEN:-unset}"
        echo "tmpdir: \$TMPDIR"
        echo "temp: \$(Agent.TempDirectory)"
        cd "\$(Build.SourcesDirectory)" && echo hello > hello.txt && mkdir -p deep/er && rm hello.txt && echo "write: ok"
        ls /usr/bin > /dev/null && echo "read /usr: ok"
        git init -q repo && git -C repo -c user.name=t -c user.email=t@t commit -q --allow-empty -m one && echo "git: ok"
        mktemp > /dev/null && echo "mktemp: ok"
      } > $TMP/report/prober-report
      touch $TMP/report/prober-done
Y
export SLIPWAY_TEST_CLOUD_TOKEN=hunter2
expect_exit 0 "$SLIPWAY" run --file isolation.yml --agents 2
unset SLIPWAY_TEST_CLOUD_TOKEN
report=$(sed "s,/\./,/,g" report/prober-report)  # the work root is <workspace>/./.slipway/work
expect_contains "$report" "denied: cat $TMP/.slipway/work/../state.db"
expect_contains "$report" "denied: sqlite3 $TMP/.slipway/work/../state.db insert into approvals"
expect_contains "$report" "denied: sh -c echo >> $TMP/.slipway/work/../state.db-wal"
expect_contains "$report" "denied: cat $TMP/.slipway/work/../master.key"
expect_contains "$report" "denied: cat $TMP/.slipway/work/"
compgen -G ".slipway/runs/1/logs/*/0.log.gz" > /dev/null || die "precondition: run 1 has no step log where the step looked"
expect_contains "$report" "denied: sh -c zcat $TMP/.slipway/work/../runs/1/logs/*/0.log.gz"
[[ $report != *"allowed:"* ]] || die "a step reached slipway's state: $report"
expect_contains "$report" "secret: unset"
temp=$(sed -n 's/^temp: //p' <<<"$report")
expect_contains "$report" "tmpdir: $temp"
expect_contains "$report" "write: ok"
expect_contains "$report" "read /usr: ok"
expect_contains "$report" "git: ok"
expect_contains "$report" "mktemp: ok"
# The state is unchanged by the attempts.
[[ $(sqlite3 .slipway/state.db "select count(*) from approvals") == 0 ]] || die "an approval was forged"
[[ ! -e .slipway/state.db-wal || $(stat -c %s .slipway/state.db-wal) != 1 ]] || die "the state's WAL was written"
[[ $(sha256sum .slipway/master.key) == "$key_before" ]] || die "the master key changed"

# Modes: the state folder and its work root 0700; the database and its
# journals, run records and step logs 0600.
mode() { stat -c %a "$1"; }
[[ $(mode .slipway) == 700 ]] || die ".slipway is $(mode .slipway)"
[[ $(mode .slipway/work) == 700 ]] || die "the work root is $(mode .slipway/work)"
for f in .slipway/state.db .slipway/state.db-wal .slipway/state.db-shm; do
  [[ ! -e $f || $(mode "$f") == 600 ]] || die "$f is $(mode "$f")"
done
logs=$(find .slipway/runs -type f)
[[ -n $logs ]] || die "no run files were written"
for f in $logs; do [[ $(mode "$f") == 600 ]] || die "$f is $(mode "$f")"; done
