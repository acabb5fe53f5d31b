#include "run/native_tasks.h"

#include "core/strings.h"
#include "run/file_patterns.h"
#include "run/task_folder.h"
#include "run/test_results.h"

namespace slipway::run {

namespace fs = std::filesystem;

namespace {

// PublishTestResults@2's inputs, as its task.json declares them.
TaskFolder publish_test_results_task() {
  TaskFolder task;
  task.name = "PublishTestResults";
  task.version = {2, 0, 0};
  task.inputs = {{"testResultsFormat", "pickList", "JUnit", {"testRunner"}},
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
  return task;
}

// The resolved, expanded value of input `name`.
std::string input_of(const NameValues& inputs, std::string_view name, const Variables& variables) {
  for (const auto& [key, value] : inputs)
    if (iequals(key, name)) return variables.expand(value);
  return {};
}

bool flag(const NameValues& inputs, std::string_view name, const Variables& variables) {
  return iequals(trim(input_of(inputs, name, variables)), "true");
}

std::string plural(int n, const char* word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

NativeOutcome publish_test_results(const NameValues& given, NativeTaskContext& context) {
  const Variables& vars = context.variables;
  NameValues inputs = resolve_task_inputs(publish_test_results_task(), given, context.sources);
  Result<std::string> format = test_format(trim(input_of(inputs, "testResultsFormat", vars)));
  if (!format) return {TaskResult::failed, format.error().message};
  std::string folder = input_of(inputs, "searchFolder", vars);
  fs::path root = (folder.empty()                    ? context.sources
                   : fs::path(folder).is_absolute() ? fs::path(folder)
                                                    : context.sources / folder)
                      .lexically_normal();
  std::string patterns = input_of(inputs, "testResultsFiles", vars);
  std::vector<fs::path> files = find_matching_files(root, patterns);
  if (files.empty()) {
    std::string message = "no test result files matching '" + std::string(trim(patterns)) + "' were found under " + root.string();
    if (flag(inputs, "failTaskOnMissingResultsFile", vars)) return {TaskResult::failed, message};
    context.log("##[warning]" + message);
    context.record.issues.push_back({"warning", message});
    return {};
  }
  TestSummary summary;
  summary.format = *format;
  summary.title = input_of(inputs, "testRunTitle", vars);
  std::vector<std::string> unreadable;
  for (const fs::path& file : files) {
    std::string shown = file.lexically_relative(root).generic_string();
    Result<TestSummary> one = read_test_results(*format, file, shown.empty() || shown.starts_with("..") ? file.string() : shown);
    if (!one) {
      unreadable.push_back(one.error().message);
      context.log("##[warning]" + one.error().message);
      continue;
    }
    context.log(shown + ": " + plural(one->total, "test") + ", " + std::to_string(one->failed) + " failed, " +
                std::to_string(one->skipped) + " skipped");
    summary.add(*one);
  }
  for (FailedTest& test : summary.failures) {
    test.name = context.mask(test.name);
    test.message = context.mask(test.message);
  }
  for (const FailedTest& test : summary.failures)
    context.log("##[error]" + (test.class_name.empty() ? "" : test.class_name + ".") + test.name + ": " +
                std::string(trim(test.message.substr(0, test.message.find('\n')))));
  context.log("test results: " + plural(summary.total, "test") + " in " + plural(summary.files, "file") + ": " +
              std::to_string(summary.passed) + " passed, " + std::to_string(summary.failed) + " failed, " +
              std::to_string(summary.skipped) + " skipped (" + std::to_string(summary.duration_ms) + " ms)");
  context.record.tests = std::move(summary);
  if (!unreadable.empty()) {
    std::string message = plural(static_cast<int>(unreadable.size()), "results file") + " could not be read: " + unreadable.front();
    if (flag(inputs, "failTaskOnFailureToPublishResults", vars)) return {TaskResult::failed, message};
    context.record.issues.push_back({"warning", message});
  }
  if (context.record.tests->failed > 0 && flag(inputs, "failTaskOnFailedTests", vars))
    return {TaskResult::failed, "there are test failures: " + plural(context.record.tests->failed, "test") + " failed"};
  return {};
}

}  // namespace

bool is_native_task(std::string_view task) { return iequals(task, "PublishTestResults@2"); }

NativeOutcome run_native_task(std::string_view task, const NameValues& inputs, NativeTaskContext& context) {
  if (iequals(task, "PublishTestResults@2")) return publish_test_results(inputs, context);
  return {TaskResult::failed, "task '" + std::string(task) + "' is not a native task"};
}

}  // namespace slipway::run
