// src/release's Applier, implemented with the apply engine and the
// environment platform's driver.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "deploy/secrets.h"
#include "release/applier.h"
#include "store/blobs.h"
#include "store/store.h"

namespace slipway::deploy {

// The master key, asked for only when an apply really runs (after the gates:
// a refused promotion must not create a key).
using KeyLoader = std::function<Result<MasterKey>()>;

// An Applier over `store` (which must outlive it). `state_root` holds the
// services' folders; `blobs` the artifacts (nullptr: state_root/artifacts).
// Each apply() plans the release against the store and the platform and
// applies it (engine.h); the release's components give the versions.
std::unique_ptr<release::Applier> make_applier(store::Store& store, const std::filesystem::path& state_root,
                                               KeyLoader key, std::shared_ptr<store::BlobStore> blobs = nullptr);

}  // namespace slipway::deploy
