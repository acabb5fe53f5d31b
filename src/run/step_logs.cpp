// The one user of zlib: step logs compressed by gzip when a step finishes, and
// read back (gzread reads plain files unchanged, so one reader serves both).
#include "run/step_logs.h"

#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <thread>
#include <vector>

#include "core/files.h"
#include "core/strings.h"
#include "run/local_agent.h"

namespace slipway::run {

namespace fs = std::filesystem;

namespace {

constexpr size_t k_chunk = 64 * 1024;

fs::path gz_path(const fs::path& plain) { return fs::path(plain.string() + ".gz"); }

// Splits `pending` + new bytes into lines; keeps the unfinished tail in `pending`.
// Returns the number of bytes consumed by complete lines.
std::int64_t emit_lines(std::string& pending, const std::function<void(std::string_view)>& on_line) {
  std::int64_t consumed = 0;
  size_t start = 0;
  for (size_t nl = pending.find('\n'); nl != std::string::npos; nl = pending.find('\n', start)) {
    on_line(std::string_view(pending).substr(start, nl - start));
    consumed += static_cast<std::int64_t>(nl - start + 1);
    start = nl + 1;
  }
  pending.erase(0, start);
  return consumed;
}

}  // namespace

fs::path step_log_path(const fs::path& root, const std::string& run_id, const std::string& job_id, int step) {
  return root / folder_name(run_id) / "logs" / folder_name(job_id) / (std::to_string(step) + ".log");
}

Status compress_step_log(const fs::path& plain) {
  std::FILE* in = std::fopen(plain.c_str(), "rb");
  if (!in) return {};
  fs::path temp = fs::path(plain.string() + ".gz.tmp");
  // Level 1: logs are repetitive text, the fastest level already shrinks them
  // several times, and compression runs on the job's own thread.
  std::FILE* created = open_private_file(temp, "wb");
  gzFile out = created ? gzdopen(::dup(fileno(created)), "wb1") : nullptr;
  if (created) std::fclose(created);
  if (!out) {
    std::fclose(in);
    return fail(ErrorCode::io, "cannot write " + temp.string());
  }
  std::vector<char> buffer(k_chunk);
  bool ok = true;
  for (size_t n; ok && (n = std::fread(buffer.data(), 1, buffer.size(), in)) > 0;)
    ok = gzwrite(out, buffer.data(), static_cast<unsigned>(n)) == static_cast<int>(n);
  ok = !std::ferror(in) && ok;
  std::fclose(in);
  ok = gzclose(out) == Z_OK && ok;
  std::error_code ec;
  if (!ok) {
    fs::remove(temp, ec);
    return fail(ErrorCode::io, "cannot compress " + plain.string());
  }
  fs::rename(temp, gz_path(plain), ec);
  if (ec) return fail(ErrorCode::io, "cannot rename " + temp.string() + ": " + ec.message());
  fs::remove(plain, ec);
  return {};
}

void StepLogTail::poll(const std::function<void(std::string_view)>& on_line, bool final) {
  if (m_offset < 0) return;  // a compressed log was read to its end: it does not grow
  bool compressed = false;
  gzFile file = gzopen(m_plain.c_str(), "rb");
  if (!file) {
    file = gzopen(gz_path(m_plain).c_str(), "rb");
    compressed = true;
  }
  if (!file) return;
  gzbuffer(file, static_cast<unsigned>(k_chunk));
  if (m_offset > 0 && gzseek(file, static_cast<z_off_t>(m_offset), SEEK_SET) != static_cast<z_off_t>(m_offset)) {
    gzclose(file);
    return;
  }
  std::string pending;
  std::vector<char> buffer(k_chunk);
  for (int n; (n = gzread(file, buffer.data(), static_cast<unsigned>(buffer.size()))) > 0;) {
    pending.append(buffer.data(), static_cast<size_t>(n));
    m_offset += emit_lines(pending, on_line);
  }
  gzclose(file);
  if ((final || compressed) && !pending.empty()) {
    on_line(pending);
    m_offset += static_cast<std::int64_t>(pending.size());
  }
  if (compressed) m_offset = -1;
}

void read_step_log(const fs::path& plain, const std::function<void(std::string_view)>& on_line) {
  StepLogTail(plain).poll(on_line, true);
}

std::string_view log_line_text(std::string_view stored) {
  size_t space = stored.find(' ');
  if (space == std::string_view::npos || space == 0 || stored[space - 1] != 'Z') return stored;
  return stored.substr(space + 1);
}

Result<nlohmann::json> follow_run_logs(const fs::path& root, const std::string& run_id, const std::string& job_filter,
                                       const std::function<Result<nlohmann::json>()>& load,
                                       const std::function<void(const std::string&, std::string_view)>& on_line,
                                       std::chrono::milliseconds interval) {
  std::map<std::pair<std::string, int>, StepLogTail> tails;
  for (;;) {
    // The document is read before the logs: when it says finished, every
    // step's log was complete before this pass reads it.
    Result<nlohmann::json> doc = load();
    if (!doc) return doc;
    bool finished = doc->value("state", "") != "running";
    for (const nlohmann::json& stage : doc->value("stages", nlohmann::json::array())) {
      for (const nlohmann::json& job : stage.value("jobs", nlohmann::json::array())) {
        std::string id = job.value("id", "");
        if (!job_filter.empty() && !iequals(id, job_filter) && !iequals(job.value("name", ""), job_filter)) continue;
        size_t steps = job.value("steps", nlohmann::json::array()).size();
        for (int index = 0; index < static_cast<int>(steps); ++index) {
          auto it = tails.try_emplace({id, index}, step_log_path(root, run_id, id, index)).first;
          it->second.poll([&](std::string_view line) { on_line(id, log_line_text(line)); }, finished);
        }
      }
    }
    if (finished) return doc;
    std::this_thread::sleep_for(interval);
  }
}

}  // namespace slipway::run
