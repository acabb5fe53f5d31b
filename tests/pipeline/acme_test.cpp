// The acme example's pipelines (examples/acme) expand through the workspace
// form of the command, and the general jobs/build.yaml template picks the
// platform-specific job template by its `platform` parameter.
#include <gtest/gtest.h>

#include "support/test_support.h"

namespace slipway::pipeline {
namespace {

std::string acme() { return (test::source_dir() / "examples" / "acme").string(); }

TEST(AcmePipelines, EveryComponentPipelineExpands) {
  for (const char* component : {"billing", "orders", "worker", "web", "acme-bridge"}) {
    test::CommandResult result = test::run_slipway({"-C", acme(), "pipeline", "expand", component});
    EXPECT_EQ(result.exit_code, 0) << component << ": " << result.err;
    EXPECT_NE(result.out.find("stages:"), std::string::npos) << component;
  }
}

TEST(AcmePipelines, GeneralBuildTemplatePicksThePlatformTemplate) {
  test::CommandResult python = test::run_slipway({"-C", acme(), "pipeline", "expand", "orders"});
  ASSERT_EQ(python.exit_code, 0) << python.err;
  EXPECT_NE(python.out.find("displayName: Build orders (python)"), std::string::npos) << python.out;
  EXPECT_NE(python.out.find("python3 -m py_compile"), std::string::npos) << python.out;
  test::CommandResult web = test::run_slipway({"-C", acme(), "pipeline", "expand", "web"});
  ASSERT_EQ(web.exit_code, 0) << web.err;
  EXPECT_NE(web.out.find("displayName: Build web (static)"), std::string::npos) << web.out;
  EXPECT_EQ(web.out.find("py_compile"), std::string::npos) << web.out;
}

TEST(AcmePipelines, UnknownComponentIsBadInput) {
  test::CommandResult result = test::run_slipway({"-C", acme(), "pipeline", "expand", "ordres"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "slipway: error: unknown component 'ordres' (did you mean 'orders'?)\n");
}

TEST(AcmePipelines, JsonUsesAzureKeyNames) {
  test::CommandResult result = test::run_slipway({"-C", acme(), "pipeline", "expand", "orders", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  for (const char* key : {"\"stages\"", "\"stage\"", "\"jobs\"", "\"job\"", "\"dependsOn\"", "\"condition\"",
                          "\"variables\"", "\"steps\"", "\"script\"", "\"displayName\""})
    EXPECT_NE(result.out.find(key), std::string::npos) << key;
}

}  // namespace
}  // namespace slipway::pipeline
