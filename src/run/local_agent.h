// The in-process agent: runs one JobMessage's steps on this machine.
//
// Each job runs in a work folder of its own for its whole length,
// `work_root/<n>/` (run/work_folder.h): s (sources; the default working
// directory), a (artifact staging), b (binaries) and tmp
// (Agent.TempDirectory), emptied before the job starts. Nothing is shared
// between jobs but what artifacts and output variables carry. Steps run
// through core/process (own process group, killed as a group on timeout,
// cancel and exit), kept from slipway's state and from other jobs
// (run/step_isolation.h), with an environment of the job's variables and a
// few system basics (PATH, HOME, locale...), never slipway's whole one; what left the group is found by its mark at the job's
// end (core/process_marks.h). `script` runs as `bash -e -o pipefail`,
// `bash` as `bash -e`. Output lines are scanned for logging commands before
// they are masked and handed to the JobHost.
//
// Thread-safety: one LocalAgent may run many jobs at once from different
// threads (it keeps no per-job state in the object).
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/process_marks.h"
#include "run/job.h"
#include "run/step_isolation.h"
#include "run/task_folder.h"
#include "run/work_folder.h"

namespace slipway::run {

// The scope of the process marks of jobs whose work folders are under
// `work_root` (one per state): a short digest of its absolute path, so the
// recovery of one state kills only its own orphans.
std::string process_scope(const std::filesystem::path& work_root);

class LocalAgent final : public Agent {
 public:
  // `minute` is how long timeoutInMinutes' minute lasts (tests shorten it).
  // No step may open `protected_paths` (slipway's state folder) nor, but for
  // its own job's folder, the work root (run/step_isolation.h). A task step
  // no built-in runs is run from its folder in `tasks` (run/task_folder.h).
  explicit LocalAgent(std::filesystem::path work_root,
                      std::chrono::milliseconds minute = std::chrono::minutes(1),
                      std::vector<std::filesystem::path> protected_paths = {},
                      std::shared_ptr<const TaskCatalog> tasks = nullptr);
  Result<JobOutcome> run_job(const JobMessage& job, JobHost& host, const std::atomic<bool>& cancel) override;

 private:
  std::filesystem::path m_work_root;
  std::chrono::milliseconds m_minute;
  std::vector<std::filesystem::path> m_protected;  // what steps may not open
  std::shared_ptr<const TaskCatalog> m_tasks;      // may be null
  std::vector<std::string> m_system_env;  // the basics of this process's environment steps get
  std::string m_bash;         // the path steps run bash from
  OrphanAdoption m_adoption;  // a job's leftovers become this process's children
  ScriptFolder m_scripts;     // step scripts, on tmpfs
  // The confinement of each work folder's steps, built when a job first
  // takes the folder (building one walks folders and opens hundreds of
  // paths; the folder's paths never change).
  std::mutex m_confinements_mutex;
  std::map<std::filesystem::path, std::shared_ptr<const StepConfinement>> m_confinements;

  Result<std::shared_ptr<const StepConfinement>> confinement_for(const WorkFolder& folder);
};

// A folder-safe form of a job id ("build.linux" stays, "a b/c" → "a_b_c").
std::string folder_name(std::string_view id);

}  // namespace slipway::run
