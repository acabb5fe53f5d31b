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
// variables exported from a file only that step's shell reads (removed at
// once): no value reaches a command line or the engine, which runs on the
// machine with a fixed environment (a step's LD_PRELOAD must not reach it). Services start first,
// on a network of the job's own where each is reached by its name; their
// ports are published on 127.0.0.1 and each is given to steps as
// Agent.Services.<name>.ports.<port> (the host's port, for jobs on the
// machine). A service with a health check is waited for until healthy.
// Everything is removed when the job ends, and whatever a step left running
// in the container is killed when the step is canceled or times out.
//
// Containers are the steps' confinement here: only named volumes are mounted
// (never a folder of the machine), ports are published on the loopback only,
// and only options that keep the container to what the job was given are
// passed (allowed_container_option; -e with NAME=value only). The engine's
// socket is never mounted. Values holding secrets are refused (they would be
// kept in the container's configuration).
//
// Thread-safety: JobContainers is used by one job's thread; the engine
// lookup is computed once per process.
#pragma once

#include <atomic>
#include <chrono>
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
    std::filesystem::path job_folder;               // mounted at its own path; steps' variables pass through its tmp
    std::filesystem::path private_folder;           // slipway's, not the container's: the containers' env files
    std::chrono::steady_clock::time_point deadline;  // the job's end: starting and health waits stop there
    std::function<void(std::string_view)> log;      // progress lines for the job's first step log

    std::chrono::milliseconds time_left() const {
      return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    }
  };

  // Pulls what is missing, starts services then the job's container. Errors
  // (the job fails with them): no engine, a value refused once expanded (an
  // option, a volume of the machine, a port beyond the loopback), an engine
  // command that failed (its last error line), a service that never became
  // healthy. What was started is removed on failure.
  static Result<JobContainers> start(const ContainerEngine& engine, Setup setup, const std::atomic<bool>& cancel);

  JobContainers(JobContainers&& other) noexcept;
  JobContainers& operator=(JobContainers&&) = delete;
  ~JobContainers();  // removes the containers and the network

  bool has_job_container() const { return !m_job_container.empty(); }
  // Agent.Services.<name>.ports.<port> → host port, for every published port.
  const std::vector<std::pair<std::string, std::string>>& service_variables() const { return m_service_variables; }

  // `options` changed to run its argv in the job's container: the engine's
  // exec, in options.cwd, its environment options.env but for what describes
  // the machine (PATH, HOME...), exported from a file of the job's tmp that
  // the container's bash reads and removes before it runs argv. The engine
  // itself runs with a fixed environment of its own.
  void wrap(ProcessOptions& options) const;
  // Kills every process a step left in the job's container.
  void kill_leftovers() const;

 private:
  JobContainers(std::string engine, std::filesystem::path private_folder, std::filesystem::path temp_folder)
      : m_engine(std::move(engine)), m_private_folder(std::move(private_folder)), m_temp_folder(std::move(temp_folder)) {}
  Status start_one(const ContainerSpec& spec, const Setup& setup, bool job_container, const std::atomic<bool>& cancel);
  Status wait_until_healthy(const std::string& name, const std::string& what, const Setup& setup,
                            const std::atomic<bool>& cancel);

  std::string m_engine;
  std::filesystem::path m_private_folder;
  std::filesystem::path m_temp_folder;
  std::string m_network;  // made; empty until then
  std::vector<std::string> m_started;  // containers to remove
  std::string m_job_container;
  std::vector<std::pair<std::string, std::string>> m_service_variables;
};

}  // namespace slipway::run
