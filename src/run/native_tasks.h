// Azure tasks the agent runs itself, with Azure's input names, aliases and
// defaults: PublishTestResults@2 (run/test_results.h); the tool selectors
// UsePythonVersion@0, NodeTool@0, UseNode@1, UseDotNet@2 (tool_tasks.cpp);
// the program wrappers CmdLine@1, Npm@1, CMake@1, DotNetCoreCLI@2 and
// PowerShell@2, which `pwsh:`/`powershell:` steps are (program_tasks.cpp);
// the file tasks CopyFiles@2, ArchiveFiles@2, ExtractFiles@1 (file_tasks.cpp);
// Cache@2 and CacheBeta@1 (cache_task.cpp). Their inputs
// are resolved as a task folder's (run/task_folder.h), then macro-expanded.
//
// Thread-safety: reentrant; everything a task touches comes in its context.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "run/job.h"
#include "run/spec.h"
#include "run/variables.h"

namespace slipway::run {

struct NativeOutcome {
  TaskResult result = TaskResult::succeeded;
  std::string reason;  // why it failed; empty otherwise
  int exit_code = -1;  // of the program a wrapper ran
};

struct NativeTaskContext {
  std::filesystem::path sources;               // Build.SourcesDirectory
  const Variables& variables;                  // the job's, for $(macros) in inputs and defaults
  std::function<void(std::string_view)> log;   // a line of the step's log (masked by the caller)
  std::function<std::string(std::string_view)> mask;  // secrets out of what is kept (test failure messages)
  StepRecord& record;                          // where results go (StepRecord::tests)
  // Runs argv in `cwd` as any step's process (confined, the job's
  // environment, output to the log, logging commands applied).
  std::function<NativeOutcome(const std::vector<std::string>& argv, const std::filesystem::path& cwd)> run;
  // A program as the job's steps find it on their PATH.
  std::function<std::optional<std::filesystem::path>(const std::string& program)> find_program;
  // What argv prints (both streams, not logged), run as a step's process:
  // confined, the job's environment, at most 10 s. Never run a program the
  // job could have put on PATH any other way.
  std::function<std::vector<std::string>(const std::vector<std::string>& argv)> probe;
  // The job's folder: every path a native task reads or writes itself (not
  // through a step process) must resolve inside it (within()).
  std::filesystem::path job_folder;
  std::filesystem::path temp_folder;  // Agent.TempDirectory, inside job_folder
  // A folder later steps find first on PATH (##vso[task.prependpath]).
  std::function<void(const std::string& dir)> prepend_path;
  // A variable for later steps (and "<step name>.<name>" when the step has a name).
  std::function<void(const std::string& name, const std::string& value)> set_variable;
  // Where Cache@2 keeps its entries (shared by the agent's jobs; steps cannot reach it).
  std::filesystem::path cache_folder;
  // Runs `action` once the job's steps are done, if the job succeeded (Cache@2's save).
  std::function<void(std::function<void()> action)> after_success;
  // Runs `action` once the job's steps are done, whatever its result (a secure file's removal).
  std::function<void(std::function<void()> action)> after_job;
  const NameValues& secure_files;  // the job's (JobMessage::secure_files)
};

// `path` with its symbolic links and '..' resolved, when that is inside
// `folder` (resolved too); invalid_input naming `what` otherwise. Native
// tasks run in the agent, unconfined: this keeps them to the job's folder.
Result<std::filesystem::path> within(const std::filesystem::path& path, const std::filesystem::path& folder,
                                     const std::string& what);

// The secure file a DownloadSecureFile@1 step names (its secureFile input); "" for other steps.
std::string secure_file_of(const StepSpec& step);

// Whether the agent runs `task` (NAME@VERSION, ignoring case) itself.
bool is_native_task(std::string_view task);

// The program a native wrapper task runs ("npm" for Npm@1, "pwsh" for
// PowerShell@2...), for readiness; empty for other tasks.
std::string program_of_task(std::string_view task);

// Runs native task `task` with the step's `inputs` (as written).
NativeOutcome run_native_task(std::string_view task, const NameValues& inputs, const NativeTaskContext& context);

}  // namespace slipway::run
