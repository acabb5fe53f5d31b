// The Store over one SQL connection (db.h), whichever backend: one object per
// concern, all sharing the connection and its transactions.
#pragma once

#include <memory>
#include <functional>
#include <span>
#include <string>

#include "core/clock.h"
#include "store/db.h"
#include "store/migrations.h"
#include "store/sql_deploy.h"
#include "store/sql_events.h"
#include "store/sql_locks.h"
#include "store/sql_meta.h"
#include "store/sql_releases.h"
#include "store/sql_runs.h"
#include "store/store.h"

namespace slipway::store {

class SqlStore final : public Store {
 public:
  // `known` is a checked list (open_store checks it first). Refuses a schema
  // newer than `known`'s last version without writing
  // anything, else applies the pending entries of `known` (in the connection's
  // dialect) in one transaction. `prepare_for_writes` runs between the two
  // (SQLite switches to WAL there: the first write to the file).
  // `connect` is what opened `db` (a path, or a URL with its password).
  static Result<std::unique_ptr<SqlStore>> open(std::unique_ptr<Db> db, std::string connect, const Clock& clock,
                                                std::span<const Migration> known,
                                                const std::function<Status()>& prepare_for_writes = {});

  MetaStore& meta() override { return m_meta; }
  EventLog& events() override { return m_events; }
  LockStore& locks() override { return m_locks; }
  ReleaseStore& releases() override { return m_releases; }
  DeployStore& deploys() override { return m_deploys; }
  RunStore& runs() override { return m_runs; }
  const std::string& location() const override { return m_db->location(); }
  Result<std::unique_ptr<Store>> open_another(const Clock& clock) const override;
  Status run_transaction(const std::function<Status()>& body) override { return m_db->transaction(body); }

 private:
  SqlStore(std::unique_ptr<Db> db, std::string connect, const Clock& clock)
      : m_db(std::move(db)),
        m_connect(std::move(connect)),
        m_meta(*m_db, clock),
        m_events(*m_db, clock),
        m_locks(*m_db, clock, m_events),
        m_releases(*m_db, clock),
        m_deploys(*m_db, clock),
        m_runs(*m_db) {}

  std::unique_ptr<Db> m_db;
  std::string m_connect;
  SqlMetaStore m_meta;
  SqlEventLog m_events;
  SqlLockStore m_locks;
  SqlReleaseStore m_releases;
  SqlDeployStore m_deploys;
  SqlRunStore m_runs;
};

// The path that opens a private, empty, in-memory SQLite database (no WAL).
inline constexpr const char* k_in_memory = ":memory:";

// Opens or creates the SQLite database at `path` (creating parent folders, the
// file private to its owner) in WAL mode.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path, const Clock& clock,
                                                 std::span<const Migration> known);

}  // namespace slipway::store
