// The SQLite backend of Store: one connection, one object per concern.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "core/clock.h"
#include "store/migrations.h"
#include "store/sqlite_db.h"
#include "store/sqlite_deploy.h"
#include "store/sqlite_events.h"
#include "store/sqlite_locks.h"
#include "store/sqlite_meta.h"
#include "store/sqlite_releases.h"
#include "store/sqlite_runs.h"
#include "store/store.h"

namespace slipway::store {

class SqliteStore final : public Store {
 public:
  // The path that opens a private, empty, in-memory database (no WAL).
  static constexpr const char* k_in_memory = ":memory:";

  // Opens or creates the database at `path` (creating parent folders), refuses
  // a schema newer than `known`'s last version without writing anything, else
  // switches to WAL and applies the pending entries of `known` in one
  // transaction. Tests pass a prefix of migrations() to build old databases.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path, const Clock& clock,
                                                   std::span<const Migration> known = migrations());

  MetaStore& meta() override { return m_meta; }
  EventLog& events() override { return m_events; }
  LockStore& locks() override { return m_locks; }
  ReleaseStore& releases() override { return m_releases; }
  DeployStore& deploys() override { return m_deploys; }
  RunStore& runs() override { return m_runs; }
  const std::string& location() const override { return m_db->path(); }
  Status run_transaction(const std::function<Status()>& body) override {
    return m_db->transaction(body);
  }

 private:
  SqliteStore(std::unique_ptr<SqliteDb> db, const Clock& clock)
      : m_db(std::move(db)),
        m_meta(*m_db, clock),
        m_events(*m_db, clock),
        m_locks(*m_db, clock, m_events),
        m_releases(*m_db, clock),
        m_deploys(*m_db, clock),
        m_runs(*m_db) {}

  std::unique_ptr<SqliteDb> m_db;
  SqliteMetaStore m_meta;
  SqliteEventLog m_events;
  SqliteLockStore m_locks;
  SqliteReleaseStore m_releases;
  SqliteDeployStore m_deploys;
  SqliteRunStore m_runs;
};

}  // namespace slipway::store
