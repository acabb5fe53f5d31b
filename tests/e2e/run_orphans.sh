# No process started by a run outlives it: a daemon that left its step's
# process group (setsid) is killed when its job ends, and when the runner
# itself is killed with SIGKILL, by the next slipway command's recovery.
source "$(dirname "$0")/common.sh"
cd "$TMP"
# Steps report through report/: they may not create files in the folder
# holding the state (.slipway), only in folders that existed before (run/step_isolation.h).
mkdir report

running() {  # running PID: the process exists and is not a zombie
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || echo gone)
  [[ $state != gone && $state != Z ]]
}
wait_gone() {  # wait_gone PID: up to 5 s for it to die
  for _ in $(seq 1 250); do running "$1" || return 0; sleep 0.02; done
  return 1
}
# A step that leaves `sleep 300` behind in its own session, writing its pid to $1.
daemon_step() {
  echo "- bash: setsid sleep 300 </dev/null >/dev/null 2>&1 & echo \$! > $TMP/report/$1.tmp; mv $TMP/report/$1.tmp $TMP/report/$1"
}

# 1. The job ends normally: its daemon goes with it.
{ echo "steps:"; daemon_step daemon1; } > leaves.yml
expect_exit 0 "$SLIPWAY" run --file leaves.yml
[[ -s report/daemon1 ]] || die "the step did not start its daemon"
wait_gone "$(cat report/daemon1)" || die "a daemon left by a step outlived its job"

# 2. The runner is killed with SIGKILL mid-step: the daemon survives it (no
# parent-death signal reaches a grandchild), and the next command kills it.
{ echo "steps:"; daemon_step daemon2; echo "- bash: touch $TMP/report/step2; exec sleep 300"; } > killed.yml
# The runner's orphans must come to a process of this test's when it dies
# (a subreaper that neither reaps nor kills them), not to whatever init the
# machine has: what an init does with what it adopts is not slipway's.
cat > adopter.py <<'PY'
import ctypes, os, signal, subprocess, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
runner = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
with open(sys.argv[1] + ".tmp", "w") as f: f.write(str(runner.pid))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
runner.wait()
while True: signal.pause()  # adopted processes stay ours, unreaped, until the test ends
PY
python3 adopter.py report/runner "$SLIPWAY" run --file killed.yml &
adopter=$!
on_exit 'kill -KILL $adopter 2>/dev/null || true'
for _ in $(seq 1 500); do [[ -f report/runner ]] && break; sleep 0.02; done
[[ -f report/runner ]] || die "the adopter never started the runner"
runner=$(cat report/runner)
for _ in $(seq 1 500); do [[ -f report/daemon2 ]] && break; sleep 0.02; done
[[ -f report/daemon2 ]] || die "the step never started its daemon"
# Killed while its second step runs (not at a fixed time: a loaded machine is slow).
for _ in $(seq 1 500); do [[ -f report/step2 ]] && break; sleep 0.02; done
if [[ ! -f report/step2 ]]; then
  "$SLIPWAY" runs --json >&2 || true
  die "the second step never started"
fi
kill -KILL "$runner"
wait_gone "$runner" || die "the runner outlived SIGKILL"
daemon=$(cat report/daemon2)
if ! running "$daemon"; then
  ps -eo pid,ppid,user,stat,args >&2
  "$SLIPWAY" logs 2 >&2 || true
  "$SLIPWAY" runs --json >&2 || true
  die "precondition: the daemon $daemon should outlive the killed runner until recovery"
fi
expect_exit 0 "$SLIPWAY" runs
expect_contains "$ERR" "run 2 was left running by a process that died; marked failed"
expect_contains "$OUT" "2  "
expect_contains "$OUT" "failed"
wait_gone "$daemon" || { kill -KILL "$daemon"; die "the daemon of a killed runner outlived the next start's recovery"; }
