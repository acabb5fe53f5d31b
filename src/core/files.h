// Whole-file reads and atomic writes.
#pragma once

#include <filesystem>
#include <string>

#include "core/error.h"

namespace slipway {

Result<std::string> read_text_file(const std::filesystem::path& path);

// Writes to a temporary file beside `path`, fsyncs, then renames over it, so
// readers see the old content or the new, never a mix.
Status write_file_atomic(const std::filesystem::path& path, std::string_view content);

}  // namespace slipway
