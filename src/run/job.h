// The job hand-off between the scheduler and an agent.
//
// A JobMessage is everything an agent needs to run one job instance (one
// matrix leg): resolved variables (predefined, pipeline, stage, job, leg,
// runtime expressions already evaluated), the steps as written (their
// `$(macros)` are expanded by the agent at each step, because earlier steps
// may set variables), and the limits. It is a plain value with a JSON form,
// so a remote agent can take it over the network unchanged.
//
// What comes back goes through one interface, JobHost: step starts and
// finishes, masked log lines, and artifact publish/download. The agent
// returns a JobOutcome (result, step records, output variables, a new build
// number). The local agent (local_agent.h) runs the job in this process; a
// remote agent would implement JobHost over HTTP.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "run/coverage.h"
#include "run/spec.h"
#include "run/test_results.h"
#include "run/variables.h"

namespace slipway::run {

// Azure's results, ordered from best to worst for aggregation (canceled and
// skipped are handled apart).
enum class TaskResult { succeeded, succeeded_with_issues, failed, canceled, skipped };

// "succeeded", "succeededWithIssues", "failed", "canceled", "skipped".
const char* result_name(TaskResult result);
// Azure's capitalised form used in expressions: "Succeeded", "SucceededWithIssues"...
std::string result_title(TaskResult result);
// Parses either form ignoring case; nullopt when unknown.
std::optional<TaskResult> parse_result(std::string_view text);

struct Issue {
  std::string type;  // "warning" or "error"
  std::string message;
};

struct StepRecord {
  std::string name;          // reference name (may be empty)
  std::string display_name;
  TaskResult result = TaskResult::skipped;
  std::int64_t start_ms = 0;   // epoch milliseconds; 0 when it never started
  std::int64_t finish_ms = 0;
  int exit_code = -1;
  int attempts = 0;
  std::string reason;        // why it failed or was skipped, when known
  std::vector<Issue> issues;
  std::optional<TestSummary> tests;  // what PublishTestResults@2 read (run/test_results.h)
  std::optional<CoverageSummary> coverage;  // what PublishCodeCoverageResults read (run/coverage.h)
};

struct JobMessage {
  std::string run_id;
  std::string id;            // unique in the run: "stage.job" or "stage.job.leg"
  std::string stage;
  std::string job;
  std::string leg;           // matrix/parallel leg name; empty for a single instance
  std::string display_name;
  std::vector<Variable> variables;
  std::vector<StepSpec> steps;
  int timeout_minutes = 0;          // 0: none
  int cancel_timeout_minutes = 0;   // time left to always() steps after a cancel; 0: 5
  bool clean_workspace = false;    // workspace: clean (the local agent empties its folders for every job)
  NameValues secure_files;         // name → content, for the job's DownloadSecureFile@1 steps only
  std::string environment;         // a deployment job's environment; empty for other jobs
  std::optional<ContainerSpec> container;  // run/containers.h; values not yet expanded
  std::vector<ContainerSpec> services;
};

nlohmann::json to_json(const JobMessage& job);
Result<JobMessage> job_from_json(const nlohmann::json& json);

struct JobOutcome {
  TaskResult result = TaskResult::succeeded;
  std::string reason;
  std::vector<StepRecord> steps;
  std::vector<Variable> outputs;             // "step.var" (isOutput=true), secret flag kept
  std::optional<std::string> build_number;   // ##vso[build.updatebuildnumber]
};

struct ArtifactInfo {
  std::string name;
  std::string digest;   // sha256 of the manifest
  std::int64_t size = 0;
  std::int64_t files = 0;
};

// Implemented by whoever handed out the job. Calls come from the agent's
// thread; implementations must be thread-safe across jobs.
class JobHost {
 public:
  virtual ~JobHost() = default;
  virtual void step_started(const JobMessage& job, int step, const StepRecord& record) = 0;
  virtual void step_finished(const JobMessage& job, int step, const StepRecord& record) = 0;
  // One log line of a step (secrets already masked), stamped by the agent.
  virtual void log(const JobMessage& job, int step, std::int64_t at_ms, std::string_view line) = 0;
  // Stores the file or folder as artifact `name` of the job's run; `version`
  // is what the job knows of the version it built ("" when nothing).
  virtual Result<ArtifactInfo> publish_artifact(const JobMessage& job, const std::string& name,
                                                const std::filesystem::path& from, const std::string& version) = 0;
  // Writes artifact `name` of the run (every artifact, each in its own
  // folder, when name is empty) into `to`. not_found when absent.
  virtual Status download_artifact(const JobMessage& job, const std::string& name,
                                   const std::filesystem::path& to) = 0;
};

class Agent {
 public:
  virtual ~Agent() = default;
  // Runs the job to its end. `cancel` becoming true stops the running step's
  // process group and runs only always()/canceled() steps. Errors are for
  // the agent itself failing (e.g. its work folder cannot be made); a job that
  // fails is a JobOutcome.
  virtual Result<JobOutcome> run_job(const JobMessage& job, JobHost& host,
                                     const std::atomic<bool>& cancel) = 0;
};

}  // namespace slipway::run
