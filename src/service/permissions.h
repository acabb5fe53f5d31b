// Who may act. Every use case of the service layer asks before it changes
// anything; a refusal names the permission, the roles holding it and their
// members, and changes no state.
//
// Where a permission comes from, first match wins:
//   1. the environment's `policy: permissions: {NAME: [roles]}`,
//   2. the workspace's `permissions: {NAME: [roles]}` in slipway.yaml,
//   3. the default below.
// Defaults are safe: an identity in no role holds nothing. release and run:
// every role. promote, apply and rollback: every role in an auto environment
// (builds move it anyway), only role admin in a manual one. hotfix, reveal,
// rotate, lock, force, rekey, token (create, list and revoke API tokens) and
// state (copy the whole state elsewhere): role admin.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "model/workspace.h"

namespace slipway::service {

enum class Permission { release, run, promote, apply, hotfix, rollback, reveal, rotate, lock, force, rekey, token, state, task };
const char* permission_name(Permission permission);  // as written in the workspace: "promote", "lock"...

// The roles holding `permission` in `environment` (nullptr: workspace-wide).
std::vector<std::string> roles_holding(const model::Workspace& workspace, Permission permission,
                                       const model::Environment* environment);

// Success when `person` holds a role holding `permission`. denied otherwise:
// "bob may not hotfix prod-cloud: needs permission hotfix, held by role admin (frank)";
// `doing` is the action's wording ("hotfix prod-cloud").
Status check_permission(const model::Workspace& workspace, Permission permission,
                        const model::Environment* environment, const std::string& person, const std::string& doing);

}  // namespace slipway::service
