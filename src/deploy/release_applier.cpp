#include "deploy/release_applier.h"

#include "deploy/engine.h"

namespace slipway::deploy {

namespace {

class EngineApplier final : public release::Applier {
 public:
  EngineApplier(store::Store& store, std::filesystem::path state_root, KeyLoader key,
                std::shared_ptr<store::BlobStore> blobs)
      : m_store(store), m_state_root(std::move(state_root)), m_key(std::move(key)), m_blobs(std::move(blobs)) {}

  Result<release::ApplyOutcome> apply(const model::Workspace& workspace, const model::Environment& environment,
                                      const release::Release& release,
                                      const release::ApplyContext& context) override {
    if (!environment.platform) return fail(ErrorCode::invalid_input, "environment " + environment.name + " has no platform");
    Result<MasterKey> key = m_key();
    if (!key) return std::unexpected(key.error());
    Result<std::unique_ptr<Driver>> driver = make_driver(environment.platform->kind);
    if (!driver) return std::unexpected(driver.error());
    ApplyRequest request;
    request.workspace = &workspace;
    request.environment = environment.name;
    for (const release::ReleaseComponent& c : release.components)
      request.wanted[c.name] = {c.version, c.artifact_digest};
    request.release = release.id;
    request.actor = context.actor;
    request.state_dir = m_state_root;
    request.blobs = m_blobs;
    request.keep_alive = context.keep_alive;
    Result<ApplyResult> result = apply_environment(m_store, **driver, *key, request);
    if (!result) return std::unexpected(result.error());
    release::ApplyOutcome outcome;
    outcome.succeeded = result->succeeded;
    outcome.message = result->message;
    for (const StepResult& step : result->steps)
      outcome.components.push_back({step.target, step.action, step.succeeded, step.message});
    return outcome;
  }

 private:
  store::Store& m_store;
  std::filesystem::path m_state_root;
  KeyLoader m_key;
  std::shared_ptr<store::BlobStore> m_blobs;
};

}  // namespace

std::unique_ptr<release::Applier> make_applier(store::Store& store, const std::filesystem::path& state_root,
                                               KeyLoader key, std::shared_ptr<store::BlobStore> blobs) {
  return std::make_unique<EngineApplier>(store, state_root, std::move(key), std::move(blobs));
}

}  // namespace slipway::deploy
