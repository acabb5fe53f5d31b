// API tokens (service/tokens.cpp): permission token, only known identities,
// the store holds a hash, a token makes its user the acting identity; list,
// revoke, expiry, last use and read-only tokens, on a ManualClock.
#include <gtest/gtest.h>

#include "service/service.h"
#include "support/test_support.h"

namespace slipway::service {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using test::TempDir;
using test::write_file;

TokenOptions for_user(const std::string& user, std::optional<seconds> expires_in = std::nullopt,
                      bool read_only = false) {
  return {.user = user, .expires_in = expires_in, .read_only = read_only};
}

class Tokens : public ::testing::Test {
 protected:
  std::unique_ptr<Service> open_as(const std::string& actor) {
    write_file(dir / "slipway.yaml",
               "product: {name: shop, version: \"1.0\"}\n"
               "roles:\n  developer: [alice]\n  admin: [frank]\n");
    Config config;
    config.workspace = dir.path();
    config.store = (dir / "state.db").string();
    config.state_root = dir.path();
    config.actor = actor;
    config.clock = &clock;
    Result<std::unique_ptr<Service>> service = Service::open(config);
    EXPECT_TRUE(service) << service.error().to_string();
    return service ? std::move(*service) : nullptr;
  }

  CreatedToken create(TokenOptions options) {
    Result<CreatedToken> made = open_as("frank")->create_token(options);
    EXPECT_TRUE(made) << made.error().to_string();
    return made ? *made : CreatedToken{};
  }

  std::string refusal(const std::string& token) {
    Result<store::TokenRecord> who = open_as("")->authenticate(token);
    EXPECT_FALSE(who);
    return who ? "" : who.error().message;
  }

  TempDir dir;
  ManualClock clock;
};

TEST_F(Tokens, OnlyPermissionTokenCreatesListsAndRevokesThem) {
  std::unique_ptr<Service> alice = open_as("alice");
  Result<CreatedToken> token = alice->create_token(for_user("alice"));
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, ErrorCode::denied);
  EXPECT_NE(token.error().message.find("needs permission token"), std::string::npos) << token.error().message;
  EXPECT_NE(alice->tokens().error().message.find("needs permission token"), std::string::npos);
  const CreatedToken made = create(for_user("alice"));
  EXPECT_EQ(alice->revoke_token(made.record.prefix).error().code, ErrorCode::denied);
  EXPECT_EQ(open_as("")->authenticate(made.token).value().user, "alice");  // still in force
}

TEST_F(Tokens, ATokenActsAsItsUser) {
  const CreatedToken made = create(for_user("alice"));
  EXPECT_EQ(made.token.rfind("slw_", 0), 0u);
  EXPECT_EQ(made.token.size(), 4u + 64u);
  EXPECT_EQ(made.record.prefix, made.token.substr(0, 12));
  std::unique_ptr<Service> anonymous = open_as("");
  EXPECT_EQ(anonymous->authenticate(made.token).value().user, "alice");
  EXPECT_EQ(anonymous->actor().value(), "alice");
  Result<store::TokenRecord> wrong = anonymous->authenticate(made.token + "0");
  EXPECT_EQ(wrong.error().code, ErrorCode::denied);
  EXPECT_EQ(wrong.error().message, "unknown token");
  EXPECT_FALSE(anonymous->actor());  // alice no longer acts
  EXPECT_EQ(anonymous->store().meta().token_by_hash(made.token).value(), std::nullopt);  // not stored itself
}

TEST_F(Tokens, OnlyForAMemberOfARole) {
  Result<CreatedToken> token = open_as("frank")->create_token(for_user("mallory"));
  ASSERT_FALSE(token);
  EXPECT_EQ(token.error().code, ErrorCode::invalid_input);
}

TEST_F(Tokens, ListShowsPrefixesUsersExpiryAndLastUseButNoSecret) {
  const CreatedToken forever = create(for_user("alice"));
  clock.advance(minutes(5));
  const CreatedToken month = create(for_user("frank", hours(24 * 30), true));
  ASSERT_TRUE(open_as("")->authenticate(forever.token));
  std::vector<store::TokenRecord> all = open_as("frank")->tokens().value();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].prefix, forever.record.prefix);
  EXPECT_EQ(all[0].user, "alice");
  EXPECT_EQ(all[0].created_by, "frank");
  EXPECT_EQ(all[0].expires, std::nullopt);
  EXPECT_EQ(all[0].last_used, clock.now());
  EXPECT_FALSE(all[0].read_only);
  EXPECT_EQ(all[1].prefix, month.record.prefix);
  EXPECT_EQ(all[1].expires, clock.now() + hours(24 * 30));
  EXPECT_EQ(all[1].last_used, std::nullopt);
  EXPECT_TRUE(all[1].read_only);
  EXPECT_EQ(all[1].revoked, std::nullopt);
}

TEST_F(Tokens, LastUseIsRecordedToTheMinute) {
  const CreatedToken made = create(for_user("alice"));
  const TimePoint first = clock.now();
  ASSERT_TRUE(open_as("")->authenticate(made.token));
  clock.advance(seconds(59));
  ASSERT_TRUE(open_as("")->authenticate(made.token));
  EXPECT_EQ(open_as("frank")->tokens().value()[0].last_used, first);
  clock.advance(seconds(1));
  ASSERT_TRUE(open_as("")->authenticate(made.token));
  EXPECT_EQ(open_as("frank")->tokens().value()[0].last_used, clock.now());
}

TEST_F(Tokens, AnExpiredTokenIsRefusedSayingWhen) {
  const CreatedToken made = create(for_user("alice", seconds(90)));
  clock.advance(seconds(89));
  EXPECT_TRUE(open_as("")->authenticate(made.token));
  clock.advance(seconds(1));
  EXPECT_EQ(refusal(made.token),
            "token " + made.record.prefix + "\u2026 expired at " + format_utc(*made.record.expires));
}

TEST_F(Tokens, ARevokedTokenIsRefusedAndTheRevocationRecorded) {
  const CreatedToken made = create(for_user("alice"));
  const CreatedToken other = create(for_user("alice"));
  clock.advance(minutes(1));
  Result<RevokedToken> revoked = open_as("frank")->revoke_token(made.record.prefix.substr(4));  // "slw_" left out
  ASSERT_TRUE(revoked) << revoked.error().to_string();
  EXPECT_FALSE(revoked->already);
  EXPECT_EQ(revoked->record.revoked, clock.now());
  EXPECT_EQ(refusal(made.token), "token " + made.record.prefix + "\u2026 was revoked at " +
                                     format_utc(clock.now()) + " by frank");
  EXPECT_TRUE(open_as("")->authenticate(other.token));  // only that one

  clock.advance(minutes(1));
  Result<RevokedToken> again = open_as("frank")->revoke_token(made.record.prefix);
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->already);
  EXPECT_EQ(again->record.revoked, clock.now() - minutes(1));  // the first revocation stays

  std::vector<store::Event> events = open_as("")->store().events().list({.kind_prefix = "token."}).value();
  ASSERT_EQ(events.size(), 3u);  // two created, one revoked
  EXPECT_EQ(events[2].kind, "token.revoked");
  EXPECT_EQ(events[2].actor, "frank");
  EXPECT_EQ(events[2].subject, "user:alice");
  for (const store::Event& e : events) {
    EXPECT_EQ(e.detail.dump().find(made.token), std::string::npos);
    EXPECT_EQ(e.detail.dump().find(made.token.substr(12)), std::string::npos);  // no secret digit
  }
}

TEST_F(Tokens, RevokeNamesAnUnknownPrefixAndRefusesAnAmbiguousOne) {
  create(for_user("alice"));
  create(for_user("alice"));
  Result<RevokedToken> unknown = open_as("frank")->revoke_token("slw_zzzz");
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found);
  EXPECT_NE(unknown.error().message.find("no token slw_zzzz"), std::string::npos) << unknown.error().message;
  Result<RevokedToken> ambiguous = open_as("frank")->revoke_token("slw_");
  EXPECT_EQ(ambiguous.error().code, ErrorCode::invalid_input);
  EXPECT_NE(ambiguous.error().message.find("2 tokens start with slw_"), std::string::npos);
  const std::vector<store::TokenRecord> all = open_as("frank")->tokens().value();
  for (const store::TokenRecord& t : all) EXPECT_EQ(t.revoked, std::nullopt);
}

TEST_F(Tokens, AWholeTokenGivenToRevokeIsNeverEchoed) {
  const CreatedToken made = create(for_user("alice"));
  Result<RevokedToken> refused = open_as("frank")->revoke_token(made.token);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(refused.error().message.find(made.token.substr(12)), std::string::npos);
}

TEST_F(Tokens, AReadOnlyTokensUserCannotAct) {
  const CreatedToken made = create(for_user("frank", std::nullopt, true));
  std::unique_ptr<Service> service = open_as("");
  ASSERT_TRUE(service->authenticate(made.token));
  Result<std::string> who = service->actor();
  ASSERT_FALSE(who);
  EXPECT_EQ(who.error().code, ErrorCode::denied);
  EXPECT_EQ(who.error().message, "token " + made.record.prefix + "\u2026 is read-only: it cannot act");
  EXPECT_FALSE(service->create_token(for_user("alice")));  // frank is admin, his read-only token is not
  EXPECT_TRUE(service->status());                           // reading works
  EXPECT_EQ(service->store().meta().tokens().value().size(), 1u);
}

}  // namespace
}  // namespace slipway::service
