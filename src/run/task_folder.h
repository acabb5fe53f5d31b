// Azure task folders: a task as the public azure-pipelines-tasks repository
// builds it or `tfx` packages it, a folder with `task.json` (name, version,
// inputs, execution handlers) beside the handler's code.
//
// The local agent runs such a task as Azure's agent does: the inputs the step
// gives (under their names or aliases) over task.json's defaults, each in
// INPUT_<NAME>; a `filePath` input that is relative made absolute against
// the sources folder; the job's variables in the environment as for any step,
// secrets only as SECRET_<NAME> with their names listed in
// VSTS_SECRET_VARIABLES (azure-pipelines-task-lib reads them into its vault);
// the Node handler (Node20_1, Node16, Node10, Node) started with the
// machine's node. Other handlers (PowerShell3...) are named as what cannot run.
//
// A TaskCatalog is the set of task folders one workspace and state offer:
// `tasks:` of slipway.yaml and those added with `slipway task add`.
//
// Thread-safety: a TaskCatalog is immutable once built; share it freely.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "run/spec.h"

namespace slipway::run {

struct TaskInput {
  std::string name;
  std::string type;            // "string", "boolean", "filePath", "pickList"...
  std::string default_value;
  std::vector<std::string> aliases;
};

struct TaskVersion {
  int major = 0, minor = 0, patch = 0;
  std::string text() const;  // "2.1.0"
  auto operator<=>(const TaskVersion&) const = default;
};

struct TaskFolder {
  std::filesystem::path dir;   // absolute
  std::string id;              // task.json's GUID
  std::string name;            // "Greet"
  TaskVersion version;
  std::vector<TaskInput> inputs;
  std::string handler;         // the execution section used: "Node20_1"... or the first one found
  std::string target;          // its target, relative to dir ("index.js")

  bool runs_on_node() const;   // handler is a Node one
  std::string reference() const { return name + "@" + version.text(); }
};

// Reads `dir`/task.json. Errors: not_found when there is no task.json;
// invalid_input "<dir>/task.json: ..." for bad JSON (with line and column)
// or a missing name, version or execution section.
Result<TaskFolder> read_task_folder(const std::filesystem::path& dir);

// A step's inputs resolved against the task's: aliases turned into names,
// defaults for what the step leaves out, every value passed through `expand`
// (the job's macros: task.json defaults use them too), then relative
// filePath values joined to `sources` (not when it is empty). Inputs
// task.json does not know are passed on as given (the task decides, as on Azure).
NameValues resolve_task_inputs(const TaskFolder& task, const NameValues& given, const std::filesystem::path& sources,
                               const std::function<std::string(std::string_view)>& expand = nullptr);

// "INPUT_<NAME>": upper case, spaces and dots as '_' (azure-pipelines-task-lib's key).
std::string input_variable(std::string_view name);

class TaskCatalog {
 public:
  // Adds every folder; the first problem (a folder without a readable
  // task.json, or two folders of one name and version) is the error.
  static Result<TaskCatalog> from_folders(const std::vector<std::filesystem::path>& dirs);

  // The folder running `reference` ("Greet@1", "greet@1.2.0", or the task's
  // id in place of the name): the highest version of that major, or exactly
  // the version given in full. Names compare ignoring case. nullptr when none.
  const TaskFolder* find(std::string_view reference) const;
  const std::vector<TaskFolder>& folders() const { return m_folders; }

 private:
  std::vector<TaskFolder> m_folders;
};

}  // namespace slipway::run
