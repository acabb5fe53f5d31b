// Whole-file reads and atomic writes.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>

#include "core/error.h"

namespace slipway {

Result<std::string> read_text_file(const std::filesystem::path& path);

// Who may read a file slipway writes: everyone (0644), or only its owner
// (0600: state, logs, keys).
enum class FileAccess { everyone, owner };

// Writes to a temporary file beside `path` (a name of its own per call, so
// two threads writing one path never share it), fsyncs, then renames over
// it, so readers see the old content or the new, never a mix.
Status write_file_atomic(const std::filesystem::path& path, std::string_view content,
                         FileAccess access = FileAccess::everyone);

// std::fopen(path, "ab" or "wb") of a file created 0600 when new; nullptr
// with errno on failure.
std::FILE* open_private_file(const std::filesystem::path& path, const char* mode);

// Creates `dir` and its missing parents; those it made are 0700. Errors: io.
Status create_private_directories(const std::filesystem::path& dir);

// Whether `path`, its symbolic links and '..' resolved, is `folder` or lies
// under it (resolved too). False when either cannot be resolved.
bool is_within(const std::filesystem::path& path, const std::filesystem::path& folder);

}  // namespace slipway
