#include "deploy/plan.h"

#include <gtest/gtest.h>

#include "support/test_support.h"

namespace slipway::deploy {
namespace {

class PlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    workspace = model::load_workspace(std::filesystem::path(SLIPWAY_SOURCE_DIR) / "examples/acme").value();
    environment = model::resolve_environment(workspace, "staging").value();
    input.workspace = &workspace;
    input.environment = &environment;
    for (const std::string& name : environment.components) input.wanted[name] = {"1.0.0", "d-" + name};
  }
  // Records the plan as applied, as a successful apply would.
  void record(const Plan& plan) {
    input.applied.clear();
    for (const PlanEntry& e : plan.entries) {
      if (e.action == PlanAction::remove) continue;
      store::AppliedTarget t;
      t.environment = "staging";
      t.target = e.target;
      t.version = e.to_version;
      t.digest = e.digest;
      t.config_digest = e.config_digest;
      t.config = config_key_digests(e.config);
      input.applied.push_back(t);
    }
  }
  const PlanEntry& entry(const Plan& plan, const std::string& target) {
    for (const PlanEntry& e : plan.entries)
      if (e.target == target) return e;
    throw std::runtime_error("no entry " + target);
  }
  model::Workspace workspace;
  model::ResolvedEnvironment environment;
  PlanInput input;
};

TEST_F(PlanTest, FreshEnvironmentInstallsEverythingDependenciesFirst) {
  Plan plan = make_plan(input).value();
  ASSERT_EQ(plan.entries.size(), 4u);
  for (const PlanEntry& e : plan.entries) EXPECT_EQ(e.action, PlanAction::install) << e.target;
  EXPECT_EQ(entry(plan, "billing").wave, 1);
  EXPECT_EQ(entry(plan, "orders").wave, 2);
  EXPECT_EQ(entry(plan, "worker").wave, 3);
  EXPECT_EQ(entry(plan, "web").wave, 3);  // independent of worker: same wave, in parallel
  EXPECT_EQ(entry(plan, "orders").config.at("env.BILLING_URL"), "http://127.0.0.1:18182");
  EXPECT_EQ(entry(plan, "orders").config.at("port"), "18181");  // 18081 + port_offset 100
}

TEST_F(PlanTest, AppliedStateGivesNoChanges) {
  record(make_plan(input).value());
  Plan again = make_plan(input).value();
  EXPECT_FALSE(again.has_changes());
}

TEST_F(PlanTest, NewVersionIsAnUpgradeFromTo) {
  record(make_plan(input).value());
  input.wanted["orders"] = {"1.1.0", "d-orders-2"};
  Plan plan = make_plan(input).value();
  EXPECT_EQ(entry(plan, "orders").action, PlanAction::upgrade);
  EXPECT_EQ(entry(plan, "orders").why, "1.0.0 -> 1.1.0");
  EXPECT_EQ(entry(plan, "billing").action, PlanAction::nothing);
}

TEST_F(PlanTest, ValueChangeIsAConfigurationChangeNamingTheKeys) {
  record(make_plan(input).value());
  environment.flat.clear();
  environment = model::resolve_environment(workspace, "dev").value();  // other urls, ports and banner
  environment.name = "staging";
  Plan plan = make_plan(input).value();
  const PlanEntry& web = entry(plan, "web");
  EXPECT_EQ(web.action, PlanAction::configure);
  EXPECT_NE(std::find(web.changed_keys.begin(), web.changed_keys.end(), "env.BANNER"), web.changed_keys.end());
  EXPECT_EQ(web.why.rfind("configuration: ", 0), 0u);
}

TEST_F(PlanTest, ComponentNoLongerWantedIsRemovedLast) {
  record(make_plan(input).value());
  store::AppliedTarget extra;
  extra.target = "acme-bridge";
  extra.version = "0.3.0";
  input.applied.push_back(extra);
  Plan plan = make_plan(input).value();
  EXPECT_EQ(plan.entries.back().target, "acme-bridge");
  EXPECT_EQ(plan.entries.back().action, PlanAction::remove);
  EXPECT_EQ(plan.entries.back().why, "no longer in environment staging");
  EXPECT_GT(plan.entries.back().wave, entry(plan, "web").wave);
}

TEST_F(PlanTest, ServiceRecordedButNotRunningIsDriftToRepair) {
  record(make_plan(input).value());
  input.observed["billing"] = Observation{false, "", ""};
  Plan plan = make_plan(input).value();
  EXPECT_EQ(entry(plan, "billing").action, PlanAction::repair);
  EXPECT_EQ(entry(plan, "billing").why, "drift: recorded as applied but not running");
}

TEST_F(PlanTest, AppliedComponentWithoutAVersionIsAnError) {
  record(make_plan(input).value());
  input.wanted.erase("worker");
  EXPECT_EQ(make_plan(input).error().message, "no version of component 'worker' is known for environment 'staging'");
}

TEST_F(PlanTest, ComponentNeverBuiltIsLeftOutAsNotYetBuilt) {
  input.wanted.erase("worker");
  Plan plan = make_plan(input).value();
  EXPECT_EQ(entry(plan, "worker").action, PlanAction::nothing);
  EXPECT_EQ(entry(plan, "worker").why, "not yet built");
  EXPECT_EQ(entry(plan, "billing").action, PlanAction::install);
}

TEST_F(PlanTest, RotatedSecretChangesConfigurationWithoutShowingTheValue) {
  model::Component& billing = const_cast<model::Component&>(*workspace.component("billing"));
  billing.deploy.process->env.emplace_back("API_KEY", "${{ secrets.billing_api_key }}");
  input.secret_generations["billing_api_key"] = 1;
  record(make_plan(input).value());
  input.secret_generations["billing_api_key"] = 2;
  Plan plan = make_plan(input).value();
  EXPECT_EQ(entry(plan, "billing").action, PlanAction::configure);
  EXPECT_EQ(entry(plan, "billing").changed_keys, std::vector<std::string>{"env.API_KEY"});
}

}  // namespace
}  // namespace slipway::deploy
