// The apply engine with the script driver (real /bin/sh scripts that record
// their calls in a file), on a small workspace built in a temp folder.
#include "deploy/engine.h"

#include <gtest/gtest.h>

#include "core/strings.h"
#include "deploy/release_applier.h"
#include "support/test_support.h"

namespace slipway::deploy {
namespace {

using test::TempDir;

constexpr const char* k_workspace = R"(product:
  name: tiny
  version: "1.0"
components:
  db:
    repo: repos/db
    secrets: [token]
    deploy:
      script:
        apply: echo "$SLIPWAY_ACTION $SLIPWAY_COMPONENT $SLIPWAY_VERSION" >> calls.txt; echo "token is $SECRET_TOKEN"
        rollback: echo "$SLIPWAY_ACTION $SLIPWAY_COMPONENT $SLIPWAY_VERSION" >> calls.txt
  api:
    repo: repos/api
    depends_on: [db]
    deploy:
      script:
        apply: echo "$SLIPWAY_ACTION $SLIPWAY_COMPONENT $SLIPWAY_VERSION $SLIPWAY_CONFIG_VALUE_GREETING" >> calls.txt; test "$SLIPWAY_VERSION" != bad
        rollback: echo "$SLIPWAY_ACTION $SLIPWAY_COMPONENT $SLIPWAY_VERSION" >> calls.txt
blocks:
  core:
    components: [db, api]
    values:
      greeting: hello
    secrets:
      token:
        generate: {length: 24, charset: alphanumeric}
environments:
  test:
    platform: {kind: script}
    blocks: [core]
    policy: {mode: manual}
)";

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_file(dir / "ws/slipway.yaml", k_workspace);
    test::write_file(dir / "ws/repos/db/azure-pipelines.yml", "steps:\n- script: echo db\n");
    test::write_file(dir / "ws/repos/api/azure-pipelines.yml", "steps:\n- script: echo api\n");
    workspace = model::load_workspace(dir / "ws").value();
    store = std::move(store::open_store((dir / "state/state.db").string()).value());
    key.fill(9);
    driver = make_script_driver();
  }
  Result<ApplyResult> apply(const std::string& db_version, const std::string& api_version) {
    ApplyRequest request;
    request.workspace = &workspace;
    request.environment = "test";
    request.wanted = {{"db", {db_version, ""}}, {"api", {api_version, ""}}};
    request.actor = "alice";
    request.state_dir = dir / "state";
    return apply_environment(*store, *driver, key, request);
  }
  std::vector<std::string> calls() {
    if (!std::filesystem::exists(dir / "ws/calls.txt")) return {};
    std::vector<std::string> lines = split(test::read_file(dir / "ws/calls.txt"), '\n');
    if (!lines.empty() && lines.back().empty()) lines.pop_back();
    return lines;
  }
  TempDir dir;
  model::Workspace workspace;
  std::unique_ptr<store::Store> store;
  MasterKey key{};
  std::unique_ptr<Driver> driver;
};

TEST_F(EngineTest, FirstApplyInstallsDependenciesFirst) {
  ApplyResult result = apply("1.0.0", "2.0.0").value();
  EXPECT_TRUE(result.succeeded) << result.message;
  EXPECT_EQ(result.message, "applied 2 changes");
  EXPECT_EQ(calls(), (std::vector<std::string>{"apply db 1.0.0", "apply api 2.0.0 hello"}));
  EXPECT_EQ(store->deploys().applied("test").value().size(), 2u);
}

TEST_F(EngineTest, ApplyingWhatIsAppliedCallsNoDriver) {
  ASSERT_TRUE(apply("1.0.0", "2.0.0").value().succeeded);
  ApplyResult again = apply("1.0.0", "2.0.0").value();
  EXPECT_TRUE(again.succeeded);
  EXPECT_EQ(again.message, "no changes");
  EXPECT_EQ(calls().size(), 2u);
  EXPECT_EQ(store->deploys().apply_runs("test").value().size(), 1u);
}

TEST_F(EngineTest, FailedComponentIsRevertedAndKeepsItsPreviousState) {
  ASSERT_TRUE(apply("1.0.0", "2.0.0").value().succeeded);
  ApplyResult failed = apply("1.1.0", "bad").value();
  EXPECT_FALSE(failed.succeeded);
  EXPECT_EQ(failed.message, "api: script apply failed (exit 1)");
  EXPECT_EQ(calls(), (std::vector<std::string>{"apply db 1.0.0", "apply api 2.0.0 hello", "apply db 1.1.0",
                                               "apply api bad hello", "rollback api 2.0.0"}));
  std::vector<store::AppliedTarget> applied = store->deploys().applied("test").value();
  EXPECT_EQ(applied[0].target, "api");
  EXPECT_EQ(applied[0].version, "2.0.0");  // unchanged
  EXPECT_EQ(applied[1].version, "1.1.0");  // db had succeeded
  EXPECT_EQ(store->deploys().apply_runs("test").value().front().status, "failed");
  // The retry does only what is left.
  ApplyResult retry = apply("1.1.0", "2.1.0").value();
  EXPECT_TRUE(retry.succeeded);
  EXPECT_EQ(retry.message, "applied 1 change");
  EXPECT_EQ(calls().back(), "apply api 2.1.0 hello");
}

TEST_F(EngineTest, SecretsAreGeneratedOnceAndMaskedInLogs) {
  ASSERT_TRUE(apply("1.0.0", "2.0.0").value().succeeded);
  std::string token = SecretVault(*store, key).values("test").value().at("token");
  ASSERT_TRUE(apply("1.0.1", "2.0.0").value().succeeded);
  EXPECT_EQ(SecretVault(*store, key).values("test").value().at("token"), token);
  std::string log = test::read_file(dir / "state/logs/test/db.log");
  EXPECT_NE(log.find("token is ***"), std::string::npos) << log;
  EXPECT_EQ(log.find(token), std::string::npos);
}

TEST_F(EngineTest, RunLeftRunningByAKilledProcessIsClosedByTheNextApply) {
  std::int64_t stale = store->deploys().start_apply("test", "bob", "").value();
  ASSERT_TRUE(apply("1.0.0", "2.0.0").value().succeeded);
  std::vector<store::ApplyRun> runs = store->deploys().apply_runs("test").value();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].id, stale);
  EXPECT_EQ(runs[1].status, "failed");
  EXPECT_EQ(store->deploys().apply_steps(stale).value().at(0).action, "interrupted");
}

TEST_F(EngineTest, ReleaseApplierAppliesTheReleaseComponents) {
  std::unique_ptr<release::Applier> applier =
      make_applier(*store, dir / "state", [] { return load_master_key({}, std::string(64, 'b')); });
  release::Release r;
  r.id = "1.0.1";
  r.components = {{"api", "2.0.0", "d1"}, {"db", "1.0.0", "d2"}};
  release::ApplyContext context;
  context.actor = "carol";
  release::ApplyOutcome outcome =
      applier->apply(workspace, *workspace.environment("test"), r, context).value();
  EXPECT_TRUE(outcome.succeeded) << outcome.message;
  ASSERT_EQ(outcome.components.size(), 2u);
  EXPECT_EQ(outcome.components[0].component, "db");
  EXPECT_EQ(outcome.components[0].action, "install");
}

TEST(MakeDriver, EveryPlatformHasADriver) {
  EXPECT_STREQ(make_driver(model::PlatformKind::kubectl).value()->name(), "kubectl");
  EXPECT_STREQ(make_driver(model::PlatformKind::helm).value()->name(), "helm");
  EXPECT_STREQ(make_driver(model::PlatformKind::terraform).value()->name(), "terraform");
}

}  // namespace
}  // namespace slipway::deploy
