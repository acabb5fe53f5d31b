// Azure tasks the agent runs itself, with Azure's input names, aliases and
// defaults: PublishTestResults@2 (run/test_results.h) so far. Their inputs
// are resolved as a task folder's (run/task_folder.h), then macro-expanded.
//
// Thread-safety: reentrant; everything a task touches comes in its context.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "run/job.h"
#include "run/spec.h"
#include "run/variables.h"

namespace slipway::run {

struct NativeTaskContext {
  std::filesystem::path sources;               // Build.SourcesDirectory
  const Variables& variables;                  // the job's, for $(macros) in inputs and defaults
  std::function<void(std::string_view)> log;   // a line of the step's log (masked by the caller)
  std::function<std::string(std::string_view)> mask;  // secrets out of what is kept (test failure messages)
  StepRecord& record;                          // where results go (StepRecord::tests)
};

struct NativeOutcome {
  TaskResult result = TaskResult::succeeded;
  std::string reason;  // why it failed; empty otherwise
};

// Whether the agent runs `task` (NAME@VERSION, ignoring case) itself.
bool is_native_task(std::string_view task);

// Runs native task `task` with the step's `inputs` (as written).
NativeOutcome run_native_task(std::string_view task, const NameValues& inputs, NativeTaskContext& context);

}  // namespace slipway::run
