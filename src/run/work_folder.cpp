#include "run/work_folder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "core/host.h"

namespace slipway::run {

namespace fs = std::filesystem;

namespace {

constexpr int k_max_folders = 4096;
constexpr const char* k_subfolders[] = {"s", "a", "b", "tmp"};

// Adds owner rwx to every folder under `dir`, so a tree a step made
// read-only (chmod -w, Go's module cache) can be removed.
void make_removable(const fs::path& dir) {
  std::error_code ec;
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add, ec);
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_directory(ec) && !it->is_symlink(ec)) fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
}

// Makes `dir` an empty real folder. A symlink or file a step put in its place
// is removed, never followed.
Status empty_folder(const fs::path& dir) {
  std::error_code ec;
  fs::file_status status = fs::symlink_status(dir, ec);
  if (fs::exists(status) && !fs::is_directory(status)) fs::remove(dir, ec);
  if (!fs::is_directory(status)) {
    fs::create_directories(dir, ec);
    if (ec) return fail(ErrorCode::io, "cannot create " + dir.string() + ": " + ec.message());
    return {};
  }
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool left = false;
    for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      std::error_code remove_ec;
      fs::remove_all(it->path(), remove_ec);
      left = left || remove_ec;
    }
    if (!ec && !left) return {};
    make_removable(dir);
  }
  return fail(ErrorCode::io, "cannot empty " + dir.string() + (ec ? ": " + ec.message() : std::string()));
}

}  // namespace

ScriptFolder::ScriptFolder() {
  const fs::path shm = "/dev/shm";
  std::error_code ec;
  if (!fs::is_directory(shm, ec) || ::access(shm.c_str(), W_OK | X_OK) != 0) return;
  // Left by slipway processes that died without removing theirs.
  for (auto it = fs::directory_iterator(shm, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!name.starts_with("slipway-")) continue;
    long owner = std::strtol(name.c_str() + 8, nullptr, 10);
    struct stat info {};
    if (owner > 0 && !process_alive(owner) && ::lstat(it->path().c_str(), &info) == 0 && S_ISDIR(info.st_mode) &&
        info.st_uid == ::getuid()) {
      std::error_code remove_ec;
      fs::remove_all(it->path(), remove_ec);
    }
  }
  std::string pattern = (shm / ("slipway-" + std::to_string(::getpid()) + "-XXXXXX")).string();
  if (::mkdtemp(pattern.data())) m_path = pattern;  // mode 0700
}

ScriptFolder::~ScriptFolder() {
  std::error_code ec;
  if (!m_path.empty()) fs::remove_all(m_path, ec);
}

Result<WorkFolder> WorkFolder::take(const fs::path& root, const fs::path& scripts) {
  std::error_code ec;
  bool made = fs::create_directories(root, ec);
  if (ec) return fail(ErrorCode::io, "cannot create " + root.string() + ": " + ec.message());
  if (made) fs::permissions(root, fs::perms::owner_all, ec);
  for (int n = 1; n <= k_max_folders; ++n) {
    fs::path lock = root / (std::to_string(n) + ".lock");
    int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return fail(ErrorCode::io, "cannot open " + lock.string() + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd);
      continue;
    }
    fs::path path = root / std::to_string(n);
    WorkFolder folder(path, scripts.empty() ? path / "step.sh" : scripts / (std::to_string(n) + ".sh"), fd);
    for (const char* sub : k_subfolders)
      if (Status s = empty_folder(folder.m_path / sub); !s) return std::unexpected(s.error());
    return folder;
  }
  return fail(ErrorCode::io, "all " + std::to_string(k_max_folders) + " work folders under " + root.string() + " are in use");
}

WorkFolder::WorkFolder(WorkFolder&& other) noexcept
    : m_path(std::move(other.m_path)), m_script(std::move(other.m_script)), m_lock_fd(std::exchange(other.m_lock_fd, -1)) {}

WorkFolder::~WorkFolder() {
  if (m_lock_fd >= 0) ::close(m_lock_fd);  // releases the flock
}

Result<fs::path> WorkFolder::write_script(std::string_view body) const {
  const fs::path& path = m_script;
  // Truncating keeps the inode; O_NOFOLLOW: a symlink a step left here is
  // replaced, not written through.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0 && (errno == ELOOP || errno == ENOENT || errno == EISDIR)) {
    std::error_code ec;
    fs::remove_all(path, ec);
    fs::create_directories(path.parent_path(), ec);
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  }
  if (fd < 0) return fail(ErrorCode::io, "cannot write " + path.string() + ": " + std::strerror(errno));
  std::string text(body);
  text += '\n';
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int error = errno;
      ::close(fd);
      return fail(ErrorCode::io, "cannot write " + path.string() + ": " + std::strerror(error));
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return path;
}

}  // namespace slipway::run
