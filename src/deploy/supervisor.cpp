// The supervisor (see supervisor.h for the file layout and behaviour).
//
// Threads: the main thread owns children and state files; one accept thread
// hands each connection to a detached proxy thread. The serving backend is a
// shared_ptr swapped under a mutex; each backend counts its open connections
// so the old child is stopped only when they are done (or the grace ends).
#include "deploy/supervisor.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <optional>
#include <chrono>
#include <fstream>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/files.h"
#include "core/json_text.h"
#include "core/process.h"
#include "core/process_marks.h"

namespace slipway::deploy {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

struct Backend {
  int port = 0;
  std::atomic<int> open{0};
};

std::mutex g_mutex;
std::shared_ptr<Backend> g_backend;

std::shared_ptr<Backend> serving() {
  std::lock_guard lock(g_mutex);
  return g_backend;
}

int connect_to(const std::string& host, int port, int timeout_ms) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void pump(int client, std::shared_ptr<Backend> backend, std::string host) {
  int upstream = connect_to(host, backend->port, 5000);
  if (upstream < 0) {
    ::close(client);
    backend->open--;
    return;
  }
  timeval none{0, 0};
  ::setsockopt(upstream, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none);
  ::setsockopt(upstream, SOL_SOCKET, SO_SNDTIMEO, &none, sizeof none);
  pollfd fds[2] = {{client, POLLIN, 0}, {upstream, POLLIN, 0}};
  bool open[2] = {true, true};
  char buffer[16384];
  while (open[0] || open[1]) {
    for (auto& f : fds) f.revents = 0;
    fds[0].events = open[0] ? POLLIN : 0;
    fds[1].events = open[1] ? POLLIN : 0;
    if (::poll(fds, 2, -1) < 0) break;
    bool broken = false;
    for (int i = 0; i < 2; ++i) {
      if (!open[i] || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      int other = fds[1 - i].fd;
      if (n <= 0) {
        open[i] = false;
        ::shutdown(other, SHUT_WR);
        if (n < 0) broken = true;
        continue;
      }
      for (ssize_t done = 0; done < n;) {
        ssize_t w = ::send(other, buffer + done, static_cast<size_t>(n - done), MSG_NOSIGNAL);
        if (w <= 0) {
          broken = true;
          break;
        }
        done += w;
      }
    }
    if (broken) break;
  }
  ::close(upstream);
  ::close(client);
  backend->open--;
}

void accept_loop(int listener, std::string host) {
  while (!g_stop) {
    int client = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (errno == EINTR) continue;
      return;  // the listener was shut down
    }
    std::shared_ptr<Backend> backend = serving();
    if (!backend) {
      ::close(client);
      continue;
    }
    backend->open++;
    std::thread(pump, client, backend, host).detach();
  }
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  ::close(fd);
  return port;
}

struct Child {
  int pid = 0;
  int port = 0;
  std::string instance, version;
  Clock::time_point started;
};

class Supervisor {
 public:
  Supervisor(fs::path dir, std::string state_id) : m_dir(std::move(dir)), m_state_id(std::move(state_id)) {}

  Status run();

 private:
  void log(const std::string& line) {
    std::ofstream out(m_dir / "service.log", std::ios::app);
    out << "[slipway] " << line << "\n";
  }
  void write_state() {
    json s = {{"pid", ::getpid()},        {"state", m_state_id},           {"instance", m_child.instance}, {"version", m_child.version},
              {"child", m_child.pid},     {"internal_port", m_child.port}, {"request", m_request},
              {"child_start", m_child.pid ? process_start_time(m_child.pid).value_or(0) : 0},
              {"outcome", m_outcome},     {"message", m_message}};
    (void)write_file_atomic(m_dir / "state.json", json_text(s));
  }
  Result<Child> start(const std::string& instance);
  bool healthy(const Child& child, const json& health);
  void stop(Child& child, bool drain, const std::shared_ptr<Backend>& backend);
  void stop_orphan(const Child& child);
  bool deploy(const std::string& instance);

  fs::path m_dir;
  std::string m_state_id;
  std::string m_host = "127.0.0.1";
  int m_port = 0;
  int m_grace_ms = 5000;
  Child m_child;
  std::string m_request, m_outcome, m_message;
};

Result<Child> Supervisor::start(const std::string& instance) {
  fs::path folder = m_dir / "versions" / instance;
  Result<std::string> text = read_text_file(folder / "launch.json");
  if (!text) return std::unexpected(text.error());
  json spec = json::parse(*text, nullptr, false);
  if (spec.is_discarded()) return fail(ErrorCode::corrupt, "launch.json of " + instance + " is not JSON");
  Child child;
  child.instance = instance;
  child.version = spec.value("version", "");
  child.port = m_port ? free_port() : 0;
  std::vector<std::string> argv = spec["argv"].get<std::vector<std::string>>();
  std::vector<std::string> env = spec["env"].get<std::vector<std::string>>();
  if (child.port) env.push_back("PORT=" + std::to_string(child.port));
  std::string cwd = spec.value("cwd", folder.string());
  std::vector<char*> args, envp;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string log_path = (m_dir / "service.log").string();
  int log_fd = ::open(log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_t pid = ::fork();
  if (pid < 0) return fail(ErrorCode::io, "fork failed");
  if (pid == 0) {
    ::setpgid(0, 0);
    prepare_background_child(null_fd, log_fd);
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execvpe(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  ::close(log_fd);
  ::close(null_fd);
  child.pid = pid;
  child.started = Clock::now();
  log("started " + child.version + " (pid " + std::to_string(pid) + ", internal port " + std::to_string(child.port) + ")");
  return child;
}

// Tries every 100 ms until the check passes, the child exits, or the health
// timeout passes (and at least `retries` attempts were made).
bool Supervisor::healthy(const Child& child, const json& health) {
  std::string kind = health.value("kind", "none");
  int timeout = health.value("timeout", 30);
  int retries = health.value("retries", 3);
  std::string path = health.value("path", "/");
  if (kind == "none" && child.port) kind = "tcp";
  auto deadline = Clock::now() + std::chrono::seconds(timeout);
  for (int attempt = 1;; ++attempt) {
    int status = 0;
    if (::waitpid(child.pid, &status, WNOHANG) == child.pid) {
      log("version " + child.version + " exited during its health check");
      return false;
    }
    if (g_stop) return false;
    bool ok = false;
    if (kind == "none") {
      ok = Clock::now() - child.started > std::chrono::milliseconds(500);
    } else {
      int fd = connect_to("127.0.0.1", child.port, 2000);
      if (fd >= 0 && kind == "tcp") ok = true;
      if (fd >= 0 && kind == "http") {
        std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
        if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
          char head[64] = {};
          ssize_t n = ::recv(fd, head, sizeof head - 1, MSG_WAITALL);
          std::string line(head, n > 0 ? static_cast<size_t>(n) : 0);
          ok = line.starts_with("HTTP/1.") && line.size() > 9 && line[9] == '2';
        }
      }
      if (fd >= 0) ::close(fd);
    }
    if (ok) return true;
    if (Clock::now() > deadline && attempt >= retries) {
      log("version " + child.version + " failed its " + kind + " health check");
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

void Supervisor::stop(Child& child, bool drain, const std::shared_ptr<Backend>& backend) {
  if (!child.pid) return;
  auto until = Clock::now() + std::chrono::milliseconds(m_grace_ms);
  while (drain && backend && backend->open > 0 && Clock::now() < until)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  kill_process_group(child.pid, SIGTERM);
  until = Clock::now() + std::chrono::milliseconds(m_grace_ms);
  int status = 0;
  while (::waitpid(child.pid, &status, WNOHANG) == 0) {
    if (Clock::now() > until) {
      kill_process_group(child.pid, SIGKILL);
      ::waitpid(child.pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill_process_group(child.pid, SIGKILL);  // leftovers of the group
  log("stopped " + child.version + " (pid " + std::to_string(child.pid) + ")");
  child = Child{};
}

void Supervisor::stop_orphan(const Child& child) {
  kill_process_group(child.pid, SIGTERM);
  auto until = Clock::now() + std::chrono::milliseconds(m_grace_ms);
  while (::kill(child.pid, 0) == 0 && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  kill_process_group(child.pid, SIGKILL);
  log("stopped " + child.version + " (pid " + std::to_string(child.pid) + ") left by a previous supervisor");
}

// Starts `instance`, switches to it when healthy; false (old one kept) otherwise.
bool Supervisor::deploy(const std::string& instance) {
  Result<Child> next = start(instance);
  if (!next) {
    m_message = next.error().message;
    log(m_message);
    return false;
  }
  json spec = json::parse(read_text_file(m_dir / "versions" / instance / "launch.json").value_or("{}"), nullptr, false);
  m_grace_ms = spec.value("grace_ms", 5000);
  if (!healthy(*next, spec.value("health", json::object()))) {
    m_message = "version " + next->version + " failed its health check; the previous version keeps serving";
    stop(*next, false, nullptr);
    return false;
  }
  auto backend = std::make_shared<Backend>();
  backend->port = next->port;
  std::shared_ptr<Backend> old;
  {
    std::lock_guard lock(g_mutex);
    old = g_backend;
    g_backend = backend;
  }
  stop(m_child, true, old);
  m_child = *next;
  m_message = "serving " + m_child.version;
  log(m_message);
  return true;
}

Status Supervisor::run() {
  Result<std::string> text = read_text_file(m_dir / "supervisor.json");
  if (!text) return std::unexpected(text.error());
  json config = json::parse(*text, nullptr, false);
  if (config.is_discarded()) return fail(ErrorCode::corrupt, "supervisor.json is not JSON");
  m_host = config.value("host", "127.0.0.1");
  m_port = config.value("port", 0);
  int listener = -1;
  std::thread acceptor;
  if (m_port) {
    listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(m_port));
    ::inet_pton(AF_INET, m_host.c_str(), &addr.sin_addr);
    if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listener, 128) != 0) {
      ::close(listener);
      return fail(ErrorCode::io, "cannot listen on " + m_host + ":" + std::to_string(m_port) + ": " +
                                     std::strerror(errno));
    }
    acceptor = std::thread(accept_loop, listener, m_host);
  }
  // A previous supervisor of DIR that was killed left its child running (in
  // its own process group): end it before bringing the desired instance back.
  // Only when that supervisor was of this state (a copied state.json names
  // the original state's child), and only that very process: the pid with
  // the start time it had (a pid recycled since may lead another group).
  json previous = json::parse(read_text_file(m_dir / "state.json").value_or("{}"), nullptr, false);
  const bool ours = previous.is_object() && previous.value("state", "") == m_state_id;
  auto number = [&](const char* key) -> unsigned long long {
    return ours && previous.contains(key) && previous[key].is_number_unsigned() ? previous[key].get<unsigned long long>() : 0;
  };
  const int orphan = static_cast<int>(number("child"));
  const unsigned long long orphan_start = number("child_start");
  if (orphan > 0 && orphan_start != 0 && process_start_time(orphan) == orphan_start && ::getpgid(orphan) == orphan) {
    Child left;
    left.pid = orphan;
    left.version = previous.value("version", "");
    stop_orphan(left);
  }
  struct sigaction action{};
  action.sa_handler = on_signal;
  ::sigaction(SIGTERM, &action, nullptr);
  ::sigaction(SIGINT, &action, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  write_state();
  (void)write_file_atomic(m_dir / "supervisor.pid", std::to_string(::getpid()));
  int backoff = 1;
  std::optional<Clock::time_point> restart_at;
  std::string restart_instance;
  while (!g_stop) {
    json desired = json::parse(read_text_file(m_dir / "desired.json").value_or("{}"), nullptr, false);
    if (desired.is_discarded()) desired = json::object();
    std::string request = desired.value("request", "");
    if (!request.empty() && request != m_request) {
      m_request = request;
      if (desired.value("stop", false)) break;
      std::string instance = desired.value("instance", "");
      if (instance == m_child.instance && m_child.pid) {
        m_outcome = "ok";
      } else {
        m_outcome = deploy(instance) ? "ok" : "failed";
        if (m_outcome == "ok") restart_at.reset();
      }
      write_state();
    }
    int status = 0;
    if (m_child.pid && ::waitpid(m_child.pid, &status, WNOHANG) == m_child.pid) {
      bool long_run = Clock::now() - m_child.started > std::chrono::seconds(30);
      if (long_run) backoff = 1;
      log("version " + m_child.version + " exited (status " + std::to_string(status) + "); restarting in " +
          std::to_string(backoff) + " s");
      kill_process_group(m_child.pid, SIGKILL);
      restart_instance = m_child.instance;
      restart_at = Clock::now() + std::chrono::seconds(backoff);
      backoff = std::min(backoff * 2, 30);
      m_child.pid = 0;
      write_state();
    }
    if (restart_at && Clock::now() >= *restart_at) {
      restart_at.reset();
      m_child = Child{};
      if (!deploy(restart_instance)) {
        restart_at = Clock::now() + std::chrono::seconds(backoff);
        backoff = std::min(backoff * 2, 30);
      }
      write_state();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  g_stop = true;
  stop(m_child, false, nullptr);
  if (listener >= 0) {
    ::shutdown(listener, SHUT_RDWR);
    ::close(listener);
  }
  if (acceptor.joinable()) acceptor.join();
  m_outcome = "stopped";
  write_state();
  std::error_code ec;
  fs::remove(m_dir / "supervisor.pid", ec);
  return {};
}

}  // namespace

Status run_supervisor(const fs::path& dir, const std::string& state_id) {
  if (state_id.empty()) return fail(ErrorCode::invalid_input, "supervise needs --state-id");
  return Supervisor(dir, state_id).run();
}

std::vector<std::string> supervisor_argv(const fs::path& exe, const fs::path& dir, const std::string& state_id) {
  return {exe.string(), "supervise", dir.string(), "--state-id", state_id};
}

}  // namespace slipway::deploy
