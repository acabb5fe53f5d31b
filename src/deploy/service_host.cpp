// The service host (service_host.h has the design). One thread: tick() polls
// the socket for up to its wait, then reaps and restarts.
#include "deploy/service_host.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/files.h"
#include "core/process.h"
#include "deploy/process_driver.h"
#include "deploy/state_id.h"
#include "deploy/supervisor.h"

namespace slipway::deploy {

namespace fs = std::filesystem;
using nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

namespace {

json read_json(const fs::path& path) {
  Result<std::string> text = read_text_file(path);
  if (!text) return json::object();
  json j = json::parse(*text, nullptr, false);
  return j.is_object() ? j : json::object();
}

// Fills a sockaddr_un; false when the path does not fit.
bool socket_address(const fs::path& path, sockaddr_un& addr) {
  std::string text = path.string();
  addr = sockaddr_un{};
  addr.sun_family = AF_UNIX;
  if (text.size() >= sizeof addr.sun_path) return false;
  std::memcpy(addr.sun_path, text.c_str(), text.size() + 1);
  return true;
}

// One line from `fd`, waiting at most ~5 s.
std::string read_line(int fd) {
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string line;
  char c = 0;
  while (line.size() < 4096 && ::read(fd, &c, 1) == 1 && c != '\n') line += c;
  return line;
}

void write_all(int fd, const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    ssize_t n = ::send(fd, text.data() + done, text.size() - done, MSG_NOSIGNAL);
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

}  // namespace

fs::path serve_socket(const fs::path& state_dir) { return state_dir / "serve.sock"; }

std::optional<Result<int>> ask_serve_to_supervise(const fs::path& state_dir, const fs::path& service_dir) {
  sockaddr_un addr;
  if (!socket_address(serve_socket(state_dir), addr) || !fs::exists(serve_socket(state_dir))) return std::nullopt;
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::nullopt;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return std::nullopt;  // a stale socket file: no serve runs
  }
  write_all(fd, "supervise " + fs::absolute(service_dir).lexically_normal().string() + "\n");
  std::string reply = read_line(fd);
  ::close(fd);
  if (reply.starts_with("ok ")) return Result<int>(std::atoi(reply.c_str() + 3));
  if (reply.starts_with("error ")) return Result<int>(fail(ErrorCode::io, "slipway serve: " + reply.substr(6)));
  return Result<int>(fail(ErrorCode::io, "slipway serve did not answer the hand-off"));
}

bool service_deployed(const fs::path& dir) {
  if (!fs::exists(dir / "supervisor.json")) return false;
  json desired = read_json(dir / "desired.json");
  if (desired.value("stop", false)) return false;
  std::string instance = desired.value("instance", "");
  return !instance.empty() && fs::exists(dir / "versions" / instance / "launch.json");
}

ServiceHost::ServiceHost(fs::path state_dir, std::string state_id, fs::path exe, int listener,
                         std::function<void(const std::string&)> say)
    : m_state_dir(std::move(state_dir)),
      m_state_id(std::move(state_id)),
      m_exe(std::move(exe)),
      m_listener(listener),
      m_say(std::move(say)) {}

Result<std::unique_ptr<ServiceHost>> ServiceHost::open(const fs::path& state_dir, fs::path exe,
                                                       std::function<void(const std::string&)> say) {
  fs::path path = serve_socket(state_dir);
  sockaddr_un addr;
  if (!socket_address(path, addr))
    return fail(ErrorCode::io, "the socket path " + path.string() + " is too long for a unix socket");
  std::error_code ec;
  fs::create_directories(state_dir, ec);
  Result<std::string> id = state_id(state_dir);
  if (!id) return std::unexpected(id.error());
  fs::remove(path, ec);  // the caller holds the serve lease: a file left here is stale
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return fail(ErrorCode::io, std::string("socket: ") + std::strerror(errno));
  mode_t old = ::umask(077);
  int bound = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::umask(old);
  if (bound != 0 || ::listen(fd, 16) != 0) {
    std::string why = std::strerror(errno);
    ::close(fd);
    return fail(ErrorCode::io, "cannot listen on " + path.string() + ": " + why);
  }
  if (exe.empty()) exe = fs::read_symlink("/proc/self/exe", ec);
  return std::unique_ptr<ServiceHost>(new ServiceHost(state_dir, *id, std::move(exe), fd, std::move(say)));
}

ServiceHost::~ServiceHost() {
  ::close(m_listener);
  std::error_code ec;
  fs::remove(serve_socket(m_state_dir), ec);
}

std::string ServiceHost::name_of(const fs::path& dir) const {
  return dir.parent_path().filename().string() + "/" + dir.filename().string();
}

Result<int> ServiceHost::spawn(const fs::path& dir) {
  std::error_code ec;
  fs::remove(dir / "supervisor.pid", ec);
  std::string log = (dir / "supervisor.log").string();
  std::vector<std::string> args = supervisor_argv(m_exe, dir, m_state_id);
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  int log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setsid();  // away from serve's terminal: its Ctrl-C is serve's alone
    prepare_background_child(null_fd, log_fd);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  if (log_fd >= 0) ::close(log_fd);
  if (null_fd >= 0) ::close(null_fd);
  if (pid < 0) return fail(ErrorCode::io, "fork failed");
  Watched& w = m_watched[dir];
  w.pid = pid;
  w.child = true;
  w.exited = false;
  w.started = SteadyClock::now();
  w.restart_at.reset();
  return static_cast<int>(pid);
}

Result<int> ServiceHost::supervise(const fs::path& dir) {
  auto it = m_watched.find(dir);
  if (it != m_watched.end() && it->second.pid && !it->second.exited) {
    Watched& w = it->second;  // a child that exited is reaped here, not mistaken for alive as a zombie
    if (w.child ? ::waitpid(w.pid, nullptr, WNOHANG) == 0 : ::kill(w.pid, 0) == 0) return w.pid;
    w.exited = true;
  }
  if (int pid = running_supervisor(dir, m_state_id)) {
    Watched& w = m_watched[dir];
    w = Watched{};
    w.pid = pid;
    w.started = SteadyClock::now();
    return pid;
  }
  Result<int> pid = spawn(dir);
  if (pid) m_say(name_of(dir) + ": supervisor started (pid " + std::to_string(*pid) + ")");
  return pid;
}

int ServiceHost::adopt_running() {
  int adopted = 0;
  std::error_code ec;
  for (const fs::directory_entry& env : fs::directory_iterator(m_state_dir / "services", ec))
    for (const fs::directory_entry& service : fs::directory_iterator(env.path(), ec)) {
      fs::path dir = service.path();
      auto it = m_watched.find(dir);
      if (it != m_watched.end() && (it->second.pid || it->second.restart_at)) continue;
      if (!running_supervisor(dir, m_state_id)) continue;
      if (supervise(dir)) {
        ++adopted;
        m_say(name_of(dir) + ": adopted its running supervisor (pid " + std::to_string(m_watched[dir].pid) + ")");
      }
    }
  return adopted;
}

void ServiceHost::answer(int client) {
  std::string line = read_line(client);
  std::string reply;
  if (!line.starts_with("supervise ")) {
    reply = "error unknown request";
  } else {
    fs::path dir = fs::path(line.substr(10)).lexically_normal();
    fs::path services = fs::absolute(m_state_dir / "services").lexically_normal();
    if (dir.parent_path().parent_path() != services) {
      reply = "error " + dir.string() + " is not a service of " + m_state_dir.string();
    } else {
      Result<int> pid = supervise(dir);
      reply = pid ? "ok " + std::to_string(*pid) : "error " + pid.error().message;
    }
  }
  write_all(client, reply + "\n");
}

void ServiceHost::tick(std::chrono::milliseconds wait) {
  pollfd fd{m_listener, POLLIN, 0};
  if (::poll(&fd, 1, static_cast<int>(wait.count())) > 0) {
    for (;;) {
      int client = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) break;
      int flags = ::fcntl(client, F_GETFL);
      ::fcntl(client, F_SETFL, flags & ~O_NONBLOCK);
      answer(client);
      ::close(client);
    }
  }
  // Reap our supervisors by pid, never waitpid(-1): serve also runs builds
  // (service/run_scheduler.h) whose step processes are waited for by the run.
  for (auto& [dir, w] : m_watched) {
    if (!w.child || !w.pid || w.exited) continue;
    const pid_t reaped = ::waitpid(w.pid, nullptr, WNOHANG);
    if (reaped == w.pid || (reaped < 0 && errno == ECHILD)) w.exited = true;
  }
  auto now = SteadyClock::now();
  for (auto it = m_watched.begin(); it != m_watched.end();) {
    const fs::path& dir = it->first;
    Watched& w = it->second;
    if (w.pid && (w.exited || (!w.child && ::kill(w.pid, 0) != 0))) {
      if (read_json(dir / "state.json").value("outcome", "") == "stopped" || !service_deployed(dir)) {
        m_say(name_of(dir) + ": supervisor stopped");
        it = m_watched.erase(it);
        continue;
      }
      if (now - w.started > std::chrono::seconds(30)) w.backoff = 1;
      m_say(name_of(dir) + ": supervisor (pid " + std::to_string(w.pid) + ") died; restarting in " +
            std::to_string(w.backoff) + " s");
      w.pid = 0;
      w.restart_at = now + std::chrono::seconds(w.backoff);
      w.backoff = std::min(w.backoff * 2, 30);
    }
    if (!w.pid && w.restart_at && now >= *w.restart_at) {
      w.restart_at.reset();
      if (!service_deployed(dir)) {
        it = m_watched.erase(it);
        continue;
      }
      int backoff = w.backoff;
      Result<int> pid = spawn(dir);
      if (pid) {
        m_watched[dir].backoff = backoff;
        m_say(name_of(dir) + ": supervisor restarted (pid " + std::to_string(*pid) + ")");
      } else {
        m_say(name_of(dir) + ": cannot restart its supervisor: " + pid.error().message);
      }
    }
    ++it;
  }
  if (now - m_last_scan > std::chrono::seconds(2)) {
    m_last_scan = now;
    adopt_running();
  }
}

int ServiceHost::stop_all() {
  int stopped = 0;
  for (auto& [dir, w] : m_watched) {
    w.restart_at.reset();
    if (w.pid && !w.exited && ::kill(w.pid, SIGTERM) == 0) ++stopped;
  }
  auto until = SteadyClock::now() + std::chrono::seconds(60);
  for (auto& [dir, w] : m_watched) {
    while (w.pid && SteadyClock::now() < until) {
      if (w.child ? ::waitpid(w.pid, nullptr, WNOHANG) == w.pid : ::kill(w.pid, 0) != 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    w.pid = 0;
  }
  m_watched.clear();
  return stopped;
}

std::map<fs::path, int> ServiceHost::watched() const {
  std::map<fs::path, int> out;
  for (const auto& [dir, w] : m_watched) out[dir] = w.pid;
  return out;
}

}  // namespace slipway::deploy
