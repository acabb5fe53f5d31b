#!/usr/bin/env bash
# slipway state copy --to: a team's SQLite state moved into PostgreSQL with
# every table's count checked, then used there as it was (status, history,
# secrets, promotions); and back into a new SQLite file, where every row is
# the original's. Refusals change nothing: no permission, a target that is
# not empty, an unreachable server (named without its password).
source "$(dirname "$0")/common.sh"
command -v sqlite3 >/dev/null || skip "sqlite3 is not installed"
pg_database
ws=$TMP/ws
for c in api web; do make_component_repo "$ws" "$c"; done
cat >"$ws/slipway.yaml" <<'YAML'
product: {name: tiny, version: "1.0"}
components:
  api:
    repo: repos/api
    deploy:
      script:
        apply: echo "$SLIPWAY_ENV api $SLIPWAY_VERSION" >> calls.txt
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
    secrets:
      db_password: {generate: {length: 24}}
roles:
  admin: [alice]
  qa: [quinn]
  dev: [bob]
YAML
export SLIPWAY_USER=alice
sw() { "$SLIPWAY" -C "$ws" "$@"; }
field() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval("d"+sys.argv[1]))' "$1"; }
expect_exit 0 sw run api
expect_exit 0 sw run web
expect_exit 0 sw release create --from dev --json
release=$(field '["id"]' <<<"$OUT")
expect_exit 0 sw approve "$release" --env staging --as quinn
expect_exit 0 sw promote "$release" --to staging
expect_exit 0 sw token create --user alice
db=$ws/.slipway/state.db
tables=$(sqlite3 "$db" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'locks' ORDER BY name")
counts() {  # counts: "table rows" for every table of the SQLite state $1
  for t in $tables; do echo "$t $(sqlite3 "$1" "SELECT count(*) FROM $t")"; done
}
expect_exit 0 sw secret show staging db_password --reveal
secret=$OUT
before=$(counts "$db")

# Refused: no permission; nothing is written anywhere.
expect_exit 1 sw state copy --to "$PG_URL" --as bob
expect_contains "$ERR" "bob may not copy the state to $PG_URL: needs permission state, held by role admin (alice)"
[[ $(pg_query "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'") == 0 ]] ||
  die "a refused copy wrote to the target"
# Refused: a server that does not answer, named without the password.
expect_exit 1 sw state copy --to "postgresql://alice:hunter2@127.0.0.1:1/nowhere?connect_timeout=2"
expect_contains "$ERR" "state database postgresql://alice@127.0.0.1:1/nowhere: cannot connect"
[[ $ERR != *hunter2* ]] || die "the password was printed: $ERR"
[[ $(counts "$db") == "$before" ]] || die "a refused copy changed the state: $(diff <(echo "$before") <(counts "$db"))"

# The copy: every table, counted again in the target.
expect_exit 0 sw state copy --to "$PG_URL"
expect_contains "$OUT" "every count checked"
for t in $tables; do
  want=$(sqlite3 "$db" "SELECT count(*) FROM $t")
  [[ $t == events ]] && want=$((want - 1))  # the source has recorded the copy since
  got=$(pg_query "SELECT count(*) FROM $t")
  [[ $t == events ]] && got=$((got - 1))
  [[ $got == "$want" ]] || die "table $t: $got rows in PostgreSQL, $want in SQLite"
done
[[ $(pg_query "SELECT count(*) FROM events WHERE kind = 'state.copied' AND actor = 'alice'") == 1 ]] ||
  die "the copy is not recorded in the target"
# Refused: the target is no longer empty.
expect_exit 2 sw state copy --to "$PG_URL"
expect_contains "$ERR" "is not empty"

# The state in PostgreSQL works as the SQLite one did.
pg() { SLIPWAY_STATE_ROOT=$ws/.slipway "$SLIPWAY" -C "$ws" --state "$PG_URL" "$@"; }
expect_exit 0 sw status --json
local_status=$OUT
expect_exit 0 pg status --json
[[ $OUT == "$local_status" ]] || die "status differs after the copy: $OUT vs $local_status"
expect_exit 0 pg secret show staging db_password --reveal
[[ $OUT == "$secret" ]] || die "the secret reads differently after the copy"
expect_exit 0 pg history staging
expect_contains "$OUT" "$release"
# The artifacts moved too, into the database: a host with an empty state root reads them.
[[ $(pg_query "SELECT count(*) FROM blobs") -ge 3 ]] || die "no blobs in PostgreSQL"
SLIPWAY_STATE_ROOT=$TMP/elsewhere expect_exit 0 "$SLIPWAY" -C "$ws" --state "$PG_URL" artifact get api --run 1 --to "$TMP/got"
[[ $(cat "$TMP/got/api.txt") == api ]] || die "the artifact read from PostgreSQL differs: $(ls -R "$TMP/got")"
expect_exit 0 pg logs "$(pg_query "SELECT id FROM runs ORDER BY seq LIMIT 1")"
echo "fix" >>"$ws/repos/api/README" && git -C "$ws/repos/api" add . && git -C "$ws/repos/api" commit -qm "fix: api"
expect_exit 0 pg run api --json
run=$(field '["id"]' <<<"$OUT")
# Its step logs went to PostgreSQL's blob store too: another host (an empty state root) reads them.
[[ $(pg_query "SELECT count(*) FROM step_logs WHERE run_id = '$run'") -ge 1 ]] || die "no step log recorded for run $run"
expect_exit 0 pg logs "$run"
here=$OUT
SLIPWAY_STATE_ROOT=$TMP/other-host expect_exit 0 "$SLIPWAY" -C "$ws" --state "$PG_URL" logs "$run"
[[ $OUT == "$here" && -n $OUT ]] || die "the logs read on another host differ: $OUT vs $here"
compgen -G "$TMP/other-host/runs/$run/logs/*/*.log.gz" >/dev/null || die "the other host did not fetch the log from the blob store"
expect_exit 0 pg release create --from dev --json
second=$(field '["id"]' <<<"$OUT")
expect_exit 0 pg approve "$second" --env staging --as quinn
expect_exit 0 pg promote "$second" --to staging
expect_contains "$OUT" "applied"

# And back into a new SQLite file: every row of every table as PostgreSQL has it.
expect_exit 0 pg state copy --to "$TMP/back.db" --json
[[ $(field '["tables"]["releases"]' <<<"$OUT") == $(pg_query "SELECT count(*) FROM releases") ]] || die "the copy back lacks releases: $OUT"
for t in $tables; do
  [[ $t == events ]] && continue  # each side recorded the copy back since
  want=$(pg_query "SELECT count(*) FROM $t")
  got=$(sqlite3 "$TMP/back.db" "SELECT count(*) FROM $t")
  [[ $got == "$want" ]] || die "table $t: $got rows back in SQLite, $want in PostgreSQL"
done
for q in "SELECT id, created_by, body FROM releases ORDER BY seq" \
         "SELECT environment, name, sealed, generation FROM deploy_secrets ORDER BY environment, name" \
         "SELECT release, environment, actor, time_ms FROM approvals ORDER BY seq"; do
  [[ $(sqlite3 "$TMP/back.db" "$q") == "$(pg_query "$q")" ]] || die "rows differ after the round trip: $q"
done
[[ $(sqlite3 "$TMP/back.db" "SELECT id, kind, detail FROM events WHERE id <= 5 ORDER BY id") == \
   "$(sqlite3 "$db" "SELECT id, kind, detail FROM events WHERE id <= 5 ORDER BY id")" ]] ||
  die "the first events differ after the round trip"
