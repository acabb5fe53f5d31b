// Checks of one expanded step: its kind (any of Azure's step forms), its keys,
// the shape of a task reference. Whether this machine can run a step is not
// the expander's question: the run module and `slipway pipeline check` answer
// it, so any task NAME@VERSION and every Azure step form are kept.
#include <algorithm>
#include <array>

#include "core/strings.h"
#include "pipeline/internal.h"

namespace slipway::pipeline {

namespace {

// Azure's step forms (the YAML schema's steps.*, `template` aside).
constexpr std::array<std::string_view, 12> k_kinds = {"script",   "bash",          "pwsh",       "powershell",
                                                      "checkout", "task",          "publish",    "upload",
                                                      "download", "downloadBuild", "getPackage", "reviewApp"};

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
  if (kind == "publish" || kind == "upload") return {"artifact", "artifactType"};
  if (kind == "download") return {"artifact", "patterns", "path"};
  if (kind == "getPackage") return {"path"};
  if (kind == "reviewApp") return {};
  return {"artifact", "patterns", "path", "inputs", "tags", "version"};  // downloadBuild
}

ParameterError problem(std::string message, const yaml::Node& at) {
  return ParameterError{std::move(message), at.position()};
}

bool is_version(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.') return false;
  return std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; }) &&
         text.find("..") == std::string_view::npos;
}

// NAME@VERSION, VERSION a major or a full version (Bash@3, UsePythonVersion@0.206.0);
// NAME may hold dots (a marketplace task: publisher.extension.task.Name@1).
std::optional<ParameterError> check_task_reference(const yaml::Node& value, const yaml::Node& key) {
  if (!value.is_scalar() || value.text().empty()) return problem("'task' needs a task name such as Bash@3", key);
  const std::string& text = value.text();
  size_t at = text.rfind('@');
  if (at == std::string::npos || at == 0)
    return problem("task '" + text + "' needs a version: NAME@VERSION, such as Bash@3", value);
  if (!is_version(std::string_view(text).substr(at + 1)))
    return problem("task '" + text + "' has a bad version '" + text.substr(at + 1) +
                       "' (expected a number such as 2 or 0.206.0)",
                   value);
  return std::nullopt;
}

}  // namespace

std::string step_kind(const yaml::Node& step) {
  if (!step.is_mapping()) return {};
  for (const auto& entry : step.entries())
    if (contains(k_kinds, entry.key.text())) return entry.key.text();
  return {};
}

std::optional<ParameterError> check_step(const yaml::Node& step) {
  if (!step.is_mapping())
    return problem(std::string("a step must be a mapping, got a ") + step.kind_name(), step);
  const yaml::Node::Entry* kind = nullptr;
  for (const auto& entry : step.entries()) {
    const std::string& key = entry.key.text();
    if (!contains(k_kinds, key)) continue;
    if (kind)
      return problem("a step has both '" + kind->key.text() + "' and '" + key + "'", entry.key);
    kind = &entry;
  }
  if (!kind) {
    std::string first = step.entries().empty() ? std::string() : step.entries()[0].key.text();
    const yaml::Node& at = step.entries().empty() ? step : step.entries()[0].key;
    std::vector<std::string> kinds(k_kinds.begin(), k_kinds.end());
    return problem("'" + first + "' is not a known step (expected one of " + join(kinds, ", ") + ")" +
                       did_you_mean(first, kinds),
                   at);
  }
  const std::string& name = kind->key.text();
  if (name == "task") {
    if (std::optional<ParameterError> bad = check_task_reference(kind->value, kind->key)) return bad;
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
