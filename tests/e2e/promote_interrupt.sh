#!/usr/bin/env bash
# Ctrl-C (SIGINT) during a promotion, and SIGTERM during an apply: slipway
# starts no further component, lets the running one finish, records the
# attempt as "interrupted" in history, releases the environment's lock and
# exits 130; the next promotion goes through without waiting for a lock. A lock
# whose holder was SIGKILLed is reported as not running and taken over at once.
source "$(dirname "$0")/common.sh"
ws=$TMP/ws
for c in api web; do make_component_repo "$ws" "$c"; done
# In staging, api's apply says it started and waits for the test's go-ahead.
cat >"$ws/slipway.yaml" <<'YAML'
product: {name: tiny, version: "1.0"}
components:
  api:
    repo: repos/api
    deploy:
      script:
        apply: |
          if [ "$SLIPWAY_ENV" = staging ]; then touch started; while [ ! -e go ]; do sleep 0.05; done; fi
          echo "$SLIPWAY_ENV api $SLIPWAY_VERSION" >> calls.txt
  web:
    repo: repos/web
    depends_on: [api]
    deploy:
      script:
        apply: echo "$SLIPWAY_ENV web $SLIPWAY_VERSION" >> calls.txt
environments:
  dev:
    platform: {kind: script}
    components: [api, web]
    policy: {mode: auto, branch: main}
  staging:
    platform: {kind: script}
    components: [api, web]
    policy: {mode: manual, promote_from: dev}
roles:
  admin: [alice]
YAML
export SLIPWAY_USER=alice
unset SLIPWAY_MASTER_KEY
expect_exit 0 "$SLIPWAY" -C "$ws" run api
expect_exit 0 "$SLIPWAY" -C "$ws" run web
release=$("$SLIPWAY" -C "$ws" release create --from dev --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')

wait_for() {  # wait_for FILE: at most 30 s
  for _ in $(seq 600); do [[ -e $1 ]] && return 0; sleep 0.05; done
  die "$1 never appeared"
}

# interrupt_during SIGNAL OUT CMD...: starts CMD, sends SIGNAL once api's apply
# started, lets api finish, and expects CMD to exit 130 (output in OUT).
interrupt_during() {
  local signal=$1 out=$2 pid code; shift 2
  rm -f "$ws/started" "$ws/go"
  "$@" >"$out" 2>&1 &
  pid=$!
  wait_for "$ws/started"
  kill "-$signal" "$pid"
  sleep 0.3
  touch "$ws/go"
  set +e
  wait "$pid"
  code=$?
  set -e
  [[ $code == 130 ]] || die "'$*' interrupted by SIG$signal exited $code, expected 130: $(cat "$out")"
}

# SIGINT while api is being applied: api finishes, web never starts.
interrupt_during INT "$TMP/promote.out" "$SLIPWAY" -C "$ws" promote "$release" --to staging
expect_contains "$(cat "$TMP/promote.out")" "INTERRUPTED"
grep -q "staging api" "$ws/calls.txt" || die "the running component was not let finish: $(cat "$ws/calls.txt")"
! grep -q "staging web" "$ws/calls.txt" || die "a component started after the interrupt: $(cat "$ws/calls.txt")"
expect_exit 0 "$SLIPWAY" -C "$ws" history staging
expect_contains "$OUT" "interrupted"
expect_exit 0 "$SLIPWAY" -C "$ws" status --json
python3 -c 'import json,sys; d=json.load(sys.stdin); s=[e for e in d if e["environment"]=="staging"][0]; assert s["last_result"]=="interrupted", s' <<<"$OUT" ||
  die "status does not show the interrupted attempt: $OUT"

# The lock was released: the next promotion does not wait for it.
rm -f "$ws/started"
expect_exit 0 "$SLIPWAY" -C "$ws" promote "$release" --to staging --wait 0
expect_contains "$OUT" "applied"
grep -q "staging web" "$ws/calls.txt" || die "the second promotion did not apply web"

# SIGTERM during `apply`: the same rules.
interrupt_during TERM "$TMP/apply.out" "$SLIPWAY" -C "$ws" apply staging --version api=1.0.0-rc.1

# A holder killed outright (SIGKILL) is reported as not running and taken over.
rm -f "$ws/started" "$ws/go"
"$SLIPWAY" -C "$ws" apply staging --version api=1.0.0-rc.2 >"$TMP/killed.out" 2>&1 &
pid=$!
wait_for "$ws/started"
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
touch "$ws/go"
# lock list says the holder is dead; only a holder of permission lock may break it.
expect_exit 0 "$SLIPWAY" -C "$ws" lock list
expect_contains "$OUT" "env:staging  hotfix "
expect_contains "$OUT" "by alice, pid $pid on "
expect_contains "$OUT" "not running"
expect_exit 0 "$SLIPWAY" -C "$ws" rollback staging --to "$release" --wait 0 --as alice
expect_contains "$OUT" "took over the lock of staging held by hotfix "
expect_contains "$OUT" "(alice, pid $pid on"
expect_contains "$OUT" ": not running"

# lock break: a permission of its own (role admin by default), recorded in the history.
rm -f "$ws/started" "$ws/go"
"$SLIPWAY" -C "$ws" apply staging --version api=1.0.0-rc.3 >"$TMP/killed2.out" 2>&1 &
pid=$!
wait_for "$ws/started"
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
touch "$ws/go"
expect_exit 1 "$SLIPWAY" -C "$ws" lock break staging --as bob
expect_contains "$ERR" "bob may not break the lock of staging: needs permission lock, held by role admin (alice)"
expect_exit 0 "$SLIPWAY" -C "$ws" lock break staging --as alice
expect_contains "$OUT" "broke the lock of staging (hotfix "
expect_exit 0 "$SLIPWAY" -C "$ws" lock list
expect_contains "$OUT" "no locks held"
expect_exit 0 "$SLIPWAY" -C "$ws" history staging
expect_contains "$OUT" "lock.broken"
expect_contains "$OUT" "by alice"
