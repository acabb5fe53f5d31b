// Content-addressed artifact storage under a root folder (the state
// directory's artifacts/):
//   blobs/ab/abcdef...   one file per distinct content (sha256), shared by
//                        every artifact and run that holds the same bytes
//   manifests/<digest>.json  the list of (path, size, sha256, executable)
// An artifact's digest is the sha256 of its manifest, so two publishes of the
// same tree give the same digest and store nothing new. Blobs and manifests
// are written to a temporary name and renamed, so a crash leaves either the
// whole object or nothing. Metadata (run, job, name → digest) is recorded by
// the caller (RunRecorder).
//
// Thread-safety: many threads and processes may put and get at once.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/error.h"
#include "run/job.h"

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
  explicit ArtifactStore(std::filesystem::path root);

  // Stores the file or folder (recursively; symlinks are refused) and returns
  // its digest, total size and file count. not_found when `from` is absent.
  Result<ArtifactInfo> put(const std::string& name, const std::filesystem::path& from);

  // Recreates the artifact with `digest` inside folder `to` (created).
  // not_found when the manifest is absent, corrupt when a blob is missing.
  Status get(const std::string& digest, const std::filesystem::path& to) const;

  // The files of artifact `digest`; not_found when it is not stored,
  // invalid_input when `digest` is not a sha256.
  Result<std::vector<ArtifactFile>> files(const std::string& digest) const;
  // Where the bytes of file `sha256` of artifact `digest` are stored;
  // not_found unless the artifact lists it.
  Result<std::filesystem::path> blob(const std::string& digest, const std::string& sha256) const;

  const std::filesystem::path& root() const { return m_root; }

 private:
  std::filesystem::path m_root;
};

}  // namespace slipway::run
