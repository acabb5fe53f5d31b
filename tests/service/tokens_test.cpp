// API tokens (service/tokens.cpp): permission token, only known identities,
// the store holds a hash, and a token makes its user the acting identity.
#include <gtest/gtest.h>

#include "service/service.h"
#include "support/test_support.h"

namespace slipway::service {
namespace {

using test::TempDir;
using test::write_file;

std::unique_ptr<Service> open_as(const TempDir& dir, const std::string& actor) {
  write_file(dir / "slipway.yaml",
             "product: {name: shop, version: \"1.0\"}\n"
             "roles:\n  developer: [alice]\n  admin: [frank]\n");
  Config config;
  config.workspace = dir.path();
  config.store = (dir / "state.db").string();
  config.state_root = dir.path();
  config.actor = actor;
  Result<std::unique_ptr<Service>> service = Service::open(config);
  EXPECT_TRUE(service) << service.error().to_string();
  return service ? std::move(*service) : nullptr;
}

TEST(Tokens, OnlyPermissionTokenCreatesThem) {
  TempDir dir;
  Result<std::string> token = open_as(dir, "alice")->create_token("alice");
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, ErrorCode::denied);
  EXPECT_NE(token.error().message.find("needs permission token"), std::string::npos) << token.error().message;
}

TEST(Tokens, ATokenActsAsItsUser) {
  TempDir dir;
  Result<std::string> token = open_as(dir, "frank")->create_token("alice");
  ASSERT_TRUE(token) << token.error().to_string();
  EXPECT_EQ(token->rfind("slw_", 0), 0u);
  std::unique_ptr<Service> anonymous = open_as(dir, "");
  EXPECT_EQ(anonymous->authenticate(*token).value(), "alice");
  EXPECT_EQ(anonymous->actor().value(), "alice");
  EXPECT_EQ(anonymous->authenticate(*token + "0").error().code, ErrorCode::denied);
  EXPECT_FALSE(anonymous->actor());  // alice no longer acts
  EXPECT_EQ(anonymous->store().meta().token_name(*token).value(), std::nullopt);  // the token itself is not stored
}

TEST(Tokens, OnlyForAMemberOfARole) {
  TempDir dir;
  Result<std::string> token = open_as(dir, "frank")->create_token("mallory");
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, ErrorCode::invalid_input);
}

}  // namespace
}  // namespace slipway::service
