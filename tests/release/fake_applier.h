// Test doubles for src/release's tests: an in-memory Applier that only
// records what it was asked to apply (the real drivers live in src/deploy),
// and a snapshot of every piece of release state, to prove refusals change nothing.
#pragma once

#include <string>
#include <vector>

#include "release/applier.h"
#include "store/store.h"

namespace slipway::release::test {

// Remembers each apply; fails when `fail_next` is set (once).
class FakeApplier final : public Applier {
 public:
  struct Call {
    std::string environment;
    std::string release;
    ApplyReason reason;
    std::string previous;
  };
  std::vector<Call> calls;
  bool fail_next = false;

  Result<ApplyOutcome> apply(const model::Workspace&, const model::Environment& environment,
                             const Release& release, const ApplyContext& context) override {
    calls.push_back({environment.name, release.id, context.reason, context.previous ? context.previous->id : ""});
    if (Status alive = context.keep_alive(); !alive) return std::unexpected(alive.error());
    if (fail_next) {
      fail_next = false;
      return ApplyOutcome{false, "billing: health check failed", {{"billing", "upgrade", false, "health check failed"}}};
    }
    return ApplyOutcome{true, "applied " + std::to_string(release.components.size()) + " components", {}};
  }
};

}  // namespace slipway::release::test
