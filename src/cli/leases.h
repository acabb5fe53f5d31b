// Taking a store lease from the CLI (an environment's lock for `apply`, the
// state's serve lease for `serve`).
//
// A lease whose holder runs on this host but whose process is gone (a
// SIGKILLed `slipway apply`) would otherwise block everyone until it expires;
// acquire_lease takes it over at once, records a "lock.takeover" event with
// the reason, and goes on. A live holder, or one on another host (whose pids
// mean nothing here), is respected until its lease expires.
#pragma once

#include "core/clock.h"
#include "core/error.h"
#include "store/store.h"

namespace slipway::cli {

// The attempt, as LockStore::try_acquire (acquired = false with the holder's
// lease when someone live holds it). Errors: the store's.
Result<store::LockAttempt> acquire_lease(store::Store& store, const std::string& resource,
                                         const store::LockOwner& owner, Millis ttl);

// "HOLDER (ACTOR, pid N on HOST) since TIME".
std::string describe_holder(const store::Lease& lease);

}  // namespace slipway::cli
