#include "run/run_files.h"

#include "core/clock.h"
#include "core/files.h"
#include "core/json_text.h"
#include "run/local_agent.h"

namespace slipway::run {

namespace fs = std::filesystem;

DirectoryRecorder::DirectoryRecorder(fs::path root) : m_root(std::move(root)) {}

DirectoryRecorder::~DirectoryRecorder() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  if (m_flusher.joinable()) m_flusher.join();
  close_logs();
}

void DirectoryRecorder::close_logs() {
  std::lock_guard lock(m_mutex);
  for (auto& [key, file] : m_logs) std::fclose(file);
  m_logs.clear();
  m_last = {};
}

// Lines reach the files within 100 ms, so another process can follow them,
// without a write() per line.
void DirectoryRecorder::flush_loop() {
  std::unique_lock lock(m_mutex);
  while (!m_stopping) {
    m_wake.wait_for(lock, std::chrono::milliseconds(100));
    if (!m_dirty) continue;
    for (auto& [key, file] : m_logs) std::fflush(file);
    m_dirty = false;
  }
}

void DirectoryRecorder::step_finished(const std::string& run_id, const std::string& job_id, int step) {
  {
    std::lock_guard lock(m_mutex);
    auto it = m_logs.find(run_id + "/" + job_id + "/" + std::to_string(step));
    if (it == m_logs.end()) return;
    if (m_last.file == it->second) m_last = {};
    std::fclose(it->second);
    m_logs.erase(it);
  }
  // Failing to compress leaves the plain log, which readers read as well.
  (void)compress_step_log(step_log_path(m_root, run_id, job_id, step));
}

Status DirectoryRecorder::save(const RunRecord& run) {
  std::int64_t now = to_epoch_ms(system_clock().now());
  {
    std::lock_guard lock(m_mutex);
    std::int64_t& last = m_last_save_ms[run.id];
    if (run.state == RunState::running && last != 0 && now - last < 200) return {};
    last = now;
  }
  fs::path dir = m_root / folder_name(run.id);
  std::error_code ec;
  if (Status s = create_private_directories(dir); !s) return fail(ErrorCode::io, "run " + run.id + ": " + s.error().message);
  fs::path temp = dir / "run.json.tmp";
  std::string text = json_text(run_to_json(run), 2) + "\n";
  std::FILE* file = open_private_file(temp, "wb");
  if (!file) return fail(ErrorCode::io, "run " + run.id + ": cannot write " + temp.string());
  bool ok = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  ok = (std::fclose(file) == 0) && ok;
  if (!ok) return fail(ErrorCode::io, "run " + run.id + ": cannot write " + temp.string());
  fs::rename(temp, dir / "run.json", ec);
  if (ec) return fail(ErrorCode::io, "run " + run.id + ": cannot replace run.json: " + ec.message());
  if (run.state == RunState::finished) {
    // The final record is made durable.
    return write_file_atomic(dir / "run.json", text, FileAccess::owner);
  }
  return {};
}

void DirectoryRecorder::log(const std::string& run_id, const std::string& job_id, int step, std::int64_t at_ms,
                            std::string_view line) {
  std::string stamp = format_utc(from_epoch_ms(at_ms));
  std::lock_guard lock(m_mutex);
  // A step's lines come in runs: the file of the last line is reused without
  // building its key and looking it up.
  std::FILE* file = m_last.file;
  if (!file || m_last.step != step || m_last.job_id != job_id || m_last.run_id != run_id) {
    std::string key = run_id + "/" + job_id + "/" + std::to_string(step);
    auto it = m_logs.find(key);
    if (it == m_logs.end()) {
      fs::path path = step_log_path(m_root, run_id, job_id, step);
      (void)create_private_directories(path.parent_path());
      std::FILE* opened = open_private_file(path, "ab");
      if (!opened) return;  // logging must not fail the step; the record still has results
      it = m_logs.emplace(key, opened).first;
      if (!m_flusher.joinable()) m_flusher = std::thread([this] { flush_loop(); });
    }
    file = it->second;
    m_last = {run_id, job_id, step, file};
  }
  m_dirty = true;
  stamp += ' ';
  std::fwrite(stamp.data(), 1, stamp.size(), file);
  std::fwrite(line.data(), 1, line.size(), file);
  std::fputc('\n', file);
}

Status DirectoryRecorder::add_artifact(const ArtifactRecord& artifact) {
  std::lock_guard lock(m_mutex);
  for (const ArtifactRecord& existing : m_artifacts)
    if (existing.run_id == artifact.run_id && existing.name == artifact.name)
      return fail(ErrorCode::conflict, "artifact '" + artifact.name + "' already exists in run " + artifact.run_id);
  m_artifacts.push_back(artifact);
  nlohmann::json list = nlohmann::json::array();
  for (const ArtifactRecord& a : m_artifacts)
    if (a.run_id == artifact.run_id)
      list.push_back({{"name", a.name}, {"job", a.job_id}, {"digest", a.digest}, {"size", a.size}, {"files", a.files},
                      {"created", a.created_ms}, {"component", a.component}, {"version", a.version}});
  fs::path dir = m_root / folder_name(artifact.run_id);
  if (Status s = create_private_directories(dir); !s) return s;
  return write_file_atomic(dir / "artifacts.json", json_text(list, 2) + "\n", FileAccess::owner);
}

Result<std::vector<ArtifactRecord>> DirectoryRecorder::artifacts(const std::string& run_id) {
  std::lock_guard lock(m_mutex);
  std::vector<ArtifactRecord> out;
  for (const ArtifactRecord& a : m_artifacts)
    if (a.run_id == run_id) out.push_back(a);
  return out;
}

}  // namespace slipway::run

namespace slipway::run {

std::map<std::string, JobRecord> jobs_from_json(const nlohmann::json& run) {
  std::map<std::string, JobRecord> out;
  if (!run.contains("stages")) return out;
  for (const nlohmann::json& stage : run["stages"]) {
    for (const nlohmann::json& job : stage.value("jobs", nlohmann::json::array())) {
      JobRecord record;
      record.id = job.value("id", "");
      record.stage = stage.value("name", "");
      record.job = job.value("name", "");
      record.leg = job.value("leg", "");
      record.display_name = job.value("displayName", "");
      record.result = parse_result(job.value("result", "")).value_or(TaskResult::failed);
      record.finished = true;
      if (job.contains("outputs"))
        for (const auto& [name, value] : job["outputs"].items())
          record.outputs.push_back({name, value.is_string() ? value.get<std::string>() : json_text(value), false});
      for (const nlohmann::json& step : job.value("steps", nlohmann::json::array())) {
        StepRecord s;
        s.name = step.value("name", "");
        s.display_name = step.value("displayName", "");
        s.result = parse_result(step.value("result", "")).value_or(TaskResult::failed);
        s.reason = step.value("reason", "");
        record.steps.push_back(std::move(s));
      }
      out[record.id] = std::move(record);
    }
  }
  return out;
}

}  // namespace slipway::run
