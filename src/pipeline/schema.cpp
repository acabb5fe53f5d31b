// The keys Azure Pipelines' YAML schema knows for a pipeline, a template file,
// a stage, a job and a deployment job (learn.microsoft.com, "YAML schema":
// pipeline, stages.stage, jobs.job, jobs.deployment; the root forms as the
// schema of azure-pipelines-vscode lists them). A key outside them used to be
// carried along unread, so `stepz:` made a job with no steps that "succeeded";
// Azure refuses it, and so does slipway. Steps have their own check (steps.cpp).
#include <algorithm>
#include <string_view>
#include <vector>

#include "core/strings.h"
#include "pipeline/internal.h"

namespace slipway::pipeline {

namespace {

// Every root form of the schema together (stages, jobs, steps, extends and
// the deprecated phases/queue/server): which one a file uses is normalize's
// check. The job timeouts are kept too: a steps-only pipeline gives them to
// its implicit job (tests/pipeline/cases/pipeline-root-job-properties-go-to-the-job).
// clang-format off
const std::vector<std::string_view> k_pipeline_keys = {
    "name", "appendCommitMessageToRunName", "trigger", "pr", "schedules", "resources",
    "variables", "parameters", "lockBehavior", "stages", "jobs", "steps", "extends", "pool",
    "strategy", "continueOnError", "container", "services", "workspace", "timeoutInMinutes",
    "cancelTimeoutInMinutes", "phases", "queue", "server"};

const std::vector<std::string_view> k_stage_keys = {
    "stage", "displayName", "pool", "dependsOn", "condition", "variables", "jobs",
    "lockBehavior", "trigger", "isSkippable", "templateContext", "group"};

const std::vector<std::string_view> k_job_keys = {
    "job", "displayName", "dependsOn", "condition", "continueOnError", "timeoutInMinutes",
    "cancelTimeoutInMinutes", "variables", "strategy", "pool", "container", "services",
    "workspace", "uses", "steps", "templateContext"};

// Like a job's, but an environment instead of steps: a deployment's steps
// live in its strategy's hooks.
const std::vector<std::string_view> k_deployment_keys = {
    "deployment", "displayName", "dependsOn", "condition", "continueOnError",
    "timeoutInMinutes", "cancelTimeoutInMinutes", "variables", "pool", "environment",
    "strategy", "workspace", "uses", "container", "services", "templateContext"};
// clang-format on

const std::vector<std::string_view>& keys_of(Shape shape) {
  switch (shape) {
    // A template file names its parameters and its body; an extends template
    // may also carry what a pipeline's root does (resources, variables, pool...).
    case Shape::pipeline:
    case Shape::template_file:
      return k_pipeline_keys;
    case Shape::stage:
      return k_stage_keys;
    case Shape::job:
      return k_job_keys;
    case Shape::deployment:
      return k_deployment_keys;
  }
  return k_pipeline_keys;
}

}  // namespace

std::optional<ParameterError> check_keys(const yaml::Node& mapping, Shape shape,
                                         const std::string& what) {
  if (!mapping.is_mapping()) return std::nullopt;
  const std::vector<std::string_view>& known = keys_of(shape);
  for (const yaml::Node::Entry& entry : mapping.entries()) {
    const std::string& key = entry.key.text();
    // A directive left in a template file's raw text is expanded where it is used.
    if (shape == Shape::template_file && key.find("${{") != std::string::npos) continue;
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::vector<std::string> candidates(known.begin(), known.end());
    return ParameterError{"unknown key '" + key + "' in " + what + did_you_mean(key, candidates),
                          entry.key.position()};
  }
  return std::nullopt;
}

std::string describe(const yaml::Node& item, Shape shape) {
  const char* kind = shape == Shape::stage        ? "stage"
                     : shape == Shape::deployment ? "deployment"
                                                  : "job";
  const yaml::Node* name = item.get(kind);
  if (!name || !name->is_scalar() || name->text().empty()) return std::string("a ") + kind;
  return std::string(kind) + " '" + name->text() + "'";
}

}  // namespace slipway::pipeline
