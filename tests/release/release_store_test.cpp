// The releases concern of the store (store.h ReleaseStore, migration 5) on a
// real SQLite file.
#include <gtest/gtest.h>

#include "store/store.h"
#include "support/test_support.h"

namespace slipway::store {
namespace {

TEST(ReleaseStoreTest, ComponentVersionsAreWrittenOnceWithOneDigest) {
  slipway::test::TempDir dir;
  auto store = open_store((dir / "s.db").string());
  ASSERT_TRUE(store);
  ReleaseStore& r = (*store)->releases();
  ASSERT_TRUE(r.record_component_version({"api", "1.0.0", "sha256:a", "run-1", "main", {}}));
  EXPECT_TRUE(r.record_component_version({"api", "1.0.0", "sha256:a", "run-2", "main", {}}));  // same build again
  Status other = r.record_component_version({"api", "1.0.0", "sha256:b", "run-3", "main", {}});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().message, "component api version 1.0.0 was already built with artifact sha256:a");
  auto found = r.component_version("api", "1.0.0");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->run_id, "run-1");
  EXPECT_FALSE(*r.component_version("api", "2.0.0"));
}

TEST(ReleaseStoreTest, ReleasesAreImmutableAndApprovalsDistinct) {
  slipway::test::TempDir dir;
  auto store = open_store((dir / "s.db").string());
  ASSERT_TRUE(store);
  ReleaseStore& r = (*store)->releases();
  ASSERT_TRUE(r.add_release({"2.3.1", "erin", {}, {{"components", nlohmann::json::array()}}}));
  Status again = r.add_release({"2.3.1", "erin", {}, {}});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "release 2.3.1 already exists");
  ASSERT_TRUE(r.add_approval({"2.3.1", "prod", "carol", {}}));
  Status twice = r.add_approval({"2.3.1", "prod", "carol", {}});
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().message, "carol already approved release 2.3.1 for prod");
  ASSERT_TRUE(r.add_approval({"2.3.1", "prod", "dave", {}}));
  EXPECT_EQ(r.approvals("2.3.1", "prod")->size(), 2u);
  EXPECT_TRUE(r.approvals("2.3.1", "staging")->empty());
}

TEST(ReleaseStoreTest, EnvironmentStateIsReplacedAndSurvivesReopening) {
  slipway::test::TempDir dir;
  {
    auto store = open_store((dir / "s.db").string());
    ASSERT_TRUE(store);
    EXPECT_FALSE(*(*store)->releases().environment_state("dev"));
    EnvironmentState s{"dev", "2.3.1", "2.3.1", "2.3.1", "succeeded", "alice", {}, {{"held", {{"api", "1.1.0"}}}}};
    ASSERT_TRUE((*store)->releases().set_environment_state(s));
    s.last_release = "2.3.2";
    s.last_result = "failed";
    ASSERT_TRUE((*store)->releases().set_environment_state(s));
  }
  auto store = open_store((dir / "s.db").string());
  ASSERT_TRUE(store);
  auto state = (*store)->releases().environment_state("dev");
  ASSERT_TRUE(state && *state);
  EXPECT_EQ((*state)->release, "2.3.1");
  EXPECT_EQ((*state)->last_release, "2.3.2");
  EXPECT_EQ((*state)->last_result, "failed");
  EXPECT_EQ((*state)->extra["held"]["api"], "1.1.0");
  EXPECT_EQ((*store)->releases().environment_states()->size(), 1u);
}

}  // namespace
}  // namespace slipway::store
