// Child processes: fork + execve into a new process group, output read with
// poll(2) on two pipes plus a pidfd, group-wide kill on exit/timeout/cancel.
//
// Why clone and not posix_spawn: posix_spawn can put the child in a new group
// but cannot set PR_SET_PDEATHSIG, which must be set by the child itself
// before exec. So we do what glibc's posix_spawn does inside: clone with
// CLONE_VM | CLONE_VFORK on a separate stack (no page-table copy: a plain
// fork of this multi-threaded process cost ~0.8 ms and thousands of page
// faults per step), and the child calls only async-signal-safe functions
// (setpgid, prctl, sigprocmask, sigaction, dup2, chdir, execve, _exit) on
// data prepared before the clone.
//
// Why a pidfd: it makes "the child exited" one more poll event, so the loop
// needs no timer ticks in the common case (ticks only while a cancel flag is
// watched or a deadline is pending). The child is killed as a group *before*
// it is reaped, while the zombie still pins its pid, so the group kill cannot
// hit a recycled pid.
#include "core/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <unordered_set>

#include "core/sandbox.h"

extern char** environ;

namespace slipway {

namespace {

using Clock = std::chrono::steady_clock;

class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : m_fd(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { reset(); }
  int get() const { return m_fd; }
  void reset(int fd = -1) {
    if (m_fd >= 0) ::close(m_fd);
    m_fd = fd;
  }

 private:
  int m_fd = -1;
};

// Splits one stream's bytes into lines for the callback.
class LineBuffer {
 public:
  LineBuffer(OutputStream stream, const ProcessOptions& options)
      : m_stream(stream), m_options(options) {}

  void feed(const char* data, size_t size) {
    if (!m_options.on_line) return;
    m_pending.append(data, size);
    size_t start = 0;
    while (true) {
      size_t newline = m_pending.find('\n', start);
      if (newline == std::string::npos) {
        if (m_pending.size() - start >= m_options.max_line) {
          emit(std::string_view(m_pending).substr(start, m_options.max_line));
          start += m_options.max_line;
          continue;
        }
        break;
      }
      size_t length = newline - start;
      if (length > m_options.max_line) length = m_options.max_line, newline = start + length - 1;
      std::string_view line(m_pending.data() + start, length);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      emit(line);
      start = newline + 1;
    }
    m_pending.erase(0, start);
  }

  void finish() {
    if (!m_pending.empty() && m_options.on_line) emit(m_pending);
    m_pending.clear();
  }

 private:
  void emit(std::string_view line) { m_options.on_line(m_stream, line); }

  OutputStream m_stream;
  const ProcessOptions& m_options;
  std::string m_pending;
};

int open_pidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
#else
  (void)pid;
  errno = ENOSYS;
  return -1;
#endif
}

// What the child needs between clone and execve, prepared by the parent.
struct ChildSetup {
  const char* program;
  char* const* argv;
  char* const* envp;
  const char* cwd;  // nullptr: keep the parent's
  int stdin_fd;
  int stdout_fd;
  int stderr_fd;
  pid_t parent;
  int sandbox_fd;         // -1: none
  bool switch_user;
  unsigned uid, gid;
};

// Written by a child that cannot take the user or the sandbox it was given.
constexpr char k_unconfined[] = "slipway: the process was not started: its user or sandbox could not be set\n";

// Runs in the child on its own stack: async-signal-safe calls only. Not
// instrumented by sanitizers: it shares the parent's memory (and shadow
// memory) until execve.
__attribute__((no_sanitize("address", "undefined"))) int child_main(void* arg) {
  const ChildSetup& setup = *static_cast<const ChildSetup*>(arg);
  ::setpgid(0, 0);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != setup.parent) ::_exit(127);  // the parent already died
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD}) ::sigaction(s, &dfl, nullptr);
  if (setup.stdin_fd >= 0) ::dup2(setup.stdin_fd, 0);
  ::dup2(setup.stdout_fd, 1);
  ::dup2(setup.stderr_fd, 2);
  // Raw system calls: glibc's setuid() would signal every thread of the
  // parent (whose memory this child shares) to change their ids too.
  if (setup.switch_user &&
      (::syscall(SYS_setgroups, 0, nullptr) != 0 || ::syscall(SYS_setresgid, setup.gid, setup.gid, setup.gid) != 0 ||
       ::syscall(SYS_setresuid, setup.uid, setup.uid, setup.uid) != 0)) {
    (void)!::write(2, k_unconfined, sizeof k_unconfined - 1);
    ::_exit(126);
  }
  if (setup.cwd && ::chdir(setup.cwd) != 0) ::_exit(127);
  if (setup.sandbox_fd >= 0 && !enter_sandbox(setup.sandbox_fd)) {
    (void)!::write(2, k_unconfined, sizeof k_unconfined - 1);
    ::_exit(126);
  }
  ::execve(setup.program, setup.argv, setup.envp);
  ::_exit(127);
}

// The children run_process calls are waiting for, and how many calls are
// between clone and registering their child: what unowned_children leaves out.
struct OwnedChildren {
  std::mutex mutex;
  std::unordered_set<pid_t> pids;
  int starting = 0;
};

OwnedChildren& owned_children() {
  static OwnedChildren children;
  return children;
}

bool child_has_exited(pid_t pid) {
  siginfo_t info{};
  if (::waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) return true;
  return info.si_pid == pid;
}

}  // namespace

bool kill_process_group(int pgid, int signal) {
  if (pgid <= 0) return false;
  return ::kill(-pgid, signal) == 0;
}

void prepare_background_child(int in_fd, int out_fd) {
  ::dup2(in_fd, 0);
  ::dup2(out_fd, 1);
  ::dup2(out_fd, 2);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::signal(SIGTERM, SIG_DFL);
  ::signal(SIGINT, SIG_DFL);
}

std::vector<std::string> current_environment() {
  std::vector<std::string> out;
  for (char** e = environ; e && *e; ++e) out.emplace_back(*e);
  return out;
}

std::optional<std::vector<int>> unowned_children() {
  std::vector<int> out;
  std::error_code ec;
  bool listed = false;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream children(task.path() / "children");
    if (!children) continue;
    listed = true;
    for (int pid; children >> pid;) out.push_back(pid);
  }
  if (!listed) return std::nullopt;
  OwnedChildren& owned = owned_children();
  std::lock_guard lock(owned.mutex);
  std::erase_if(out, [&](int pid) { return owned.pids.count(pid) > 0; });
  return out;
}

void reap_unowned_children() {
  std::optional<std::vector<int>> children = unowned_children();
  if (!children) return;
  OwnedChildren& owned = owned_children();
  std::lock_guard lock(owned.mutex);  // held while reaping: no clone can register meanwhile
  if (owned.starting > 0) return;
  for (int pid : *children)
    if (!owned.pids.count(pid)) ::waitpid(pid, nullptr, WNOHANG);
}

std::optional<std::filesystem::path> find_program(std::string_view name) {
  if (name.empty()) return std::nullopt;
  if (name.find('/') != std::string_view::npos) return std::filesystem::path(name);
  const char* path = std::getenv("PATH");
  std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string_view::npos) end = dirs.size();
    std::filesystem::path dir(dirs.substr(start, end - start));
    if (dir.empty()) dir = ".";
    std::filesystem::path candidate = dir / std::string(name);
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate))
      return candidate;
    start = end + 1;
  }
  return std::nullopt;
}

Result<ProcessResult> run_process(const ProcessOptions& options) {
  if (options.argv.empty()) return fail(ErrorCode::invalid_input, "run process: empty command");
  std::optional<std::filesystem::path> program = find_program(options.argv[0]);
  if (!program) return fail(ErrorCode::not_found, "run process: " + options.argv[0] + ": command not found");
  std::error_code ec;
  if (!options.cwd.empty() && !std::filesystem::is_directory(options.cwd, ec))
    return fail(ErrorCode::invalid_input,
                "run process: working directory " + options.cwd.string() + " does not exist");

  // Everything the child touches is built before the fork.
  std::string program_path = program->string();
  std::vector<char*> argv;
  for (const std::string& arg : options.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  if (options.env) {
    for (const std::string& entry : *options.env) envp.push_back(const_cast<char*>(entry.c_str()));
    envp.push_back(nullptr);
  }
  std::string cwd = options.cwd.string();

  int out_pipe[2];
  int err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0)
    return fail(ErrorCode::io, std::string("run process: pipe: ") + std::strerror(errno));
  Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (::pipe2(err_pipe, O_CLOEXEC) != 0)
    return fail(ErrorCode::io, std::string("run process: pipe: ") + std::strerror(errno));
  Fd err_read(err_pipe[0]), err_write(err_pipe[1]);
  Fd null_in(::open("/dev/null", O_RDONLY | O_CLOEXEC));

  ChildSetup setup{program_path.c_str(), argv.data(), options.env ? envp.data() : environ,
                   cwd.empty() ? nullptr : cwd.c_str(), null_in.get(), out_pipe[1], err_pipe[1], ::getpid(),
                   options.sandbox_fd, options.run_as.has_value(), options.run_as ? options.run_as->uid : 0,
                   options.run_as ? options.run_as->gid : 0};
  // The child shares our memory until it execs (like posix_spawn) but runs on
  // a stack of its own, so it cannot clobber this frame.
  constexpr size_t k_stack_size = 64 * 1024;
  void* stack = ::mmap(nullptr, k_stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) return fail(ErrorCode::io, std::string("run process: mmap: ") + std::strerror(errno));
  OwnedChildren& owned = owned_children();
  {
    std::lock_guard lock(owned.mutex);
    ++owned.starting;
  }
  pid_t pid = ::clone(child_main, static_cast<char*>(stack) + k_stack_size, CLONE_VM | CLONE_VFORK | SIGCHLD, &setup);
  int clone_errno = errno;
  ::munmap(stack, k_stack_size);  // CLONE_VFORK: the child has exec'd or exited by now
  {
    std::lock_guard lock(owned.mutex);
    --owned.starting;
    if (pid > 0) owned.pids.insert(pid);
  }
  if (pid < 0) return fail(ErrorCode::io, std::string("run process: clone: ") + std::strerror(clone_errno));
  ::setpgid(pid, pid);  // also set here so kill(-pid) works before the child runs
  out_write.reset();
  err_write.reset();
  null_in.reset();
  Fd pidfd(open_pidfd(pid));

  ProcessResult result;
  result.pid = pid;
  LineBuffer out_lines(OutputStream::out, options);
  LineBuffer err_lines(OutputStream::err, options);
  const Clock::time_point start = Clock::now();
  std::optional<Clock::time_point> deadline;
  if (options.timeout.count() > 0) deadline = start + options.timeout;
  Clock::time_point kill_at{};  // SIGKILL after the grace period, when kill_pending
  bool kill_pending = false;
  bool exited = false;
  std::optional<Clock::time_point> drain_until;
  char buffer[65536];

  auto stop_group = [&] {
    kill_process_group(pid, SIGTERM);
    kill_process_group(pid, SIGCONT);
    kill_at = Clock::now() + options.kill_grace;
    kill_pending = true;
  };

  while (true) {
    bool out_open = out_read.get() >= 0, err_open = err_read.get() >= 0;
    if (exited && !out_open && !err_open) break;
    if (exited && drain_until && Clock::now() >= *drain_until) break;

    if (!exited) {
      Clock::time_point now = Clock::now();
      if (!result.timed_out && !result.canceled) {
        if (options.cancel && options.cancel->load()) {
          result.canceled = true;
          stop_group();
        } else if (deadline && now >= *deadline) {
          result.timed_out = true;
          stop_group();
        }
      } else if (kill_pending && now >= kill_at) {
        kill_process_group(pid, SIGKILL);
        kill_pending = false;
      }
    }

    pollfd fds[3];
    int count = 0;
    int out_index = -1, err_index = -1, pid_index = -1;
    if (out_open) out_index = count, fds[count++] = {out_read.get(), POLLIN, 0};
    if (err_open) err_index = count, fds[count++] = {err_read.get(), POLLIN, 0};
    if (!exited && pidfd.get() >= 0) pid_index = count, fds[count++] = {pidfd.get(), POLLIN, 0};

    int wait_ms = -1;
    auto limit = [&](Clock::time_point when) {
      auto ms = std::chrono::ceil<std::chrono::milliseconds>(when - Clock::now()).count();
      int value = static_cast<int>(std::max<long long>(0, ms));
      wait_ms = wait_ms < 0 ? value : std::min(wait_ms, value);
    };
    if (!exited) {
      if (options.cancel && !result.canceled) wait_ms = 50;
      if (deadline && !result.timed_out) limit(*deadline);
      if (kill_pending) limit(kill_at);
      if (pidfd.get() < 0) wait_ms = wait_ms < 0 ? 10 : std::min(wait_ms, 10);
    } else if (drain_until) {
      limit(*drain_until);
    }

    int ready = ::poll(fds, static_cast<nfds_t>(count), wait_ms);
    if (ready < 0 && errno != EINTR) break;

    auto read_from = [&](int index, Fd& fd, LineBuffer& lines) {
      if (index < 0 || ready <= 0 || !(fds[index].revents & (POLLIN | POLLHUP | POLLERR))) return;
      ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
      if (n > 0) {
        lines.feed(buffer, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        lines.finish();
        fd.reset();
      }
    };
    read_from(out_index, out_read, out_lines);
    read_from(err_index, err_read, err_lines);

    bool child_done = false;
    if (!exited) {
      if (pid_index >= 0) child_done = ready > 0 && (fds[pid_index].revents & POLLIN);
      else child_done = child_has_exited(pid);
    }
    if (child_done) {
      // Kill leftovers of the group while the zombie still pins the pid.
      kill_process_group(pid, SIGKILL);
      int status = 0;
      while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
      }
      {
        std::lock_guard lock(owned.mutex);
        owned.pids.erase(pid);
      }
      if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
      if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
      exited = true;
      // Output still buffered in the pipes is read; a process that escaped
      // the group and kept a pipe open is not waited for long.
      drain_until = Clock::now() + std::chrono::seconds(2);
    }
  }
  out_lines.finish();
  err_lines.finish();
  return result;
}

}  // namespace slipway
