// The typed form of the normalized expanded pipeline (see src/pipeline/pipeline.h
// for the tree contract): what the scheduler runs. read_pipeline turns the
// yaml::Node into these plain values, checking what the run needs (known
// dependsOn targets, no cycles, step shapes, supported tasks) and reporting the
// first problem with its file position.
//
// Variables are ordered (name, value) lists; names compare ignoring case, as
// in Azure. `$(macro)` and `$[ ]` text is kept verbatim for the run time.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/yaml.h"

namespace slipway::run {

using NameValues = std::vector<std::pair<std::string, std::string>>;

enum class StepKind { script, bash, checkout, publish, download, task };

struct StepSpec {
  StepKind kind = StepKind::script;
  std::string body;                // script text; checkout target; publish path; download source
  std::string display_name;
  std::string name;                // reference name for output variables; may be empty
  std::string task;                // "Bash@3"... when written as a task; empty otherwise
  NameValues env;
  std::string condition;           // empty: succeeded()
  bool continue_on_error = false;
  int timeout_minutes = 0;         // 0: none
  int retry_count = 0;
  bool enabled = true;
  std::string working_directory;   // empty: the sources directory
  std::string artifact;            // publish/download: the artifact name
  std::string path;                // download: the target folder
  NameValues inputs;               // kind task (a built-in, builtin_tasks.h, or a task folder): its inputs
  bool clean = false;              // checkout: reset and delete untracked files first
  int fetch_depth = 0;             // checkout: commits of history to fetch; 0 = all
  // checkout of a resources.repositories alias: where it is fetched from (its
  // mirror) and the commit its ref named, set by the front end before the run.
  std::string repository;
  std::string repository_commit;
  NameValues variables;            // set before the step runs (a deployment strategy's Strategy.* variables)
  Position where;
};

struct MatrixLeg {
  std::string name;
  NameValues variables;
};

// A job's container or one of its services (`container:`, `services:`), as
// Azure writes it inline or in resources.containers. Values may hold
// `$(macros)`, expanded with the job's variables when it starts.
struct ContainerSpec {
  std::string name;                  // the service's name (its host name on the job's network); the resource alias
  std::string image;
  NameValues env;
  std::vector<std::string> ports;    // "5432", "8080:80", "127.0.0.1:5432:5432"
  std::vector<std::string> volumes;  // "/host:/in[:ro]" or "volume:/in"
  std::vector<std::string> options;  // engine options, split as a shell would (run/containers.h allows some)
  Position where;
};

struct JobSpec {
  std::string name;
  std::string display_name;
  bool deployment = false;
  std::string environment;         // deployment jobs: the environment (of `NAME` or `NAME.resource`)
  std::string environment_resource;  // deployment jobs: the resource after the dot; may be empty
  std::vector<std::string> depends_on;
  std::string condition = "succeeded()";
  NameValues variables;
  int timeout_minutes = 0;         // 0: none
  int cancel_timeout_minutes = 0;
  bool continue_on_error = false;
  bool clean_workspace = false;
  std::vector<MatrixLeg> legs;     // empty: a single instance
  int max_parallel = 0;            // 0: no limit
  std::vector<StepSpec> steps;
  std::optional<ContainerSpec> container;  // the job's steps run in it; none: on the agent's machine
  std::vector<ContainerSpec> services;     // started beside the job, stopped after it
  Position where;
};

struct StageSpec {
  std::string name;
  std::string display_name;
  std::vector<std::string> depends_on;
  std::string condition = "succeeded()";
  NameValues variables;
  std::vector<JobSpec> jobs;
  Position where;
};

struct PipelineSpec {
  std::string name_format;         // `name:` build number format; may be empty
  NameValues variables;
  std::vector<StageSpec> stages;
  // Names of variables that came from a group's secrets (lower case): masked
  // in logs and kept out of step environments, as Azure does; a step maps
  // one through `env:` to get it.
  std::vector<std::string> secret_names;
  // Secure files the pipeline's DownloadSecureFile@1 steps name (name →
  // content), filled by the front end from the workspace's secure_files.
  NameValues secure_files;
  // What the front end warns of when the run starts (a stale mirror used for a checkout).
  std::vector<std::string> warnings;

  bool is_secret(std::string_view name) const;
};

// A variable group of the workspace, its secrets already read (the front end
// reads them from slipway's environment). `problem` is set when a secret
// could not be read; a pipeline naming the group then fails with it.
struct VariableGroupSpec {
  std::string name;
  NameValues values;
  NameValues secrets;
  std::string problem;
};
using VariableGroups = std::vector<VariableGroupSpec>;

// Reads the normalized tree. Errors (invalid_input with the node's position):
// missing/mistyped keys, unknown dependsOn ("stage 'b' depends on unknown
// stage 'x'", "job 'b' depends on unknown job 'x' in stage 's'"), cycles
// ("dependency cycle: a -> b -> a"), pwsh/powershell (unsupported: "step
// kind 'pwsh' is not supported"). Any task is read; whether this machine has
// an implementation is check_tasks_available's (run/readiness.h).
// `- group: NAME` variables take the values of `groups` (names compared
// ignoring case) in their place in the list; an unknown group is not_found:
// "variable group 'x' is not defined in the workspace".
Result<PipelineSpec> read_pipeline(const yaml::Node& root, const VariableGroups& groups = {});

}  // namespace slipway::run
