#include "cli/leases.h"

#include "core/host.h"

namespace slipway::cli {

Result<store::LockAttempt> acquire_lease(store::Store& store, const std::string& resource,
                                         const store::LockOwner& owner, Millis ttl) {
  Result<store::LockAttempt> attempt = store.locks().try_acquire(resource, owner, ttl);
  if (!attempt || attempt->acquired) return attempt;
  const store::Lease holder = attempt->lease;
  if (holder.owner_host != host_name() || holder.owner_pid <= 0 || process_alive(holder.owner_pid)) return attempt;
  // The holder died without releasing: release its lease in its name and take it.
  if (Status s = store.locks().release(holder); !s && s.error().code != ErrorCode::conflict)
    return std::unexpected(s.error());
  attempt = store.locks().try_acquire(resource, owner, ttl);
  if (!attempt || !attempt->acquired) return attempt;
  attempt->taken_over_from = holder;
  Result<std::int64_t> recorded = store.events().append(
      {.actor = owner.actor,
       .kind = "lock.takeover",
       .subject = resource,
       .detail = {{"reason", "the holder's process is gone"}, {"previous", describe_holder(holder)}}});
  if (!recorded) return std::unexpected(recorded.error());
  return attempt;
}

std::string describe_holder(const store::Lease& lease) {
  return lease.holder + " (" + lease.actor + ", pid " + std::to_string(lease.owner_pid) + " on " + lease.owner_host +
         ") since " + format_utc(lease.acquired);
}

}  // namespace slipway::cli
