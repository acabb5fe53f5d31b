// What long-lived readers follow: a run's log as it is written, the event
// log as it grows, and artifacts by digest. A Feed holds only a store
// connection (no workspace), so a server can open one per streaming client
// cheaply and outside the lock that serializes its use cases. Reading needs
// no permission beyond being authenticated, which the front-end checked.
//
// Ownership: owns its store connection. Thread-safety: one thread at a time;
// open one Feed per thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "service/service.h"

namespace slipway::service {

class Feed {
 public:
  static Result<std::unique_ptr<Feed>> open(const Config& config);
  ~Feed();

  // Streams the lines of run `id` (of job `job` when not empty) until it
  // finishes, then returns its result; `keep_going` is asked every poll
  // (false ends the follow with a `canceled` error: the reader left).
  Result<std::string> follow_logs(const std::string& id, const std::string& job,
                                  const std::function<void(const std::string& job, std::string_view line)>& line,
                                  const std::function<bool()>& keep_going);
  // Run `id` as recorded: stages, jobs, steps, results, times (run::run_to_json's form).
  Result<nlohmann::json> run(const std::string& id);
  // Events with ids above `after`, oldest first, at most `limit` (0: all).
  Result<std::vector<store::Event>> events_after(std::int64_t after, std::size_t limit);
  // The file list of artifact `digest`: [{path, size, sha256, executable}].
  Result<nlohmann::json> artifact_manifest(const std::string& digest);
  // The stored file holding the blob `sha256` of artifact `digest` (one of its files).
  Result<std::string> artifact_blob(const std::string& digest, const std::string& sha256);

 private:
  Feed(Config config, std::unique_ptr<store::Store> store);
  Config m_config;
  std::shared_ptr<store::BlobStore> blobs();

  std::filesystem::path m_root;  // the state root, absolute: runs/ and artifacts/ under it
  std::shared_ptr<store::BlobStore> m_blobs;
  std::unique_ptr<store::Store> m_store;
};

}  // namespace slipway::service
