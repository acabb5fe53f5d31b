// The local agent's work folders, reused from job to job as an Azure agent
// reuses its _work/<n>: <root>/<n>/ holds s (sources), a (artifact staging),
// b (binaries), tmp (Agent.TempDirectory) and step.sh (the step script being
// run, rewritten in place for each step).
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
// after a recent delete was a third of the scheduler's CPU time.
//
// Thread-safety: take() may be called from many threads; a WorkFolder is
// owned by one job.
#pragma once

#include <filesystem>
#include <string_view>

#include "core/error.h"

namespace slipway::run {

class WorkFolder {
 public:
  // The first free folder under `root` (made when missing), emptied.
  // io when no folder can be taken or one cannot be emptied.
  static Result<WorkFolder> take(const std::filesystem::path& root);

  WorkFolder(WorkFolder&& other) noexcept;
  WorkFolder& operator=(WorkFolder&&) = delete;
  WorkFolder(const WorkFolder&) = delete;
  ~WorkFolder();

  const std::filesystem::path& path() const { return m_path; }

  // Replaces the content of <folder>/step.sh with `body` and a final newline;
  // returns its path.
  Result<std::filesystem::path> write_script(std::string_view body) const;

 private:
  WorkFolder(std::filesystem::path path, int lock_fd) : m_path(std::move(path)), m_lock_fd(lock_fd) {}

  std::filesystem::path m_path;
  int m_lock_fd = -1;
};

}  // namespace slipway::run
