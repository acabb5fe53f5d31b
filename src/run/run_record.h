// What a run is, as recorded: the run, its stages, their job instances and
// their steps, with Azure's result words, start/finish times and output
// variables; and RunRecorder, the seam through which the scheduler persists
// it (the store-backed recorder, or memory in tests).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "run/job.h"

namespace slipway::run {

struct JobRecord {
  std::string id;          // "stage.job" or "stage.job.leg"
  std::string stage;
  std::string job;
  std::string leg;
  std::string display_name;
  TaskResult result = TaskResult::skipped;
  bool finished = false;
  std::int64_t start_ms = 0;
  std::int64_t finish_ms = 0;
  std::string reason;
  std::vector<StepRecord> steps;
  std::vector<Variable> outputs;
};

struct StageRecord {
  std::string name;
  std::string display_name;
  TaskResult result = TaskResult::skipped;
  bool finished = false;
  std::int64_t start_ms = 0;
  std::int64_t finish_ms = 0;
  std::string reason;
  std::vector<JobRecord> jobs;  // job instances, in pipeline order
};

struct ArtifactRecord {
  std::string run_id;
  std::string job_id;
  std::string name;
  std::string digest;
  std::int64_t size = 0;
  std::int64_t files = 0;
  std::int64_t created_ms = 0;
  std::string component;  // the component the run built, "" when not known
  std::string version;    // Slipway.Version when set, else the build number at publish time
};

enum class RunState { running, finished };

struct RunRecord {
  std::string id;
  std::string pipeline;       // the pipeline's (component's) name
  std::string component;      // the workspace component built, "" for a pipeline file of none
  std::string build_number;
  std::string branch;         // refs/heads/main
  std::string commit;
  RunState state = RunState::running;
  TaskResult result = TaskResult::succeeded;
  std::int64_t start_ms = 0;
  std::int64_t finish_ms = 0;
  std::string reason;
  std::string source;         // the pipeline file that was run
  std::string retry_of;       // the run this one retries, or empty
  long owner_pid = 0;         // the slipway process running it
  std::string owner_host;
  std::vector<StageRecord> stages;
  std::vector<ArtifactRecord> artifacts;
};

// The run as JSON (--json): id, result, times as ISO-8601 UTC, every stage,
// job and step; output variables (secret values shown as "***").
nlohmann::ordered_json run_to_json(const RunRecord& run);

// The job records of a run's JSON (id, result, times, outputs, step results),
// keyed by job instance id: what a retry reuses. Secret outputs were stored
// as "***" and come back that way.
std::map<std::string, JobRecord> jobs_from_json(const nlohmann::json& run);

// Persists runs as they progress. save() is called by one thread at a time
// (the scheduler holds its lock); log() and add_artifact() may be called
// from many threads at once and must be thread-safe.
class RunRecorder {
 public:
  virtual ~RunRecorder() = default;
  // The whole current record; called at start, on every job and stage change, and at the end.
  virtual Status save(const RunRecord& run) = 0;
  // One masked log line of a step.
  virtual void log(const std::string& run_id, const std::string& job_id, int step, std::int64_t at_ms,
                   std::string_view line) = 0;
  // A step of a job finished: no more log lines come for it (a recorder may close or compress its log).
  virtual void step_finished(const std::string& run_id, const std::string& job_id, int step) {
    (void)run_id, (void)job_id, (void)step;
  }
  virtual Status add_artifact(const ArtifactRecord& artifact) = 0;
  // Artifacts of a run; empty when none.
  virtual Result<std::vector<ArtifactRecord>> artifacts(const std::string& run_id) = 0;
};

// Keeps everything in memory (tests, and the fallback before a store exists).
class MemoryRecorder : public RunRecorder {
 public:
  Status save(const RunRecord& run) override;
  void log(const std::string& run_id, const std::string& job_id, int step, std::int64_t at_ms,
           std::string_view line) override;
  Status add_artifact(const ArtifactRecord& artifact) override;
  Result<std::vector<ArtifactRecord>> artifacts(const std::string& run_id) override;

  struct LogLine {
    std::string job_id;
    int step = 0;
    std::int64_t at_ms = 0;
    std::string text;
  };
  // Copies, taken under the lock.
  std::vector<LogLine> lines() const;
  // The text of every line of a job's step, in order.
  std::vector<std::string> step_lines(const std::string& job_id, int step) const;
  RunRecord last() const;
  int saves() const;

 private:
  mutable std::mutex m_mutex;
  std::vector<LogLine> m_lines;
  std::vector<ArtifactRecord> m_artifacts;
  RunRecord m_last;
  int m_saves = 0;
};

}  // namespace slipway::run
