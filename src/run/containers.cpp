#include "run/containers.h"

#include <algorithm>
#include <array>
#include <thread>

#include "core/files.h"
#include "core/strings.h"
#include "run/native_task_support.h"

namespace slipway::run {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// Options that change only the container's resources, identity inside it,
// health check, environment or labels; none mounts, shares a namespace of
// the machine or adds a privilege.
constexpr std::array<std::string_view, 24> k_allowed_options = {
    "--cpus",         "--cpu-shares",      "--memory",       "-m",           "--memory-swap",  "--shm-size",
    "--pids-limit",   "--hostname",        "-h",             "--user",       "-u",             "--ulimit",
    "--init",         "--env",             "-e",             "--label",      "-l",             "--add-host",
    "--health-cmd",   "--health-interval", "--health-retries", "--health-timeout", "--health-start-period",
    "--tmpfs"};

// What the engine itself reads from its environment; kept when a step's
// environment replaces the agent's.
constexpr std::array<std::string_view, 8> k_engine_variables = {
    "CONTAINERS_CONF", "CONTAINERS_STORAGE_CONF", "CONTAINERS_REGISTRIES_CONF", "CONTAINER_HOST",
    "DOCKER_HOST",     "DOCKER_CONFIG",           "DOCKER_CONTEXT",             "XDG_RUNTIME_DIR"};

// Variables that describe the agent's machine, not the container's.
constexpr std::array<std::string_view, 6> k_machine_variables = {"PATH", "HOME", "SHELL", "USER", "LOGNAME", "PWD"};

std::string name_of(std::string_view entry) { return std::string(entry.substr(0, entry.find('='))); }

struct EngineOutput {
  bool ok = false;
  std::vector<std::string> lines;
  std::string last_line() const { return lines.empty() ? std::string("(no output)") : lines.back(); }
};

// Runs the engine with `args`; `env` entries are added to this process's
// environment (container values passed by name).
EngineOutput engine(const std::string& program, std::vector<std::string> args,
                    const std::vector<std::string>& env = {}, std::chrono::milliseconds timeout = 600s,
                    const std::atomic<bool>* cancel = nullptr) {
  ProcessOptions options;
  options.argv = {program};
  options.argv.insert(options.argv.end(), args.begin(), args.end());
  if (!env.empty()) {
    options.env = current_environment();
    options.env->insert(options.env->end(), env.begin(), env.end());
  }
  options.timeout = timeout;
  options.cancel = cancel;
  EngineOutput out;
  options.on_line = [&out](OutputStream, std::string_view line) {
    if (out.lines.size() < 200) out.lines.emplace_back(line);
  };
  Result<ProcessResult> ran = run_process(options);
  out.ok = ran && ran->succeeded();
  if (!ran) out.lines.push_back(ran.error().message);
  else if (ran->timed_out) out.lines.push_back("timed out");
  return out;
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

// Every option word of `words` is allowed; its value words are not options.
Status check_options(const std::vector<std::string>& words, const Position& where) {
  for (const std::string& word : words) {
    std::string option = word.substr(0, word.find('='));
    if (option.starts_with("-") && !allowed_container_option(option))
      return fail(ErrorCode::invalid_input,
                  "container option '" + option +
                      "' is not allowed: slipway passes only options that keep the container to the job's folder "
                      "(resources, user, health check, environment, labels)",
                  where);
  }
  return {};
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

// "5432" → "127.0.0.1::5432"; "8080:80" → "127.0.0.1:8080:80"; an address given is kept.
std::string publish_argument(const std::string& port) {
  size_t colons = static_cast<size_t>(std::count(port.begin(), port.end(), ':'));
  if (colons == 0) return "127.0.0.1::" + port;
  if (colons == 1) return "127.0.0.1:" + port;
  return port;
}

// The container port of a `ports:` entry ("8080:80/tcp" → "80").
std::string container_port(const std::string& port) {
  std::string last = port.substr(port.rfind(':') == std::string::npos ? 0 : port.rfind(':') + 1);
  return last.substr(0, last.find('/'));
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
    EngineOutput version = engine(docker->string(), {"version", "--format", "{{.Server.Version}}"}, {}, 10s);
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
  JobContainers out(engine_found.program, "slipway-" + setup.id);
  EngineOutput network = engine(out.m_engine, {"network", "create", "--label", "slipway.job=" + setup.id, out.m_network});
  if (!network.ok) return fail(ErrorCode::io, "could not create the job's network: " + network.last_line());
  for (const ContainerSpec& service : setup.services)
    if (Status s = out.start_one(service, setup, false, cancel); !s) return std::unexpected(s.error());
  if (setup.container)
    if (Status s = out.start_one(*setup.container, setup, true, cancel); !s) return std::unexpected(s.error());
  return out;
}

Status JobContainers::start_one(const ContainerSpec& spec, const Setup& setup, bool job_container,
                                const std::atomic<bool>& cancel) {
  std::string what = job_container ? "the job's container" : "service '" + spec.name + "'";
  std::string name = m_network + "-" + (job_container ? std::string("job") : spec.name);
  std::vector<std::string> args = {"run", "-d", "--name", name, "--label", "slipway.job=" + setup.id,
                                   "--network", m_network};
  if (!job_container) args.insert(args.end(), {"--network-alias", spec.name});
  std::vector<std::string> env;
  for (const auto& [key, value] : spec.env) {
    args.insert(args.end(), {"-e", key});
    env.push_back(key + "=" + value);
  }
  for (const std::string& port : spec.ports) args.insert(args.end(), {"-p", publish_argument(port)});
  for (const std::string& volume : spec.volumes) {
    std::string host = volume.substr(0, volume.find(':'));
    if (host.find('/') != std::string::npos) {
      if (!fs::path(host).is_absolute())
        return fail(ErrorCode::invalid_input, what + ": volume '" + volume + "' needs an absolute host path", spec.where);
      for (const fs::path& kept : setup.protected_paths)
        if (is_within(host, kept) || is_within(kept, host))
          return fail(ErrorCode::denied,
                      what + ": volume '" + volume + "' would reach slipway's state (" + kept.string() + ")", spec.where);
    }
    args.insert(args.end(), {"-v", volume});
  }
  // Checked again: a value expanded from a macro may have become an option.
  if (Status s = check_options(spec.options, spec.where); !s) return fail(s.error().code, what + ": " + s.error().message, spec.where);
  args.insert(args.end(), spec.options.begin(), spec.options.end());
  if (job_container) {
    m_job_container = name;
    std::string folder = setup.job_folder.string();
    args.insert(args.end(), {"-v", folder + ":" + folder, "-w", folder, "--entrypoint", "tail", spec.image, "-f",
                             "/dev/null"});
  } else {
    args.push_back(spec.image);
  }
  setup.log("starting " + what + " from image " + spec.image);
  m_started.push_back(name);
  EngineOutput started = engine(m_engine, args, env, 600s, &cancel);
  if (!started.ok) return fail(ErrorCode::io, what + " (image " + spec.image + ") did not start: " + started.last_line());
  if (job_container) return {};
  for (const std::string& port : spec.ports) {
    EngineOutput mapped = engine(m_engine, {"port", name, container_port(port)});
    if (!mapped.ok || mapped.lines.empty()) continue;
    std::string host = mapped.lines.front();
    m_service_variables.emplace_back("Agent.Services." + spec.name + ".ports." + container_port(port),
                                     host.substr(host.rfind(':') + 1));
  }
  return wait_until_healthy(name, what, setup, cancel);
}

// As Azure's agent: a service with a health check is waited for (at most 10
// minutes). podman runs health checks from systemd timers, which a machine
// without systemd lacks: they are run here, once a second, until one passes.
Status JobContainers::wait_until_healthy(const std::string& name, const std::string& what, const Setup& setup,
                                         const std::atomic<bool>& cancel) {
  bool podman = fs::path(m_engine).filename() == "podman";
  bool said = false;
  for (auto until = std::chrono::steady_clock::now() + 600s; std::chrono::steady_clock::now() < until;) {
    if (podman) (void)engine(m_engine, {"healthcheck", "run", name}, {}, 60s);
    EngineOutput health = engine(m_engine, {"inspect", "--format", "{{if .Config.Healthcheck}}{{.State.Health.Status}}{{end}}", name});
    std::string status = health.lines.empty() ? std::string() : std::string(trim(health.lines.front()));
    if (!health.ok || status.empty() || status == "healthy") return {};
    if (status == "unhealthy") return fail(ErrorCode::io, what + " is unhealthy");
    if (cancel.load()) return fail(ErrorCode::io, what + ": canceled while waiting for it to be healthy");
    if (!std::exchange(said, true)) setup.log("waiting for " + what + " to be healthy");
    std::this_thread::sleep_for(1s);
  }
  return fail(ErrorCode::io, what + " did not become healthy in 10 minutes");
}

JobContainers::JobContainers(JobContainers&& other) noexcept
    : m_engine(std::move(other.m_engine)),
      m_network(std::move(other.m_network)),
      m_started(std::move(other.m_started)),
      m_job_container(std::move(other.m_job_container)),
      m_service_variables(std::move(other.m_service_variables)) {
  other.m_network.clear();
  other.m_started.clear();
}

JobContainers::~JobContainers() {
  if (m_network.empty()) return;
  if (!m_started.empty()) {
    std::vector<std::string> args = {"rm", "-f", "-t", "0"};
    args.insert(args.end(), m_started.begin(), m_started.end());
    (void)engine(m_engine, args, {}, 60s);
  }
  (void)engine(m_engine, {"network", "rm", "-f", m_network}, {}, 60s);
}

void JobContainers::wrap(ProcessOptions& options) const {
  std::vector<std::string> argv = {m_engine, "exec", "-i"};
  if (!options.cwd.empty()) argv.insert(argv.end(), {"-w", options.cwd.string()});
  std::vector<std::string> env;
  auto listed = [](const auto& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  for (std::string& entry : options.env ? *options.env : current_environment()) {
    std::string name = name_of(entry);
    if (name.empty() || listed(k_machine_variables, name)) continue;
    argv.insert(argv.end(), {"-e", name});
    env.push_back(std::move(entry));
  }
  for (std::string& entry : current_environment()) {  // what the engine itself runs with
    std::string name = name_of(entry);
    if (listed(k_engine_variables, name) || (listed(k_machine_variables, name) && name != "PWD"))
      env.push_back(std::move(entry));
  }
  argv.push_back(m_job_container);
  argv.insert(argv.end(), options.argv.begin(), options.argv.end());
  options.argv = std::move(argv);
  options.env = std::move(env);
  options.cwd.clear();
}

void JobContainers::kill_leftovers() const {
  // In the container's own process namespace, kill -1 reaches every process but its first (tail).
  (void)engine(m_engine, {"exec", m_job_container, "kill", "-KILL", "-1"}, {}, 30s);
}

}  // namespace slipway::run
