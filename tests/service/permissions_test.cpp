// Who may act: defaults, the workspace's grants, an environment's own, and
// the refusal's wording (it names the permission, the roles and their members).
#include <gtest/gtest.h>

#include "service/permissions.h"

namespace slipway::service {
namespace {

model::Workspace team() {
  model::Workspace ws;
  ws.roles = {{"developer", {{"alice", {}}, {"bob", {}}}, {}}, {"release-manager", {{"erin", {}}}, {}},
              {"admin", {{"frank", {}}}, {}}};
  model::Environment dev;
  dev.name = "dev";
  dev.policy.mode = model::PolicyMode::auto_;
  model::Environment prod;
  prod.name = "prod";
  ws.environments = {dev, prod};
  return ws;
}

std::string refusal(const model::Workspace& ws, Permission p, const std::string& env, const std::string& who) {
  Status s = check_permission(ws, p, ws.environment(env), who, std::string(permission_name(p)) + " " + env);
  return s ? "" : s.error().message;
}

TEST(Permissions, DefaultsAreSafe) {
  model::Workspace ws = team();
  EXPECT_EQ(refusal(ws, Permission::promote, "dev", "alice"), "");  // auto: every role
  EXPECT_EQ(refusal(ws, Permission::promote, "prod", "alice"),
            "alice may not promote prod: needs permission promote, held by role admin (frank)");
  EXPECT_EQ(refusal(ws, Permission::promote, "prod", "frank"), "");
  EXPECT_EQ(refusal(ws, Permission::hotfix, "dev", "alice"),
            "alice may not hotfix dev: needs permission hotfix, held by role admin (frank)");
  EXPECT_EQ(refusal(ws, Permission::release, "dev", "bob"), "");
  EXPECT_EQ(refusal(ws, Permission::release, "dev", "nobody"),
            "nobody may not release dev: needs permission release, held by roles developer (alice, bob), "
            "release-manager (erin), admin (frank)");
}

TEST(Permissions, AnEnvironmentsGrantComesBeforeTheWorkspacesAndReplacesTheDefault) {
  model::Workspace ws = team();
  ws.permissions = {{"promote", {{"developer", {}}}, {}}};
  ws.environments[1].policy.permissions = {{"promote", {{"release-manager", {}}}, {}}};
  EXPECT_EQ(refusal(ws, Permission::promote, "dev", "alice"), "");
  EXPECT_EQ(refusal(ws, Permission::promote, "dev", "frank"),
            "frank may not promote dev: needs permission promote, held by role developer (alice, bob)");
  EXPECT_EQ(refusal(ws, Permission::promote, "prod", "alice"),
            "alice may not promote prod: needs permission promote, held by role release-manager (erin)");
  EXPECT_EQ(refusal(ws, Permission::promote, "prod", "erin"), "");
}

TEST(Permissions, ARoleNobodyDeclaredIsSaidSo) {
  model::Workspace ws = team();
  ws.roles.pop_back();  // no admin
  EXPECT_EQ(refusal(ws, Permission::lock, "prod", "erin"),
            "erin may not lock prod: needs permission lock, held by role admin (not declared in this workspace)");
  EXPECT_EQ(roles_holding(ws, Permission::rollback, nullptr),
            (std::vector<std::string>{"developer", "release-manager"}));
}

}  // namespace
}  // namespace slipway::service
