// Step log files: written plain while a step runs (so another process can tail
// them), compressed with gzip (zlib) when the step finishes.
//
// Layout under a log root: <root>/<run>/logs/<job>/<n>.log while step n is
// running (or when its writer died), <n>.log.gz once it finished. The switch
// is: write <n>.log.gz.tmp, rename it to <n>.log.gz, remove <n>.log, so at every
// moment one of the two holds the whole log; a reader prefers the plain file
// and a reader that opened it before the removal still reads it to its end.
// Each line is "2026-11-25T10:31:00.123Z text\n" (already masked).
//
// Thread-safety: the free functions are safe to call from many threads on
// different files. A StepLogTail is used by one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace slipway::run {

// Where the log of step `step` of job `job_id` of run `run_id` is written while it runs (".log").
std::filesystem::path step_log_path(const std::filesystem::path& root, const std::string& run_id,
                                    const std::string& job_id, int step);

// Compresses a finished step's plain log into "<plain>.gz" and removes the plain
// file. Absent plain file: nothing to do. On error the plain file is kept.
Status compress_step_log(const std::filesystem::path& plain);

// Follows one step's log (plain or compressed) by offset in its uncompressed text.
class StepLogTail {
 public:
  explicit StepLogTail(std::filesystem::path plain) : m_plain(std::move(plain)) {}
  // Calls on_line for every complete new line (without its '\n') since the last
  // call; a last line without '\n' is given only when `final`. No file yet: nothing.
  void poll(const std::function<void(std::string_view)>& on_line, bool final = false);

 private:
  std::filesystem::path m_plain;
  std::int64_t m_offset = 0;
};

// Calls on_line for every line of a step's log (plain or compressed); nothing when there is none.
void read_step_log(const std::filesystem::path& plain, const std::function<void(std::string_view)>& on_line);

// The text of a stored log line without its timestamp ("2026-...Z text" → "text").
std::string_view log_line_text(std::string_view stored);

// Streams the logs of a run as they are written, until the run is finished:
// every poll it loads the run document (`load`, e.g. from the store), prints
// every new line of every step of every job (only job `job_filter`, id or name,
// when not empty) as on_line(job id, text), then sleeps `interval`. After the
// document says "finished" it reads every log once more to its end and
// returns that last document. Errors of `load` end the follow.
Result<nlohmann::json> follow_run_logs(const std::filesystem::path& root, const std::string& run_id,
                                       const std::string& job_filter,
                                       const std::function<Result<nlohmann::json>()>& load,
                                       const std::function<void(const std::string&, std::string_view)>& on_line,
                                       std::chrono::milliseconds interval = std::chrono::milliseconds(100));

}  // namespace slipway::run
