// The promotion gates: may this person move this release into this
// environment now? Pure decisions over facts the caller gathered from the
// store (gates.cpp explains the rules). Nothing here reads or writes state.
//
// Thread-safety: pure functions (time zones: see freeze.h).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/error.h"
#include "model/workspace.h"
#include "store/store.h"

namespace slipway::release {

// The roles `person` holds in the workspace, in declaration order.
std::vector<std::string> roles_of(const model::Workspace& workspace, const std::string& person);
bool has_role(const model::Workspace& workspace, const std::string& person, const std::string& role);

struct GateFacts {
  std::string release;
  std::string promoter;
  bool force = false;
  // The release was applied successfully to promote_from, or was created from
  // it (`release create --from SRC`: made of what ran there).
  bool applied_to_source = false;
  std::vector<store::ApprovalRecord> approvals;  // for this release and environment
  TimePoint now;
};

struct GateDecision {
  // Every gate that is not met, each a complete sentence fragment such as
  // "needs 1 approval by role qa on prod-cloud; has 0". Empty = allowed.
  std::vector<std::string> missing;
  // Gates an admin's --force overrode (then `missing` is empty), for the record.
  std::vector<std::string> overridden;
  bool allowed() const { return missing.empty(); }
};

// Checks promote_from, approvals and freeze windows of `environment`'s policy.
// A --force by someone who is not an admin adds "--force needs role admin; X
// has roles ..." to `missing`. Errors only for a malformed freeze window or an
// unknown time zone (invalid_input, naming the environment).
Result<GateDecision> check_gates(const model::Workspace& workspace, const model::Environment& environment,
                                 const GateFacts& facts);

// May `person` approve for `environment`? Empty when yes; else why not:
// "staging needs no approvals", "alice may not approve for prod-cloud: needs role qa".
std::optional<std::string> approval_refusal(const model::Workspace& workspace,
                                            const model::Environment& environment, const std::string& person);

}  // namespace slipway::release
