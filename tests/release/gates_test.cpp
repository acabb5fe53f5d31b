// Every gate refused with its exact message, and no state change (the
// snapshot of releases, approvals and environment states is identical before
// and after). FakeApplier double: see fake_applier.h.
#include "release_fixture.h"

namespace slipway::release::test {
namespace {

class GatesTest : public ReleaseTest {
 protected:
  // A release from dev, applied to staging.
  std::string staged() {
    build_everything();
    Result<Release> r = service->create_from_environment({.from = "dev"}, "erin");
    EXPECT_TRUE(r) << r.error().to_string();
    EXPECT_TRUE(service->promote(r->id, "staging", "alice", applier));
    return r->id;
  }

  // Promotes expecting a refusal; checks nothing changed and returns the message.
  std::string refused(const std::string& id, const std::string& env, const std::string& actor, bool force = false) {
    std::string before = snapshot();
    size_t calls = applier.calls.size();
    Result<ApplyRecord> r = service->promote(id, env, actor, applier, {.force = force});
    EXPECT_FALSE(r);
    EXPECT_EQ(snapshot(), before);
    EXPECT_EQ(applier.calls.size(), calls);
    return r ? "" : r.error().message;
  }
};

TEST_F(GatesTest, MissingApprovalIsRefusedNamingRoleAndCount) {
  std::string id = staged();
  EXPECT_EQ(refused(id, "prod-cloud", "erin"),
            "cannot promote " + id + " to prod-cloud: needs 1 approval by role qa on prod-cloud; has 0");
}

TEST_F(GatesTest, AnApproverWithoutTheRoleIsRefused) {
  std::string id = staged();
  std::string before = snapshot();
  Status s = service->approve(id, "prod-cloud", "alice");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::denied);
  EXPECT_EQ(s.error().message, "alice may not approve for prod-cloud: needs role qa");
  Status none = service->approve(id, "staging", "carol");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "staging needs no approvals");
  EXPECT_EQ(snapshot(), before);
}

TEST_F(GatesTest, ThePromotersOwnApprovalDoesNotCount) {
  std::string id = staged();
  ASSERT_TRUE(service->approve(id, "prod-cloud", "carol"));
  EXPECT_EQ(refused(id, "prod-cloud", "carol"),
            "cannot promote " + id + " to prod-cloud: needs 1 approval by role qa on prod-cloud; has 0 "
            "(carol promotes it, so their approval does not count)");
  ASSERT_TRUE(service->approve(id, "prod-cloud", "dave"));
  EXPECT_TRUE(service->promote(id, "prod-cloud", "carol", applier));
}

TEST_F(GatesTest, TheCreatorOfAReleaseCannotApproveIt) {
  build_everything();
  Result<Release> mine = service->create_from_environment({.from = "dev"}, "carol");
  ASSERT_TRUE(mine);
  std::string before = snapshot();
  Status s = service->approve(mine->id, "prod-cloud", "carol");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, ErrorCode::denied);
  EXPECT_EQ(s.error().message,
            "carol created release " + mine->id + " and cannot approve it for prod-cloud (requester_cannot_approve)");
  EXPECT_EQ(snapshot(), before);
}

TEST_F(GatesTest, AnApprovalExpires) {
  std::string id = staged();
  ASSERT_TRUE(service->approve(id, "prod-cloud", "dave"));
  clock.advance(std::chrono::hours(24 * 7) + Millis(1));  // expires_after: 7d in examples/acme
  const std::string refusal = refused(id, "prod-cloud", "erin");
  EXPECT_TRUE(refusal.starts_with("cannot promote " + id + " to prod-cloud: needs 1 approval by role qa on "
                                  "prod-cloud; has 0 (dave's approval of "))
      << refusal;
  EXPECT_TRUE(refusal.ends_with(" expired)")) << refusal;
}

TEST_F(GatesTest, ApprovalsAreCountedPerEnvironment) {
  std::string id = staged();
  ASSERT_TRUE(service->approve(id, "prod-acme", "carol"));
  EXPECT_EQ(refused(id, "prod-cloud", "erin"),
            "cannot promote " + id + " to prod-cloud: needs 1 approval by role qa on prod-cloud; has 0");
  Status twice = service->approve(id, "prod-acme", "carol");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().message, "carol already approved release " + id + " for prod-acme");
}

TEST_F(GatesTest, SkippingPromoteFromIsRefused) {
  build_everything();
  Result<Release> r = service->create_from_environment({.from = "dev"}, "erin");
  ASSERT_TRUE(r);
  ASSERT_TRUE(service->approve(r->id, "prod-cloud", "carol"));
  EXPECT_EQ(refused(r->id, "prod-cloud", "erin"),
            "cannot promote " + r->id + " to prod-cloud: billing 1.0.0, orders 1.0.0, web 1.0.0, worker 1.0.0 "
            "never ran successfully in staging (prod-cloud promotes from staging)");
  // A version built on a branch dev does not track never ran in dev: neither
  // a pin nor a release written by hand gets it past staging's gate.
  ASSERT_TRUE(service->on_build_succeeded("billing", "0.9.0", "sha256:b-0.9.0", "feature", "run-x", applier));
  Result<Release> pinned = service->create_from_environment({.from = "dev", .pins = {{"billing", "0.9.0"}}}, "erin");
  ASSERT_TRUE(pinned);
  EXPECT_EQ(refused(pinned->id, "staging", "erin"),
            "cannot promote " + pinned->id + " to staging: billing 0.9.0 never ran successfully in dev "
            "(staging promotes from dev)");
  slipway::test::write_file(dir / "R.yaml", "components:\n  billing: 0.9.0\n");
  Result<Release> file = service->create_from_file((dir / "R.yaml").string(), "erin");
  ASSERT_TRUE(file);
  EXPECT_EQ(refused(file->id, "staging", "erin"),
            "cannot promote " + file->id + " to staging: billing 0.9.0 never ran successfully in dev "
            "(staging promotes from dev)");
  // acme-bridge is not deployed in staging, so it cannot have run there.
  ASSERT_TRUE(service->promote(r->id, "staging", "erin", applier));
  EXPECT_TRUE(service->promote(r->id, "prod-cloud", "erin", applier));
}

TEST_F(GatesTest, FreezeWindowRefusesInItsTimeZoneAndForceOverridesIt) {
  std::string id = staged();
  const std::string frozen = "cannot promote " + id +
                             " to prod-acme: prod-acme is frozen by window 2027-12-23 to 2028-01-03 "
                             "(America/New_York) until 2028-01-04 00:00 America/New_York";
  clock.set(from_epoch_ms(1'830'254'400'000));  // 2027-12-31T12:00:00Z: inside
  ASSERT_TRUE(service->approve(id, "prod-acme", "dave"));
  EXPECT_EQ(refused(id, "prod-acme", "erin"), frozen);
  clock.set(from_epoch_ms(1'830'574'740'000));  // 2028-01-04T04:59:00Z = 2028-01-03 23:59 in New York
  EXPECT_EQ(refused(id, "prod-acme", "erin"), frozen);
  // Who may --force is the service layer's permission check (tests/service); here it overrides.
  Result<ApplyRecord> forced = service->promote(id, "prod-acme", "frank", applier, {.force = true});
  ASSERT_TRUE(forced) << forced.error().to_string();
  ASSERT_EQ(forced->overridden.size(), 1u);
  EXPECT_EQ(forced->overridden[0], frozen.substr(frozen.find("prod-acme is frozen")));
}

TEST_F(GatesTest, TheFreezeEndsAtMidnightInNewYork) {
  std::string id = staged();
  clock.set(from_epoch_ms(1'830'574'800'000));  // 2028-01-04T05:00:00Z = 00:00 in New York
  ASSERT_TRUE(service->approve(id, "prod-acme", "dave"));
  Result<ApplyRecord> r = service->promote(id, "prod-acme", "erin", applier);
  EXPECT_TRUE(r) << r.error().to_string();
}

TEST_F(GatesTest, UnknownPinAndVersionWithoutBuildCreateNothing) {
  build_everything();
  std::string before = snapshot();
  Result<Release> unknown = service->create_from_environment({.from = "dev", .pins = {{"ordres", "1.0.0"}}}, "erin");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "unknown component 'ordres' in --pin (did you mean 'orders'?)");
  Result<Release> unbuilt = service->create_from_environment({.from = "dev", .pins = {{"orders", "9.9.9"}}}, "erin");
  ASSERT_FALSE(unbuilt);
  EXPECT_EQ(unbuilt.error().message, "component orders has no build of version 9.9.9");
  Result<Release> empty = service->create_from_environment({.from = "staging"}, "erin");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message, "staging has no release applied yet");
  EXPECT_EQ(snapshot(), before);
}

TEST_F(GatesTest, ABusyEnvironmentNamesItsHolder) {
  std::string id = staged();
  ASSERT_TRUE(service->approve(id, "prod-cloud", "carol"));
  auto other = store::open_store(state_path, {.clock = &clock});
  ASSERT_TRUE(other);
  auto held = (*other)->locks().try_acquire("env:prod-cloud", {"run 42", "alice"}, Millis(60000));
  ASSERT_TRUE(held && held->acquired);
  std::string before = snapshot();
  Result<ApplyRecord> r = service->promote(id, "prod-cloud", "erin", applier, {.wait = Millis(30)});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::conflict);
  EXPECT_EQ(r.error().message, "env:prod-cloud is locked by run 42, alice, since " +
                                   format_utc(held->lease.acquired).substr(11, 8) + " UTC");
  EXPECT_EQ(snapshot(), before);
  // A lease left by a dead holder expires and is taken over.
  clock.advance(Millis(61000));
  Result<ApplyRecord> after = service->promote(id, "prod-cloud", "erin", applier, {.wait = Millis(30)});
  ASSERT_TRUE(after) << after.error().to_string();
  ASSERT_TRUE(after->took_over);
  EXPECT_EQ(after->took_over->holder, "run 42");
}

}  // namespace
}  // namespace slipway::release::test
