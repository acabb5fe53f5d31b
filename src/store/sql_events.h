// EventLog in SQL (either backend, db.h): the append-only `events` table.
#pragma once

#include "core/clock.h"
#include "store/db.h"
#include "store/store.h"

namespace slipway::store {

class SqlEventLog final : public EventLog {
 public:
  SqlEventLog(Db& db, const Clock& clock) : m_db(db), m_clock(clock) {}

  Result<std::int64_t> append(const NewEvent& event) override;
  Result<std::vector<Event>> list(const EventFilter& filter) override;

 private:
  Db& m_db;
  const Clock& m_clock;
};

}  // namespace slipway::store
