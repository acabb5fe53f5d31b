// The schema of the state database, as an ordered list of migrations.
//
// Why SQLite, in WAL mode. slipway runs on a laptop with no server; SQLite is
// one file, transactional, and survives `kill -9` at any instant: a
// transaction is either wholly in the file (or its write-ahead log) or not at
// all. Write-ahead logging lets readers (a `slipway status`, the dashboard)
// read while a writer commits, and makes a commit one sequential append.
// synchronous=NORMAL: a killed process never loses a committed transaction; a
// power cut may lose the last few commits, never consistency. Writers take the
// write lock up front (BEGIN IMMEDIATE) and wait up to busy_timeout for it.
// PostgreSQL (a later backend) gets the same tables in its own dialect.
//
// How migrations work. Each entry moves the schema from version N-1 to N.
// open applies every pending entry, and records each in `schema_migrations`
// and the result in meta('schema_version'), all inside ONE transaction: a
// crash mid-migration leaves the old version intact, and two processes opening
// an old database at once migrate it once (the second re-reads the version
// under the write lock and finds nothing to do). A database at a version
// beyond this list is refused before anything is written. Released entries
// are never edited; changes come as new entries (ALTER TABLE, or create-copy-
// drop-rename for what SQLite cannot alter). The one exception is a reserved
// number (`placeholder = true`): it is applied as nothing and remembered in
// meta('placeholder:N'); when its real entry lands, open runs it on every
// database that only has the placeholder, even one already at a later version.
//
// Invariants.
// - Times are INTEGER milliseconds since the Unix epoch, UTC (`*_ms` columns).
// - JSON columns hold valid JSON (CHECK json_valid).
// - `events` is append-only: triggers refuse UPDATE and DELETE. Its ids come
//   from AUTOINCREMENT, so they only grow and are never reused: a reader can
//   tail it with "id > last seen".
// - A lock row exists exactly while someone holds, or last held and did not
//   release, the resource; its `token` changes on every acquisition, so a
//   holder that lost its lease cannot heartbeat or release the new holder's.
//
// How locks work, and why leases. A lock is a row (resource, token, holder,
// owner pid/host, acquired, heartbeat, expires). try_acquire runs in one
// BEGIN IMMEDIATE transaction: no row -> insert; a row whose `expires` has
// passed -> replace it and append a "lock.takeover" event (same transaction);
// otherwise report the live holder. The holder heartbeats to push `expires`
// forward. Leases rather than OS file locks or "pid alive" checks because the
// holder may be on another machine (remote agents, PostgreSQL shared by many
// hosts), pids are reused, and a hung process must lose its lock too: the only
// thing every participant can check is the time a lease runs out.
#include "store/migrations.h"

#include <array>

namespace slipway::store {

namespace {

constexpr std::array k_migrations{
    Migration{
        .version = 1,
        .name = "meta and event history",
        .sqlite = R"sql(
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE events (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  at_ms   INTEGER NOT NULL,
  actor   TEXT NOT NULL,
  kind    TEXT NOT NULL,
  subject TEXT NOT NULL,
  detail  TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(detail))
) STRICT;
CREATE INDEX events_by_subject ON events (subject, id);
CREATE INDEX events_by_kind ON events (kind, id);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
)sql",
    },
    Migration{
        .version = 2,
        .name = "locks as leases",
        .sqlite = R"sql(
CREATE TABLE locks (
  resource     TEXT PRIMARY KEY,
  token        TEXT NOT NULL,
  holder       TEXT NOT NULL,
  actor        TEXT NOT NULL,
  owner_pid    INTEGER NOT NULL,
  owner_host   TEXT NOT NULL,
  acquired_ms  INTEGER NOT NULL,
  heartbeat_ms INTEGER NOT NULL,
  expires_ms   INTEGER NOT NULL,
  CHECK (heartbeat_ms >= acquired_ms AND expires_ms >= heartbeat_ms)
) STRICT;
)sql",
    },
    Migration{
        .version = 3,
        .name = "settings and counters",
        .sqlite = R"sql(
CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_ms INTEGER NOT NULL
) STRICT;

CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL CHECK (value >= 0)
) STRICT;
)sql",
    },
    // Reserved slots, so engineers working at once never take the same number;
    // each is replaced by its concern's tables when that concern lands (drop
    // `.placeholder`; databases that recorded the placeholder then run it).
    Migration{
        .version = 4,
        .name = "runs",
        .sqlite = R"sql(
CREATE TABLE runs (
  seq          INTEGER PRIMARY KEY AUTOINCREMENT,
  id           TEXT NOT NULL UNIQUE,
  pipeline     TEXT NOT NULL,
  build_number TEXT NOT NULL DEFAULT '',
  branch       TEXT NOT NULL DEFAULT '',
  commit_sha   TEXT NOT NULL DEFAULT '',
  state        TEXT NOT NULL CHECK (state IN ('running', 'finished')),
  result       TEXT NOT NULL,
  reason       TEXT NOT NULL DEFAULT '',
  retry_of     TEXT NOT NULL DEFAULT '',
  owner_pid    INTEGER NOT NULL DEFAULT 0,
  owner_host   TEXT NOT NULL DEFAULT '',
  start_ms     INTEGER NOT NULL DEFAULT 0,
  finish_ms    INTEGER NOT NULL DEFAULT 0,
  document     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(document))
) STRICT;
CREATE INDEX runs_by_pipeline ON runs (pipeline, seq);
CREATE INDEX runs_by_state ON runs (state);

CREATE TABLE run_jobs (
  run_id    TEXT NOT NULL REFERENCES runs (id),
  job_id    TEXT NOT NULL,
  seq       INTEGER NOT NULL,
  stage     TEXT NOT NULL,
  result    TEXT NOT NULL,
  reason    TEXT NOT NULL DEFAULT '',
  start_ms  INTEGER NOT NULL DEFAULT 0,
  finish_ms INTEGER NOT NULL DEFAULT 0,
  outputs   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(outputs)),
  PRIMARY KEY (run_id, job_id)
) STRICT;

CREATE TABLE run_steps (
  run_id       TEXT NOT NULL,
  job_id       TEXT NOT NULL,
  idx          INTEGER NOT NULL,
  name         TEXT NOT NULL DEFAULT '',
  display_name TEXT NOT NULL DEFAULT '',
  result       TEXT NOT NULL,
  reason       TEXT NOT NULL DEFAULT '',
  start_ms     INTEGER NOT NULL DEFAULT 0,
  finish_ms    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, job_id, idx),
  FOREIGN KEY (run_id, job_id) REFERENCES run_jobs (run_id, job_id)
) STRICT;

CREATE TABLE run_artifacts (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id     TEXT NOT NULL,
  job_id     TEXT NOT NULL,
  name       TEXT NOT NULL,
  digest     TEXT NOT NULL,
  size       INTEGER NOT NULL CHECK (size >= 0),
  files      INTEGER NOT NULL CHECK (files >= 0),
  component  TEXT NOT NULL DEFAULT '',
  version    TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  UNIQUE (run_id, name)
) STRICT;
CREATE INDEX run_artifacts_by_digest ON run_artifacts (digest);

CREATE TABLE run_triggers (
  key     TEXT PRIMARY KEY,
  run_id  TEXT NOT NULL DEFAULT '',
  seen_ms INTEGER NOT NULL
) STRICT;
)sql",
    },
    Migration{
        .version = 5,
        .name = "releases",
        .sqlite = R"sql(
CREATE TABLE component_versions (
  component       TEXT NOT NULL,
  version         TEXT NOT NULL,
  artifact_digest TEXT NOT NULL,
  run_id          TEXT NOT NULL DEFAULT '',
  branch          TEXT NOT NULL DEFAULT '',
  created_ms      INTEGER NOT NULL,
  PRIMARY KEY (component, version)
) STRICT;

CREATE TABLE releases (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  id         TEXT NOT NULL UNIQUE,
  created_by TEXT NOT NULL,
  created_ms INTEGER NOT NULL,
  body       TEXT NOT NULL CHECK (json_valid(body))
) STRICT;
CREATE TRIGGER releases_no_update BEFORE UPDATE ON releases
BEGIN SELECT RAISE(ABORT, 'releases are immutable'); END;

CREATE TABLE approvals (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  release     TEXT NOT NULL REFERENCES releases (id),
  environment TEXT NOT NULL,
  actor       TEXT NOT NULL,
  time_ms     INTEGER NOT NULL,
  UNIQUE (release, environment, actor)
) STRICT;

CREATE TABLE environment_state (
  environment     TEXT PRIMARY KEY,
  release         TEXT NOT NULL DEFAULT '',
  product_version TEXT NOT NULL DEFAULT '',
  last_release    TEXT NOT NULL DEFAULT '',
  last_result     TEXT NOT NULL DEFAULT '',
  last_actor      TEXT NOT NULL DEFAULT '',
  updated_ms      INTEGER NOT NULL,
  extra           TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(extra))
) STRICT;
)sql",
    },
    Migration{
        .version = 6,
        .name = "deployments and secrets",
        .sqlite = R"sql(
CREATE TABLE deploy_applied (
  environment   TEXT NOT NULL,
  target        TEXT NOT NULL,
  version       TEXT NOT NULL,
  digest        TEXT NOT NULL,
  config_digest TEXT NOT NULL,
  config        TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(config)),
  driver_data   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(driver_data)),
  updated_ms    INTEGER NOT NULL,
  PRIMARY KEY (environment, target)
) STRICT;

CREATE TABLE deploy_secrets (
  environment TEXT NOT NULL,
  name        TEXT NOT NULL,
  sealed      TEXT NOT NULL,
  generation  INTEGER NOT NULL CHECK (generation >= 1),
  created_ms  INTEGER NOT NULL,
  rotated_ms  INTEGER NOT NULL,
  PRIMARY KEY (environment, name)
) STRICT;

CREATE TABLE deploy_runs (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  environment TEXT NOT NULL,
  actor       TEXT NOT NULL,
  release     TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  started_ms  INTEGER NOT NULL,
  finished_ms INTEGER
) STRICT;
CREATE INDEX deploy_runs_by_env ON deploy_runs (environment, id);

CREATE TABLE deploy_steps (
  run_id  INTEGER NOT NULL REFERENCES deploy_runs (id),
  seq     INTEGER NOT NULL,
  target  TEXT NOT NULL,
  action  TEXT NOT NULL,
  status  TEXT NOT NULL,
  message TEXT NOT NULL,
  at_ms   INTEGER NOT NULL,
  PRIMARY KEY (run_id, seq)
) STRICT;
)sql",
    },
    Migration{
        .version = 7,
        .name = "ref heads",
        .sqlite = R"sql(
CREATE TABLE ref_heads (
  key        TEXT PRIMARY KEY,
  sha        TEXT NOT NULL,
  updated_ms INTEGER NOT NULL
) STRICT;
)sql",
    },
    Migration{
        .version = 8,
        .name = "run cancel requests",
        .sqlite = R"sql(
CREATE TABLE run_cancels (
  run_id       TEXT PRIMARY KEY REFERENCES runs (id),
  actor        TEXT NOT NULL,
  requested_ms INTEGER NOT NULL
) STRICT;
)sql",
    },
    Migration{
        .version = 9,
        .name = "api tokens",
        // Only a hash of each token: a copy of the database grants no access.
        .sqlite = R"sql(
CREATE TABLE api_tokens (
  hash       TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_ms INTEGER NOT NULL
) STRICT;
)sql",
    },
    Migration{
        .version = 10,
        .name = "api token prefix, expiry, read-only, last use, revocation",
        // `prefix` names a token in `token list|revoke` without revealing it
        // ("slw_" + its first 8 hex digits; 224 secret bits remain). Tokens
        // made before it have no known prefix: they get "legacy-" + 8 hex
        // digits of their hash, which says nothing of the token either.
        // `last_used_ms` is kept to the minute (service/tokens.cpp).
        .sqlite = R"sql(
ALTER TABLE api_tokens ADD COLUMN prefix TEXT NOT NULL DEFAULT '';
UPDATE api_tokens SET prefix = 'legacy-' || substr(hash, 1, 8);
CREATE UNIQUE INDEX api_tokens_by_prefix ON api_tokens (prefix);
ALTER TABLE api_tokens ADD COLUMN expires_ms INTEGER;
ALTER TABLE api_tokens ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1));
ALTER TABLE api_tokens ADD COLUMN last_used_ms INTEGER;
ALTER TABLE api_tokens ADD COLUMN revoked_ms INTEGER;
ALTER TABLE api_tokens ADD COLUMN revoked_by TEXT NOT NULL DEFAULT '';
)sql",
    },
};

}  // namespace

std::span<const Migration> migrations() { return k_migrations; }

}  // namespace slipway::store
