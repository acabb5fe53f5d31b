#!/usr/bin/env bash
# Builds the libFuzzer harnesses (build-fuzz, -DSLIPWAY_FUZZ=ON, clang) and runs
# each for SECONDS, two at a time, from a seed corpus made of slipway's own
# tests (seeds.py). Prints each harness's executions and findings; exits 1
# when any harness found a crash, a timeout, a leak or an out-of-memory, whose
# input is saved under build-fuzz/findings/<harness>/.
#
# usage: tests/fuzz/run.sh SECONDS      (environment: FUZZ_BUILD, FUZZ_JOBS)
set -euo pipefail
seconds=${1:?usage: tests/fuzz/run.sh SECONDS}
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${FUZZ_BUILD:-$root/build-fuzz}
jobs=${FUZZ_JOBS:-2}
harnesses=(workspace expression pipeline commit_message artifact archive)

# The longest input each harness reads: bundles of a pipeline or workspace with
# templates are a few KB; expressions and commit messages are shorter.
declare -A max_len=([workspace]=16384 [pipeline]=16384 [expression]=4096 [commit_message]=4096 [artifact]=8192 [archive]=65536)

bash "$root/scripts/setup.sh" --fuzz
cmake -S "$root" -B "$build" -G Ninja -DSLIPWAY_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-16 \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j "$jobs"

rm -rf "$build/seeds" "$build/logs"
python3 "$root/tests/fuzz/seeds.py" "$root" "$build/seeds"
mkdir -p "$build/logs"
# Harnesses that read files write them to tmpfs when there is one.
scratch=$(mktemp -d "$( [[ -d /dev/shm ]] && echo /dev/shm || echo /tmp)/slipway-fuzz.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# One harness for $seconds. Slow inputs are findings: -timeout (per input)
# and -rss_limit_mb (also each allocation) make hangs and blow-ups reports.
run_one() {
  local name=$1
  mkdir -p "$build/corpus/$name" "$build/findings/$name"
  TMPDIR=$scratch ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer-16 || command -v llvm-symbolizer || true) \
    "$build/tests/fuzz/${name}_fuzz" "$build/corpus/$name" "$build/seeds/$name" \
    -max_total_time="$seconds" -max_len="${max_len[$name]}" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$build/findings/$name/" \
    >"$build/logs/$name.log" 2>&1
}

# "executions N, new coverage N: ok" or the finding and where its input is.
report() {
  local name=$1 status=$2
  local log=$build/logs/$name.log executions units finding slow
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  units=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -1)
  slow=$(grep -c '^Slowest unit' "$log" || true)
  if ((status == 0 && slow > 0)); then
    # Not failures (under -timeout), but kept: a slow input is a blow-up to look at.
    finding="no crash; $slow slow input(s) kept in $build/findings/$name/slow-unit-*"
  elif ((status == 0)); then
    finding="nothing found"
  else
    finding=$(grep -m1 -E '^==[0-9]+==ERROR|^SUMMARY|ALARM|out-of-memory|deadly signal|runtime error' "$log" || echo "exit $status")
    finding="FOUND: $finding; input: $(sed -n 's/.*Test unit written to //p' "$log" | tail -1) (log: $log)"
  fi
  printf 'fuzz: %-15s executions %-9s new units %-6s %s\n' "$name" "${executions:-?}" "${units:-?}" "$finding"
}

failed=0
for ((i = 0; i < ${#harnesses[@]}; i += jobs)); do
  batch=("${harnesses[@]:i:jobs}")
  pids=()
  for name in "${batch[@]}"; do run_one "$name" & pids+=($!); done
  for n in "${!batch[@]}"; do
    status=0
    wait "${pids[$n]}" || status=$?
    report "${batch[$n]}" "$status"
    ((status == 0)) || failed=1
  done
done
exit "$failed"
