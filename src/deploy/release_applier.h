// src/release's Applier, implemented with the apply engine and the
// environment platform's driver.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "release/applier.h"
#include "store/store.h"

namespace slipway::deploy {

// An Applier over `store` (which must outlive it). `state_db` is the state
// database's path: the master key file and service logs live beside it. The
// master key comes from `master_key` (SLIPWAY_MASTER_KEY) when set, else the
// key file. Each apply() plans the release against the store and the platform
// and applies it (engine.h); the release's components give the versions.
std::unique_ptr<release::Applier> make_applier(store::Store& store, const std::filesystem::path& state_db,
                                               std::optional<std::string> master_key);

}  // namespace slipway::deploy
