// Content-addressed bytes (artifact files and manifests): each blob is named
// by the SHA-256 of its content, so a blob is written once and never changes.
// Where they live follows the state: beside a SQLite state, a folder (the
// state root's artifacts/); with a PostgreSQL state, the database's `blobs`
// table, so every host of a team's server reads the same artifacts.
//
// Thread-safety: every method may be called from many threads and processes
// at once (the PostgreSQL store takes a pooled connection per call).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace slipway::store {

class BlobStore {
 public:
  virtual ~BlobStore() = default;
  // Stores `bytes` (or the file's) as blob `sha256`, which the caller
  // computed; nothing when it is already there.
  virtual Status put(const std::string& sha256, std::string_view bytes) = 0;
  virtual Status put_file(const std::string& sha256, const std::filesystem::path& from) = 0;
  // not_found when absent.
  virtual Result<std::string> get(const std::string& sha256) = 0;
  // Writes blob `sha256` to `to` (replaced); not_found when absent.
  virtual Status get_file(const std::string& sha256, const std::filesystem::path& to) = 0;
  // Every blob's name (for copying a state).
  virtual Result<std::vector<std::string>> list() = 0;
  // Where they are, for messages.
  virtual std::string where() const = 0;
};

// The blob store of the state at `location` (a SQLite path or a postgresql://
// URL, with its password) whose files are under `state_root`.
std::shared_ptr<BlobStore> open_blob_store(const std::string& location, const std::filesystem::path& state_root);

// A folder: FOLDER/blobs/ab/abcdef... (the layout artifacts always had).
std::shared_ptr<BlobStore> folder_blob_store(const std::filesystem::path& folder);

}  // namespace slipway::store
