#include "run/file_patterns.h"

#include <fnmatch.h>

#include <algorithm>
#include <set>
#include <string>

#include "core/files.h"
#include "core/strings.h"

namespace slipway::run {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> segments(std::string_view path) {
  std::vector<std::string> out;
  for (std::string& part : split(path, '/'))
    if (!part.empty() && part != ".") out.push_back(std::move(part));
  return out;
}

bool match_from(const std::vector<std::string>& pattern, size_t i, const std::vector<std::string>& path, size_t j) {
  if (i == pattern.size()) return j == path.size();
  if (pattern[i] == "**")
    return match_from(pattern, i + 1, path, j) || (j < path.size() && match_from(pattern, i, path, j + 1));
  return j < path.size() && ::fnmatch(pattern[i].c_str(), path[j].c_str(), 0) == 0 &&
         match_from(pattern, i + 1, path, j + 1);
}

bool has_glob(std::string_view segment) { return segment.find_first_of("*?[") != std::string_view::npos; }

// The folder to walk for `pattern`: its leading segments without wildcards.
fs::path walk_base(const fs::path& root, const std::string& pattern) {
  fs::path base = fs::path(pattern).is_absolute() ? fs::path("/") : root;
  std::vector<std::string> parts = segments(pattern);
  for (size_t i = 0; i + 1 < parts.size() && !has_glob(parts[i]); ++i) base /= parts[i];
  return base;
}

}  // namespace

bool path_matches(std::string_view pattern, std::string_view path) {
  return match_from(segments(pattern), 0, segments(path), 0);
}

std::vector<fs::path> find_matching_files(const fs::path& given_root, std::string_view patterns, const fs::path& inside) {
  const fs::path root = given_root.lexically_normal();
  std::set<fs::path> found;
  for (const std::string& raw : split(patterns, '\n')) {
    std::string line(trim(raw));
    if (line.empty() || line[0] == '#') continue;
    bool exclude = line[0] == '!';
    if (exclude) line = std::string(trim(line.substr(1)));
    const bool absolute = fs::path(line).is_absolute();
    // A pattern is matched against the path as written: relative to root, or absolute.
    auto shown = [&](const fs::path& file) {
      return absolute ? file.lexically_normal().string() : file.lexically_relative(root).generic_string();
    };
    if (exclude) {
      std::erase_if(found, [&](const fs::path& file) { return path_matches(line, shown(file)); });
      continue;
    }
    std::error_code ec;
    fs::path base = walk_base(root, line);
    if (fs::is_regular_file(fs::symlink_status(base, ec))) {
      if (path_matches(line, shown(base)) && (inside.empty() || is_within(base, inside))) found.insert(base.lexically_normal());
      continue;
    }
    if (fs::is_symlink(fs::symlink_status(base, ec)) || !(inside.empty() || is_within(base, inside))) continue;
    for (fs::recursive_directory_iterator it(base, fs::directory_options::skip_permission_denied, ec), end;
         !ec && it != end; it.increment(ec)) {
      if (fs::is_regular_file(it->symlink_status(ec)) && path_matches(line, shown(it->path())))
        found.insert(it->path().lexically_normal());
    }
  }
  return {found.begin(), found.end()};
}

}  // namespace slipway::run
