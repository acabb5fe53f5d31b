#include "core/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/hash.h"

namespace slipway {

Result<std::string> read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::not_found, "cannot read " + path.string());
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

Status write_file_atomic(const std::filesystem::path& path, std::string_view content, FileAccess access) {
  std::filesystem::path temp = path;
  temp += ".tmp." + std::to_string(::getpid()) + "." + random_hex(4);
  ::unlink(temp.c_str());  // a leftover keeps its mode through O_CREAT
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, access == FileAccess::owner ? 0600 : 0644);
  if (fd < 0) return fail(ErrorCode::io, "cannot write " + path.string() + ": " + std::strerror(errno));
  size_t written = 0;
  while (written < content.size()) {
    ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int saved = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      return fail(ErrorCode::io, "cannot write " + path.string() + ": " + std::strerror(saved));
    }
    written += static_cast<size_t>(n);
  }
  ::fsync(fd);
  ::close(fd);
  if (::rename(temp.c_str(), path.c_str()) != 0)
    return fail(ErrorCode::io, "cannot replace " + path.string() + ": " + std::strerror(errno));
  return {};
}

std::FILE* open_private_file(const std::filesystem::path& path, const char* mode) {
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (mode[0] == 'a' ? O_APPEND : O_TRUNC);
  int fd = ::open(path.c_str(), flags, 0600);
  if (fd < 0) return nullptr;
  std::FILE* file = ::fdopen(fd, mode);
  if (!file) ::close(fd);
  return file;
}

Status create_private_directories(const std::filesystem::path& dir) {
  std::error_code ec;
  if (dir.empty() || std::filesystem::is_directory(dir, ec)) return {};
  if (Status s = create_private_directories(dir.parent_path()); !s) return s;
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return fail(ErrorCode::io, "cannot create " + dir.string() + ": " + std::strerror(errno));
  return {};
}

bool is_within(const std::filesystem::path& path, const std::filesystem::path& folder) {
  std::error_code ec;
  std::filesystem::path resolved = std::filesystem::weakly_canonical(path, ec);
  if (ec) return false;
  std::filesystem::path root = std::filesystem::weakly_canonical(folder, ec);
  if (ec) return false;
  std::string relative = resolved.lexically_relative(root).generic_string();
  return !relative.empty() && relative != ".." && !relative.starts_with("../");
}

}  // namespace slipway
