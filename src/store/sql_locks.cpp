// Leases in the `locks` table; the protocol and why it is a lease are in migrations.cpp.
#include "store/sql_locks.h"

#include "core/hash.h"
#include "core/host.h"

namespace slipway::store {

namespace {

constexpr const char* k_lease_columns =
    "resource, token, holder, actor, owner_pid, owner_host, acquired_ms, heartbeat_ms, expires_ms";

Lease lease_from(const Statement& row) {
  Lease lease;
  lease.resource = row.column_text(0);
  lease.token = row.column_text(1);
  lease.holder = row.column_text(2);
  lease.actor = row.column_text(3);
  lease.owner_pid = static_cast<long>(row.column_int(4));
  lease.owner_host = row.column_text(5);
  lease.acquired = from_epoch_ms(row.column_int(6));
  lease.heartbeat = from_epoch_ms(row.column_int(7));
  lease.expires = from_epoch_ms(row.column_int(8));
  return lease;
}

nlohmann::json lease_json(const Lease& lease) {
  return {{"holder", lease.holder},
          {"actor", lease.actor},
          {"pid", lease.owner_pid},
          {"host", lease.owner_host},
          {"acquired", format_utc(lease.acquired)},
          {"heartbeat", format_utc(lease.heartbeat)},
          {"expires", format_utc(lease.expires)}};
}

// "run 43 (bob, pid 12 on host-a)"
std::string describe(const Lease& lease) {
  return lease.holder + " (" + lease.actor + ", pid " + std::to_string(lease.owner_pid) + " on " +
         lease.owner_host + ")";
}

Status check_ttl(const std::string& resource, Millis ttl) {
  if (ttl.count() < 0)
    return fail(ErrorCode::invalid_input, "lock " + resource + ": negative lease time");
  return {};
}

}  // namespace

Result<std::optional<Lease>> SqlLockStore::current(const std::string& resource) {
  Result<Statement> query = m_db.prepare(std::string("SELECT ") + k_lease_columns +
                                         " FROM locks WHERE resource = ?1");
  if (!query) return std::unexpected(query.error());
  query->bind(1, resource);
  Result<bool> row = query->step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<Lease>();
  return std::optional<Lease>(lease_from(*query));
}

Result<std::vector<Lease>> SqlLockStore::list() {
  Result<Statement> query =
      m_db.prepare(std::string("SELECT ") + k_lease_columns + " FROM locks ORDER BY resource");
  if (!query) return std::unexpected(query.error());
  std::vector<Lease> leases;
  for (;;) {
    Result<bool> row = query->step();
    if (!row) return std::unexpected(row.error());
    if (!*row) break;
    leases.push_back(lease_from(*query));
  }
  return leases;
}

Result<LockAttempt> SqlLockStore::try_acquire(const std::string& resource,
                                                 const LockOwner& owner, Millis ttl) {
  if (Status s = check_ttl(resource, ttl); !s) return std::unexpected(s.error());
  LockAttempt attempt;
  Status status = m_db.transaction([&]() -> Status {
    const TimePoint now = m_clock.now();
    Result<std::optional<Lease>> existing = current(resource);
    if (!existing) return std::unexpected(existing.error());
    std::string takeover_reason = "its lease expired";
    if (*existing && (*existing)->expires >= now) {
      if (!holder_is_gone(**existing)) {  // a live lease: not ours to take
        attempt.lease = **existing;
        return {};
      }
      takeover_reason = "not running";
    }
    Lease lease{.resource = resource,
                .token = {},
                .holder = owner.holder,
                .actor = owner.actor,
                .owner_pid = current_pid(),
                .owner_host = host_name(),
                .acquired = now,
                .heartbeat = now,
                .expires = now + ttl};
    Result<Statement> upsert = m_db.prepare(
        "INSERT INTO locks (resource, token, holder, actor, owner_pid, owner_host, acquired_ms, "
        "heartbeat_ms, expires_ms) VALUES (?1, ?8, ?2, ?3, ?4, ?5, ?6, ?6, ?7) "
        "ON CONFLICT (resource) DO UPDATE SET token = excluded.token, holder = excluded.holder, "
        "actor = excluded.actor, owner_pid = excluded.owner_pid, owner_host = excluded.owner_host, "
        "acquired_ms = excluded.acquired_ms, heartbeat_ms = excluded.heartbeat_ms, "
        "expires_ms = excluded.expires_ms RETURNING token");
    if (!upsert) return std::unexpected(upsert.error());
    upsert->bind(1, resource)
        .bind(2, lease.holder)
        .bind(3, lease.actor)
        .bind(4, static_cast<std::int64_t>(lease.owner_pid))
        .bind(5, lease.owner_host)
        .bind(6, to_epoch_ms(now))
        .bind(7, to_epoch_ms(lease.expires))
        .bind(8, random_hex(16));
    Result<bool> row = upsert->step();
    if (!row) return std::unexpected(row.error());
    lease.token = upsert->column_text(0);
    if (Status s = upsert->run(); !s) return s;

    if (*existing) {
      nlohmann::json detail = lease_json(lease);
      detail["previous"] = lease_json(**existing);
      detail["reason"] = takeover_reason;
      Result<std::int64_t> recorded = m_events.append(
          NewEvent{.actor = owner.actor, .kind = "lock.takeover", .subject = resource, .detail = detail});
      if (!recorded) return std::unexpected(recorded.error());
      attempt.taken_over_from = **existing;
      attempt.takeover_reason = takeover_reason;
    }
    attempt.acquired = true;
    attempt.lease = std::move(lease);
    return {};
  });
  if (!status) return std::unexpected(status.error());
  return attempt;
}

Result<Lease> SqlLockStore::heartbeat(const Lease& lease, Millis ttl) {
  if (Status s = check_ttl(lease.resource, ttl); !s) return std::unexpected(s.error());
  Lease renewed = lease;
  Status status = m_db.transaction([&]() -> Status {
    const TimePoint now = m_clock.now();
    Result<Statement> update = m_db.prepare(
        "UPDATE locks SET heartbeat_ms = CASE WHEN ?3 > acquired_ms THEN ?3 ELSE acquired_ms END, "
        "expires_ms = CASE WHEN ?4 > acquired_ms THEN ?4 ELSE acquired_ms END "
        "WHERE resource = ?1 AND token = ?2");
    if (!update) return std::unexpected(update.error());
    update->bind(1, lease.resource)
        .bind(2, lease.token)
        .bind(3, to_epoch_ms(now))
        .bind(4, to_epoch_ms(now + ttl));
    if (Status s = update->run(); !s) return s;
    if (m_db.changes() == 0) {
      Result<std::optional<Lease>> now_held = current(lease.resource);
      if (!now_held) return std::unexpected(now_held.error());
      return fail(ErrorCode::conflict,
                  "lock " + lease.resource + ": no longer held by " + lease.holder +
                      (*now_held ? "; now held by " + describe(**now_held) : "; it was released"));
    }
    renewed.heartbeat = std::max(now, lease.acquired);
    renewed.expires = std::max(now + ttl, lease.acquired);
    return {};
  });
  if (!status) return std::unexpected(status.error());
  return renewed;
}

Status SqlLockStore::release(const Lease& lease) {
  return m_db.transaction([&]() -> Status {
    Result<Statement> remove = m_db.prepare("DELETE FROM locks WHERE resource = ?1 AND token = ?2");
    if (!remove) return std::unexpected(remove.error());
    remove->bind(1, lease.resource).bind(2, lease.token);
    if (Status s = remove->run(); !s) return s;
    if (m_db.changes() > 0) return {};
    Result<std::optional<Lease>> now_held = current(lease.resource);
    if (!now_held) return std::unexpected(now_held.error());
    return fail(ErrorCode::conflict,
                "lock " + lease.resource + ": no longer held by " + lease.holder +
                    (*now_held ? "; now held by " + describe(**now_held) : "; it was released"));
  });
}

}  // namespace slipway::store
