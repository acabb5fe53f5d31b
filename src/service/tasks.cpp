// Azure task folders: `slipway task add` and the catalog runs use
// (run/task_folder.h). Added tasks live under STATE_ROOT/tasks/NAME@VERSION,
// one folder each, never changed once added: a pipeline pinned to a version
// runs what it ran before.
#include <system_error>

#include "core/archive.h"
#include "core/files.h"
#include "core/hash.h"
#include "service/run_sources.h"
#include "service/service.h"

namespace slipway::service {

namespace fs = std::filesystem;

namespace {

fs::path added_tasks(const fs::path& state_root) { return fs::absolute(state_root / "tasks").lexically_normal(); }

// A task.json at the top of `dir` or in its only folder (a zip of the task's
// folder, as `tfx` and build scripts make them).
Result<fs::path> task_root(const fs::path& dir, const fs::path& shown) {
  std::error_code ec;
  if (fs::is_regular_file(dir / "task.json", ec)) return dir;
  std::vector<fs::path> entries;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) entries.push_back(entry.path());
  if (entries.size() == 1 && fs::is_regular_file(entries[0] / "task.json", ec)) return entries[0];
  return fail(ErrorCode::invalid_input, shown.string() + ": no task.json at its top or in its only folder");
}

// The first symbolic link under `dir` whose target is outside it (an added
// task must not change after it was added, nor reach other files); "" when none.
std::string link_leaving(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_symlink(fs::symlink_status(dir, ec))) return dir.string();
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_symlink(ec) && !is_within(it->path(), dir)) return it->path().string();
  return ec ? dir.string() : "";
}

}  // namespace

Result<std::shared_ptr<const run::TaskCatalog>> task_catalog(const model::Workspace* workspace,
                                                             const fs::path& state_root) {
  std::vector<fs::path> dirs;
  if (workspace)
    for (const model::TaskFolderRef& task : workspace->tasks) dirs.push_back(workspace->task_folder(task));
  std::error_code ec;
  std::vector<fs::path> added;
  for (const fs::directory_entry& entry : fs::directory_iterator(added_tasks(state_root), ec))
    if (entry.is_directory(ec) && !entry.path().filename().string().starts_with(".")) added.push_back(entry.path());  // .add-*: being added
  std::sort(added.begin(), added.end());
  dirs.insert(dirs.end(), added.begin(), added.end());
  Result<run::TaskCatalog> catalog = run::TaskCatalog::from_folders(dirs);
  if (!catalog) return std::unexpected(catalog.error());
  return std::make_shared<const run::TaskCatalog>(std::move(*catalog));
}

Result<std::vector<run::TaskFolder>> Service::task_folders() const {
  Result<std::shared_ptr<const run::TaskCatalog>> catalog = task_catalog(&m_workspace, m_config.state_root);
  if (!catalog) return std::unexpected(catalog.error());
  return (*catalog)->folders();
}

Result<run::TaskFolder> Service::add_task(const fs::path& from) {
  const fs::path source = fs::absolute(from).lexically_normal();
  if (Status s = permit(Permission::task, nullptr, "add task " + source.string()); !s) return std::unexpected(s.error());
  std::error_code ec;
  if (!fs::exists(source, ec)) return fail(ErrorCode::not_found, "no task folder or archive at " + source.string());
  // Everything is made in a scratch folder beside the tasks, renamed into place whole.
  const fs::path scratch = added_tasks(m_config.state_root) / (".add-" + random_hex(8));
  fs::create_directories(scratch, ec);
  if (ec) return fail(ErrorCode::io, "cannot make " + scratch.string() + ": " + ec.message());
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ignored;
      fs::remove_all(dir, ignored);
    }
  } cleanup{scratch};
  fs::path unpacked = scratch / "task";
  if (fs::is_directory(source, ec)) {
    fs::copy(source, unpacked, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    if (ec) return fail(ErrorCode::io, "cannot copy " + source.string() + ": " + ec.message());
  } else if (Status s = extract_archive(source, unpacked); !s) {
    return std::unexpected(s.error());
  }
  Result<fs::path> root = task_root(unpacked, source);
  if (!root) return std::unexpected(root.error());
  if (std::string link = link_leaving(*root); !link.empty())
    return fail(ErrorCode::invalid_input, source.string() + ": holds a link leaving the task folder (" +
                                              fs::path(link).lexically_relative(unpacked).string() + ")");
  Result<run::TaskFolder> task = run::read_task_folder(*root);
  if (!task) {
    // Named as the user knows it: the folder's own task.json, or the archive's entry.
    std::string message = task.error().message;
    const std::string scratch_file = (*root / "task.json").string();
    const std::string shown = fs::is_directory(source, ec) ? (source / "task.json").string()
                                                           : source.string() + ": " + (*root / "task.json").lexically_relative(unpacked).string();
    if (message.starts_with(scratch_file)) message = shown + message.substr(scratch_file.size());
    return fail(task.error().code, message);
  }
  const fs::path target = added_tasks(m_config.state_root) / (task->name + "@" + task->version.text());
  if (task->name.find_first_of("/\\") != std::string::npos || task->name == "." || task->name == "..")
    return fail(ErrorCode::invalid_input, source.string() + ": task name '" + task->name + "' cannot name a folder");
  if (fs::exists(target, ec))
    return fail(ErrorCode::conflict, "task " + task->reference() + " is already added (" + target.string() +
                                         "); a version is never replaced: raise the task's version");
  Result<std::shared_ptr<const run::TaskCatalog>> known = task_catalog(&m_workspace, m_config.state_root);
  if (!known) return std::unexpected(known.error());
  if (const run::TaskFolder* same = (*known)->find(task->reference()))
    return fail(ErrorCode::conflict,
                "task " + task->reference() + " is already in the workspace's tasks: (" + same->dir.string() + ")");
  fs::rename(*root, target, ec);
  if (ec) return fail(ErrorCode::io, "cannot move task into " + target.string() + ": " + ec.message());
  Result<std::int64_t> event = m_store->events().append(
      {m_config.actor, "task.added", task->reference(),
       {{"name", task->name}, {"version", task->version.text()}, {"id", task->id}, {"from", source.string()}}});
  if (!event) {
    fs::remove_all(target, ec);
    return std::unexpected(event.error());
  }
  task->dir = target;
  return *task;
}

}  // namespace slipway::service
