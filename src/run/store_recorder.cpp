#include "run/store_recorder.h"

#include <algorithm>
#include <chrono>

#include "core/clock.h"
#include "core/hash.h"
#include "run/step_logs.h"

namespace slipway::run {

StoreRecorder::StoreRecorder(store::Store& store, std::filesystem::path log_root,
                             std::shared_ptr<store::BlobStore> shared_logs)
    : m_store(store), m_log_root(log_root), m_shared_logs(std::move(shared_logs)), m_logs(std::move(log_root)) {}

// The compressed log goes to the blob store and the store names it. A failure
// there leaves the log on this host only: it must not fail the step. This runs
// on the step's job thread while others (built-in tasks) use the run's store:
// the name is written through a connection of its own.
void StoreRecorder::step_finished(const std::string& run_id, const std::string& job_id, int step) {
  m_logs.step_finished(run_id, job_id, step);
  if (!m_shared_logs) return;
  std::filesystem::path compressed = step_log_path(m_log_root, run_id, job_id, step);
  compressed += ".gz";
  Result<std::string> sha = sha256_file_hex(compressed);
  if (!sha || !m_shared_logs->put_file(*sha, compressed)) return;
  Result<std::unique_ptr<store::Store>> own = m_store.open_another(system_clock());
  if (own) (void)(*own)->runs().set_step_log(run_id, job_id, step, *sha);
}

store::StoredRun to_stored(const RunRecord& run) {
  store::StoredRun out;
  out.id = run.id;
  out.pipeline = run.pipeline;
  out.build_number = run.build_number;
  out.branch = run.branch;
  out.commit = run.commit;
  out.state = run.state == RunState::running ? "running" : "finished";
  out.result = result_name(run.result);
  out.reason = run.reason;
  out.retry_of = run.retry_of;
  out.owner_pid = run.owner_pid;
  out.owner_host = run.owner_host;
  out.start_ms = run.start_ms;
  out.finish_ms = run.finish_ms;
  out.document = nlohmann::json(run_to_json(run));  // converted, not printed and parsed again
  for (const StageRecord& stage : run.stages) {
    for (const JobRecord& job : stage.jobs) {
      store::StoredJob j{job.id, stage.name, result_name(job.result), job.reason, job.start_ms, job.finish_ms, {}, {}};
      j.outputs = nlohmann::json::object();
      for (const Variable& v : job.outputs) j.outputs[v.name] = v.secret ? std::string("***") : v.value;
      for (const StepRecord& s : job.steps)
        j.steps.push_back({s.name, s.display_name, result_name(s.result), s.reason, s.start_ms, s.finish_ms});
      out.jobs.push_back(std::move(j));
    }
  }
  return out;
}

// The first save of a run in this recorder writes every job; later saves
// write only the jobs that differ from what this recorder last wrote (a job's
// rows hold all its steps; rewriting every job made each save of a
// 2,000-step run cost tens of milliseconds). After a failed save the next one
// writes everything again.
Status StoreRecorder::save(const RunRecord& run) {
  store::StoredRun stored = to_stored(run);
  std::lock_guard lock(m_mutex);
  auto saved = m_saved_jobs.find(run.id);
  bool whole = saved == m_saved_jobs.end() || saved->second.size() != stored.jobs.size();
  Status status;
  if (whole) {
    status = m_store.runs().save_run(stored);
  } else {
    std::vector<size_t> changed;
    for (size_t i = 0; i < stored.jobs.size(); ++i)
      if (!(stored.jobs[i] == saved->second[i])) changed.push_back(i);
    status = m_store.runs().update_run(stored, changed);
  }
  if (!status || run.state == RunState::finished) {
    m_saved_jobs.erase(run.id);
    return status;
  }
  m_saved_jobs[run.id] = std::move(stored.jobs);
  return status;
}

void StoreRecorder::log(const std::string& run_id, const std::string& job_id, int step, std::int64_t at_ms,
                        std::string_view line) {
  m_logs.log(run_id, job_id, step, at_ms, line);
}

Status StoreRecorder::add_artifact(const ArtifactRecord& a) {
  std::lock_guard lock(m_mutex);
  return m_store.runs().add_artifact({a.run_id, a.job_id, a.name, a.digest, a.size, a.files, a.component, a.version, a.created_ms});
}

Result<std::vector<ArtifactRecord>> StoreRecorder::artifacts(const std::string& run_id) {
  std::lock_guard lock(m_mutex);
  return stored_artifacts(m_store.runs(), run_id);
}

Result<nlohmann::json> load_run_document(store::RunStore& runs, const std::string& run_id) {
  Result<std::optional<store::StoredRun>> run = runs.run(run_id);
  if (!run) return std::unexpected(run.error());
  if (!*run) return fail(ErrorCode::not_found, "no run " + run_id);
  return std::move((*run)->document);
}

Result<std::vector<ArtifactRecord>> stored_artifacts(store::RunStore& runs, const std::string& run_id) {
  Result<std::vector<store::StoredArtifact>> stored = runs.artifacts(run_id);
  if (!stored) return std::unexpected(stored.error());
  std::vector<ArtifactRecord> out;
  for (const store::StoredArtifact& a : *stored)
    out.push_back({a.run_id, a.job_id, a.name, a.digest, a.size, a.files, a.created_ms, a.component, a.version});
  return out;
}

Result<std::vector<std::string>> recover_orphaned_runs(store::RunStore& runs, const std::string& host,
                                                       const std::function<bool(long)>& alive) {
  Result<std::vector<store::StoredRun>> running = runs.running_runs();
  if (!running) return std::unexpected(running.error());
  std::vector<std::string> marked;
  std::int64_t now = to_epoch_ms(system_clock().now());
  for (store::StoredRun& run : *running) {
    if (run.owner_host != host || run.owner_pid <= 0 || alive(run.owner_pid)) continue;
    std::string reason = "the slipway process running it (pid " + std::to_string(run.owner_pid) + ") died";
    run.state = "finished";
    run.result = "failed";
    run.reason = reason;
    run.finish_ms = now;
    nlohmann::json& doc = run.document;
    doc["state"] = "finished";
    doc["result"] = "failed";
    doc["reason"] = reason;
    doc["finish"] = format_utc(from_epoch_ms(now));
    for (store::StoredJob& job : run.jobs) {
      if (job.finish_ms != 0 || job.start_ms == 0) continue;
      job.result = "failed";
      job.reason = reason;
    }
    if (doc.contains("stages")) {
      for (auto& stage : doc["stages"]) {
        for (auto& job : stage["jobs"]) {
          if (!job["finish"].is_null() || job["start"].is_null()) continue;
          job["result"] = "failed";
          job["reason"] = reason;
        }
        if (stage["finish"].is_null() && !stage["start"].is_null()) stage["result"] = "failed";
      }
    }
    if (Status s = runs.save_run(run); !s) return std::unexpected(s.error());
    marked.push_back(run.id);
  }
  return marked;
}

}  // namespace slipway::run
