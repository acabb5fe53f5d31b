// Built-in tasks whose code lives in modules the run module may not link
// (e.g. `SlipwayVersion@1`, in src/version): the front end (the CLI links
// everything) registers a handler per task name at start-up; the local agent
// calls it for a `task:` step of that name with the job's sources folder and
// the step's inputs (after macro expansion). The variables a handler returns
// are set for the job's later steps (and as outputs "<step name>.<var>" when
// the step has a name).
//
// Thread-safety: register and find may be called from any thread.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"

namespace slipway::run {

using TaskVariables = std::vector<std::pair<std::string, std::string>>;
// `branch` is the run's branch name (Build.SourceBranchName, e.g. "main"): the
// sources are checked out with a detached HEAD.
using BuiltinTask = std::function<Result<TaskVariables>(const std::filesystem::path& sources,
                                                        const std::map<std::string, std::string>& inputs,
                                                        const std::string& branch)>;

// Registers (or replaces) the handler of `name` (e.g. "SlipwayVersion@1"; matched case-insensitively).
void register_builtin_task(const std::string& name, BuiltinTask handler);
// A copy of the handler, or nullopt when none was registered.
std::optional<BuiltinTask> find_builtin_task(const std::string& name);

}  // namespace slipway::run
