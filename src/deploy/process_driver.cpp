// The process driver (process_driver.h). It talks to the supervisor only
// through files: desired.json with a fresh request id, answered in
// state.json; so it keeps no state between calls and a killed slipway leaves
// the services running and observable.
#include "deploy/process_driver.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "core/archive.h"
#include "core/files.h"
#include "core/json_text.h"
#include "core/process.h"
#include "deploy/service_host.h"
#include "deploy/state_id.h"
#include "deploy/supervisor.h"
#include "run/artifacts.h"

namespace slipway::deploy {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

fs::path service_dir(const fs::path& state_dir, const std::string& environment, const std::string& component) {
  return state_dir / "services" / environment / component;
}

Result<std::string> masked_service_log(const fs::path& state_dir, const std::string& environment,
                                       const std::string& component) {
  fs::path dir = service_dir(state_dir, environment, component);
  std::error_code ec;
  if (!fs::exists(dir / "service.log", ec))
    return fail(ErrorCode::not_found, "no service log of " + component + " in " + environment);
  Result<std::string> text = read_text_file(dir / "service.log");
  if (!text) return text;
  Masker masker;
  for (const fs::directory_entry& version : fs::directory_iterator(dir / "versions", ec)) {
    json spec = json::parse(read_text_file(version.path() / "launch.json").value_or("{}"), nullptr, false);
    if (spec.is_object() && spec.contains("mask") && spec["mask"].is_array())
      for (const json& value : spec["mask"])
        if (value.is_string()) masker.add(value.get<std::string>());
  }
  return masker.mask(*text);
}

namespace {

// The arguments of a running process, from /proc (empty for a zombie).
std::vector<std::string> command_line(int pid) {
  std::string text = read_text_file("/proc/" + std::to_string(pid) + "/cmdline").value_or("");
  std::vector<std::string> args;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\0', start);
    if (end == std::string::npos) end = text.size();
    args.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return args;
}

}  // namespace

int running_supervisor(const fs::path& dir, const std::string& state_id) {
  Result<std::string> text = read_text_file(dir / "supervisor.pid");
  if (!text || state_id.empty()) return 0;
  int pid = std::atoi(text->c_str());
  if (pid <= 0 || ::kill(pid, 0) != 0) return 0;
  // The executable (argv[0]) may have been replaced since; the rest says whose it is.
  std::vector<std::string> args = command_line(pid);
  std::vector<std::string> expected = supervisor_argv({}, dir, state_id);
  if (args.size() != expected.size() || args[1] != expected[1] || args[3] != expected[3] || args[4] != expected[4])
    return 0;
  return pid;
}

namespace {

json read_json(const fs::path& path) {
  Result<std::string> text = read_text_file(path);
  if (!text) return json::object();
  json j = json::parse(*text, nullptr, false);
  return j.is_discarded() ? json::object() : j;
}

bool wait_exit(int pid, std::chrono::seconds limit) {
  auto until = Clock::now() + limit;
  while (::kill(pid, 0) == 0) {
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

std::string fresh_request() {
  std::random_device device;
  return std::to_string(::getpid()) + "-" + std::to_string(device()) + "-" +
         std::to_string(Clock::now().time_since_epoch().count());
}

std::string instance_name(const std::string& version, const std::string& config_digest) {
  std::string out = version.empty() ? "unversioned" : version;
  for (char& c : out)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
  return out + "-" + config_digest.substr(0, 12);
}

class ProcessDriver final : public Driver {
 public:
  explicit ProcessDriver(fs::path exe) : m_exe(std::move(exe)) {}

  const char* name() const override { return "process"; }

  std::vector<std::string> check(const DriverContext& context) override {
    std::vector<std::string> problems;
    for (const std::string& name : context.environment->components) {
      const model::Component* c = context.workspace->component(name);
      if (c && !c->deploy.process) problems.push_back("component " + name + " has no deploy.process section");
    }
    return problems;
  }

  std::optional<Observation> observe(const std::string& target, const DriverContext& context) override {
    fs::path dir = service_dir(context.state_dir, context.environment->name, target);
    Observation seen;
    seen.present = false;
    Result<std::string> id = state_id(context.state_dir);
    if (!id) return std::nullopt;
    if (!running_supervisor(dir, *id)) return seen;
    json state = read_json(dir / "state.json");
    int child = state.value("child", 0);
    if (child <= 0 || ::kill(child, 0) != 0) return seen;
    seen.present = true;
    seen.version = state.value("version", "");
    return seen;
  }

  Status apply(const PlanEntry& entry, const DriverContext& context) override {
    const model::Component* c = context.workspace->component(entry.target);
    if (!c || !c->deploy.process)
      return fail(ErrorCode::invalid_input, "component " + entry.target + " has no deploy.process section");
    fs::path dir = service_dir(context.state_dir, context.environment->name, entry.target);
    std::string instance = instance_name(entry.to_version, entry.config_digest);
    if (Status s = prepare(entry, *c, context, dir / "versions" / instance); !s) return s;
    int port = 0;
    if (auto it = entry.config.find("port"); it != entry.config.end()) port = std::atoi(it->second.c_str());
    return request(dir, json{{"instance", instance}}, port, context.environment->platform.host, entry.target, context);
  }

  Status rollback(const PlanEntry& entry, const store::AppliedTarget* previous,
                  const DriverContext& context) override {
    fs::path dir = service_dir(context.state_dir, context.environment->name, entry.target);
    if (!previous) return stop(dir, entry.target, context);
    std::string instance = instance_name(previous->version, previous->config_digest);
    if (!fs::exists(dir / "versions" / instance / "launch.json"))
      return fail(ErrorCode::not_found, entry.target + ": version " + previous->version +
                                            " is no longer unpacked here; apply it again");
    json config = read_json(dir / "supervisor.json");
    return request(dir, json{{"instance", instance}}, config.value("port", 0), config.value("host", "127.0.0.1"),
                   entry.target, context);
  }

  Status remove(const PlanEntry& entry, const DriverContext& context) override {
    return stop(service_dir(context.state_dir, context.environment->name, entry.target), entry.target, context);
  }

 private:
  // Places the artifact's files in `app`: its .tar.gz/.tgz files unpacked
  // (core/archive.h: no owners, special bits or device nodes), else its
  // files as they are. Built beside `app` and renamed to it when complete,
  // so a failure leaves neither `app` nor a partial folder.
  static Status unpack_artifact(const PlanEntry& entry, const DriverContext& context, const fs::path& folder,
                                const fs::path& app) {
    fs::path files = folder / "artifact";
    std::error_code ec;
    fs::remove_all(files, ec);
    run::ArtifactStore artifacts(context.blobs ? context.blobs : store::folder_blob_store(context.state_dir / "artifacts"));
    Status placed = artifacts.get(entry.digest, files);
    std::vector<fs::path> archives;
    for (const fs::directory_entry& e : fs::directory_iterator(files, ec)) {
      std::string name = e.path().filename().string();
      if (name.ends_with(".tar.gz") || name.ends_with(".tgz")) archives.push_back(e.path());
    }
    std::sort(archives.begin(), archives.end());
    if (placed && archives.empty()) {
      fs::rename(files, app, ec);
      if (ec) placed = fail(ErrorCode::io, entry.target + ": cannot place the unpacked artifact: " + ec.message());
    } else if (placed) {
      placed = unpack_archives(archives, app);
      if (!placed) placed = fail(placed.error().code, entry.target + ": cannot unpack " + placed.error().message);
    }
    fs::remove_all(files, ec);
    return placed;
  }

  // Unpacks each archive into `app` (one folder for all, as `tar -x` of each).
  static Status unpack_archives(const std::vector<fs::path>& archives, const fs::path& app) {
    if (archives.size() == 1) return extract_archive(archives.front(), app);
    fs::path merged = app;
    merged += ".partial";
    std::error_code ec;
    fs::remove_all(merged, ec);
    fs::create_directories(merged, ec);
    Status done;
    for (size_t i = 0; i < archives.size() && done; ++i) {
      fs::path one = merged / ("." + std::to_string(i));
      done = extract_archive(archives[i], one);
      for (const fs::directory_entry& e : fs::directory_iterator(one, ec)) {
        if (!done) break;
        fs::rename(e.path(), merged / e.path().filename(), ec);
        if (ec) done = fail(ErrorCode::io, archives[i].string() + ": " + e.path().filename().string() + ": " + ec.message());
      }
      fs::remove_all(one, ec);
    }
    if (done) fs::rename(merged, app, ec);
    if (done && ec) done = fail(ErrorCode::io, "cannot rename " + merged.string() + ": " + ec.message());
    if (!done) fs::remove_all(merged, ec);
    return done;
  }

  // Unpacks the artifact and writes the launch file of one instance.
  Status prepare(const PlanEntry& entry, const model::Component& component, const DriverContext& context,
                 const fs::path& folder) {
    const model::ProcessDeploy& p = *component.deploy.process;
    if (entry.digest.empty())
      return fail(ErrorCode::invalid_input, entry.target + ": version " + entry.to_version + " has no artifact to deploy");
    fs::path app = folder / "app";
    std::error_code ec;
    if (!fs::exists(app)) {
      if (Status s = unpack_artifact(entry, context, folder, app); !s) return s;
    }
    std::vector<std::string> env;
    for (const char* name : {"PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR"})
      if (const char* value = std::getenv(name)) env.push_back(std::string(name) + "=" + value);
    env.push_back("PYTHONUNBUFFERED=1");
    env.push_back("VERSION=" + entry.to_version);
    env.push_back("SLIPWAY_ENV=" + context.environment->name);
    env.push_back("SLIPWAY_COMPONENT=" + entry.target);
    std::map<std::string, std::string> secrets = secrets_for(context, component);
    std::vector<std::string> mask;  // secret values this service receives: service-logs hides them
    for (const auto& [name, secret] : secrets) mask.push_back(secret);
    for (const auto& [key, value] : entry.config) {
      if (!key.starts_with("env.")) continue;
      std::string text = value;
      for (const auto& [name, secret] : secrets) {
        std::string prefix = "<secret " + name + " generation ";
        for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at)) {
          size_t end = text.find('>', at);
          if (end == std::string::npos) break;
          text.replace(at, end + 1 - at, secret);
          at += secret.size();
        }
      }
      env.push_back(key.substr(4) + "=" + text);
    }
    std::vector<std::string> secret_vars = secret_env(secrets);
    env.insert(env.end(), secret_vars.begin(), secret_vars.end());
    const char* kinds[] = {"none", "http", "tcp"};
    json spec = {{"version", entry.to_version},
                 {"argv", p.command.empty() ? p.argv : std::vector<std::string>{"/bin/sh", "-c", p.command}},
                 {"cwd", (app / p.cwd).lexically_normal().string()},
                 {"env", env},
                 {"mask", mask},
                 {"grace_ms", 5000},
                 {"health", {{"kind", kinds[static_cast<int>(p.health.kind)]},
                             {"path", p.health.http_path.empty() ? "/" : p.health.http_path},
                             {"timeout", p.health.timeout_seconds},
                             {"retries", p.health.retries}}}};
    if (Status s = write_file_atomic(folder / "launch.json", json_text(spec)); !s) return s;
    fs::permissions(folder / "launch.json", fs::perms::owner_read | fs::perms::owner_write, ec);
    return {};
  }

  Status request(const fs::path& dir, json desired, int port, const std::string& host, const std::string& target,
                 const DriverContext& context) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    Result<std::string> id = state_id(context.state_dir);
    if (!id) return std::unexpected(id.error());
    int pid = running_supervisor(dir, *id);
    json config = {{"host", host}, {"port", port}};
    if (pid && read_json(dir / "supervisor.json") != config) {  // the stable address changed
      context.log(target, "the service's address changed; restarting its supervisor");
      ::kill(pid, SIGTERM);
      wait_exit(pid, std::chrono::seconds(30));
      pid = 0;
    }
    std::string request_id = fresh_request();
    desired["request"] = request_id;
    if (Status s = write_file_atomic(dir / "desired.json", json_text(desired)); !s) return s;
    if (!pid) {
      if (Status s = write_file_atomic(dir / "supervisor.json", json_text(config)); !s) return s;
      // A running `slipway serve` supervises it (service_host.h); else it runs detached.
      std::optional<Result<int>> served = ask_serve_to_supervise(context.state_dir, dir);
      Result<int> started = served ? *served : spawn(dir, *id);
      if (!started) return std::unexpected(started.error());
      pid = *started;
    }
    for (;;) {
      json state = read_json(dir / "state.json");
      if (state.value("request", "") == request_id) {
        std::string message = state.value("message", "");
        if (state.value("outcome", "") == "ok") {
          context.log(target, message);
          return {};
        }
        return fail(ErrorCode::io, target + ": " + message);
      }
      if (::kill(pid, 0) != 0) {
        std::string log = read_text_file(dir / "supervisor.log").value_or("");
        while (!log.empty() && log.back() == '\n') log.pop_back();
        size_t nl = log.rfind('\n');
        return fail(ErrorCode::io, target + ": the supervisor stopped: " + (nl == std::string::npos ? log : log.substr(nl + 1)));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  // Starts `slipway supervise DIR --state-id ID` detached (own session, double fork).
  Result<int> spawn(const fs::path& dir, const std::string& id) {
    fs::path exe = m_exe.empty() ? fs::read_symlink("/proc/self/exe") : m_exe;
    std::error_code ec;
    fs::remove(dir / "supervisor.pid", ec);
    std::vector<std::string> args = supervisor_argv(exe, dir, id);
    std::string exe_s = args[0], log_s = (dir / "supervisor.log").string();
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return fail(ErrorCode::io, "pipe failed");
    int log_fd = ::open(log_s.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    pid_t middle = ::fork();
    if (middle == 0) {
      ::setsid();
      pid_t pid = ::fork();
      if (pid == 0) {
        prepare_background_child(null_fd, log_fd);
        ::execv(argv[0], argv.data());
        ::_exit(127);
      }
      (void)!::write(fds[1], &pid, sizeof pid);
      ::_exit(0);
    }
    ::close(fds[1]);
    ::close(log_fd);
    ::close(null_fd);
    int status = 0;
    ::waitpid(middle, &status, 0);
    pid_t pid = 0;
    ssize_t n = ::read(fds[0], &pid, sizeof pid);
    ::close(fds[0]);
    if (n != sizeof pid || pid <= 0) return fail(ErrorCode::io, "cannot start the supervisor " + exe_s);
    return static_cast<int>(pid);
  }

  Status stop(const fs::path& dir, const std::string& target, const DriverContext& context) {
    Result<std::string> id = state_id(context.state_dir);
    if (!id) return std::unexpected(id.error());
    int pid = running_supervisor(dir, *id);
    if (!pid) return {};
    ::kill(pid, SIGTERM);
    if (!wait_exit(pid, std::chrono::seconds(60))) return fail(ErrorCode::io, target + ": the supervisor did not stop");
    context.log(target, "stopped");
    std::error_code ec;
    fs::remove_all(dir / "versions", ec);
    return {};
  }

  fs::path m_exe;
};

}  // namespace

std::unique_ptr<Driver> make_process_driver(fs::path supervisor_exe) {
  return std::make_unique<ProcessDriver>(std::move(supervisor_exe));
}

Result<int> stop_services(const fs::path& state_dir, const std::string& environment) {
  std::error_code ec;
  if (!fs::is_directory(state_dir / "services", ec)) return 0;  // nothing deployed: no id to make
  Result<std::string> id = state_id(state_dir);
  if (!id) return std::unexpected(id.error());
  std::vector<int> pids;
  fs::path root = state_dir / "services";
  for (const fs::directory_entry& env : fs::directory_iterator(root, ec)) {
    if (!environment.empty() && env.path().filename() != environment) continue;
    for (const fs::directory_entry& component : fs::directory_iterator(env.path(), ec))
      if (int pid = running_supervisor(component.path(), *id)) {
        ::kill(pid, SIGTERM);
        pids.push_back(pid);
      }
  }
  for (int pid : pids) wait_exit(pid, std::chrono::seconds(60));
  return static_cast<int>(pids.size());
}

}  // namespace slipway::deploy
