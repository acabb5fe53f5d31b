#include "run/step_isolation.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace slipway::run {

namespace fs = std::filesystem;

namespace {

// The unprivileged user steps run as without Landlock; nullopt when neither
// slipway-step nor nobody exists.
std::optional<ProcessOptions::User> step_user() {
  for (const char* name : {"slipway-step", "nobody"}) {
    passwd entry {};
    passwd* found = nullptr;
    char buffer[4096];
    if (::getpwnam_r(name, &entry, buffer, sizeof buffer, &found) == 0 && found && found->pw_uid != 0)
      return ProcessOptions::User{found->pw_uid, found->pw_gid};
  }
  return std::nullopt;
}

StepIsolation best_isolation() {
  if (landlock_abi() > 0) return StepIsolation::landlock;
  if (::geteuid() == 0 && step_user()) return StepIsolation::separate_user;
  return StepIsolation::none;
}

// Each slipway process's script folder (run/work_folder.h ScriptFolder):
// scripts of other jobs and other runs may hold secrets.
std::vector<fs::path> script_folders() {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::directory_iterator("/dev/shm", ec); !ec && it != fs::directory_iterator(); it.increment(ec))
    if (it->path().filename().string().starts_with("slipway-")) out.push_back(it->path());
  return out;
}

Result<Sandbox> job_sandbox(const JobPaths& paths) {
  std::vector<PathRule> rules = {
      {"/tmp", PathAccess::read_write},
      {"/var/tmp", PathAccess::read_write},
      {"/dev", PathAccess::read_write},
  };
  for (const fs::path& path : script_folders()) rules.push_back({path, PathAccess::none});
  if (!paths.script_folder.empty()) rules.push_back({paths.script_folder, PathAccess::none});
  for (const fs::path& path : paths.protected_paths) rules.push_back({path, PathAccess::none});
  rules.push_back({paths.job_folder, PathAccess::read_write});
  rules.push_back({paths.script, PathAccess::read});
  return Sandbox::build(PathAccess::read, rules);
}

// Gives `path` and everything beneath it to `user`.
Status give_tree(const fs::path& path, const ProcessOptions::User& user) {
  if (::lchown(path.c_str(), user.uid, user.gid) != 0)
    return fail(ErrorCode::io, "cannot give " + path.string() + " to the step user: " + std::strerror(errno));
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    (void)::lchown(it->path().c_str(), user.uid, user.gid);
  return {};
}

// Lets the step user pass through the protected folders down to its job
// folder (0711: no listing); their files stay 0600 and folders 0700.
void open_the_way(const JobPaths& paths) {
  for (const fs::path& root : paths.protected_paths) {
    fs::path relative = paths.job_folder.lexically_relative(root);
    if (relative.empty() || *relative.begin() == "..") continue;
    fs::path at = root;
    for (const fs::path& part : relative.parent_path()) {
      ::chmod(at.c_str(), 0711);
      at /= part;
    }
    ::chmod(at.c_str(), 0711);
  }
}

}  // namespace

StepIsolation step_isolation() {
  static const StepIsolation chosen = [] {
    StepIsolation best = best_isolation();
    const char* asked = std::getenv("SLIPWAY_STEP_ISOLATION");
    std::string_view wish = asked ? asked : "";
    if (wish == "none") return StepIsolation::none;
    if (wish == "user" && best == StepIsolation::landlock && ::geteuid() == 0 && step_user())
      return StepIsolation::separate_user;
    return best;
  }();
  return chosen;
}

std::optional<std::string> isolation_warning() {
  if (step_isolation() != StepIsolation::none) return std::nullopt;
  return std::string(
      "steps are not isolated from slipway's state: this kernel has no Landlock and slipway does not run as root, "
      "so a step can read the master key and change the state database (approvals included)");
}

Result<StepConfinement> StepConfinement::for_job(const JobPaths& paths) {
  StepConfinement confinement;
  switch (step_isolation()) {
    case StepIsolation::landlock: {
      Result<Sandbox> sandbox = job_sandbox(paths);
      if (!sandbox) return std::unexpected(sandbox.error());
      confinement.m_sandbox = std::move(*sandbox);
      break;
    }
    case StepIsolation::separate_user: {
      confinement.m_user = step_user();
      if (!confinement.m_user) return fail(ErrorCode::io, "the step user is gone");
      open_the_way(paths);
      if (Status s = give_tree(paths.job_folder, *confinement.m_user); !s) return std::unexpected(s.error());
      if (!paths.script_folder.empty()) ::chmod(paths.script_folder.c_str(), 0711);
      break;
    }
    case StepIsolation::none:
      break;
  }
  return confinement;
}

void StepConfinement::apply(ProcessOptions& options) const {
  options.sandbox_fd = m_sandbox ? m_sandbox->ruleset_fd() : -1;
  options.run_as = m_user;
}

void StepConfinement::give(const fs::path& file) const {
  if (m_user) (void)::lchown(file.c_str(), m_user->uid, m_user->gid);
}

}  // namespace slipway::run
