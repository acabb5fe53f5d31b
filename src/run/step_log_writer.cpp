#include "run/step_log_writer.h"

#include "core/clock.h"
#include "core/files.h"
#include "run/step_logs.h"

namespace slipway::run {

namespace fs = std::filesystem;

StepLogWriter::StepLogWriter(fs::path root) : m_root(std::move(root)) {}

StepLogWriter::~StepLogWriter() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  if (m_flusher.joinable()) m_flusher.join();
  close_logs();
}

void StepLogWriter::close_logs() {
  std::lock_guard lock(m_mutex);
  for (auto& [key, file] : m_logs) std::fclose(file);
  m_logs.clear();
  m_last = {};
}

// Lines reach the files within 100 ms, so another process can follow them,
// without a write() per line.
void StepLogWriter::flush_loop() {
  std::unique_lock lock(m_mutex);
  while (!m_stopping) {
    m_wake.wait_for(lock, std::chrono::milliseconds(100));
    if (!m_dirty) continue;
    for (auto& [key, file] : m_logs) std::fflush(file);
    m_dirty = false;
  }
}

void StepLogWriter::step_finished(const std::string& run_id, const std::string& job_id, int step) {
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

void StepLogWriter::log(const std::string& run_id, const std::string& job_id, int step, std::int64_t at_ms,
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

}  // namespace slipway::run
