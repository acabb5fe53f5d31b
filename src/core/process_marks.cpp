#include "core/process_marks.h"

#include "core/process.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace slipway {

namespace {

// The whole content of a small /proc file; nullopt when it cannot be read.
std::optional<std::string> read_proc_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buffer[8192];
  while (true) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

// The fields are counted after the command name, which may hold spaces and ')'.
std::optional<unsigned long long> start_time(long pid) {
  std::optional<std::string> stat = read_proc_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return std::nullopt;
  size_t close = stat->rfind(')');
  if (close == std::string::npos || close + 2 >= stat->size()) return std::nullopt;
  size_t at = close + 2;  // field 3 (the state) starts here
  if ((*stat)[at] == 'Z' || (*stat)[at] == 'X') return std::nullopt;
  for (int field = 3; field < 22; ++field) {
    at = stat->find(' ', at);
    if (at == std::string::npos) return std::nullopt;
    ++at;
  }
  return std::strtoull(stat->c_str() + at, nullptr, 10);
}

// The value of the mark variable in the process's environment, if any.
std::optional<std::string> mark_of(long pid) {
  std::optional<std::string> environ = read_proc_file("/proc/" + std::to_string(pid) + "/environ");
  if (!environ) return std::nullopt;
  std::string prefix = std::string(k_process_mark_variable) + "=";
  size_t at = 0;
  while (at < environ->size()) {
    size_t end = environ->find('\0', at);
    if (end == std::string::npos) end = environ->size();
    if (environ->compare(at, prefix.size(), prefix) == 0)
      return environ->substr(at + prefix.size(), end - at - prefix.size());
    at = end + 1;
  }
  return std::nullopt;
}

// Marked processes as (pid, mark).
using Marked = std::vector<std::pair<long, std::string>>;

// How many OrphanAdoption guards are alive (the subreaper setting is on while > 0).
std::mutex g_adoption_mutex;
int g_adoptions = 0;

bool adopting() {
  std::lock_guard lock(g_adoption_mutex);
  return g_adoptions > 0;
}

// The marked ones among this process's adopted children; nullopt when the
// kernel does not list children.
std::optional<Marked> marked_children() {
  std::optional<std::vector<int>> children = unowned_children();
  if (!children) return std::nullopt;
  Marked out;
  for (int pid : *children) {
    std::optional<std::string> mark = mark_of(pid);
    if (!mark && start_time(pid)) {
      // Running but no mark read: it may be inside execve, between its old
      // memory and its new stack, where its environment reads empty.
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      mark = mark_of(pid);
    }
    if (mark) out.emplace_back(pid, std::move(*mark));
  }
  return out;
}

// Every process of this user but the caller that carries a mark: (pid, mark).
Result<Marked> marked_processes() {
  DIR* dir = ::opendir("/proc");
  if (!dir) return fail(ErrorCode::io, std::string("cannot read /proc: ") + std::strerror(errno));
  Marked out;
  const long self = ::getpid();
  const uid_t uid = ::getuid();
  while (dirent* entry = ::readdir(dir)) {
    char* end = nullptr;
    long pid = std::strtol(entry->d_name, &end, 10);
    if (pid <= 0 || *end != '\0' || pid == self) continue;
    struct stat info {};
    if (::fstatat(::dirfd(dir), entry->d_name, &info, 0) != 0 || info.st_uid != uid) continue;
    if (std::optional<std::string> mark = mark_of(pid)) out.emplace_back(pid, std::move(*mark));
  }
  ::closedir(dir);
  return out;
}

// The marked processes to look at: this process's adopted children when
// `children_only` and the kernel lists them, else every process in /proc.
Result<Marked> marked_candidates(bool children_only) {
  if (children_only)
    if (std::optional<Marked> children = marked_children()) return std::move(*children);
  return marked_processes();
}

// SIGKILL to `pid` if it still carries `mark`, through a pidfd so a recycled
// pid is never hit; then waits (up to 1 s) for it to die, so the next pass
// does not see it again (its children are handed on by then), and reaps it
// when it is this process's child. True when the signal was sent.
bool kill_if_marked(long pid, const std::string& mark) {
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, static_cast<pid_t>(pid), 0));
  if (pidfd < 0) return false;
  std::optional<std::string> now = mark_of(pid);
  bool sent = now && *now == mark && ::syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0) == 0;
  if (sent) {
    pollfd exited{pidfd, POLLIN, 0};
    while (::poll(&exited, 1, 1000) < 0 && errno == EINTR) {
    }
    siginfo_t info{};
    ::waitid(P_PIDFD, static_cast<id_t>(pidfd), &info, WEXITED | WNOHANG);  // ECHILD when not ours
  }
  ::close(pidfd);
  return sent;
}

// Kills the marked processes `select` picks, pass after pass until a pass
// finds none (at most 5 passes). `children_only`: among this process's
// adopted children when the kernel lists them.
Result<int> kill_selected(const std::function<bool(const std::string&)>& select, bool children_only = false) {
  int killed = 0;
  for (int pass = 0; pass < 5; ++pass) {
    Result<Marked> marked = marked_candidates(children_only);
    if (!marked) return std::unexpected(marked.error());
    int this_pass = 0;
    for (const auto& [pid, mark] : *marked)
      if (select(mark) && kill_if_marked(pid, mark)) ++this_pass;
    killed += this_pass;
    if (this_pass == 0) break;
  }
  return killed;
}

}  // namespace

std::optional<unsigned long long> process_start_time(long pid) { return start_time(pid); }

std::string process_mark(std::string_view scope) {
  long self = ::getpid();
  return std::to_string(self) + "." + std::to_string(start_time(self).value_or(0)) + "/" + std::string(scope);
}

OrphanAdoption::OrphanAdoption() {
  std::lock_guard lock(g_adoption_mutex);
  if (g_adoptions++ == 0) ::prctl(PR_SET_CHILD_SUBREAPER, 1);
}

OrphanAdoption::~OrphanAdoption() {
  {
    std::lock_guard lock(g_adoption_mutex);
    if (--g_adoptions > 0) return;
    ::prctl(PR_SET_CHILD_SUBREAPER, 0);
  }
  reap_unowned_children();
}

Result<int> kill_marked_processes(std::string_view mark) {
  return kill_selected([mark](const std::string& m) { return m == mark; }, adopting());
}

Result<int> kill_orphaned_processes(std::string_view scope_prefix) {
  const std::string prefix = std::string(scope_prefix) + "/";
  return kill_selected([&prefix](const std::string& mark) {
    // "<pid>.<start>/<scope>": the owner is alive when that pid runs with that start time.
    char* end = nullptr;
    long owner = std::strtol(mark.c_str(), &end, 10);
    if (owner <= 0 || *end != '.') return false;  // not a mark we wrote: leave it
    unsigned long long started = std::strtoull(end + 1, &end, 10);
    if (*end != '/' || !std::string_view(end + 1).starts_with(prefix)) return false;
    std::optional<unsigned long long> running = start_time(owner);
    return !running || *running != started;
  });
}

}  // namespace slipway
