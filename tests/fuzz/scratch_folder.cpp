#include "scratch_folder.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>

namespace slipway::fuzz {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view k_marker = "#file: ";

// PATH of a "#file:" line, made to stay inside the folder (see the header).
std::string harmless_path(std::string_view raw) {
  std::string path;
  for (char c : raw) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '.' || c == '-' || c == '_' || c == '/';
    path += plain ? c : '_';
  }
  std::string safe;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    std::string part = path.substr(start, end - start);
    if (part == "..") part = "_";
    if (!part.empty() && part != ".") safe += (safe.empty() ? "" : "/") + part;
    start = end + 1;
  }
  return safe.empty() ? "_" : safe;
}

// The offset of the next line at or after `from` that starts with the marker.
size_t next_marker(std::string_view bundle, size_t from) {
  for (size_t at = from; at < bundle.size(); ++at) {
    at = bundle.find(k_marker, at);
    if (at == std::string_view::npos) return at;
    if (at == 0 || bundle[at - 1] == '\n') return at;
  }
  return std::string_view::npos;
}

void write_file(const fs::path& path, std::string_view content) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

}  // namespace

ScratchFolder::ScratchFolder() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/slipway-fuzz-XXXXXX";
  if (!mkdtemp(pattern.data())) throw std::runtime_error("cannot create a scratch folder: " + pattern);
  m_path = pattern;
}

ScratchFolder::~ScratchFolder() {
  std::error_code ec;
  fs::remove_all(m_path, ec);
}

void ScratchFolder::write_bundle(std::string_view bundle, const std::string& first_name) {
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(m_path, ec))
    fs::remove_all(entry.path(), ec);
  std::string name = first_name;
  size_t start = 0;
  for (int files = 0; files < k_max_files; ++files) {
    size_t marker = next_marker(bundle, start);
    write_file(m_path / name, bundle.substr(start, std::min(marker, bundle.size()) - start));
    if (marker == std::string_view::npos) return;
    size_t path_start = marker + k_marker.size();
    size_t path_end = std::min(bundle.find('\n', path_start), bundle.size());
    name = harmless_path(bundle.substr(path_start, path_end - path_start));
    start = std::min(path_end + 1, bundle.size());
  }
}

}  // namespace slipway::fuzz
