#include "service/feed.h"

#include "run/artifacts.h"
#include "run/step_logs.h"
#include "run/store_recorder.h"

namespace slipway::service {

Feed::Feed(Config config, std::unique_ptr<store::Store> store)
    : m_config(std::move(config)), m_root(std::filesystem::absolute(m_config.state_root)), m_store(std::move(store)) {}

Feed::~Feed() = default;

Result<std::unique_ptr<Feed>> Feed::open(const Config& config) {
  Result<std::unique_ptr<store::Store>> store = store::open_store(config.store, {.clock = config.clock});
  if (!store) return std::unexpected(store.error());
  return std::unique_ptr<Feed>(new Feed(config, std::move(*store)));
}

Result<std::string> Feed::follow_logs(const std::string& id, const std::string& job,
                                      const std::function<void(const std::string&, std::string_view)>& line,
                                      const std::function<bool()>& keep_going) {
  auto load = [&]() -> Result<nlohmann::json> {
    if (!keep_going()) return fail(ErrorCode::io, "the reader of run " + id + "'s log left");
    return run::load_run_document(m_store->runs(), id);
  };
  Result<nlohmann::json> done = run::follow_run_logs(m_root / "runs", id, job, load, line);
  if (!done) return std::unexpected(done.error());
  return done->value("result", std::string());
}

Result<nlohmann::json> Feed::run(const std::string& id) { return run::load_run_document(m_store->runs(), id); }

Result<std::vector<store::Event>> Feed::events_after(std::int64_t after, std::size_t limit) {
  return m_store->events().list({.after_id = after, .limit = limit});
}

Result<nlohmann::json> Feed::artifact_manifest(const std::string& digest) {
  Result<std::vector<run::ArtifactFile>> files = run::ArtifactStore(blobs()).files(digest);
  if (!files) return std::unexpected(files.error());
  nlohmann::json out = nlohmann::json::array();
  for (const run::ArtifactFile& file : *files)
    out.push_back({{"path", file.path}, {"sha256", file.sha256}, {"executable", file.executable}});
  return out;
}

Result<std::string> Feed::artifact_blob(const std::string& digest, const std::string& sha256) {
  return run::ArtifactStore(blobs()).blob(digest, sha256);
}

std::shared_ptr<store::BlobStore> Feed::blobs() {
  if (!m_blobs) m_blobs = store::open_blob_store(m_config.store, m_root);
  return m_blobs;
}

}  // namespace slipway::service
