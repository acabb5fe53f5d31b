// The runs concern of the store: runs with jobs and steps, artifact metadata,
// trigger dedupe, cancel requests. On both backends (backends.h).
#include <gtest/gtest.h>

#include "store/backends.h"
#include "store/store.h"
#include "support/test_support.h"

namespace slipway::store {
namespace {

using RunStores = OnBackends;

using test::TempDir;

StoredRun sample_run(const std::string& id, const std::string& state) {
  StoredRun run;
  run.id = id;
  run.pipeline = "billing";
  run.build_number = "20261125.1";
  run.state = state;
  run.result = state == "running" ? "succeeded" : "failed";
  run.owner_pid = 42;
  run.owner_host = "h";
  run.start_ms = 1000;
  run.document = {{"id", id}};
  StoredJob job{"build.compile", "build", "succeeded", "", 1000, 2000, {{"s.v", "1"}}, {}};
  job.steps.push_back({"s", "Step", "succeeded", "", 1000, 1500});
  job.steps.push_back({"", "Second", "failed", "exit 1", 1500, 2000});
  run.jobs.push_back(job);
  return run;
}

TEST_P(RunStores, UpdateWritesOnlyTheListedJobsAndTheRunItself) {
  auto store = open_store(state.location());
  ASSERT_TRUE(store) << store.error().to_string();
  StoredRun run = sample_run("1", "running");
  StoredJob second{"build.test", "build", "succeeded", "", 0, 0, nlohmann::json::object(), {}};
  second.steps.push_back({"t", "Test", "skipped", "", 0, 0});
  run.jobs.push_back(second);
  ASSERT_TRUE((*store)->runs().save_run(run));

  // Both jobs change in memory; only the second is listed.
  run.jobs[0].result = "failed";
  run.jobs[1].result = "failed";
  run.jobs[1].steps[0].result = "failed";
  run.jobs[1].steps.push_back({"u", "Upload", "skipped", "", 0, 0});
  run.build_number = "20261125.2";
  ASSERT_TRUE((*store)->runs().update_run(run, std::vector<size_t>{1}));

  auto back = (*store)->runs().run("1");
  ASSERT_TRUE(back && *back);
  EXPECT_EQ((*back)->build_number, "20261125.2");
  ASSERT_EQ((*back)->jobs.size(), 2u);
  EXPECT_EQ((*back)->jobs[0].id, "build.compile");
  EXPECT_EQ((*back)->jobs[0].result, "succeeded");
  EXPECT_EQ((*back)->jobs[0].steps.size(), 2u);
  EXPECT_EQ((*back)->jobs[1].id, "build.test");
  EXPECT_EQ((*back)->jobs[1].result, "failed");
  ASSERT_EQ((*back)->jobs[1].steps.size(), 2u);
  EXPECT_EQ((*back)->jobs[1].steps[0].result, "failed");
  EXPECT_EQ((*back)->jobs[1].steps[1].display_name, "Upload");

  EXPECT_FALSE((*store)->runs().update_run(run, std::vector<size_t>{7}));
  auto unchanged = (*store)->runs().run("1");
  ASSERT_TRUE(unchanged && *unchanged);
  EXPECT_EQ((*unchanged)->jobs[1].steps.size(), 2u);
}

TEST_P(RunStores, SavedRunComesBackWithJobsAndStepsAndIsReplacedOnSave) {
  {
    auto store = open_store(state.location());
    ASSERT_TRUE(store) << store.error().to_string();
    ASSERT_TRUE((*store)->runs().save_run(sample_run("1", "running")));
    StoredRun done = sample_run("1", "finished");
    done.jobs[0].steps.pop_back();
    ASSERT_TRUE((*store)->runs().save_run(done));
    ASSERT_TRUE((*store)->runs().save_run(sample_run("2", "running")));
  }
  auto store = open_store(state.location());
  ASSERT_TRUE(store);
  auto run = (*store)->runs().run("1");
  ASSERT_TRUE(run && *run);
  EXPECT_EQ((*run)->state, "finished");
  EXPECT_EQ((*run)->result, "failed");
  EXPECT_EQ((*run)->owner_pid, 42);
  EXPECT_EQ((*run)->document["id"], "1");
  ASSERT_EQ((*run)->jobs.size(), 1u);
  EXPECT_EQ((*run)->jobs[0].outputs["s.v"], "1");
  ASSERT_EQ((*run)->jobs[0].steps.size(), 1u);
  EXPECT_EQ((*run)->jobs[0].steps[0].display_name, "Step");
  EXPECT_FALSE(*(*store)->runs().run("3"));
  auto all = (*store)->runs().runs();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "1");
  EXPECT_EQ((*store)->runs().runs(std::string("other"))->size(), 0u);
  auto running = (*store)->runs().running_runs();
  ASSERT_TRUE(running);
  ASSERT_EQ(running->size(), 1u);
  EXPECT_EQ((*running)[0].id, "2");
  EXPECT_EQ((*running)[0].jobs[0].steps.size(), 2u);
}

TEST_P(RunStores, ArtifactNamesAreUniquePerRun) {
  auto store = open_store(state.location());
  ASSERT_TRUE(store);
  RunStore& runs = (*store)->runs();
  StoredArtifact a{"1", "build.compile", "bin", "abc", 10, 2, "billing", "1.2.3", 5};
  ASSERT_TRUE(runs.add_artifact(a));
  Status again = runs.add_artifact(a);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "artifact 'bin' already exists in run 1");
  a.run_id = "2";
  ASSERT_TRUE(runs.add_artifact(a));
  auto of_one = runs.artifacts(std::string("1"));
  ASSERT_TRUE(of_one);
  ASSERT_EQ(of_one->size(), 1u);
  EXPECT_EQ((*of_one)[0].version, "1.2.3");
  EXPECT_EQ((*of_one)[0].size, 10);
  EXPECT_EQ(runs.artifacts(std::nullopt)->size(), 2u);
}

TEST_P(RunStores, SameTriggerIsClaimedOnce) {
  auto first = open_store(state.location());
  auto second = open_store(state.location());
  ASSERT_TRUE(first && second);
  EXPECT_FALSE((*first)->runs().trigger_run("push:a").value());
  EXPECT_TRUE((*first)->runs().claim_trigger("push:a", 1).value());
  EXPECT_FALSE((*second)->runs().claim_trigger("push:a", 2).value());
  ASSERT_TRUE((*first)->runs().set_trigger_run("push:a", "7"));
  EXPECT_EQ((*second)->runs().trigger_run("push:a").value(), std::optional<std::string>("7"));
  EXPECT_FALSE((*first)->runs().set_trigger_run("push:b", "7"));
}

TEST_P(RunStores, CancelRequestIsSeenByAnotherConnectionAndTheFirstOneStays) {
  auto runner = open_store(state.location());
  auto other = open_store(state.location());
  ASSERT_TRUE(runner && other);
  ASSERT_TRUE((*runner)->runs().save_run(sample_run("3", "running")));
  EXPECT_FALSE((*runner)->runs().cancel_request("3").value());
  EXPECT_TRUE((*other)->runs().request_cancel({"3", "alice", 10}).value());
  EXPECT_FALSE((*other)->runs().request_cancel({"3", "bob", 20}).value());
  std::optional<CancelRequest> seen = (*runner)->runs().cancel_request("3").value();
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->actor, "alice");
  EXPECT_EQ(seen->requested_ms, 10);
  Result<bool> missing = (*other)->runs().request_cancel({"4", "alice", 30});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "no run 4");
}

TEST_P(RunStores, AStepLogBlobIsNamedPerStepAndReplaced) {
  auto store = open();
  ASSERT_TRUE(store);
  RunStore& runs = store->runs();
  EXPECT_EQ(runs.step_log("1", "build.compile", 0).value(), std::nullopt);
  ASSERT_TRUE(runs.set_step_log("1", "build.compile", 0, std::string(64, 'a')));
  ASSERT_TRUE(runs.set_step_log("1", "build.compile", 1, std::string(64, 'b')));
  ASSERT_TRUE(runs.set_step_log("1", "build.compile", 0, std::string(64, 'c')));  // a retried step
  EXPECT_EQ(runs.step_log("1", "build.compile", 0).value(), std::string(64, 'c'));
  EXPECT_EQ(runs.step_log("1", "build.compile", 1).value(), std::string(64, 'b'));
  EXPECT_EQ(runs.step_log("2", "build.compile", 0).value(), std::nullopt);
}

STORE_BACKENDS(RunStores);

}  // namespace
}  // namespace slipway::store
