// StoreRecorder: a real pipeline run recorded into a real state database
// (runs, jobs, steps, outputs, artifacts), logs beside it as files, and crash
// recovery of runs whose owner process is gone.
#include <gtest/gtest.h>

#include "core/yaml.h"
#include "run/scheduler.h"
#include "run/step_logs.h"
#include "run/store_recorder.h"
#include "support/test_support.h"

namespace slipway::run {
namespace {

Result<RunRecord> run_yaml(const std::string& yaml_text, const test::TempDir& dir, RunRecorder& recorder) {
  RunOptions options;
  options.work_dir = dir / "work";
  options.blobs = store::folder_blob_store(dir / "artifacts");
  options.slots = 2;
  options.pipeline = "orders";
  options.component = "orders";
  options.run_id = "1";
  Result<yaml::Node> node = yaml::parse(yaml_text, "pipeline.yml");
  if (!node) return std::unexpected(node.error());
  Result<PipelineSpec> spec = read_pipeline(*node);
  if (!spec) return std::unexpected(spec.error());
  return run_pipeline(*spec, options, recorder);
}

TEST(StoreRecorder, RunIsKeptInTheStoreAndLogsBesideIt) {
  test::TempDir dir;
  auto store = store::open_store((dir / "state.db").string());
  ASSERT_TRUE(store) << store.error().to_string();
  {
    StoreRecorder recorder(**store, dir / "runs");
    Result<RunRecord> record = run_yaml(R"(
stages:
- stage: s
  jobs:
  - job: a
    steps:
    - bash: mkdir -p out; echo x > out/f; echo "##vso[task.setvariable variable=v;isOutput=true]42"; echo hello
      name: s
    - bash: echo "##vso[task.setvariable variable=Slipway.Version]2.1.0"
    - {publish: out, artifact: drop}
  - job: b
    dependsOn: a
    steps:
    - bash: exit 3
)", dir, recorder);
    ASSERT_TRUE(record) << record.error().to_string();
    recorder.close_logs();
  }
  auto stored = (*store)->runs().run("1");
  ASSERT_TRUE(stored && *stored);
  const store::StoredRun& run = **stored;
  EXPECT_EQ(run.state, "finished");
  EXPECT_EQ(run.result, "failed");
  EXPECT_EQ(run.pipeline, "orders");
  ASSERT_EQ(run.jobs.size(), 2u);
  EXPECT_EQ(run.jobs[0].result, "succeeded");
  EXPECT_EQ(run.jobs[0].outputs["s.v"], "42");
  ASSERT_EQ(run.jobs[0].steps.size(), 3u);
  EXPECT_EQ(run.jobs[1].result, "failed");
  EXPECT_GT(run.jobs[1].finish_ms, 0);
  EXPECT_EQ(run.document["result"], "failed");
  auto artifacts = stored_artifacts((*store)->runs(), "1");
  ASSERT_TRUE(artifacts);
  ASSERT_EQ(artifacts->size(), 1u);
  EXPECT_EQ((*artifacts)[0].name, "drop");
  EXPECT_EQ((*artifacts)[0].job_id, run.jobs[0].id);
  EXPECT_EQ((*artifacts)[0].component, "orders");
  EXPECT_EQ((*artifacts)[0].version, "2.1.0");
  EXPECT_EQ(run.document["component"], "orders");
  // The finished step's log is compressed and reads back whole.
  std::filesystem::path log = step_log_path(dir / "runs", "1", run.jobs[0].id, 0);
  EXPECT_FALSE(std::filesystem::exists(log));
  EXPECT_TRUE(std::filesystem::exists(log.string() + ".gz"));
  std::vector<std::string> lines;
  read_step_log(log, [&](std::string_view line) { lines.emplace_back(log_line_text(line)); });
  EXPECT_NE(std::find(lines.begin(), lines.end(), "hello"), lines.end());
  EXPECT_FALSE(std::filesystem::exists(dir / "runs" / "1" / "run.json"));
}

TEST(StoreRecorder, SavesOfARunningRunLeaveTheStoreEqualToTheRecord) {
  test::TempDir dir;
  auto store = store::open_store((dir / "state.db").string());
  ASSERT_TRUE(store) << store.error().to_string();
  StoreRecorder recorder(**store, dir / "runs");
  RunRecord run;
  run.id = "1";
  run.pipeline = "orders";
  run.state = RunState::running;
  StageRecord stage{"s", "s", TaskResult::skipped, false, 1000, 0, "", {}};
  for (const char* id : {"s.a", "s.b", "s.c"}) {
    JobRecord job;
    job.id = id;
    job.steps.resize(2);
    stage.jobs.push_back(job);
  }
  run.stages.push_back(stage);
  auto stored_jobs = [&] { return (*store)->runs().run("1").value().value().jobs; };

  ASSERT_TRUE(recorder.save(run));
  EXPECT_EQ(stored_jobs(), to_stored(run).jobs);
  run.stages[0].jobs[1].start_ms = 1500;
  run.stages[0].jobs[1].steps[0].result = TaskResult::succeeded;
  ASSERT_TRUE(recorder.save(run));
  EXPECT_EQ(stored_jobs(), to_stored(run).jobs);
  run.stages[0].jobs[2].outputs.push_back({"s.v", "7", false});
  run.stages[0].jobs[0].steps[1].reason = "condition was false";
  ASSERT_TRUE(recorder.save(run));
  EXPECT_EQ(stored_jobs(), to_stored(run).jobs);
  run.state = RunState::finished;
  run.stages[0].jobs[1].result = TaskResult::failed;
  ASSERT_TRUE(recorder.save(run));
  EXPECT_EQ(stored_jobs(), to_stored(run).jobs);
  EXPECT_EQ((*store)->runs().run("1").value().value().state, "finished");
}

TEST(StoreRecorder, RecoveryFailsRunsWhoseOwnerIsGoneOnly) {
  auto store = store::open_store(":memory:");
  ASSERT_TRUE(store);
  auto running = [](const std::string& id, long pid) {
    RunRecord run;
    run.id = id;
    run.pipeline = "orders";
    run.state = RunState::running;
    run.owner_pid = pid;
    run.owner_host = "here";
    run.start_ms = 1000;
    JobRecord started;
    started.id = "s.started";
    started.start_ms = 1000;
    JobRecord done = started;
    done.id = "s.done";
    done.finish_ms = 2000;
    done.result = TaskResult::succeeded;
    run.stages.push_back({"s", "s", TaskResult::skipped, false, 1000, 0, "", {started, done}});
    return to_stored(run);
  };
  ASSERT_TRUE((*store)->runs().save_run(running("1", 111)));
  ASSERT_TRUE((*store)->runs().save_run(running("2", 222)));
  auto marked = recover_orphaned_runs((*store)->runs(), "here", [](long pid) { return pid == 222; });
  ASSERT_TRUE(marked) << marked.error().to_string();
  EXPECT_EQ(*marked, std::vector<std::string>{"1"});
  auto one = (*store)->runs().run("1").value().value();
  EXPECT_EQ(one.state, "finished");
  EXPECT_EQ(one.result, "failed");
  EXPECT_EQ(one.reason, "the slipway process running it (pid 111) died");
  EXPECT_EQ(one.document["reason"], one.reason);
  EXPECT_EQ(one.jobs[0].result, "failed");
  EXPECT_EQ(one.jobs[1].result, "succeeded");
  EXPECT_EQ((*store)->runs().run("2").value().value().state, "running");
  EXPECT_TRUE(recover_orphaned_runs((*store)->runs(), "here", [](long) { return false; })->size() == 1u);
}

}  // namespace
}  // namespace slipway::run
