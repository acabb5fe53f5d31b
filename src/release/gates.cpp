// Design: the promotion gates.
//
// A release may enter an environment when every gate of the environment's
// policy holds:
//   1. promote_from: the release was applied successfully to the source
//      environment at some point (not necessarily still running there: a
//      later release in staging does not un-qualify an approved one), or it
//      was created from the source environment (`release create --from dev`
//      with pins: every build of the tracked branch ran in the auto source,
//      so the list is made of versions that ran there).
//   2. approvals: for each {role, count}, at least `count` DISTINCT people
//      holding `role` approved this release for THIS environment. With
//      `distinct_approvers`, the promoter's own approval does not count.
//      One person holding two required roles counts for each role.
//   3. freeze windows: no window contains "now" in the window's time zone.
// Every gate is evaluated (no early exit) so a refusal lists everything that
// is missing at once. `--force` overrides all of them, but only for a member
// of the role "admin"; what it overrode is returned so the caller records it.
// These functions only decide: the caller (service.cpp) gathers the facts
// from the store and records the refusal or the promotion.
#include "release/gates.h"

#include <set>

#include "core/strings.h"
#include "release/freeze.h"

namespace slipway::release {
namespace {

constexpr const char* k_admin_role = "admin";

std::string plural(int n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

std::vector<std::string> roles_of(const model::Workspace& workspace, const std::string& person) {
  std::vector<std::string> out;
  for (const model::Role& role : workspace.roles)
    for (const model::NameRef& member : role.members)
      if (member.name == person) {
        out.push_back(role.name);
        break;
      }
  return out;
}

bool has_role(const model::Workspace& workspace, const std::string& person, const std::string& role) {
  for (const std::string& r : roles_of(workspace, person))
    if (r == role) return true;
  return false;
}

Result<GateDecision> check_gates(const model::Workspace& workspace, const model::Environment& environment,
                                 const GateFacts& facts) {
  const model::Policy& policy = environment.policy;
  std::vector<std::string> unmet;

  if (policy.promote_from && !facts.applied_to_source)
    unmet.push_back("release " + facts.release + " was never applied successfully to " +
                    policy.promote_from->name + " (" + environment.name + " promotes from " +
                    policy.promote_from->name + ")");

  for (const model::Approval& needed : policy.approvals) {
    std::set<std::string> people;
    bool own_skipped = false;
    for (const store::ApprovalRecord& a : facts.approvals) {
      if (!has_role(workspace, a.actor, needed.role.name)) continue;
      if (policy.distinct_approvers && a.actor == facts.promoter) {
        own_skipped = true;
        continue;
      }
      people.insert(a.actor);
    }
    int has = static_cast<int>(people.size());
    if (has < needed.count) {
      std::string line = "needs " + plural(needed.count, "approval") + " by role " + needed.role.name + " on " +
                         environment.name + "; has " + std::to_string(has);
      if (own_skipped) line += " (" + facts.promoter + " promotes it, so their own approval does not count)";
      unmet.push_back(line);
    }
  }

  for (const model::FreezeWindow& window : policy.freeze) {
    Result<std::optional<FreezeHit>> hit = frozen_by(window, facts.now);
    if (!hit) return fail(ErrorCode::invalid_input, environment.name + ": " + hit.error().message, window.where);
    if (*hit)
      unmet.push_back(environment.name + " is frozen by window " + (*hit)->window + " until " + (*hit)->until);
  }

  GateDecision decision;
  if (!facts.force) {
    decision.missing = std::move(unmet);
    return decision;
  }
  if (!has_role(workspace, facts.promoter, k_admin_role)) {
    std::vector<std::string> roles = roles_of(workspace, facts.promoter);
    decision.missing = std::move(unmet);
    decision.missing.insert(decision.missing.begin(),
                            "--force needs role admin; " + facts.promoter + " has " +
                                (roles.empty() ? std::string("no role") : "roles " + join(roles, ", ")));
    return decision;
  }
  decision.overridden = std::move(unmet);
  return decision;
}

std::optional<std::string> approval_refusal(const model::Workspace& workspace,
                                            const model::Environment& environment, const std::string& person) {
  if (environment.policy.approvals.empty()) return environment.name + " needs no approvals";
  std::vector<std::string> wanted;
  for (const model::Approval& a : environment.policy.approvals) {
    if (has_role(workspace, person, a.role.name)) return std::nullopt;
    wanted.push_back(a.role.name);
  }
  return person + " may not approve for " + environment.name + ": needs role " + join(wanted, " or ");
}

}  // namespace slipway::release
