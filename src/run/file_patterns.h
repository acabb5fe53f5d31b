// Azure's file matching, as tasks' inputs use it (azure-pipelines-task-lib's
// findMatch): one pattern per line, relative to a root folder or absolute;
// `*`, `?` and `[...]` within a name, `**` for any number of folders, names
// starting with a dot matched too; a line starting with `!` removes what
// earlier lines matched; `#` lines are comments.
//
// Thread-safety: pure functions over the file system.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

namespace slipway::run {

// Whether `path` ("a/b/c.xml", '/'-separated) matches `pattern` ("**/TEST-*.xml").
bool path_matches(std::string_view pattern, std::string_view path);

// The regular files under `root` matching `patterns`, absolute and sorted.
// Symbolic links are not followed (a linked file or folder is not matched).
// With `inside` given, only files whose real path is under it are kept.
std::vector<std::filesystem::path> find_matching_files(const std::filesystem::path& root, std::string_view patterns,
                                                       const std::filesystem::path& inside = {});

}  // namespace slipway::run
