// EventLog on SQLite: the append-only `events` table.
#pragma once

#include "core/clock.h"
#include "store/sqlite_db.h"
#include "store/store.h"

namespace slipway::store {

class SqliteEventLog final : public EventLog {
 public:
  SqliteEventLog(SqliteDb& db, const Clock& clock) : m_db(db), m_clock(clock) {}

  Result<std::int64_t> append(const NewEvent& event) override;
  Result<std::vector<Event>> list(const EventFilter& filter) override;

 private:
  SqliteDb& m_db;
  const Clock& m_clock;
};

}  // namespace slipway::store
