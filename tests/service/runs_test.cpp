// The run use cases (service/runs.h) on real state databases, git
// repositories and processes: runs without a workspace, permission `run`,
// builds of a branch's head whatever is checked out, a cancel recorded in
// the store by another connection, and pushes whose pipeline does not expand.
#include <gtest/gtest.h>

#include <thread>

#include "service/runs.h"
#include "support/test_support.h"

namespace slipway::service {
namespace {

using test::GitRepo;
using test::TempDir;
using test::write_file;

Config config_in(const TempDir& dir, const std::string& actor = "") {
  Config config;
  config.workspace = dir.path();
  config.store = (dir / ".slipway" / "state.db").string();
  config.state_root = dir / ".slipway";
  config.actor = actor;
  return config;
}

std::unique_ptr<RunService> open_runs(const Config& config) {
  Result<std::unique_ptr<RunService>> runs = RunService::open(config);
  EXPECT_TRUE(runs) << runs.error().to_string();
  return runs ? std::move(*runs) : nullptr;
}

// A workspace with component `web` (repo repos/web, branch main) and role developer: [alice].
void write_workspace(const TempDir& dir) {
  write_file(dir / "slipway.yaml",
             "product: {name: shop, version: \"1.0\"}\n"
             "components:\n  web: {repo: repos/web}\n"
             "roles:\n  developer: [alice]\n");
}

std::string all_lines(RunService& runs, const std::string& id) {
  std::string text;
  const std::vector<StepLog> logs = runs.logs(id, "").value();
  for (const StepLog& step : logs)
    for (const std::string& line : step.lines) text += line + "\n";
  return text;
}

TEST(RunService, AFileRunNeedsNeitherAWorkspaceNorAnIdentity) {
  TempDir dir;
  write_file(dir / "ci.yml", "steps:\n- script: echo hello\n");
  std::unique_ptr<RunService> runs = open_runs(config_in(dir));
  RunRequest request;
  request.file = dir / "ci.yml";
  Result<RunOutcome> outcome = runs->start(request, {});
  ASSERT_TRUE(outcome) << outcome.error().to_string();
  EXPECT_TRUE(outcome->succeeded());
  EXPECT_EQ(outcome->record.id, "1");
  EXPECT_EQ(outcome->record.pipeline, "ci");
  EXPECT_EQ(runs->runs().value().size(), 1u);
  RunRequest component;
  component.component = "web";
  Result<RunOutcome> refused = runs->start(component, {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message,
            "no slipway.yaml in " + dir.path().string() + ": a run of component web needs a workspace (give -C DIR)");
}

// A workspace whose component web has its repository at repos/web.
class ComponentRuns : public ::testing::Test {
 protected:
  ComponentRuns() { write_workspace(m_dir); }
  std::unique_ptr<RunService> open_as(const std::string& actor) { return open_runs(config_in(m_dir, actor)); }
  static RunRequest run_of_web() {
    RunRequest request;
    request.component = "web";
    return request;
  }

  TempDir m_dir;
  GitRepo m_web{m_dir / "repos" / "web"};
};

TEST_F(ComponentRuns, ARunNeedsPermissionRunAndRecordsNothingWhenRefused) {
  m_web.commit("feat: web", "azure-pipelines.yml", "steps:\n- script: echo built\n");
  std::unique_ptr<RunService> runs = open_as("mallory");
  Result<RunOutcome> refused = runs->start(run_of_web(), {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::denied);
  EXPECT_EQ(refused.error().message,
            "mallory may not run web: needs permission run, held by role developer (alice)");
  EXPECT_TRUE(runs->runs().value().empty());
}

TEST_F(ComponentRuns, ARunBuildsTheBranchHeadNotWhatIsCheckedOut) {
  const std::string main_head = m_web.commit("feat: web", "azure-pipelines.yml", "steps:\n- script: echo pipeline of main\n");
  m_web.checkout("feature/x", true);
  m_web.commit("feat: feature work", "azure-pipelines.yml", "steps:\n- script: echo pipeline of feature\n");
  std::unique_ptr<RunService> runs = open_as("alice");
  Result<RunOutcome> outcome = runs->start(run_of_web(), {});
  ASSERT_TRUE(outcome) << outcome.error().to_string();
  EXPECT_EQ(outcome->record.commit, main_head);
  EXPECT_NE(all_lines(*runs, outcome->record.id).find("pipeline of main"), std::string::npos);
  RunRequest other = run_of_web();
  other.branch = "nothere";
  Result<RunOutcome> missing = runs->start(other, {});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "the repository of web has no branch 'nothere'");
}

TEST_F(ComponentRuns, ARetryRebuildsTheSameCommitAndRecordsTheBuild) {
  const std::string flag = (m_dir / "flag").string();
  const std::string built = m_web.commit("feat: web", "azure-pipelines.yml",
                                         "steps:\n- script: test -f " + flag + " && mkdir -p out && echo x > out/web.txt\n"
                                         "- publish: out\n  artifact: web\n");
  std::unique_ptr<RunService> runs = open_as("alice");
  Result<RunOutcome> failed = runs->start(run_of_web(), {});
  ASSERT_TRUE(failed) << failed.error().to_string();
  EXPECT_EQ(failed->record.result, run::TaskResult::failed);
  EXPECT_FALSE(failed->build);
  m_web.commit("feat: later work");
  write_file(flag, "");
  Result<RunOutcome> retried = runs->retry(failed->record.id, {});
  ASSERT_TRUE(retried) << retried.error().to_string();
  EXPECT_TRUE(retried->succeeded());
  EXPECT_EQ(retried->record.commit, built);
  EXPECT_EQ(retried->record.retry_of, failed->record.id);
  ASSERT_TRUE(retried->build);
  EXPECT_EQ(retried->build->version, "1.0.0");
}

TEST(RunService, ACancelRequestedThroughTheStoreCancelsTheRunAndSaysWho) {
  TempDir dir;
  write_file(dir / "slow.yml", "steps:\n- script: sleep 300\n");
  std::unique_ptr<RunService> runner = open_runs(config_in(dir));
  Result<RunOutcome> outcome = std::unexpected(Error{ErrorCode::io, "not run", {}});
  std::thread running([&] {
    RunRequest request;
    request.file = dir / "slow.yml";
    outcome = runner->start(request, {});
  });
  std::unique_ptr<RunService> other = open_runs(config_in(dir, "bob"));
  Result<CancelOutcome> canceled = std::unexpected(Error{ErrorCode::not_found, "no run", {}});
  for (int i = 0; i < 500 && !canceled; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    canceled = other->cancel("1");
  }
  running.join();
  ASSERT_TRUE(canceled) << canceled.error().to_string();
  EXPECT_EQ(canceled->actor, "bob");
  ASSERT_TRUE(outcome) << outcome.error().to_string();
  EXPECT_EQ(outcome->record.result, run::TaskResult::canceled);
  EXPECT_EQ(outcome->record.reason, "canceled by bob");
  Result<CancelOutcome> again = other->cancel("1");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message, "run 1 is not running (canceled)");
}

TEST_F(ComponentRuns, APushWhosePipelineDoesNotExpandIsAFailedRunAndIsHandledOnce) {
  const std::string sha = m_web.commit("feat: web", "azure-pipelines.yml",
                                       "trigger:\n  branches:\n    includes: [main]\nsteps:\n- script: echo x\n");
  std::unique_ptr<RunService> runs = open_as("alice");
  std::vector<Result<PushOutcome>> outcomes;
  auto report = [&](const Result<PushOutcome>& o) { outcomes.push_back(o); };
  const Push push{m_web.path(), "refs/heads/main", sha, ""};
  ASSERT_TRUE(runs->handle_push(push, {}, report));
  ASSERT_TRUE(runs->handle_push(push, {}, report));
  ASSERT_EQ(outcomes.size(), 2u);
  ASSERT_TRUE(outcomes[0] && outcomes[0]->run) << (outcomes[0] ? "no run" : outcomes[0].error().to_string());
  EXPECT_EQ(outcomes[0]->run->record.result, run::TaskResult::failed);
  EXPECT_NE(outcomes[0]->run->record.reason.find("azure-pipelines.yml:3:5: unknown key 'includes'"), std::string::npos)
      << outcomes[0]->run->record.reason;
  ASSERT_TRUE(outcomes[1]);
  EXPECT_EQ(outcomes[1]->handling, PushHandling::already_handled);
  EXPECT_EQ(outcomes[1]->reason, "run 1");
  std::vector<RunSummary> listed = runs->runs().value();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].result, "failed");
}

}  // namespace
}  // namespace slipway::service
