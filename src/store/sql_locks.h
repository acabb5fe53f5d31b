// LockStore in SQL (either backend, db.h): leases in the `locks` table (design in migrations.cpp).
#pragma once

#include "core/clock.h"
#include "store/db.h"
#include "store/store.h"

namespace slipway::store {

class SqlLockStore final : public LockStore {
 public:
  // `events` records takeovers; it must outlive this object.
  SqlLockStore(Db& db, const Clock& clock, EventLog& events)
      : m_db(db), m_clock(clock), m_events(events) {}

  Result<LockAttempt> try_acquire(const std::string& resource, const LockOwner& owner,
                                  Millis ttl) override;
  Result<Lease> heartbeat(const Lease& lease, Millis ttl) override;
  Status release(const Lease& lease) override;
  Result<std::optional<Lease>> current(const std::string& resource) override;
  Result<std::vector<Lease>> list() override;

 private:
  Db& m_db;
  const Clock& m_clock;
  EventLog& m_events;
};

}  // namespace slipway::store
