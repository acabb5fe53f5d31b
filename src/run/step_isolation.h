// Keeping steps away from slipway's state: a step runs code from the
// repository, and must not read or change the state database, the master
// key, logs, artifacts, service folders or other jobs' work folders (a step
// that could write the database could forge an approval; one that could read
// the key could reveal every secret).
//
// Landlock (core/sandbox.h), where the kernel has it: a step may read and
// execute the whole system, read and write its own job folder, /tmp,
// /var/tmp and /dev (but not slipway's script folders there), and read its
// own script file; nothing under the protected paths (the state folder and
// the work root) but its own job folder. Without Landlock, when slipway runs
// as root: steps run as the unprivileged user `slipway-step` (else `nobody`),
// with job folders given to that user and the state's files 0600 root's;
// jobs are then not kept from each other. Otherwise steps are not isolated,
// and the caller says so loudly (isolation_warning).
//
// Thread-safety: all functions may be called from many threads.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/process.h"
#include "core/sandbox.h"

namespace slipway::run {

enum class StepIsolation { landlock, separate_user, none };

// The isolation steps get on this machine, as decided once per process.
// SLIPWAY_STEP_ISOLATION=user|none asks for a weaker kind than the best
// available (to test the fallbacks); it never makes isolation stronger.
StepIsolation step_isolation();

// "steps are not isolated from slipway's state: ..." when step_isolation()
// is none; nullopt otherwise. For `pipeline check` and the start of each run.
std::optional<std::string> isolation_warning();

// What one job's steps may reach.
struct JobPaths {
  std::vector<std::filesystem::path> protected_paths;  // the state folder, the work root...
  std::filesystem::path job_folder;   // read and written
  std::filesystem::path script;       // read (the folder of scripts is protected)
  std::filesystem::path script_folder;  // empty when scripts are in the job folder
};

// How a job's step processes are started: with a sandbox, as another user,
// or as they are (set on ProcessOptions by apply()).
class StepConfinement {
 public:
  // Builds the confinement for `paths` under step_isolation(). Errors: those
  // of Sandbox::build; io when the job folder cannot be given to the user.
  static Result<StepConfinement> for_job(const JobPaths& paths);

  void apply(ProcessOptions& options) const;

  // For separate_user: gives a file written since for_job (the step's
  // script) to the step user. No-op otherwise.
  void give(const std::filesystem::path& file) const;

 private:
  std::optional<Sandbox> m_sandbox;
  std::optional<ProcessOptions::User> m_user;
};

}  // namespace slipway::run
