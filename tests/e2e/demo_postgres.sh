#!/usr/bin/env bash
# The demo's whole flow (scripts/demo.sh --check: builds, dev, staging,
# approvals, production, rollback, secrets, services, and slipway serve with
# the CLI through --server) with its state in PostgreSQL instead of SQLite.
source "$(dirname "$0")/common.sh"
pg_database
export SLIPWAY_STATE=$PG_URL TMPDIR=$TMP
SLIPWAY=$SLIPWAY bash "$SLIPWAY_SOURCE_DIR/scripts/demo.sh" --check >"$TMP/demo.out" 2>&1 ||
  die "the demo failed on PostgreSQL: $(tail -30 "$TMP/demo.out")"
expect_contains "$(cat "$TMP/demo.out")" "demo-check: every step worked"
# What it did is in the database, and nothing went to a SQLite file.
[[ $(pg_query "SELECT count(*) FROM events WHERE kind = 'release.applied'") -ge 4 ]] ||
  die "PostgreSQL holds no applies: $(pg_query "SELECT kind, count(*) FROM events GROUP BY kind")"
[[ $(pg_query "SELECT count(*) FROM runs WHERE result = 'succeeded'") -ge 5 ]] || die "PostgreSQL holds no builds"
[[ $(pg_query "SELECT count(*) FROM approvals") -ge 1 ]] || die "PostgreSQL holds no approvals"
! find "$TMP" -name 'state.db*' | grep -q . || die "a SQLite state was made: $(find "$TMP" -name 'state.db*')"
