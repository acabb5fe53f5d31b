#include "run/native_tasks.h"

#include "core/files.h"
#include "core/strings.h"
#include <cstdio>

#include "run/coverage.h"
#include "run/file_patterns.h"
#include "run/native_task_support.h"
#include "run/test_results.h"

namespace slipway::run {

namespace fs = std::filesystem;

namespace {

// PublishTestResults@2's inputs, as its task.json declares them.
std::vector<TaskInput> publish_test_results_inputs() {
  return {{"testResultsFormat", "pickList", "JUnit", {"testRunner"}},
          {"testResultsFiles", "multiLine", "**/TEST-*.xml", {}},
          {"searchFolder", "string", "$(System.DefaultWorkingDirectory)", {}},
          {"mergeTestResults", "boolean", "false", {}},
          {"failTaskOnFailedTests", "boolean", "false", {}},
          {"failTaskOnFailureToPublishResults", "boolean", "false", {}},
          {"failTaskOnMissingResultsFile", "boolean", "false", {}},
          {"testRunTitle", "string", "", {}},
          {"buildPlatform", "string", "", {"platform"}},
          {"buildConfiguration", "string", "", {"configuration"}},
          {"publishRunAttachments", "boolean", "true", {}}};
}

}  // namespace

std::string plural(int n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

std::vector<std::string> record_test_results(const std::string& format, const std::vector<fs::path>& files,
                                             const fs::path& root, const std::string& title,
                                             const NativeTaskContext& context) {
  TestSummary summary;
  summary.format = format;
  summary.title = title;
  std::vector<std::string> unreadable;
  for (const fs::path& file : files) {
    std::string shown = file.lexically_relative(root).generic_string();
    if (shown.empty() || shown.starts_with("..")) shown = file.string();
    Result<TestSummary> one = read_test_results(format, file, shown);
    if (!one) {
      unreadable.push_back(one.error().message);
      context.log("##[warning]" + one.error().message);
      continue;
    }
    context.log(shown + ": " + plural(one->total, "test") + ", " + std::to_string(one->failed) + " failed, " +
                std::to_string(one->skipped) + " skipped");
    summary.add(*one);
  }
  summary.title = context.mask(summary.title);
  for (FailedTest& test : summary.failures) {
    test.name = context.mask(test.name);
    test.class_name = context.mask(test.class_name);
    test.message = context.mask(test.message);  // then cut: a secret across the cut is masked whole
    if (test.message.size() > 4096) test.message = test.message.substr(0, 4096) + "…";
    context.log("##[error]" + (test.class_name.empty() ? "" : test.class_name + ".") + test.name + ": " +
                std::string(trim(test.message.substr(0, test.message.find('\n')))));
  }
  context.log("test results: " + plural(summary.total, "test") + " in " + plural(summary.files, "file") + ": " +
              std::to_string(summary.passed) + " passed, " + std::to_string(summary.failed) + " failed, " +
              std::to_string(summary.skipped) + " skipped (" + std::to_string(summary.duration_ms) + " ms)");
  context.record.tests = std::move(summary);
  return unreadable;
}

namespace {

NativeOutcome publish_test_results(const NameValues& given, const NativeTaskContext& context) {
  TaskInputs inputs(publish_test_results_inputs(), given, context);
  Result<std::string> format = test_format(inputs.text("testResultsFormat"));
  if (!format) return {TaskResult::failed, format.error().message, -1};
  Result<fs::path> searched = inputs.job_path("searchFolder", context.sources);
  if (!searched) return {TaskResult::failed, searched.error().message, -1};
  const fs::path& root = *searched;
  std::string patterns = inputs.text("testResultsFiles");
  std::vector<fs::path> files = find_matching_files(root, patterns, context.job_folder);
  if (files.empty()) {
    std::string message = "no test result files matching '" + patterns + "' were found under " + root.string();
    if (inputs.flag("failTaskOnMissingResultsFile")) return {TaskResult::failed, message, -1};
    context.log("##[warning]" + message);
    context.record.issues.push_back({"warning", message});
    return {};
  }
  std::vector<std::string> unreadable = record_test_results(*format, files, root, inputs.text("testRunTitle"), context);
  if (!unreadable.empty()) {
    std::string message = plural(static_cast<int>(unreadable.size()), "results file") + " could not be read: " + unreadable.front();
    if (inputs.flag("failTaskOnFailureToPublishResults")) return {TaskResult::failed, message, -1};
    context.record.issues.push_back({"warning", message});
  }
  if (context.record.tests->failed > 0 && inputs.flag("failTaskOnFailedTests"))
    return {TaskResult::failed, "there are test failures: " + plural(context.record.tests->failed, "test") + " failed", -1};
  return {};
}

}  // namespace

TaskInputs::TaskInputs(std::vector<TaskInput> declared, const NameValues& given, const NativeTaskContext& context)
    : m_context(context) {
  TaskFolder task;
  task.inputs = std::move(declared);
  m_values = resolve_task_inputs(task, given, {});
}

std::string TaskInputs::text(std::string_view name) const {
  for (const auto& [key, value] : m_values)
    if (iequals(key, name)) return std::string(trim(m_context.variables.expand(value)));
  return {};
}

bool TaskInputs::flag(std::string_view name) const { return iequals(text(name), "true"); }

fs::path TaskInputs::path(std::string_view name, const fs::path& fallback) const {
  std::string value = text(name);
  if (value.empty()) return fallback;
  fs::path given(value);
  return (given.is_absolute() ? given : m_context.sources / given).lexically_normal();
}

Result<fs::path> TaskInputs::job_path(std::string_view name, const fs::path& fallback) const {
  return within(path(name, fallback), m_context.job_folder, "input '" + std::string(name) + "':");
}

Status merge_folder(const fs::path& from, const fs::path& to, bool overwrite, const fs::path& job) {
  std::error_code ec;
  fs::create_directories(to, ec);
  if (Result<fs::path> target = within(to, job, "target"); !target) return std::unexpected(target.error());
  for (fs::recursive_directory_iterator it(from, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path dest = to / it->path().lexically_relative(from);
    if (Result<fs::path> parent = within(dest.parent_path(), job, "entry"); !parent) return std::unexpected(parent.error());
    std::error_code status_ec, copy_ec;
    const fs::file_status kind = it->symlink_status(status_ec);
    const fs::file_status existing = fs::symlink_status(dest, status_ec);
    if (fs::is_directory(kind)) {
      if (fs::is_symlink(existing)) fs::remove(dest, copy_ec);
      fs::create_directory(dest, copy_ec);
    } else if (!fs::exists(existing) || overwrite) {
      if (fs::exists(existing)) fs::remove_all(dest, copy_ec);  // never written through a link
      if (fs::is_symlink(kind)) fs::copy_symlink(it->path(), dest, copy_ec);
      else fs::copy_file(it->path(), dest, copy_ec);
    }
    if (copy_ec) return fail(ErrorCode::io, "cannot write " + dest.string() + ": " + copy_ec.message());
  }
  if (ec) return fail(ErrorCode::io, "cannot read " + from.string() + ": " + ec.message());
  return {};
}

std::vector<std::string> split_arguments(std::string_view line) {
  std::vector<std::string> out;
  std::string current;
  bool quoted = false, any = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\\' && quoted && i + 1 < line.size() && line[i + 1] == '"') {
      current += '"', ++i;
    } else if (c == '"') {
      quoted = !quoted, any = true;
    } else if ((c == ' ' || c == '\t' || c == '\n') && !quoted) {
      if (any || !current.empty()) out.push_back(std::move(current));
      current.clear(), any = false;
    } else {
      current += c;
    }
  }
  if (any || !current.empty()) out.push_back(std::move(current));
  return out;
}

namespace {

// PublishCodeCoverageResults@1 (codeCoverageTool named) and @2 (any format).
NativeOutcome publish_coverage(const NameValues& given, const NativeTaskContext& context, bool v2) {
  TaskInputs inputs({{"codeCoverageTool", "pickList", "JaCoCo", {}},
                     {"summaryFileLocation", "string", "", {}},
                     {"pathToSources", "string", "", {}},
                     {"reportDirectory", "string", "", {}},
                     {"additionalCodeCoverageFiles", "string", "", {}},
                     {"failIfCoverageEmpty", "boolean", "false", {}}},
                    given, context);
  std::string patterns = inputs.text("summaryFileLocation");
  if (patterns.empty()) return {TaskResult::failed, "PublishCodeCoverageResults needs input 'summaryFileLocation'", -1};
  std::vector<fs::path> files = find_matching_files(context.sources, patterns, context.job_folder);
  CoverageSummary summary;
  for (const fs::path& file : files) {
    std::string shown = file.lexically_relative(context.sources).generic_string();
    Result<CoverageSummary> one = read_coverage(file, shown);
    if (one && !v2 && !iequals(one->format, inputs.text("codeCoverageTool")))
      one = fail(ErrorCode::invalid_input, shown + ": a " + one->format + " report, not " + inputs.text("codeCoverageTool"));
    if (!one) return {TaskResult::failed, one.error().message, -1};
    summary.add(*one);
  }
  if (summary.files == 0 || summary.lines_valid == 0) {
    std::string message = files.empty() ? "no coverage report matches '" + patterns + "'" : "the coverage reports are empty";
    if (inputs.flag("failIfCoverageEmpty")) return {TaskResult::failed, message, -1};
    context.log("##[warning]" + message);
    context.record.issues.push_back({"warning", message});
    if (files.empty()) return {};
  }
  char percent[16];
  std::snprintf(percent, sizeof percent, "%.1f", summary.line_percent());
  context.log("coverage: " + std::to_string(summary.lines_covered) + " of " + std::to_string(summary.lines_valid) +
              " lines (" + percent + "%), " + std::to_string(summary.branches_covered) + " of " +
              std::to_string(summary.branches_valid) + " branches, from " + plural(summary.files, "report"));
  context.record.coverage = summary;
  return {};
}

}  // namespace

Result<fs::path> within(const fs::path& path, const fs::path& folder, const std::string& what) {
  std::error_code ec;
  if (is_within(path, folder)) return fs::weakly_canonical(path, ec);
  return fail(ErrorCode::invalid_input, what + " " + path.string() + " is outside the job's folder " + folder.string());
}

std::string secure_file_of(const StepSpec& step) {
  if (!task_named(step.task, "DownloadSecureFile", 1)) return {};
  for (const auto& [key, value] : step.inputs)
    if (iequals(key, "secureFile")) return std::string(trim(value));
  return {};
}

bool is_native_task(std::string_view task) {
  return task_named(task, "PublishTestResults", 2) || task_named(task, "PublishCodeCoverageResults", 1) ||
         task_named(task, "PublishCodeCoverageResults", 2) || is_tool_selector(task) || is_program_task(task) ||
         is_file_task(task) || is_cache_task(task);
}

NativeOutcome run_native_task(std::string_view task, const NameValues& inputs, const NativeTaskContext& context) {
  if (task_named(task, "PublishTestResults", 2)) return publish_test_results(inputs, context);
  if (task_named(task, "PublishCodeCoverageResults", 1)) return publish_coverage(inputs, context, false);
  if (task_named(task, "PublishCodeCoverageResults", 2)) return publish_coverage(inputs, context, true);
  if (is_tool_selector(task)) return run_tool_selector(task, inputs, context);
  if (is_program_task(task)) return run_program_task(task, inputs, context);
  if (is_file_task(task)) return run_file_task(task, inputs, context);
  if (is_cache_task(task)) return run_cache_task(inputs, context);
  return {TaskResult::failed, "task '" + std::string(task) + "' is not a native task", -1};
}

}  // namespace slipway::run
