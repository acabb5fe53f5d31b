// Writes the step logs of runs as they progress, in step_logs.h's layout:
// one plain file per step while it runs, flushed every 100 ms so another
// process can follow it, compressed when the step finishes. The run record
// itself goes to the store (store_recorder.h); this class keeps only logs.
//
// Thread-safety: every method may be called from many threads.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace slipway::run {

class StepLogWriter {
 public:
  explicit StepLogWriter(std::filesystem::path root);
  ~StepLogWriter();
  StepLogWriter(const StepLogWriter&) = delete;
  StepLogWriter& operator=(const StepLogWriter&) = delete;

  // Appends "TIME line" to the log of the step; a log that cannot be opened is
  // skipped (logging must not fail the step; the record still has results).
  void log(const std::string& run_id, const std::string& job_id, int step, std::int64_t at_ms, std::string_view line);
  // Closes the step's log and compresses it (<n>.log → <n>.log.gz).
  void step_finished(const std::string& run_id, const std::string& job_id, int step);
  // Flushes and closes every open log file (left plain: their steps did not finish).
  void close_logs();

 private:
  void flush_loop();

  std::filesystem::path m_root;
  std::mutex m_mutex;
  std::map<std::string, std::FILE*> m_logs;  // "run/job/step" → open file
  struct LastLog {
    std::string run_id;
    std::string job_id;
    int step = -1;
    std::FILE* file = nullptr;
  } m_last;                                  // the file of the last line written
  bool m_dirty = false;                      // lines written since the last flush
  bool m_stopping = false;
  std::condition_variable m_wake;
  std::thread m_flusher;                     // started by the first log line
};

}  // namespace slipway::run
