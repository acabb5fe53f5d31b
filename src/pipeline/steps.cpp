// Checks of one expanded step: its kind, its keys, the tasks slipway knows.
#include <algorithm>
#include <array>

#include "core/strings.h"
#include "pipeline/internal.h"

namespace slipway::pipeline {

namespace {

constexpr std::array<std::string_view, 8> k_kinds = {"script", "bash",    "pwsh",    "powershell",
                                                     "checkout", "task",  "publish", "download"};
// Step kinds Azure has that only StepPolicy::azure accepts.
constexpr std::array<std::string_view, 3> k_azure_only_kinds = {"downloadBuild", "getPackage", "reviewApp"};

constexpr std::array<std::string_view, 5> k_known_tasks = {
    "Bash@3", "CmdLine@2", "DownloadPipelineArtifact@2", "PublishPipelineArtifact@1", "SlipwayVersion@1"};

constexpr std::array<std::string_view, 10> k_common_keys = {
    "displayName", "name", "condition", "continueOnError", "enabled", "env",
    "timeoutInMinutes", "retryCountOnTaskFailure", "target", "templateContext"};

bool contains(const auto& list, std::string_view word) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

std::vector<std::string_view> kind_keys(std::string_view kind) {
  if (kind == "script") return {"workingDirectory", "failOnStderr"};
  if (kind == "bash") return {"workingDirectory", "failOnStderr", "noProfile", "noRc"};
  if (kind == "pwsh" || kind == "powershell")
    return {"workingDirectory", "failOnStderr", "errorActionPreference", "ignoreLASTEXITCODE", "pwsh"};
  if (kind == "task") return {"inputs"};
  if (kind == "checkout")
    return {"clean", "fetchDepth", "fetchFilter", "fetchTags", "lfs", "path", "persistCredentials",
            "submodules", "workspaceRepo", "sparseCheckoutDirectories", "sparseCheckoutPatterns"};
  if (kind == "publish") return {"artifact", "artifactType"};
  if (kind == "download") return {"artifact", "patterns", "path"};
  return {"artifact", "patterns", "path", "inputs", "tags", "version"};
}

ParameterError problem(std::string message, const yaml::Node& at) {
  return ParameterError{std::move(message), at.position()};
}

}  // namespace

std::optional<ParameterError> check_step(const yaml::Node& step, StepPolicy policy) {
  if (!step.is_mapping())
    return problem(std::string("a step must be a mapping, got a ") + step.kind_name(), step);
  const yaml::Node::Entry* kind = nullptr;
  for (const auto& entry : step.entries()) {
    const std::string& key = entry.key.text();
    bool is_kind = contains(k_kinds, key) || (policy == StepPolicy::azure && contains(k_azure_only_kinds, key));
    if (!is_kind) continue;
    if (kind)
      return problem("a step has both '" + kind->key.text() + "' and '" + key + "'", entry.key);
    kind = &entry;
  }
  if (!kind) {
    std::string first = step.entries().empty() ? std::string() : step.entries()[0].key.text();
    const yaml::Node& at = step.entries().empty() ? step : step.entries()[0].key;
    if (contains(k_azure_only_kinds, first))
      return problem("'" + first + "' steps are not supported", at);
    return problem("'" + first + "' is not a known step (expected script, bash, checkout, task, publish or download)",
                   at);
  }
  const std::string& name = kind->key.text();
  if (policy == StepPolicy::slipway && (name == "pwsh" || name == "powershell"))
    return problem("'" + name + "' steps are not supported (slipway runs steps with bash; use 'bash' or 'script')",
                   kind->key);
  if (name == "task") {
    if (!kind->value.is_scalar() || kind->value.text().empty())
      return problem("'task' needs a task name such as Bash@3", kind->key);
    if (policy == StepPolicy::slipway && !contains(k_known_tasks, kind->value.text())) {
      std::vector<std::string> known(k_known_tasks.begin(), k_known_tasks.end());
      return problem("task '" + kind->value.text() + "' is not supported (known tasks: " + join(known, ", ") + ")",
                     kind->value);
    }
  } else if (!kind->value.is_scalar() && !(kind->value.is_null() && name != "checkout")) {
    return problem("'" + name + "' needs a string, got a " + kind->value.kind_name(), kind->value);
  }
  std::vector<std::string_view> extra = kind_keys(name);
  for (const auto& entry : step.entries()) {
    const std::string& key = entry.key.text();
    if (&entry == kind || contains(k_common_keys, key) || contains(extra, key)) continue;
    std::vector<std::string> candidates(k_common_keys.begin(), k_common_keys.end());
    candidates.insert(candidates.end(), extra.begin(), extra.end());
    return problem("unexpected key '" + key + "' in a '" + name + "' step" + did_you_mean(key, candidates),
                   entry.key);
  }
  for (const char* flag : {"continueOnError", "enabled"}) {
    const yaml::Node* value = step.get(flag);
    if (!value) continue;
    if (!value->is_scalar() || !parse_yaml_boolean(value->text()))
      return problem(std::string(flag) + ": Unexpected value '" + (value->is_scalar() ? value->text() : "") +
                         "' (expected true or false)",
                     *value);
  }
  return std::nullopt;
}

}  // namespace slipway::pipeline
