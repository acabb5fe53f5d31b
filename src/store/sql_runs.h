// RunStore in SQL (either backend, db.h): tables runs, run_jobs, run_steps, run_artifacts and
// run_triggers (migration 4 in migrations.cpp), ref_heads (migration 7),
// run_cancels (migration 8).
#pragma once

#include "core/clock.h"
#include "store/db.h"
#include "store/store.h"

namespace slipway::store {

class SqlRunStore final : public RunStore {
 public:
  explicit SqlRunStore(Db& db) : m_db(db) {}

  Status save_run(const StoredRun& run) override;
  Status update_run(const StoredRun& run, std::span<const size_t> changed) override;
  Result<std::optional<StoredRun>> run(const std::string& id) override;
  Result<std::vector<StoredRun>> runs(const std::optional<std::string>& pipeline) override;
  Result<std::vector<StoredRun>> running_runs() override;
  Status add_artifact(const StoredArtifact& artifact) override;
  Result<std::vector<StoredArtifact>> artifacts(const std::optional<std::string>& run_id) override;
  Result<bool> claim_trigger(const std::string& key, std::int64_t at_ms) override;
  Status set_trigger_run(const std::string& key, const std::string& run_id) override;
  Result<std::optional<std::string>> trigger_run(const std::string& key) override;
  Status set_ref_head(const std::string& key, const std::string& sha, std::int64_t at_ms) override;
  Result<std::optional<std::string>> ref_head(const std::string& key) override;
  Result<bool> request_cancel(const CancelRequest& request) override;
  Status set_step_log(const std::string& run_id, const std::string& job_id, int step,
                      const std::string& sha256) override;
  Result<std::optional<std::string>> step_log(const std::string& run_id, const std::string& job_id,
                                              int step) override;
  Result<std::optional<CancelRequest>> cancel_request(const std::string& run_id) override;

 private:
  Result<std::vector<StoredRun>> query_runs(const std::string& where, const std::optional<std::string>& arg,
                                            bool with_jobs);
  Status load_jobs(StoredRun& run);
  // The run row, then every job (`changed` nullopt) or the jobs at *changed.
  Status write_run(const StoredRun& run, std::optional<std::span<const size_t>> changed);
  Status write_job(const StoredRun& run, size_t index);

  Db& m_db;
};

}  // namespace slipway::store
