// The whole flow on examples/acme with the FakeApplier double (tests/release/
// fake_applier.h; the real drivers are src/deploy's): builds → dev auto
// releases → a release from dev with a pin → staging → QA approval →
// prod-cloud and prod-acme; failed applies; rollback then a new build.
#include "release_fixture.h"

#include <chrono>
#include <thread>

namespace slipway::release::test {
namespace {

TEST_F(ReleaseTest, BuildsMakeDevReleasesAndTheApprovedReleaseReachesBothProductions) {
  build_everything();
  ASSERT_EQ(applier.calls.size(), 4u);  // acme-bridge is not part of dev
  for (const FakeApplier::Call& call : applier.calls) {
    EXPECT_EQ(call.environment, "dev");
    EXPECT_EQ(call.reason, ApplyReason::automatic);
  }
  build("orders", "1.1.0");
  Result<Release> dev = service->get(dev_release());
  ASSERT_TRUE(dev);
  EXPECT_EQ(dev->component("orders")->version, "1.1.0");
  EXPECT_EQ(dev->component("billing")->version, "1.0.0");
  EXPECT_EQ(dev->source, "build:orders@1.1.0");

  Result<Release> r = service->create_from_environment({.from = "dev", .pins = {{"orders", "1.0.0"}}}, "erin");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->component("orders")->version, "1.0.0");
  EXPECT_EQ(r->component("orders")->artifact_digest, "sha256:orders-1.0.0");
  EXPECT_EQ(r->component("acme-bridge")->version, "1.0.0");  // the whole product, for prod-acme
  EXPECT_EQ(r->components.size(), 5u);
  EXPECT_EQ(r->config_digest.size(), 64u);
  EXPECT_TRUE(r->id.starts_with("2.3.")) << r->id;

  ASSERT_TRUE(service->promote(r->id, "staging", "alice", applier));
  ASSERT_TRUE(service->approve(r->id, "prod-cloud", "carol"));
  Result<ApplyRecord> cloud = service->promote(r->id, "prod-cloud", "erin", applier);
  ASSERT_TRUE(cloud) << cloud.error().to_string();
  EXPECT_TRUE(cloud->outcome.succeeded);
  ASSERT_TRUE(service->approve(r->id, "prod-acme", "dave"));
  ASSERT_TRUE(service->promote(r->id, "prod-acme", "erin", applier));

  for (const char* env : {"staging", "prod-cloud", "prod-acme"}) {
    store::EnvironmentState state = *store->releases().environment_state(env).value();
    EXPECT_EQ(state.release, r->id) << env;
    EXPECT_EQ(state.product_version, r->id) << env;
    EXPECT_EQ(state.last_result, "succeeded") << env;
  }
  EXPECT_EQ(applier.calls.back().environment, "prod-acme");
  EXPECT_EQ(applier.calls.back().reason, ApplyReason::promote);
}

TEST_F(ReleaseTest, AFailedApplyIsRecordedAndLeavesTheProductVersion) {
  build_everything();
  std::string before = dev_release();
  applier.fail_next = true;
  std::vector<ApplyRecord> done = build("billing", "1.1.0");
  ASSERT_EQ(done.size(), 1u);
  EXPECT_FALSE(done[0].outcome.succeeded);
  store::EnvironmentState state = *store->releases().environment_state("dev").value();
  EXPECT_EQ(state.release, before);
  EXPECT_EQ(state.product_version, before);
  EXPECT_EQ(state.last_result, "failed");
  EXPECT_EQ(state.last_release, done[0].release);
}

TEST_F(ReleaseTest, ReleaseFromAFileLocksTheGivenVersions) {
  build_everything();
  slipway::test::write_file(dir / "RELEASE.yaml", "components:\n  billing: 1.0.0\n  orders: 1.0.0\n");
  Result<Release> r = service->create_from_file((dir / "RELEASE.yaml").string(), "erin");
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->components.size(), 2u);
  EXPECT_EQ(r->component("billing")->artifact_digest, "sha256:billing-1.0.0");

  slipway::test::write_file(dir / "BAD.yaml", "components:\n  billing: 7.0.0\n");
  std::string state = snapshot();
  Result<Release> bad = service->create_from_file((dir / "BAD.yaml").string(), "erin");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, (dir / "BAD.yaml").string() + ": component billing has no build of version 7.0.0");
  EXPECT_EQ(snapshot(), state);
}

TEST_F(ReleaseTest, RollbackHoldsTheVersionBackFromDevUntilANewerBuild) {
  build_everything();
  std::string good = dev_release();
  build("billing", "1.1.0");
  Result<ApplyRecord> back = service->rollback("dev", std::nullopt, "alice", applier);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->release, good);
  EXPECT_EQ(back->reason, ApplyReason::rollback);
  EXPECT_EQ(dev_release(), good);

  size_t calls = applier.calls.size();
  EXPECT_TRUE(build("billing", "1.1.0").empty());  // the rolled-back version again: not re-applied
  EXPECT_EQ(applier.calls.size(), calls);
  EXPECT_EQ(dev_release(), good);

  std::vector<ApplyRecord> newer = build("billing", "1.2.0");
  ASSERT_EQ(newer.size(), 1u);
  EXPECT_TRUE(newer[0].outcome.succeeded);
  EXPECT_EQ(service->get(dev_release())->component("billing")->version, "1.2.0");
  EXPECT_TRUE(build("billing", "1.3.0").size() == 1u);  // the hold is gone
}

TEST_F(ReleaseTest, RollbackToANamedReleaseAndWithoutHistory) {
  Result<ApplyRecord> none = service->rollback("staging", std::nullopt, "erin", applier);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "staging has no earlier release");
  build_everything();
  std::string first = dev_release();
  build("web", "1.1.0");
  build("web", "1.2.0");
  Result<ApplyRecord> back = service->rollback("dev", first, "alice", applier);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(dev_release(), first);
  Result<ApplyRecord> never = service->rollback("staging", first, "erin", applier);
  ASSERT_FALSE(never);
  EXPECT_EQ(never.error().message, "release " + first + " was never applied to staging");
}

}  // namespace
}  // namespace slipway::release::test

namespace slipway::release::test {
namespace {

// An Applier that works longer than the lease without calling keep_alive, and
// checks from a second connection that nobody could take the lock meanwhile.
class SlowApplier final : public Applier {
 public:
  explicit SlowApplier(std::string state) : m_state(std::move(state)) {}
  bool someone_got_in = true;
  Result<ApplyOutcome> apply(const model::Workspace&, const model::Environment& env, const Release&,
                             const ApplyContext&) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(1800));
    auto other = store::open_store(m_state);
    if (!other) return std::unexpected(other.error());
    auto tried = (*other)->locks().try_acquire("env:" + env.name, {"intruder", "mallory"}, Millis(1000));
    if (!tried) return std::unexpected(tried.error());
    someone_got_in = tried->acquired;
    return ApplyOutcome{true, "slow", {}};
  }

 private:
  std::string m_state;
};

TEST_F(ReleaseTest, TheLeaseIsRenewedWhileALongApplyRuns) {
  build_everything();
  // The real clock here: leases must really expire without the heartbeat.
  ReleaseService real(*store, workspace, system_clock());
  SlowApplier slow(state_path);
  Result<ApplyRecord> done = real.apply(dev_release(), "dev", "alice", slow, {.lease = Millis(900)});
  ASSERT_TRUE(done) << done.error().to_string();
  EXPECT_FALSE(slow.someone_got_in);
}

}  // namespace
}  // namespace slipway::release::test
