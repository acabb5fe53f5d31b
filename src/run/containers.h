// Container jobs and services, as Azure runs them, through docker or podman.
//
// A job with `container:` runs its script steps (script, bash, pwsh and the
// tasks that are scripts) inside that container; the other steps (checkout,
// artifacts, built-in tasks, task folders) run on the agent's machine over
// the same files. The job's folder is mounted in the container at its own
// path, so the folder variables (Build.SourcesDirectory...) mean the same
// inside and out (Azure mounts its work folder at /__w and rewrites them).
// The container lives for the job (kept up by `tail -f /dev/null`, as
// Azure's agent does), and each step is `exec`ed in it with the job's
// variables passed by name only: the engine reads the values from its own
// environment, so no secret appears in a command line. Services start first,
// on a network of the job's own where each is reached by its name; their
// ports are published on 127.0.0.1 and each is given to steps as
// Agent.Services.<name>.ports.<port> (the host's port, for jobs on the
// machine). A service with a health check is waited for until healthy.
// Everything is removed when the job ends, and whatever a step left running
// in the container is killed when the step is canceled or times out.
//
// Containers are the steps' confinement here: a volume may not reach
// slipway's state or work root, and only options that keep the container to
// what the job was given are passed (allowed_container_option). The engine's
// socket is never mounted.
//
// Thread-safety: JobContainers is used by one job's thread; the engine
// lookup is computed once per process.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/process.h"
#include "core/yaml.h"
#include "run/spec.h"

namespace slipway::run {

struct ContainerEngine {
  std::string program;  // the path of docker or podman; empty when none can run containers
  std::string problem;  // why none can, after "container jobs ": "need docker or podman; neither is installed"
};

// podman when installed, else docker when its daemon answers; decided once.
const ContainerEngine& container_engine();

// The container a job's `container:` or a service's value names: an alias of
// resources.containers (`resources` is that sequence, may be null), an image,
// or an inline mapping (image, env, ports, volumes, options). Errors
// (invalid_input, at the value): no image, a mistyped key, an option that is
// not allowed ("container option '--privileged' is not allowed ...").
Result<ContainerSpec> read_container(const yaml::Node& value, const yaml::Node* resources, std::string name);

// Whether `option` ("--cpus", "-e") is one slipway passes to the engine.
bool allowed_container_option(std::string_view option);

// Before a run starts: when a job asks for a container or services, an
// engine can run them. unsupported otherwise, at the key: "job 'build' runs
// in container 'python:3.11', but container jobs need docker or podman;
// neither is installed".
Status check_containers(const PipelineSpec& spec, const ContainerEngine& engine);

// The containers of one job, from start to removal.
class JobContainers {
 public:
  struct Setup {
    std::string id;                                 // unique on the machine: names the network and containers
    std::optional<ContainerSpec> container;         // values already expanded
    std::vector<ContainerSpec> services;
    std::filesystem::path job_folder;               // mounted at its own path
    std::vector<std::filesystem::path> protected_paths;  // volumes may not reach them
    std::function<void(std::string_view)> log;      // progress lines for the job's first step log
  };

  // Pulls what is missing, starts services then the job's container. Errors
  // (the job fails with them): no engine, a refused volume, an engine
  // command that failed (its output's last line), a service that never
  // became healthy. What was started is removed on failure.
  static Result<JobContainers> start(const ContainerEngine& engine, Setup setup, const std::atomic<bool>& cancel);

  JobContainers(JobContainers&& other) noexcept;
  JobContainers& operator=(JobContainers&&) = delete;
  ~JobContainers();  // removes the containers and the network

  bool has_job_container() const { return !m_job_container.empty(); }
  // Agent.Services.<name>.ports.<port> → host port, for every published port.
  const std::vector<std::pair<std::string, std::string>>& service_variables() const { return m_service_variables; }

  // `options` changed to run its argv in the job's container: the engine's
  // exec, in options.cwd, with options.env's names passed through (but those
  // that describe the machine: PATH, HOME...). Its own environment keeps
  // what the engine itself reads (CONTAINERS_CONF, DOCKER_HOST...).
  void wrap(ProcessOptions& options) const;
  // Kills every process a step left in the job's container.
  void kill_leftovers() const;

 private:
  JobContainers(std::string engine, std::string network) : m_engine(std::move(engine)), m_network(std::move(network)) {}
  Status start_one(const ContainerSpec& spec, const Setup& setup, bool job_container, const std::atomic<bool>& cancel);
  Status wait_until_healthy(const std::string& name, const std::string& what, const Setup& setup,
                            const std::atomic<bool>& cancel);

  std::string m_engine;
  std::string m_network;
  std::vector<std::string> m_started;  // containers to remove
  std::string m_job_container;
  std::vector<std::pair<std::string, std::string>> m_service_variables;
};

}  // namespace slipway::run
