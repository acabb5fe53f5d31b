#include "deploy/state_id.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "core/hash.h"

namespace slipway::deploy {

namespace {

Error io_failure(const std::string& what) {
  return Error{ErrorCode::io, what + ": " + std::strerror(errno), {}};
}

// The state-id file's content for `id` made for folder `where`.
std::string record(const std::string& id, const struct stat& where) {
  return id + " " + std::to_string(where.st_dev) + " " + std::to_string(where.st_ino) + "\n";
}

// The id recorded in `text` when it was made for `where`; empty otherwise.
std::string recorded_id(const std::string& text, const struct stat& where) {
  std::istringstream in(text);
  std::string id;
  unsigned long long device = 0, inode = 0;
  if (!(in >> id >> device >> inode) || id.size() != 32) return {};
  if (device != where.st_dev || inode != where.st_ino) return {};
  return id;
}

std::string read_all(int fd) {
  std::string text;
  char buffer[256];
  for (ssize_t n; (n = ::pread(fd, buffer, sizeof buffer, static_cast<off_t>(text.size()))) > 0;)
    text.append(buffer, static_cast<size_t>(n));
  return text;
}

}  // namespace

Result<std::string> state_id(const std::filesystem::path& state_dir) {
  struct stat folder {};
  if (::stat(state_dir.c_str(), &folder) != 0) return std::unexpected(io_failure("state folder " + state_dir.string()));
  std::string path = (state_dir / "state-id").string();
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return std::unexpected(io_failure(path));
  // Two processes of a fresh (or freshly copied) state must agree on one id.
  ::flock(fd, LOCK_EX);
  std::string id = recorded_id(read_all(fd), folder);
  if (id.empty()) {
    id = random_hex(16);
    std::string text = record(id, folder);
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
      Error error = io_failure(path);
      ::close(fd);
      return std::unexpected(error);
    }
  }
  ::close(fd);  // releases the flock
  return id;
}

}  // namespace slipway::deploy
