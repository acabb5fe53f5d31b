// The RunRecorder of every run: runs, jobs, steps and artifact metadata go to
// the state store (store/run_store.h); step logs stay beside it as files
// (step_log_writer.h: <log root>/<run>/logs/<job>/<n>.log[.gz]), which is what
// `slipway logs` reads. Each save is one transaction, so a killed
// process leaves the last complete record (the scheduler paces the saves of
// a running run).
//
// Thread-safety: every method may be called from many threads; calls to the
// store are serialized by a mutex. The store must outlive the recorder and
// must not be used by anyone else while a run records into it.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>

#include "run/step_log_writer.h"
#include "run/run_record.h"
#include "store/blobs.h"
#include "store/store.h"

namespace slipway::run {

class StoreRecorder final : public RunRecorder {
 public:
  // `shared_logs`: where finished step logs also go, for other hosts
  // (nullptr: they stay files under log_root only).
  StoreRecorder(store::Store& store, std::filesystem::path log_root,
                std::shared_ptr<store::BlobStore> shared_logs = nullptr);

  Status save(const RunRecord& run) override;
  void log(const std::string& run_id, const std::string& job_id, int step, std::int64_t at_ms,
           std::string_view line) override;
  void step_finished(const std::string& run_id, const std::string& job_id, int step) override;
  Status add_artifact(const ArtifactRecord& artifact) override;
  Result<std::vector<ArtifactRecord>> artifacts(const std::string& run_id) override;

  // Flushes and closes every open log file.
  void close_logs() { m_logs.close_logs(); }

 private:
  store::Store& m_store;
  std::filesystem::path m_log_root;
  std::shared_ptr<store::BlobStore> m_shared_logs;
  StepLogWriter m_logs;
  std::mutex m_mutex;
  std::map<std::string, std::vector<store::StoredJob>> m_saved_jobs;  // run id → its jobs as last written
};

// The stored form of a run (columns, jobs, steps; document = run_to_json).
store::StoredRun to_stored(const RunRecord& run);

// The run's JSON document (as run_to_json wrote it); `not_found` "no run ID".
Result<nlohmann::json> load_run_document(store::RunStore& runs, const std::string& run_id);

// Artifact metadata of a run from the store, as ArtifactRecords; empty when none.
Result<std::vector<ArtifactRecord>> stored_artifacts(store::RunStore& runs, const std::string& run_id);

// Crash recovery on the store: every "running" run owned by a process of
// `host` that `alive` says is gone is marked finished and failed with the
// reason "the slipway process running it (pid N) died", and so are its
// started, unfinished jobs and stages. Returns the ids it marked.
Result<std::vector<std::string>> recover_orphaned_runs(store::RunStore& runs, const std::string& host,
                                                       const std::function<bool(long)>& alive);

}  // namespace slipway::run
