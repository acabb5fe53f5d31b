// Content-addressed artifacts in the state's blob store (store/blobs.h: a
// folder beside a SQLite state, the database with PostgreSQL): one blob per
// distinct file content (sha256), shared by every artifact and run that holds
// the same bytes, and one per manifest, the list of (path, size, sha256,
// executable). An artifact's digest is the sha256 of its manifest, so two
// publishes of the same tree give the same digest and store nothing new. A
// crash leaves each blob whole or absent. Metadata (run, job, name → digest)
// is recorded by the caller (RunRecorder).
//
// Thread-safety: many threads and processes may put and get at once.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "run/job.h"
#include "store/blobs.h"

namespace slipway::run {

// invalid_input "artifact name '<name>' is not allowed: <why>" for empty
// names, absolute paths, '..', backslashes and control characters.
Status check_artifact_name(std::string_view name);

// One file of a stored artifact.
struct ArtifactFile {
  std::string path;    // relative, '/'-separated
  std::string sha256;  // its blob
  bool executable = false;
};

class ArtifactStore {
 public:
  explicit ArtifactStore(std::shared_ptr<store::BlobStore> blobs) : m_blobs(std::move(blobs)) {}

  // Stores the file or folder (recursively; symlinks are refused) and returns
  // its digest, total size and file count. not_found when `from` is absent.
  Result<ArtifactInfo> put(const std::string& name, const std::filesystem::path& from);

  // Recreates the artifact with `digest` inside folder `to` (created).
  // not_found when the manifest is absent, corrupt when a blob is missing.
  Status get(const std::string& digest, const std::filesystem::path& to) const;

  // The files of artifact `digest`; not_found when it is not stored,
  // invalid_input when `digest` is not a sha256.
  Result<std::vector<ArtifactFile>> files(const std::string& digest) const;
  // The bytes of file `sha256` of artifact `digest`; not_found unless the
  // artifact lists it.
  Result<std::string> blob(const std::string& digest, const std::string& sha256) const;

 private:
  std::shared_ptr<store::BlobStore> m_blobs;
};

}  // namespace slipway::run
