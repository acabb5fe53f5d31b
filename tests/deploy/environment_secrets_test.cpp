// Secrets declared by an environment (not only by its blocks): resolved with
// the block's, generated once per environment, handed to the driver (the
// script driver, real /bin/sh) and masked in its log.
#include <cstdlib>

#include <gtest/gtest.h>

#include "core/strings.h"
#include "deploy/engine.h"
#include "support/test_support.h"

namespace slipway::deploy {
namespace {

constexpr const char* k_workspace = R"(product:
  name: tiny
  version: "1.0"
components:
  api:
    repo: repos/api
    secrets: [api-key, db-url, token]
    deploy:
      script:
        apply: echo "key $SECRET_API_KEY db $SECRET_DB_URL token $SECRET_TOKEN"
blocks:
  core:
    components: [api]
    secrets:
      token:
        generate: {length: 24}
environments:
  staging:
    platform: {kind: script}
    blocks: [core]
    secrets:
      api-key:
        generate: {length: 40, charset: hex}
    policy: {mode: manual}
  prod:
    platform: {kind: script}
    blocks: [core]
    secrets:
      api-key:
        generate: {length: 40, charset: hex}
      db-url:
        from_env: SLIPWAY_TEST_ENV_SECRET_DB_URL
      token:
        from_env: SLIPWAY_TEST_ENV_SECRET_TOKEN
    policy: {mode: manual}
)";

class EnvironmentSecretsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::write_file(dir / "ws/slipway.yaml", k_workspace);
    test::write_file(dir / "ws/repos/api/azure-pipelines.yml", "steps:\n- script: echo api\n");
    workspace = model::load_workspace(dir / "ws").value();
    store = std::move(store::open_store((dir / "state/state.db").string()).value());
    key.fill(5);
    driver = make_script_driver();
    ::setenv("SLIPWAY_TEST_ENV_SECRET_DB_URL", "postgres://app:pa55word@db/app", 1);
    ::setenv("SLIPWAY_TEST_ENV_SECRET_TOKEN", "token-from-the-environment", 1);
  }
  void TearDown() override {
    ::unsetenv("SLIPWAY_TEST_ENV_SECRET_DB_URL");
    ::unsetenv("SLIPWAY_TEST_ENV_SECRET_TOKEN");
  }
  ApplyResult apply(const std::string& env, const std::string& version) {
    ApplyRequest request;
    request.workspace = &workspace;
    request.environment = env;
    request.wanted = {{"api", {version, ""}}};
    request.actor = "alice";
    request.state_dir = dir / "state";
    return apply_environment(*store, *driver, key, request).value();
  }
  std::map<std::string, std::string> values(const std::string& env) {
    return SecretVault(*store, key).values(env).value();
  }
  test::TempDir dir;
  model::Workspace workspace;
  std::unique_ptr<store::Store> store;
  MasterKey key{};
  std::unique_ptr<Driver> driver;
};

TEST_F(EnvironmentSecretsTest, EnvironmentSecretsJoinTheBlocksAndReplaceOneOfTheSameName) {
  model::ResolvedEnvironment staging = model::resolve_environment(workspace, "staging").value();
  ASSERT_EQ(staging.secrets.size(), 2u);
  EXPECT_EQ(staging.secrets[0].spec.name, "token");
  EXPECT_EQ(staging.secrets[0].origin(), "block core");
  EXPECT_EQ(staging.secrets[1].spec.name, "api-key");
  EXPECT_EQ(staging.secrets[1].origin(), "environment");
  EXPECT_EQ(staging.secrets[1].spec.length, 40);
  EXPECT_EQ(staging.secrets[1].spec.charset, "hex");
  model::ResolvedEnvironment prod = model::resolve_environment(workspace, "prod").value();
  ASSERT_EQ(prod.secrets.size(), 3u);
  EXPECT_EQ(prod.secrets[0].spec.name, "token");  // the block's place, the environment's spec
  EXPECT_EQ(prod.secrets[0].origin(), "environment");
  EXPECT_EQ(prod.secrets[0].spec.kind, model::SecretSpec::Kind::from_env);
  EXPECT_EQ(prod.secrets[2].spec.env_var, "SLIPWAY_TEST_ENV_SECRET_DB_URL");
}

TEST_F(EnvironmentSecretsTest, GeneratedOnceHandedToTheDriverAndMasked) {
  ApplyResult first = apply("staging", "1.0.0");
  ASSERT_TRUE(first.succeeded) << first.message;
  std::string api_key = values("staging").at("api-key");
  EXPECT_EQ(api_key.size(), 40u);
  EXPECT_EQ(api_key.find_first_not_of("0123456789abcdef"), std::string::npos) << api_key;
  ASSERT_TRUE(apply("staging", "1.0.1").succeeded);
  EXPECT_EQ(values("staging").at("api-key"), api_key);  // never regenerated
  std::string log = test::read_file(dir / "state/logs/staging/api.log");
  EXPECT_NE(log.find("key *** db  token ***"), std::string::npos) << log;  // handed over, masked
  EXPECT_EQ(log.find(api_key), std::string::npos);
}

TEST_F(EnvironmentSecretsTest, FromEnvAndPerEnvironmentValues) {
  ASSERT_TRUE(apply("staging", "1.0.0").succeeded);
  ApplyResult prod = apply("prod", "1.0.0");
  ASSERT_TRUE(prod.succeeded) << prod.message;
  std::map<std::string, std::string> secrets = values("prod");
  EXPECT_EQ(secrets.at("db-url"), "postgres://app:pa55word@db/app");
  EXPECT_EQ(secrets.at("token"), "token-from-the-environment");  // the environment's spec won
  EXPECT_NE(secrets.at("api-key"), values("staging").at("api-key"));
  std::string log = test::read_file(dir / "state/logs/prod/api.log");
  EXPECT_NE(log.find("key *** db *** token ***"), std::string::npos) << log;
  EXPECT_EQ(log.find("pa55word"), std::string::npos);
  ::unsetenv("SLIPWAY_TEST_ENV_SECRET_DB_URL");
  ApplyResult fresh = apply("prod", "1.0.1");  // already stored: the variable is not needed again
  EXPECT_TRUE(fresh.succeeded) << fresh.message;
}

}  // namespace
}  // namespace slipway::deploy
