#!/usr/bin/env bash
# Two `slipway serve` on one PostgreSQL database, as two hosts of a team's
# server would run, and the delivery flow through them: builds on their run
# slots, releases, a QA approval, promotions sent to both at once (they hold
# the environment's lock one at a time and every one is in the history), a
# rollback, status and history read from either; a serve SIGKILLed in the
# middle of an apply, on another host (its own UTS namespace, so its pid
# cannot be checked from here), is taken over only once its lease expired.
source "$(dirname "$0")/common.sh"
command -v curl >/dev/null || skip "curl is not installed"
pg_database
ws=$TMP/ws
for c in api web; do make_component_repo "$ws" "$c"; done
# staging's api apply fails if another apply is inside (mkdir is atomic), and
# waits for the test's go-ahead while $ws/hold exists.
cat >"$ws/slipway.yaml" <<'YAML'
product: {name: tiny, version: "1.0"}
components:
  api:
    repo: repos/api
    deploy:
      script:
        apply: |
          if [ "$SLIPWAY_ENV" = staging ]; then
            mkdir inside || { echo "two applies at once" >&2; exit 3; }
            touch started
            while [ -e hold ] && [ ! -e go ]; do sleep 0.05; done
            sleep 0.2
            rmdir inside
          fi
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
    policy: {mode: manual, promote_from: dev, approvals: [{role: qa, count: 1}]}
roles:
  admin: [alice]
  qa: [quinn]
YAML
export SLIPWAY_STATE=$PG_URL SLIPWAY_USER=alice
unset SLIPWAY_SERVER SLIPWAY_TOKEN
sw() { "$SLIPWAY" -C "$ws" "$@"; }
field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }
expect_exit 0 sw token create --user quinn --as alice
quinn=$OUT
expect_exit 0 sw token create --user alice --as alice
export SLIPWAY_TOKEN=$OUT

# start_host NAME [WRAPPER...]: a serve with its own state folder; sets url_NAME and pid_NAME.
start_host() {
  local name=$1 out=$TMP/serve-$1.out; shift
  SLIPWAY_STATE_ROOT=$TMP/$name "$@" "$SLIPWAY" -C "$ws" serve --listen 127.0.0.1:0 >"$out" 2>&1 &
  local pid=$!
  on_exit "kill $pid 2>/dev/null"
  for _ in $(seq 300); do grep -qs "listening on" "$out" && break; sleep 0.1; done
  grep -qs "listening on" "$out" || die "serve $name did not listen: $(cat "$out")"
  printf -v "url_$name" '%s' "$(grep -o 'http://[^ ]*' "$out" | sed 's|/api/v1$||')"
  printf -v "pid_$name" '%s' "$pid"
}
start_host a
start_host b

# Builds on the serves' run slots (dev follows each), releases, QA's approvals.
expect_exit 0 sw --server "$url_a" run api
expect_exit 0 sw --server "$url_b" run web
expect_exit 0 sw --server "$url_b" release create --from dev --json
first=$(field '["id"]' <<<"$OUT")
echo "fix" >>"$ws/repos/api/README" && git -C "$ws/repos/api" add . && git -C "$ws/repos/api" commit -qm "fix: api"
expect_exit 0 sw --server "$url_b" run api
expect_exit 0 sw --server "$url_a" release create --from dev --json
second=$(field '["id"]' <<<"$OUT")
[[ $first != "$second" ]] || die "the second build made no new release"
expect_exit 1 sw --server "$url_a" promote "$first" --to staging --wait 0
expect_contains "$ERR" "approval"
for release in "$first" "$second"; do
  SLIPWAY_TOKEN=$quinn expect_exit 0 sw --server "$url_b" approve "$release" --env staging
done

# Six promotions at once, three to each serve: one holder at a time, none lost.
pids=()
for i in 1 2 3 4 5 6; do
  server=$url_a; release=$first
  ((i % 2)) && server=$url_b
  ((i > 3)) && release=$second
  sw --server "$server" promote "$release" --to staging --wait 120 >"$TMP/promote-$i.out" 2>&1 &
  pids+=($!)
done
for i in "${!pids[@]}"; do
  wait "${pids[i]}" || die "promotion $((i + 1)) failed: $(cat "$TMP/promote-$((i + 1)).out")"
done
[[ ! -e $ws/inside ]] || die "an apply did not finish"
applied=$(pg_query "SELECT count(*) FROM events WHERE kind = 'release.applied' AND subject = 'env:staging'")
[[ $applied == 6 ]] || die "history holds $applied applies to staging, expected 6: $(pg_query "SELECT kind, subject FROM events")"
expect_exit 0 sw --server "$url_a" history staging
[[ $(grep -c "by alice" <<<"$OUT") -ge 6 ]] || die "history through serve a lacks applies: $OUT"
expect_exit 0 sw --server "$url_b" rollback staging --wait 60
expect_contains "$OUT" "to staging: applied"
expect_exit 0 sw --server "$url_a" status --json
status_a=$OUT
expect_exit 0 sw --server "$url_b" status --json
[[ $OUT == "$status_a" ]] || die "the two serves disagree on status: $OUT vs $status_a"

# A serve on another host SIGKILLed mid-apply: its lock stays until its lease runs out.
if ! unshare -u true 2>/dev/null; then
  echo "cannot make a UTS namespace here (needs root): the other-host takeover is not checked" >&2
  exit 0
fi
kill "$pid_a"
touch "$ws/hold"
rm -f "$ws/started" "$ws/go"
start_host c unshare -u sh -c 'hostname slipway-host-c && exec "$@"' sh
sw --server "$url_c" apply staging --version api=0.0.0-rc.1 --wait 10 >"$TMP/killed.out" 2>&1 &
client=$!
for _ in $(seq 600); do [[ -e $ws/started ]] && break; sleep 0.05; done
[[ -e $ws/started ]] || die "the apply on host c never started: $(cat "$TMP/killed.out" "$TMP/serve-c.out")"
kill -KILL "$pid_c"
wait "$client" 2>/dev/null || true
rm -f "$ws/hold"
rmdir "$ws/inside"
expect_exit 0 sw lock list
expect_contains "$OUT" "on slipway-host-c"
! grep -q "not running" <<<"$OUT" || die "a holder on another host was judged by its pid here: $OUT"
# Before the lease ends: refused, naming the holder.
expect_exit 1 sw --server "$url_b" promote "$first" --to staging --wait 0
expect_contains "$ERR" "env:staging is locked by hotfix"
# Waiting: taken over once the lease expired, and recorded.
expect_exit 0 sw --server "$url_b" promote "$first" --to staging --wait 60
expect_contains "$OUT" "its lease expired"
[[ $(pg_query "SELECT count(*) FROM events WHERE kind = 'lock.takeover' AND detail::jsonb->'previous'->>'host' = 'slipway-host-c'") == 1 ]] ||
  die "the takeover is not recorded: $(pg_query "SELECT detail FROM events WHERE kind = 'lock.takeover'")"
