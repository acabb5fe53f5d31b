#include "service/permissions.h"

#include "core/strings.h"
#include "release/gates.h"

namespace slipway::service {
namespace {

constexpr const char* k_admin = "admin";

std::vector<std::string> every_role(const model::Workspace& workspace) {
  std::vector<std::string> out;
  for (const model::Role& role : workspace.roles) out.push_back(role.name);
  return out;
}

const model::PermissionGrant* grant_of(const std::vector<model::PermissionGrant>& grants, Permission permission) {
  for (const model::PermissionGrant& grant : grants)
    if (grant.permission == permission_name(permission)) return &grant;
  return nullptr;
}

std::vector<std::string> default_roles(const model::Workspace& workspace, Permission permission,
                                       const model::Environment* environment) {
  switch (permission) {
    case Permission::release:
    case Permission::run:
      return every_role(workspace);
    case Permission::promote:
    case Permission::apply:
    case Permission::rollback:
      if (!environment || environment->policy.mode == model::PolicyMode::auto_) return every_role(workspace);
      return {k_admin};
    default:
      return {k_admin};
  }
}

std::string holders_text(const model::Workspace& workspace, const std::vector<std::string>& roles) {
  if (roles.empty()) return "held by no role";
  std::vector<std::string> parts;
  for (const std::string& name : roles) {
    const model::Role* role = workspace.role(name);
    std::vector<std::string> members;
    if (role)
      for (const model::NameRef& m : role->members) members.push_back(m.name);
    std::string who = !role ? "not declared in this workspace" : members.empty() ? "nobody" : join(members, ", ");
    parts.push_back(name + " (" + who + ")");
  }
  return std::string(roles.size() == 1 ? "held by role " : "held by roles ") + join(parts, ", ");
}

}  // namespace

const char* permission_name(Permission permission) {
  switch (permission) {
    case Permission::release: return "release";
    case Permission::run: return "run";
    case Permission::promote: return "promote";
    case Permission::apply: return "apply";
    case Permission::hotfix: return "hotfix";
    case Permission::rollback: return "rollback";
    case Permission::reveal: return "reveal";
    case Permission::rotate: return "rotate";
    case Permission::lock: return "lock";
    case Permission::force: return "force";
    case Permission::rekey: return "rekey";
    case Permission::token: return "token";
    case Permission::state: return "state";
    case Permission::task: return "task";
  }
  return "?";
}

std::vector<std::string> roles_holding(const model::Workspace& workspace, Permission permission,
                                       const model::Environment* environment) {
  const model::PermissionGrant* grant = environment ? grant_of(environment->policy.permissions, permission) : nullptr;
  if (!grant) grant = grant_of(workspace.permissions, permission);
  if (!grant) return default_roles(workspace, permission, environment);
  std::vector<std::string> out;
  for (const model::NameRef& role : grant->roles) out.push_back(role.name);
  return out;
}

Status check_permission(const model::Workspace& workspace, Permission permission,
                        const model::Environment* environment, const std::string& person, const std::string& doing) {
  std::vector<std::string> roles = roles_holding(workspace, permission, environment);
  for (const std::string& name : roles)
    if (release::has_role(workspace, person, name)) return {};
  return fail(ErrorCode::denied, person + " may not " + doing + ": needs permission " + permission_name(permission) +
                                     ", " + holders_text(workspace, roles));
}

}  // namespace slipway::service
