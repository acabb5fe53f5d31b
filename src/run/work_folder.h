// The local agent's work folders, reused from job to job as an Azure agent
// reuses its _work/<n>: <root>/<n>/ holds s (sources), a (artifact staging),
// b (binaries) and tmp (Agent.TempDirectory). The step script being run is
// rewritten in place for each step: <scripts>/<n>.sh in the agent's
// ScriptFolder, else <root>/<n>/step.sh.
//
// A job takes the lowest-numbered folder no other job holds: an exclusive
// flock on <root>/<n>.lock, kept for the job and released when the holder
// ends, SIGKILL included, so several slipway processes can share one root.
// Taking a folder empties s, a, b and tmp, so nothing a job leaves reaches
// the next one; the folders themselves stay. A lock is also held, for the
// moment between clone and exec, by a child another thread is starting (it
// has a copy of the descriptor table), so a job may now and then take the
// next number up: more folders than slots, never a folder shared.
//
// Why reuse: a fresh folder tree per job (and a script file per step) created
// about 3,000 inodes for 2,000 trivial steps, and ext4's inode allocation
// after a recent delete was a third of the scheduler's CPU time. Why scripts
// on tmpfs: truncating a just-written file on ext4 (data=ordered) writes its
// dirty pages out first; the steps waited on that, a fifth of the wall time.
//
// Thread-safety: take() may be called from many threads; a WorkFolder is
// owned by one job.
#pragma once

#include <filesystem>
#include <string_view>

#include "core/error.h"

namespace slipway::run {

// A private folder for step scripts on tmpfs: /dev/shm/slipway-<pid>-XXXXXX,
// mode 0700, removed with this object; path() is empty when there is no
// writable /dev/shm (scripts then go to the work folders). Making one also
// removes the folders slipway processes that are gone (kill -9) left there.
class ScriptFolder {
 public:
  ScriptFolder();
  ~ScriptFolder();
  ScriptFolder(const ScriptFolder&) = delete;
  ScriptFolder& operator=(const ScriptFolder&) = delete;
  const std::filesystem::path& path() const { return m_path; }

 private:
  std::filesystem::path m_path;
};

class WorkFolder {
 public:
  // The first free folder under `root` (made when missing, 0700), emptied; its
  // script is <scripts>/<n>.sh, or step.sh in the folder when `scripts` is
  // empty. io when no folder can be taken or one cannot be emptied.
  static Result<WorkFolder> take(const std::filesystem::path& root, const std::filesystem::path& scripts = {});

  WorkFolder(WorkFolder&& other) noexcept;
  WorkFolder& operator=(WorkFolder&&) = delete;
  WorkFolder(const WorkFolder&) = delete;
  ~WorkFolder();

  const std::filesystem::path& path() const { return m_path; }
  // Where write_script writes.
  const std::filesystem::path& script_path() const { return m_script; }

  // Replaces the content of the folder's script with `body` and a final
  // newline; returns its path.
  Result<std::filesystem::path> write_script(std::string_view body) const;

 private:
  WorkFolder(std::filesystem::path path, std::filesystem::path script, int lock_fd)
      : m_path(std::move(path)), m_script(std::move(script)), m_lock_fd(lock_fd) {}

  std::filesystem::path m_path;
  std::filesystem::path m_script;
  int m_lock_fd = -1;
};

}  // namespace slipway::run
