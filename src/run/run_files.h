// A RunRecorder that keeps a run beside the state database, in plain files:
//   <root>/<run id>/run.json                 the record, replaced by rename; while the run
//                                            is going at most every 200 ms (the final
//                                            state always), without fsync: a killed
//                                            process leaves the last complete file
//   <root>/<run id>/logs/<job id>/<n>.log    one file per step, a line per output line,
//                                            "2026-11-25T10:31:00.123Z text", flushed
//                                            every 100 ms while the step runs;
//                                            <n>.log.gz once it finished (step_logs.h)
//   <root>/<run id>/artifacts.json           artifact metadata
// Used by the CLI until the store has run tables; the format is also what
// `slipway logs` reads.
//
// Thread-safety: every method may be called from many threads.
#pragma once

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "run/run_record.h"
#include "run/step_logs.h"

namespace slipway::run {

class DirectoryRecorder : public RunRecorder {
 public:
  explicit DirectoryRecorder(std::filesystem::path root);
  ~DirectoryRecorder() override;

  Status save(const RunRecord& run) override;
  void log(const std::string& run_id, const std::string& job_id, int step, std::int64_t at_ms,
           std::string_view line) override;
  // Closes the step's log and compresses it (<n>.log → <n>.log.gz).
  void step_finished(const std::string& run_id, const std::string& job_id, int step) override;
  Status add_artifact(const ArtifactRecord& artifact) override;
  Result<std::vector<ArtifactRecord>> artifacts(const std::string& run_id) override;

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
  std::vector<ArtifactRecord> m_artifacts;
  std::map<std::string, std::int64_t> m_last_save_ms;  // run id → when run.json was last written
};

// The job records of a run.json (id, result, times, outputs, step results),
// keyed by job instance id: what a retry reuses. Secret outputs were stored
// as "***" and come back that way.
std::map<std::string, JobRecord> jobs_from_json(const nlohmann::json& run);

}  // namespace slipway::run
