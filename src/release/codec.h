// Release <-> JSON (the store's body and `--json` output), and the digest of
// a workspace's configuration that a release locks.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "model/workspace.h"
#include "release/release.h"
#include "store/store.h"

namespace slipway::release {

// {"id", "components": [{name, version, artifact_digest}], "config_digest",
//  "source", "created_by", "created"}.
nlohmann::json to_json(const Release& release);
// From a stored record; `corrupt` naming the release when the body is unreadable.
Result<Release> from_record(const store::ReleaseRecord& record);

// sha256 of every environment's resolved configuration (platform, blocks,
// components, merged values, secret names) and of the product line: changes
// whenever a value, block or overlay changes. invalid_input when an
// environment cannot be resolved.
Result<std::string> config_digest(const model::Workspace& workspace);

}  // namespace slipway::release
