// The runs concern of the store (see store.h): pipeline runs with their job
// instances and steps (results with Azure's words, times, output variables),
// artifact metadata, the trigger events already turned into runs (so the
// same push notified twice starts one run) and requests to cancel runs. Step logs are not here: they stay
// beside the database as files (run module).
//
// The store does not interpret results: they are the run module's words
// ("succeeded", "failed"...). `document` is the run module's full JSON form of
// the run (what `--json` prints), kept so readers need no reassembly.
// Thread-safety: as Store (one connection, one thread at a time).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"

namespace slipway::store {

struct StoredStep {
  std::string name;
  std::string display_name;
  std::string result;
  std::string reason;
  std::int64_t start_ms = 0;   // 0 = never started
  std::int64_t finish_ms = 0;  // 0 = not finished

  bool operator==(const StoredStep&) const = default;
};

struct StoredJob {
  std::string id;  // "stage.job" or "stage.job.leg", unique in its run
  std::string stage;
  std::string result;
  std::string reason;
  std::int64_t start_ms = 0;
  std::int64_t finish_ms = 0;
  nlohmann::json outputs = nlohmann::json::object();  // "step.var" -> value (secrets as "***")
  std::vector<StoredStep> steps;                      // in order

  bool operator==(const StoredJob&) const = default;
};

struct StoredRun {
  std::string id;
  std::string pipeline;
  std::string build_number;
  std::string branch;
  std::string commit;
  std::string state;  // "running" or "finished"
  std::string result;
  std::string reason;
  std::string retry_of;
  long owner_pid = 0;
  std::string owner_host;
  std::int64_t start_ms = 0;
  std::int64_t finish_ms = 0;
  nlohmann::json document = nlohmann::json::object();
  std::vector<StoredJob> jobs;
};

struct StoredArtifact {
  std::string run_id;
  std::string job_id;
  std::string name;
  std::string digest;
  std::int64_t size = 0;
  std::int64_t files = 0;
  std::string component;  // "" when not known
  std::string version;    // "" when not known
  std::int64_t created_ms = 0;
};

// A request to cancel a running run, recorded by any process; the process
// running it polls for it (a cancel is a state change, not a signal).
struct CancelRequest {
  std::string run_id;
  std::string actor;  // who asked ("" when no identity was configured)
  std::int64_t requested_ms = 0;
};

class RunStore {
 public:
  virtual ~RunStore() = default;
  // Creates the run or replaces it with its jobs and steps, atomically.
  virtual Status save_run(const StoredRun& run) = 0;
  // Writes the run's own columns and document and, of its jobs, only those at
  // `changed` (indexes into run.jobs, with their steps), atomically; the other
  // jobs stay as stored. For the saves of a running run, where few jobs move.
  virtual Status update_run(const StoredRun& run, std::span<const size_t> changed) = 0;
  // The run with its jobs and steps, or nullopt when there is no such run.
  virtual Result<std::optional<StoredRun>> run(const std::string& id) = 0;
  // Every run (of `pipeline` when given), oldest first; without jobs (document only).
  virtual Result<std::vector<StoredRun>> runs(const std::optional<std::string>& pipeline = std::nullopt) = 0;
  // Runs whose state is "running", with jobs.
  virtual Result<std::vector<StoredRun>> running_runs() = 0;

  // `conflict` "artifact 'NAME' already exists in run ID" when the name is taken in that run.
  virtual Status add_artifact(const StoredArtifact& artifact) = 0;
  // The artifacts of `run_id` (every run's when nullopt), by run then creation order.
  virtual Result<std::vector<StoredArtifact>> artifacts(const std::optional<std::string>& run_id) = 0;

  // Trigger dedupe: records that event `key` (e.g. "push:<repo>:<ref>:<sha>")
  // was seen. true when this call recorded it first, false when it was already
  // recorded (by anyone, in any process). Atomic.
  virtual Result<bool> claim_trigger(const std::string& key, std::int64_t at_ms) = 0;
  // Notes which run a claimed trigger started ("" until set).
  virtual Status set_trigger_run(const std::string& key, const std::string& run_id) = 0;
  // The run a trigger started: nullopt when never claimed, "" when claimed without a run.
  virtual Result<std::optional<std::string>> trigger_run(const std::string& key) = 0;
  // The last head seen of a ref (key names the component and the ref), so
  // the next push's changes are counted from it; nullopt when none yet.
  virtual Status set_ref_head(const std::string& key, const std::string& sha, std::int64_t at_ms) = 0;
  virtual Result<std::optional<std::string>> ref_head(const std::string& key) = 0;

  // Records that `request.actor` asks to cancel run `request.run_id`: true
  // when this call recorded it, false when a request was already recorded
  // (the first one stays). `not_found` "no run ID" when the run does not exist.
  virtual Result<bool> request_cancel(const CancelRequest& request) = 0;
  // The cancel request of a run, or nullopt when none was made.
  virtual Result<std::optional<CancelRequest>> cancel_request(const std::string& run_id) = 0;

  // A finished step's compressed log kept in the blob store (store/blobs.h)
  // as blob `sha256`, so that any host can read it; nullopt when none was.
  virtual Status set_step_log(const std::string& run_id, const std::string& job_id, int step,
                              const std::string& sha256) = 0;
  virtual Result<std::optional<std::string>> step_log(const std::string& run_id, const std::string& job_id,
                                                      int step) = 0;
};

}  // namespace slipway::store
