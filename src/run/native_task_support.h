// What the native tasks (run/native_tasks.h) share: their inputs, read as
// Azure's agent resolves them, and Azure's splitting of an `arguments` line.
// Internal to src/run.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "run/native_tasks.h"
#include "run/task_folder.h"

namespace slipway::run {

inline NativeOutcome failed(std::string reason) { return {TaskResult::failed, std::move(reason), -1}; }

// A native task's inputs: `declared` as its task.json declares them
// (defaults, aliases, filePath), the step's given over them; every value
// read with the job's macros expanded.
class TaskInputs {
 public:
  TaskInputs(std::vector<TaskInput> declared, const NameValues& given, const NativeTaskContext& context);
  std::string text(std::string_view name) const;  // expanded and trimmed
  bool flag(std::string_view name) const;         // "true", ignoring case
  // A folder or file input: empty → `fallback`; relative → under the sources folder.
  std::filesystem::path path(std::string_view name, const std::filesystem::path& fallback) const;
  // path(), resolved and refused unless inside the job's folder (within()):
  // for what the agent itself reads or writes.
  Result<std::filesystem::path> job_path(std::string_view name, const std::filesystem::path& fallback) const;

 private:
  NameValues m_values;
  const NativeTaskContext& m_context;
};

// Azure's tool runner's split of an arguments line: spaces separate, double
// quotes group (and are removed), \" is a quote inside quotes.
std::vector<std::string> split_arguments(std::string_view line);

// Copies `from`'s tree into `to` (made when missing), every entry checked to
// land inside `job` (a link planted in `to` cannot send it elsewhere);
// existing files are kept unless `overwrite`. Links are copied as links.
Status merge_folder(const std::filesystem::path& from, const std::filesystem::path& to, bool overwrite,
                    const std::filesystem::path& job);

// "1 test", "3 tests".
std::string plural(int n, const char* word);

// Reads test result `files` of `format` into context.record.tests (failures
// masked, each file and the totals logged); returns why files were unreadable.
std::vector<std::string> record_test_results(const std::string& format, const std::vector<std::filesystem::path>& files,
                                             const std::filesystem::path& root, const std::string& title,
                                             const NativeTaskContext& context);

// Whether `task` ("Npm@1", "npm@1.2.0") is NAME at major version MAJOR (names ignoring case).
bool task_named(std::string_view task, std::string_view name, int major);

// Azure's version spec matching, as the tool selectors use it ("3.x", ">=3.8 <3.12", "~3.11"...).
bool tool_version_matches(const std::string& spec, const std::string& version);

// The tasks of each family, dispatched by run_native_task.
NativeOutcome run_tool_selector(std::string_view task, const NameValues& inputs, const NativeTaskContext& context);
NativeOutcome run_program_task(std::string_view task, const NameValues& inputs, const NativeTaskContext& context);
NativeOutcome run_file_task(std::string_view task, const NameValues& inputs, const NativeTaskContext& context);
bool is_tool_selector(std::string_view task);
bool is_file_task(std::string_view task);
NativeOutcome run_cache_task(const NameValues& inputs, const NativeTaskContext& context);
bool is_cache_task(std::string_view task);
bool is_program_task(std::string_view task);

}  // namespace slipway::run
