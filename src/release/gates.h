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
  std::string creator;   // who created the release
  std::string promoter;
  bool force = false;    // the promoter holds permission force (the service layer checked it)
  // The components of the release (and their versions) that promote_from
  // deploys but never ran successfully at that version, as "api 2.0.0".
  std::vector<std::string> not_run_in_source;
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

// Checks promote_from, approvals (their expiry, and requester_cannot_approve)
// and freeze windows of `environment`'s policy; `force` moves what is missing
// to `overridden`. Errors only for a malformed freeze window or an unknown
// time zone (invalid_input, naming the environment).
Result<GateDecision> check_gates(const model::Workspace& workspace, const model::Environment& environment,
                                 const GateFacts& facts);

// May `person` approve the release `creator` created for `environment`?
// Empty when yes; else why not: "staging needs no approvals", "alice may not
// approve for prod-cloud: needs role qa", "erin created release 2.3.5 and
// cannot approve it for prod-cloud".
std::optional<std::string> approval_refusal(const model::Workspace& workspace, const model::Environment& environment,
                                            const std::string& person, const std::string& release,
                                            const std::string& creator);

}  // namespace slipway::release
