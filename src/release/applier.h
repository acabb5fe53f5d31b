// The seam between deciding (src/release) and doing (src/deploy).
//
// src/release decides WHAT an environment should run and WHO may change it
// (gates, approvals, locks, history); it never talks to a platform. When a
// decision is made it hands the release to an Applier, which makes it real
// (src/deploy implements it with the drivers; tests use in-memory doubles).
//
// Contract for implementers (the deploy module):
//   - apply() is called with the environment's lock HELD by the caller (the
//     flow in release/promotion.h takes "env:<name>" in the store's LockStore).
//     Do not take that lock again. Call `context.keep_alive()` between steps
//     (at least every few seconds during long waits): it renews the lease and
//     returns a `conflict` error when the lock was lost — stop applying then.
//   - Return an ApplyOutcome for every apply that ran, succeeded or not
//     (succeeded = false, with `message` saying what failed). Return an Error
//     only when nothing could be attempted (e.g. a driver binary missing);
//     the caller records both the same way, as a failed apply.
//   - Do NOT record the environment's applied release, its product version or
//     the history event: the caller does that after apply() returns, and sets
//     the product version only when succeeded is true. The applier may keep
//     its own per-component deployment state (store concern "deployments").
//   - `previous` is the release the store says is applied (nullptr when the
//     environment has never been applied); compare with it, and with what the
//     platform really runs, to plan.
//
// Thread-safety: one apply() at a time per Applier object is enough; the
// caller never calls it concurrently on one object.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/error.h"
#include "model/workspace.h"
#include "release/release.h"

namespace slipway::release {

enum class ApplyReason {
  promote,   // `slipway promote RELEASE --to ENV`
  rollback,  // `slipway rollback ENV [--to RELEASE]`
  automatic, // a successful build in an `auto` environment
  apply,     // `slipway apply ENV [--release ID]` (no gates; still locked and recorded)
  hotfix,    // `slipway apply ENV --version C=V`: the current release with other versions, no gates
};
const char* apply_reason_name(ApplyReason reason);  // "promote", "rollback", "auto", "apply", "hotfix"

struct ApplyContext {
  ApplyReason reason = ApplyReason::promote;
  std::string actor;                     // the acting identity
  const Release* previous = nullptr;     // what the store says is applied; nullptr = none
  std::function<Status()> keep_alive = [] { return Status{}; };  // renews the env lock
};

struct ComponentOutcome {
  std::string component;
  std::string action;   // "install", "upgrade", "configure", "remove", "none", "revert"
  bool succeeded = true;
  std::string message;  // what happened, or what failed
};

struct ApplyOutcome {
  bool succeeded = false;
  std::string message;  // one line: "applied 4 components", "api: health check failed"
  std::vector<ComponentOutcome> components;
};

class Applier {
 public:
  virtual ~Applier() = default;
  virtual Result<ApplyOutcome> apply(const model::Workspace& workspace,
                                     const model::Environment& environment,
                                     const Release& release, const ApplyContext& context) = 0;
};

}  // namespace slipway::release
