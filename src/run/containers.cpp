#include "run/containers.h"

#include <algorithm>
#include <array>
#include <thread>

#include "core/files.h"
#include "core/hash.h"
#include "core/strings.h"
#include "run/native_task_support.h"

namespace slipway::run {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Options that change only the container's resources, identity inside it,
// health check, environment (NAME=value only) or labels; none mounts, shares
// a namespace of the machine, adds a privilege or reads slipway's own
// environment.
constexpr std::array<std::string_view, 23> k_allowed_options = {
    "--cpus",         "--cpu-shares",      "--memory",       "-m",           "--memory-swap",  "--shm-size",
    "--pids-limit",   "--hostname",        "-h",             "--user",       "-u",             "--ulimit",
    "--env",          "-e",                "--label",        "-l",           "--add-host",     "--health-cmd",
    "--health-interval", "--health-retries", "--health-timeout", "--health-start-period", "--tmpfs"};

// What the engine reads from its environment to find its configuration.
constexpr std::array<std::string_view, 8> k_engine_variables = {
    "CONTAINERS_CONF", "CONTAINERS_STORAGE_CONF", "CONTAINERS_REGISTRIES_CONF", "CONTAINER_HOST",
    "DOCKER_HOST",     "DOCKER_CONFIG",           "DOCKER_CONTEXT",             "XDG_RUNTIME_DIR"};

// Variables that describe the agent's machine, not the container's: never exported into it.
constexpr std::array<std::string_view, 6> k_machine_variables = {"PATH", "HOME", "SHELL", "USER", "LOGNAME", "PWD"};

template <size_t N>
bool listed(const std::array<std::string_view, N>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string name_of(std::string_view entry) { return std::string(entry.substr(0, entry.find('='))); }

// The engine runs on the machine, unconfined: with a fixed environment (the
// basics and its own configuration from slipway's), never a step's or a
// container's values (LD_PRELOAD would run their code here).
const std::vector<std::string>& engine_environment() {
  static const std::vector<std::string> env = [] {
    std::vector<std::string> out;
    for (const std::string& entry : current_environment()) {
      std::string name = name_of(entry);
      if (listed(k_engine_variables, name) || name == "PATH" || name == "HOME" || name == "LANG" || name == "TZ")
        out.push_back(entry);
    }
    return out;
  }();
  return env;
}

struct EngineOutput {
  bool ok = false;
  std::vector<std::string> lines;  // what it printed on stdout
  std::string error;               // its last line on stderr, or why it did not run
  std::string last_line() const {
    return !error.empty() ? error : lines.empty() ? std::string("(no output)") : lines.back();
  }
};

EngineOutput engine(const std::string& program, std::vector<std::string> args, std::chrono::milliseconds timeout = 600s,
                    const std::atomic<bool>* cancel = nullptr) {
  ProcessOptions options;
  options.argv = {program};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  options.env = engine_environment();
  options.timeout = std::max(timeout, std::chrono::milliseconds(1));
  options.cancel = cancel;
  EngineOutput out;
  options.on_line = [&out](OutputStream stream, std::string_view line) {
    if (stream == OutputStream::err) {
      if (!trim(line).empty()) out.error = line;
    } else if (out.lines.size() < 200) {
      out.lines.emplace_back(line);
    }
  };
  Result<ProcessResult> ran = run_process(options);
  out.ok = ran && ran->succeeded();
  if (!ran) out.error = ran.error().message;
  else if (ran->timed_out) out.error = "timed out";
  else if (ran->canceled) out.error = "canceled";
  return out;
}

// `value` as one bash word.
std::string single_quoted(std::string_view value) {
  std::string out = "'";
  for (char c : value) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool is_identifier(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// A name the engine accepts for a container, network alias or volume.
bool is_plain_name(std::string_view name) {
  if (name.empty() || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

Result<std::vector<std::string>> text_list(const yaml::Node* node, std::string_view key) {
  std::vector<std::string> out;
  if (!node || node->is_null()) return out;
  if (node->is_scalar()) return std::vector<std::string>{node->text()};
  if (!node->is_sequence())
    return fail(ErrorCode::invalid_input, std::string(key) + " must be a list, got " + node->kind_name(), node->position());
  for (const yaml::Node& item : node->items()) {
    if (!item.is_scalar())
      return fail(ErrorCode::invalid_input, std::string(key) + " entries must be strings", item.position());
    out.push_back(item.text());
  }
  return out;
}

// Every option word of `words` is allowed; its value words are not options,
// and an environment option sets a value (NAME=value), never copies one
// from slipway's environment.
Status check_options(const std::vector<std::string>& words, const Position& where) {
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& word = words[i];
    std::string option = word.substr(0, word.find('='));
    if (!option.starts_with("-")) continue;
    if (!allowed_container_option(option))
      return fail(ErrorCode::invalid_input,
                  "container option '" + option +
                      "' is not allowed: slipway passes only options that keep the container to the job's folder "
                      "(resources, user, health check, environment, labels)",
                  where);
    if (option == "-e" || option == "--env") {
      std::string value = word.size() > option.size() ? word.substr(option.size() + 1)
                          : i + 1 < words.size() ? words[i + 1] : std::string();
      if (value.find('=') == std::string::npos || value.starts_with("="))
        return fail(ErrorCode::invalid_input,
                    "container option '" + option + " " + value + "' must set NAME=value (a bare name would copy slipway's own)",
                    where);
    }
  }
  return {};
}

// What a container's values may be once expanded: an image that is no
// option, published ports on the loopback only, named volumes only, allowed
// options. `what` names the container in messages.
Status check_values(const ContainerSpec& spec, const std::string& what) {
  auto bad = [&](const std::string& message) { return fail(ErrorCode::invalid_input, what + ": " + message, spec.where); };
  if (spec.image.empty() || spec.image.starts_with("-")) return bad("'" + spec.image + "' is not an image name");
  for (const std::string& port : spec.ports) {
    size_t colons = static_cast<size_t>(std::count(port.begin(), port.end(), ':'));
    bool loopback = colons < 2 || port.starts_with("127.0.0.1:");
    if (port.empty() || port.starts_with("-") || colons > 2 || !loopback)
      return bad("port '" + port + "' must be PORT, HOST_PORT:PORT or 127.0.0.1:HOST_PORT:PORT (published on the loopback only)");
  }
  for (const std::string& volume : spec.volumes) {
    std::string source = volume.substr(0, volume.find(':'));
    if (!is_plain_name(source) || volume.find(':') == std::string::npos)
      return bad("volume '" + volume + "' is not mounted: only named volumes (NAME:/path) are; the job's folder is "
                 "mounted already, and a folder of the machine would reach beyond the job");
  }
  for (const auto& [name, value] : spec.env)
    if (!is_identifier(name) || value.find('\n') != std::string::npos)
      return bad("env '" + name + "' must be a NAME with a one-line value");
  return check_options(spec.options, spec.where);
}

Status read_options(const yaml::Node* node, ContainerSpec& spec) {
  if (!node || node->is_null()) return {};
  if (!node->is_scalar()) return fail(ErrorCode::invalid_input, "options must be a string", node->position());
  spec.options = split_arguments(node->text());
  return check_options(spec.options, node->position());
}

// The resource of resources.containers whose `container:` is `alias`.
const yaml::Node* find_resource(const yaml::Node* resources, const std::string& alias) {
  if (!resources || !resources->is_sequence()) return nullptr;
  for (const yaml::Node& item : resources->items())
    if (const yaml::Node* name = item.get("container"); name && name->is_scalar() && name->text() == alias) return &item;
  return nullptr;
}

// "5432" → "127.0.0.1::5432"; "8080:80" → "127.0.0.1:8080:80"; "127.0.0.1:8080:80" as it is.
std::string publish_argument(const std::string& port) {
  size_t colons = static_cast<size_t>(std::count(port.begin(), port.end(), ':'));
  if (colons == 0) return "127.0.0.1::" + port;
  if (colons == 1) return "127.0.0.1:" + port;
  return port;
}

// The container port of a `ports:` entry with its protocol ("8080:80/udp" → "80/udp").
std::string container_port(const std::string& port) {
  return port.substr(port.rfind(':') == std::string::npos ? 0 : port.rfind(':') + 1);
}

}  // namespace

bool allowed_container_option(std::string_view option) {
  return std::find(k_allowed_options.begin(), k_allowed_options.end(), option) != k_allowed_options.end();
}

const ContainerEngine& container_engine() {
  static const ContainerEngine found = [] {
    if (std::optional<fs::path> podman = find_program("podman")) return ContainerEngine{podman->string(), {}};
    std::optional<fs::path> docker = find_program("docker");
    if (!docker) return ContainerEngine{{}, "need docker or podman; neither is installed"};
    EngineOutput version = engine(docker->string(), {"version", "--format", "{{.Server.Version}}"}, 10s);
    if (version.ok) return ContainerEngine{docker->string(), {}};
    return ContainerEngine{{}, "need docker or podman; docker is installed but its daemon does not answer (" +
                               version.last_line() + ")"};
  }();
  return found;
}

Result<ContainerSpec> read_container(const yaml::Node& value, const yaml::Node* resources, std::string name) {
  ContainerSpec spec;
  spec.name = std::move(name);
  spec.where = value.position();
  const yaml::Node* body = &value;
  if (value.is_scalar()) {
    const yaml::Node* resource = find_resource(resources, value.text());
    if (!resource) {
      spec.image = value.text();
      if (spec.image.empty()) return fail(ErrorCode::invalid_input, "a container needs an image", value.position());
      if (Status s = check_values(spec, "container"); !s) return std::unexpected(s.error());
      return spec;
    }
    body = resource;
    if (spec.name.empty()) spec.name = value.text();
  }
  if (!body->is_mapping())
    return fail(ErrorCode::invalid_input, std::string("a container must be an image or a mapping, got ") + body->kind_name(),
                value.position());
  const yaml::Node* image = body->get("image");
  if (!image || !image->is_scalar() || image->text().empty())
    return fail(ErrorCode::invalid_input, "a container needs an image", body->position());
  spec.image = image->text();
  if (!spec.name.empty() && !is_plain_name(spec.name))
    return fail(ErrorCode::invalid_input, "'" + spec.name + "' is not a container name (letters, digits, _ . -)", value.position());
  if (const yaml::Node* env = body->get("env"); env && !env->is_null()) {
    if (!env->is_mapping()) return fail(ErrorCode::invalid_input, "env must be a mapping", env->position());
    for (const yaml::Node::Entry& entry : env->entries()) spec.env.emplace_back(entry.key.text(), entry.value.text());
  }
  Result<std::vector<std::string>> ports = text_list(body->get("ports"), "ports");
  if (!ports) return std::unexpected(ports.error());
  Result<std::vector<std::string>> volumes = text_list(body->get("volumes"), "volumes");
  if (!volumes) return std::unexpected(volumes.error());
  spec.ports = std::move(*ports);
  spec.volumes = std::move(*volumes);
  if (Status s = read_options(body->get("options"), spec); !s) return std::unexpected(s.error());
  // What macros do not decide is checked now; the rest when the job starts.
  ContainerSpec fixed = spec;
  auto decided = [](const std::string& text) { return text.find("$(") != std::string::npos; };
  if (decided(fixed.image)) fixed.image = "image";
  for (std::vector<std::string>* list : {&fixed.ports, &fixed.volumes, &fixed.options}) std::erase_if(*list, decided);
  std::erase_if(fixed.env, [&](const auto& entry) { return decided(entry.second); });
  if (Status s = check_values(fixed, spec.name.empty() ? "container" : "container '" + spec.name + "'"); !s)
    return std::unexpected(s.error());
  return spec;
}

Status check_containers(const PipelineSpec& spec, const ContainerEngine& engine) {
  if (!engine.program.empty()) return {};
  for (const StageSpec& stage : spec.stages)
    for (const JobSpec& job : stage.jobs) {
      if (job.container)
        return fail(ErrorCode::unsupported,
                    "job '" + job.name + "' runs in container '" + job.container->image + "', but container jobs " +
                        engine.problem,
                    job.container->where);
      if (!job.services.empty())
        return fail(ErrorCode::unsupported,
                    "job '" + job.name + "' needs service '" + job.services.front().name + "', but services " +
                        engine.problem,
                    job.services.front().where);
    }
  return {};
}

Result<JobContainers> JobContainers::start(const ContainerEngine& engine_found, Setup setup,
                                           const std::atomic<bool>& cancel) {
  if (engine_found.program.empty()) return fail(ErrorCode::unsupported, "container jobs " + engine_found.problem);
  JobContainers out(engine_found.program, setup.private_folder, setup.job_folder / "tmp");
  std::string network = "slipway-" + setup.id;
  EngineOutput made = engine(out.m_engine, {"network", "create", "--label", "slipway.job=" + setup.id, network},
                             setup.time_left(), &cancel);
  if (!made.ok) return fail(ErrorCode::io, "could not create the job's network: " + made.last_line());
  out.m_network = network;
  for (const ContainerSpec& service : setup.services)
    if (Status s = out.start_one(service, setup, false, cancel); !s) return std::unexpected(s.error());
  if (setup.container)
    if (Status s = out.start_one(*setup.container, setup, true, cancel); !s) return std::unexpected(s.error());
  return out;
}

Status JobContainers::start_one(const ContainerSpec& spec, const Setup& setup, bool job_container,
                                const std::atomic<bool>& cancel) {
  std::string what = job_container ? "the job's container" : "service '" + spec.name + "'";
  if (Status s = check_values(spec, what); !s) return s;
  std::string name = m_network + (job_container ? std::string("-job") : "-svc-" + spec.name);
  std::vector<std::string> args = {"run", "-d", "--name", name, "--label", "slipway.job=" + setup.id,
                                   "--network", m_network};
  if (!job_container) args.insert(args.end(), {"--network-alias", spec.name});
  // The container's env: from a file only slipway reads (values never in a command line).
  fs::path env_file = m_private_folder / (".container-env-" + random_hex(6));
  std::string env_text;
  for (const auto& [key, value] : spec.env) env_text += key + "=" + value + "\n";
  if (Status s = write_file_atomic(env_file, env_text, FileAccess::owner); !s) return s;
  struct Remove {
    fs::path path;
    ~Remove() {
      std::error_code ec;
      fs::remove(path, ec);
    }
  } remove_env{env_file};
  args.insert(args.end(), {"--env-file", env_file.string()});
  for (const std::string& port : spec.ports) args.insert(args.end(), {"-p", publish_argument(port)});
  for (const std::string& volume : spec.volumes) args.insert(args.end(), {"-v", volume});
  args.insert(args.end(), spec.options.begin(), spec.options.end());
  if (job_container) {
    std::string folder = setup.job_folder.string();
    args.insert(args.end(), {"-v", folder + ":" + folder, "-w", folder, "--entrypoint", "tail", spec.image, "-f",
                             "/dev/null"});
  } else {
    args.push_back(spec.image);
  }
  setup.log("starting " + what + " from image " + spec.image);
  m_started.push_back(name);
  EngineOutput started = engine(m_engine, args, setup.time_left(), &cancel);
  if (!started.ok) return fail(ErrorCode::io, what + " (image " + spec.image + ") did not start: " + started.last_line());
  if (job_container) {
    m_job_container = name;
    return {};
  }
  for (const std::string& port : spec.ports) {
    std::string inside = container_port(port);
    EngineOutput mapped = engine(m_engine, {"port", name, inside}, 30s);
    if (!mapped.ok || mapped.lines.empty()) return fail(ErrorCode::io, what + ": no host port for " + inside + ": " + mapped.last_line());
    std::string host = mapped.lines.front();
    m_service_variables.emplace_back("Agent.Services." + spec.name + ".ports." + inside.substr(0, inside.find('/')),
                                     host.substr(host.rfind(':') + 1));
  }
  return wait_until_healthy(name, what, setup, cancel);
}

// As Azure's agent: a service with a health check is waited for, within the
// job's time. podman runs health checks from systemd timers, which a machine
// without systemd lacks: slipway runs them, once a second, until one passes.
Status JobContainers::wait_until_healthy(const std::string& name, const std::string& what, const Setup& setup,
                                         const std::atomic<bool>& cancel) {
  bool podman = fs::path(m_engine).filename() == "podman";
  bool said = false;
  while (true) {
    if (podman) (void)engine(m_engine, {"healthcheck", "run", name}, std::min<std::chrono::milliseconds>(setup.time_left(), 30s), &cancel);
    EngineOutput health = engine(m_engine, {"inspect", "--format", "{{if .Config.Healthcheck}}{{.State.Health.Status}}{{end}}", name}, 30s);
    if (!health.ok) return fail(ErrorCode::io, what + ": cannot read its health: " + health.last_line());
    std::string status = health.lines.empty() ? std::string() : std::string(trim(health.lines.front()));
    if (status.empty() || status == "healthy") return {};
    if (status == "unhealthy") return fail(ErrorCode::io, what + " is unhealthy");
    if (cancel.load()) return fail(ErrorCode::io, what + ": canceled while waiting for it to be healthy");
    if (setup.time_left() <= 1s) return fail(ErrorCode::io, what + " did not become healthy within the job's time");
    if (!std::exchange(said, true)) setup.log("waiting for " + what + " to be healthy");
    std::this_thread::sleep_for(1s);
  }
}

JobContainers::JobContainers(JobContainers&& other) noexcept
    : m_engine(std::move(other.m_engine)),
      m_private_folder(std::move(other.m_private_folder)),
      m_temp_folder(std::move(other.m_temp_folder)),
      m_network(std::exchange(other.m_network, {})),
      m_started(std::exchange(other.m_started, {})),
      m_job_container(std::move(other.m_job_container)),
      m_service_variables(std::move(other.m_service_variables)) {}

JobContainers::~JobContainers() {
  if (!m_started.empty()) {
    std::vector<std::string> args = {"rm", "-f", "-t", "0"};
    args.insert(args.end(), m_started.begin(), m_started.end());
    (void)engine(m_engine, args, 60s);
  }
  if (!m_network.empty()) (void)engine(m_engine, {"network", "rm", "-f", m_network}, 60s);
}

void JobContainers::wrap(ProcessOptions& options) const {
  // The step's variables reach it through a file of exports in the job's
  // temporary folder, which the shell below reads and removes first: not
  // through the engine's environment (the engine runs on the machine) nor
  // its command line.
  std::string exports;
  for (const std::string& entry : options.env ? *options.env : std::vector<std::string>{}) {
    std::string name = name_of(entry);
    if (is_identifier(name) && !listed(k_machine_variables, name))
      exports += "export " + name + "=" + single_quoted(std::string_view(entry).substr(name.size() + 1)) + "\n";
  }
  fs::path env_file = m_temp_folder / (".step-env-" + random_hex(6));
  std::vector<std::string> argv = {m_engine, "exec", "-i"};
  if (!options.cwd.empty()) argv.insert(argv.end(), {"-w", options.cwd.string()});
  argv.push_back(m_job_container);
  if (write_file_atomic(env_file, exports, FileAccess::owner))  // else the step runs without its variables, and says so
    argv.insert(argv.end(), {"bash", "--noprofile", "--norc", "-c", ". \"$0\" && rm -f \"$0\" && exec \"$@\"", env_file.string()});
  argv.insert(argv.end(), options.argv.begin(), options.argv.end());
  options.argv = std::move(argv);
  options.env = engine_environment();
  options.cwd.clear();
}

void JobContainers::kill_leftovers() const {
  // In the container's own process namespace, kill -1 reaches every process but its first (tail).
  (void)engine(m_engine, {"exec", m_job_container, "kill", "-KILL", "-1"}, 30s);
}

}  // namespace slipway::run
