// Downloading an artifact from a slipway server by digest: its manifest
// (GET /artifacts/{digest}), then each file's bytes (.../blobs/{sha256}),
// each checked against its SHA-256 before it is kept. What `artifact get`
// does with --server; locally the run module copies from the store.
#pragma once

#include <filesystem>
#include <string>

#include "client/api_client.h"
#include "core/error.h"

namespace slipway::client {

// Writes the files of artifact `digest` under `to` (made when missing),
// with 0755 for executables and 0644 otherwise, as a local get does.
// Errors: those of the requests; invalid_input for a manifest path that
// would leave `to` (absolute, or with ".."); corrupt when a blob's bytes do
// not have its SHA-256; io when a file cannot be written.
Status download_artifact(ApiClient& api, const std::string& digest, const std::filesystem::path& to);

}  // namespace slipway::client
