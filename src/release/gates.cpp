// Design: the promotion gates.
//
// A release may enter an environment when every gate of the environment's
// policy holds:
//   1. promote_from: every component version of the release that the source
//      environment deploys ran successfully there at some point (not
//      necessarily still: a later release in staging does not un-qualify an
//      approved one). Checked per component, so a pin cannot smuggle in a
//      version the source never ran; components the source does not deploy
//      (acme-bridge, only in prod-acme) cannot have run there and are exempt.
//   2. approvals: for each {role, count}, at least `count` DISTINCT people
//      holding `role` approved this release for THIS environment within
//      `expires_after`. With requester_cannot_approve (the default), neither
//      the release's creator nor its promoter counts. One person holding two
//      required roles counts for each role.
//   3. freeze windows: no window contains "now" in the window's time zone.
// Every gate is evaluated (no early exit) so a refusal lists everything that
// is missing at once. `--force` overrides all of them (the service layer
// checked the promoter's permission force); what it overrode is returned so
// the caller records it.
// These functions only decide: the caller (service.cpp) gathers the facts
// from the store and records the refusal or the promotion.
#include "release/gates.h"

#include <set>

#include "core/strings.h"
#include "release/freeze.h"

namespace slipway::release {
namespace {

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

  if (policy.promote_from && !facts.not_run_in_source.empty())
    unmet.push_back(join(facts.not_run_in_source, ", ") + " never ran successfully in " +
                    policy.promote_from->name + " (" + environment.name + " promotes from " +
                    policy.promote_from->name + ")");

  for (const model::Approval& needed : policy.approvals) {
    std::set<std::string> people;
    std::vector<std::string> notes;
    for (const store::ApprovalRecord& a : facts.approvals) {
      if (!has_role(workspace, a.actor, needed.role.name)) continue;
      if (policy.requester_cannot_approve && (a.actor == facts.promoter || a.actor == facts.creator)) {
        notes.push_back(a.actor + (a.actor == facts.creator ? " created it" : " promotes it") +
                        ", so their approval does not count");
        continue;
      }
      if (needed.expires_after && a.time + *needed.expires_after < facts.now) {
        notes.push_back(a.actor + "'s approval of " + format_utc(a.time) + " expired");
        continue;
      }
      people.insert(a.actor);
    }
    int has = static_cast<int>(people.size());
    if (has < needed.count) {
      std::string line = "needs " + plural(needed.count, "approval") + " by role " + needed.role.name + " on " +
                         environment.name + "; has " + std::to_string(has);
      if (!notes.empty()) line += " (" + join(notes, "; ") + ")";
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
  (facts.force ? decision.overridden : decision.missing) = std::move(unmet);
  return decision;
}

std::optional<std::string> approval_refusal(const model::Workspace& workspace, const model::Environment& environment,
                                            const std::string& person, const std::string& release,
                                            const std::string& creator) {
  if (environment.policy.approvals.empty()) return environment.name + " needs no approvals";
  if (environment.policy.requester_cannot_approve && person == creator)
    return person + (release.starts_with("run-") ? " started the deployment " : " created release ") + release +
           " and cannot approve it for " + environment.name + " (requester_cannot_approve)";
  std::vector<std::string> wanted;
  for (const model::Approval& a : environment.policy.approvals) {
    if (has_role(workspace, person, a.role.name)) return std::nullopt;
    wanted.push_back(a.role.name);
  }
  return person + " may not approve for " + environment.name + ": needs role " + join(wanted, " or ");
}

}  // namespace slipway::release
