// Reading the normalized pipeline tree into the typed spec (spec.h), and the
// DAG checks the scheduler relies on: every dependsOn names a sibling, and
// there is no cycle (depth-first search with colours; the first back edge
// found is reported as the full cycle path, so the message is stable for a
// given file).
#include <algorithm>
#include <charconv>
#include <functional>
#include <map>

#include "core/strings.h"
#include "run/containers.h"
#include "run/spec.h"

namespace slipway::run {

namespace {

Status bad(const yaml::Node& node, std::string message) {
  return fail(ErrorCode::invalid_input, std::move(message), node.position());
}

const std::string& text_or_empty(const yaml::Node* node) {
  static const std::string empty;
  return node && node->is_scalar() ? node->text() : empty;
}

Result<std::string> scalar(const yaml::Node& map, std::string_view key, std::string fallback = {}) {
  const yaml::Node* node = map.get(key);
  if (!node || node->is_null()) return fallback;
  if (!node->is_scalar())
    return fail(ErrorCode::invalid_input,
                std::string(key) + " must be a string, got " + node->kind_name(), node->position());
  return node->text();
}

Result<bool> boolean(const yaml::Node& map, std::string_view key, bool fallback) {
  Result<std::string> text = scalar(map, key);
  if (!text) return std::unexpected(text.error());
  if (text->empty()) return fallback;
  if (iequals(*text, "true")) return true;
  if (iequals(*text, "false")) return false;
  return fail(ErrorCode::invalid_input, std::string(key) + " must be true or false, got '" + *text + "'",
              map.get(key)->position());
}

Result<int> integer(const yaml::Node& map, std::string_view key) {
  Result<std::string> text = scalar(map, key);
  if (!text) return std::unexpected(text.error());
  if (text->empty()) return 0;
  int value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < 0)
    return fail(ErrorCode::invalid_input,
                std::string(key) + " must be a non-negative integer, got '" + *text + "'",
                map.get(key)->position());
  return value;
}

Result<NameValues> name_values(const yaml::Node& map, std::string_view key) {
  NameValues out;
  const yaml::Node* node = map.get(key);
  if (!node || node->is_null()) return out;
  if (!node->is_mapping())
    return fail(ErrorCode::invalid_input, std::string(key) + " must be a mapping, got " + node->kind_name(),
                node->position());
  for (const yaml::Node::Entry& entry : node->entries()) {
    if (!entry.value.is_scalar() && !entry.value.is_null())
      return fail(ErrorCode::invalid_input,
                  std::string(key) + "." + entry.key.text() + " must be a string, got " +
                      entry.value.kind_name(),
                  entry.value.position());
    out.emplace_back(entry.key.text(), entry.value.text());
  }
  return out;
}

// The workspace's variable groups, and the names of the secrets taken from them.
struct GroupContext {
  const VariableGroups& groups;
  std::vector<std::string>& secret_names;
};

Result<const VariableGroupSpec*> find_group(const yaml::Node& item, const GroupContext& context) {
  const std::string& name = text_or_empty(item.get("group"));
  for (const VariableGroupSpec& group : context.groups) {
    if (!iequals(group.name, name)) continue;
    if (!group.problem.empty()) return fail(ErrorCode::invalid_input, group.problem, item.position());
    return &group;
  }
  return fail(ErrorCode::not_found, "variable group '" + name + "' is not defined in the workspace", item.position());
}

// Variables: a mapping, or Azure's list when a `- group: NAME` is among them
// (pipeline.h): a group's values and secrets take its place in the order.
Result<NameValues> variables_of(const yaml::Node& map, const GroupContext& context) {
  const yaml::Node* node = map.get("variables");
  if (!node || !node->is_sequence()) return name_values(map, "variables");
  NameValues out;
  for (const yaml::Node& item : node->items()) {
    if (!item.get("group")) {
      out.emplace_back(text_or_empty(item.get("name")), text_or_empty(item.get("value")));
      continue;
    }
    Result<const VariableGroupSpec*> group = find_group(item, context);
    if (!group) return std::unexpected(group.error());
    out.insert(out.end(), (*group)->values.begin(), (*group)->values.end());
    out.insert(out.end(), (*group)->secrets.begin(), (*group)->secrets.end());
    for (const auto& [secret, value] : (*group)->secrets) context.secret_names.push_back(to_lower(secret));
  }
  return out;
}

Result<std::vector<std::string>> names(const yaml::Node& map, std::string_view key) {
  std::vector<std::string> out;
  const yaml::Node* node = map.get(key);
  if (!node || node->is_null()) return out;
  if (node->is_scalar()) {
    if (!node->text().empty()) out.push_back(node->text());
    return out;
  }
  if (!node->is_sequence())
    return fail(ErrorCode::invalid_input, std::string(key) + " must be a sequence, got " + node->kind_name(),
                node->position());
  for (const yaml::Node& item : node->items()) {
    if (!item.is_scalar())
      return fail(ErrorCode::invalid_input, std::string(key) + " entries must be names", item.position());
    out.push_back(item.text());
  }
  return out;
}

std::string input(const NameValues& inputs, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys)
    for (const auto& [name, value] : inputs)
      if (iequals(name, key)) return value;
  return {};
}

#define SLIPWAY_TRY(var, expr)                          \
  auto var##_result = (expr);                           \
  if (!var##_result) return std::unexpected(var##_result.error()); \
  auto var = std::move(*var##_result)

Result<StepSpec> read_step(const yaml::Node& node) {
  if (!node.is_mapping()) return fail(ErrorCode::invalid_input, "a step must be a mapping", node.position());
  StepSpec step;
  step.where = node.position();
  bool found = false;
  for (const char* kind : {"script", "bash", "checkout", "publish", "upload", "download", "task", "pwsh", "powershell"}) {
    const yaml::Node* body = node.get(kind);
    if (!body) continue;
    found = true;
    std::string k = kind;
    if (k == "pwsh" || k == "powershell") {  // Azure's shortcut for PowerShell@2 inline
      step.kind = StepKind::task;
      step.task = "PowerShell@2";
      step.inputs = {{"targetType", "inline"}, {"script", text_or_empty(body)}, {"pwsh", k == "pwsh" ? "true" : "false"}};
      for (const char* key : {"errorActionPreference", "failOnStderr", "ignoreLASTEXITCODE", "workingDirectory"})
        if (const yaml::Node* value = node.get(key); value && value->is_scalar()) step.inputs.emplace_back(key, value->text());
    }
    if (k == "script") step.kind = StepKind::script, step.body = text_or_empty(body);
    if (k == "bash") step.kind = StepKind::bash, step.body = text_or_empty(body);
    if (k == "checkout") step.kind = StepKind::checkout, step.body = text_or_empty(body);
    if (k == "publish" || k == "upload") step.kind = StepKind::publish, step.body = text_or_empty(body);
    if (k == "download") step.kind = StepKind::download, step.body = text_or_empty(body);
    if (k == "task") step.task = text_or_empty(body);
    break;
  }
  if (!found) return fail(ErrorCode::invalid_input, "a step needs one of script, bash, checkout, task, publish, download", node.position());
  SLIPWAY_TRY(display, scalar(node, "displayName"));
  SLIPWAY_TRY(name, scalar(node, "name"));
  SLIPWAY_TRY(env, name_values(node, "env"));
  SLIPWAY_TRY(condition, scalar(node, "condition"));
  SLIPWAY_TRY(coe, boolean(node, "continueOnError", false));
  SLIPWAY_TRY(timeout, integer(node, "timeoutInMinutes"));
  SLIPWAY_TRY(retry, integer(node, "retryCountOnTaskFailure"));
  SLIPWAY_TRY(enabled, boolean(node, "enabled", true));
  SLIPWAY_TRY(wd, scalar(node, "workingDirectory"));
  SLIPWAY_TRY(artifact, scalar(node, "artifact"));
  SLIPWAY_TRY(path, scalar(node, "path"));
  step.display_name = display;
  step.name = name;
  step.env = env;
  step.condition = condition;
  step.continue_on_error = coe;
  step.timeout_minutes = timeout;
  step.retry_count = retry;
  step.enabled = enabled;
  step.working_directory = wd;
  step.artifact = artifact;
  step.path = path;
  if (step.kind == StepKind::checkout) {
    SLIPWAY_TRY(clean, boolean(node, "clean", false));
    SLIPWAY_TRY(depth, integer(node, "fetchDepth"));
    step.clean = clean;
    step.fetch_depth = depth;
  }
  if (!step.task.empty() && step.inputs.empty()) {
    SLIPWAY_TRY(inputs, name_values(node, "inputs"));
    std::string task = step.task;
    if (iequals(task, "Bash@3") || iequals(task, "CmdLine@2")) {
      step.kind = iequals(task, "Bash@3") ? StepKind::bash : StepKind::script;
      std::string file = input(inputs, {"filePath"});
      if (iequals(input(inputs, {"targetType"}), "filePath") || (!file.empty() && input(inputs, {"script"}).empty()))
        step.body = "bash '" + file + "' " + input(inputs, {"arguments"});
      else
        step.body = input(inputs, {"script"});
      std::string wd_input = input(inputs, {"workingDirectory"});
      if (!wd_input.empty()) step.working_directory = wd_input;
    } else if (iequals(task, "PublishPipelineArtifact@1")) {
      step.kind = StepKind::publish;
      step.body = input(inputs, {"targetPath", "path"});
      step.artifact = input(inputs, {"artifact", "artifactName"});
    } else if (iequals(task, "PublishBuildArtifacts@1") || iequals(task, "PublishPipelineArtifact@0")) {
      // The older publish tasks, on the same artifact store (publishLocation is
      // always the run's store: a file share has no meaning on one machine).
      step.kind = StepKind::publish;
      step.body = input(inputs, {"PathtoPublish", "pathToPublish", "targetPath"});
      if (step.body.empty()) step.body = "$(Build.ArtifactStagingDirectory)";
      step.artifact = input(inputs, {"ArtifactName", "artifactName"});
      if (step.artifact.empty()) step.artifact = "drop";
    } else if (iequals(task, "DownloadBuildArtifacts@0") || iequals(task, "DownloadBuildArtifacts@1")) {
      // Each artifact into downloadPath/<its name>, as the task lays them out.
      step.kind = StepKind::download;
      step.body = "current";
      std::string type = input(inputs, {"downloadType"});
      step.artifact = iequals(type, "specific") ? "" : input(inputs, {"artifactName"});
      if (step.artifact.empty() && !iequals(type, "specific")) step.artifact = "drop";
      step.path = input(inputs, {"downloadPath"});
      if (step.path.empty()) step.path = "$(System.ArtifactsDirectory)";
      if (!step.artifact.empty()) step.path += "/" + step.artifact;
    } else if (iequals(task, "DownloadPipelineArtifact@2")) {
      step.kind = StepKind::download;
      step.body = "current";
      step.artifact = input(inputs, {"artifact", "artifactName"});
      step.path = input(inputs, {"path", "targetPath", "downloadPath"});
    } else {
      // A built-in or a task folder runs it; which one is the agent's choice
      // (run/readiness.h checks one exists before a run starts).
      step.kind = StepKind::task;
      step.inputs = inputs;
    }
  }
  if (step.kind == StepKind::publish && step.body.empty())
    return fail(ErrorCode::invalid_input, "publish needs a path", node.position());
  return step;
}

Status read_steps(const yaml::Node* list, std::vector<StepSpec>& out, const std::string& condition) {
  if (!list || list->is_null()) return {};
  if (!list->is_sequence()) return bad(*list, "steps must be a sequence");
  for (const yaml::Node& item : list->items()) {
    Result<StepSpec> step = read_step(item);
    if (!step) return std::unexpected(step.error());
    if (!condition.empty() && step->condition.empty()) step->condition = condition;
    out.push_back(std::move(*step));
  }
  return {};
}

// A deployment job's lifecycle hooks in Azure's order, as one list of steps.
// runOnce: preDeploy, deploy, routeTraffic, postRouteTraffic, then
// on.failure (when something failed) or on.success. rolling: the same, once
// (a slipway environment is one target). canary: preDeploy once, then
// deploy, routeTraffic and postRouteTraffic for each of `increments`, then
// on.*. Strategy.Name (and for canary Strategy.Increment and
// Strategy.CycleName) are set before each hook's steps.
Status read_deployment_strategy(const yaml::Node* strategy, JobSpec& job) {
  std::string kind = "runOnce";
  const yaml::Node* body = nullptr;
  if (strategy && strategy->is_mapping())
    for (const char* name : {"runOnce", "rolling", "canary"})
      if (const yaml::Node* found = strategy->get(name)) kind = name, body = found;
  if (!body || !body->is_mapping()) return {};
  auto hook = [&](const yaml::Node& parent, const char* name, const std::string& condition,
                  const NameValues& variables) -> Status {
    const yaml::Node* h = parent.get(name);
    if (!h || !h->is_mapping()) return {};
    size_t first = job.steps.size();
    if (Status s = read_steps(h->get("steps"), job.steps, condition); !s) return s;
    for (size_t i = first; i < job.steps.size(); ++i) job.steps[i].variables = variables;
    return {};
  };
  NameValues named = {{"Strategy.Name", kind}};
  if (Status s = hook(*body, "preDeploy", "", named); !s) return s;
  std::vector<std::string> cycles = {""};
  if (kind == "canary") {
    cycles.clear();
    const yaml::Node* increments = body->get("increments");
    if (increments && increments->is_sequence())
      for (const yaml::Node& increment : increments->items()) cycles.push_back(increment.text());
    if (cycles.empty()) return bad(*body, "a canary strategy needs increments");
  }
  for (const std::string& increment : cycles) {
    NameValues cycle = named;
    if (!increment.empty()) cycle.insert(cycle.end(), {{"Strategy.Increment", increment}, {"Strategy.CycleName", "canary"}});
    for (const char* name : {"deploy", "routeTraffic", "postRouteTraffic"})
      if (Status s = hook(*body, name, "", cycle); !s) return s;
  }
  if (const yaml::Node* on = body->get("on"); on && on->is_mapping()) {
    for (auto [name, condition] : {std::pair{"failure", "failed()"}, std::pair{"success", "succeeded()"}})
      if (Status s = hook(*on, name, condition, named); !s) return s;
  }
  return {};
}

Result<JobSpec> read_job(const yaml::Node& node, const GroupContext& groups, const yaml::Node* resources) {
  if (!node.is_mapping()) return fail(ErrorCode::invalid_input, "a job must be a mapping", node.position());
  JobSpec job;
  job.where = node.position();
  if (const yaml::Node* n = node.get("deployment")) {
    job.deployment = true;
    job.name = text_or_empty(n);
    job.environment = text_or_empty(node.get("environment"));
    if (const yaml::Node* env = node.get("environment"); env && env->is_mapping()) {
      job.environment = text_or_empty(env->get("name"));
      job.environment_resource = text_or_empty(env->get("resourceName"));
    }
    if (size_t dot = job.environment.find('.'); dot != std::string::npos) {  // NAME.resource
      job.environment_resource = job.environment.substr(dot + 1);
      job.environment.resize(dot);
    }
  } else {
    job.name = text_or_empty(node.get("job"));
  }
  if (job.name.empty()) return fail(ErrorCode::invalid_input, "a job needs a name", node.position());
  SLIPWAY_TRY(display, scalar(node, "displayName", job.name));
  SLIPWAY_TRY(deps, names(node, "dependsOn"));
  SLIPWAY_TRY(condition, scalar(node, "condition", "succeeded()"));
  SLIPWAY_TRY(vars, variables_of(node, groups));
  SLIPWAY_TRY(timeout, integer(node, "timeoutInMinutes"));
  SLIPWAY_TRY(cancel_timeout, integer(node, "cancelTimeoutInMinutes"));
  SLIPWAY_TRY(coe, boolean(node, "continueOnError", false));
  job.display_name = display;
  job.depends_on = deps;
  job.condition = condition.empty() ? "succeeded()" : condition;
  job.variables = vars;
  job.timeout_minutes = timeout;
  job.cancel_timeout_minutes = cancel_timeout;
  job.continue_on_error = coe;
  if (const yaml::Node* container = node.get("container"); container && !container->is_null()) {
    SLIPWAY_TRY(spec, read_container(*container, resources, ""));
    job.container = std::move(spec);
  }
  if (const yaml::Node* services = node.get("services"); services && !services->is_null()) {
    if (!services->is_mapping())
      return fail(ErrorCode::invalid_input, "services must be a mapping of names to containers", services->position());
    for (const auto& entry : services->entries()) {
      SLIPWAY_TRY(spec, read_container(entry.value, resources, entry.key.text()));
      spec.name = entry.key.text();
      job.services.push_back(std::move(spec));
    }
  }
  if (const yaml::Node* ws = node.get("workspace"); ws && ws->is_mapping())
    job.clean_workspace = !text_or_empty(ws->get("clean")).empty();
  const yaml::Node* strategy = node.get("strategy");
  if (strategy && strategy->is_mapping()) {
    if (const yaml::Node* matrix = strategy->get("matrix"); matrix && matrix->is_mapping()) {
      for (const yaml::Node::Entry& leg : matrix->entries()) {
        if (!leg.value.is_mapping())
          return fail(ErrorCode::invalid_input, "matrix leg '" + leg.key.text() + "' must be a mapping",
                      leg.value.position());
        MatrixLeg out{leg.key.text(), {}};
        for (const yaml::Node::Entry& var : leg.value.entries()) out.variables.emplace_back(var.key.text(), var.value.text());
        job.legs.push_back(std::move(out));
      }
    }
    SLIPWAY_TRY(parallel, integer(*strategy, "parallel"));
    if (job.legs.empty())
      for (int j = 1; j <= parallel; ++j)
        job.legs.push_back({"Job" + std::to_string(j), {{"System.JobPositionInPhase", std::to_string(j)},
                                                          {"System.TotalJobsInPhase", std::to_string(parallel)}}});
    SLIPWAY_TRY(max_parallel, integer(*strategy, "maxParallel"));
    job.max_parallel = max_parallel;
  }
  if (job.deployment) {
    if (Status s = read_deployment_strategy(strategy, job); !s) return std::unexpected(s.error());
  } else {
    if (Status s = read_steps(node.get("steps"), job.steps, ""); !s) return std::unexpected(s.error());
  }
  return job;
}

// Depth-first search for a cycle among `names` with edges `deps`.
template <class Item>
Status check_dag(const std::vector<Item>& items, const std::string& what, const std::string& scope) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!index.emplace(to_lower(items[i].name), i).second)
      return fail(ErrorCode::invalid_input, "duplicate " + what + " '" + items[i].name + "'" + scope, items[i].where);
  }
  for (const Item& item : items)
    for (const std::string& dep : item.depends_on)
      if (!index.count(to_lower(dep)))
        return fail(ErrorCode::invalid_input,
                    what + " '" + item.name + "' depends on unknown " + what + " '" + dep + "'" + scope, item.where);
  std::vector<int> colour(items.size(), 0);  // 0 white, 1 on the path, 2 done
  std::vector<size_t> path;
  std::function<Status(size_t)> visit = [&](size_t i) -> Status {
    colour[i] = 1;
    path.push_back(i);
    for (const std::string& dep : items[i].depends_on) {
      size_t j = index[to_lower(dep)];
      if (colour[j] == 1) {
        std::vector<std::string> cycle;
        auto from = std::find(path.begin(), path.end(), j);
        for (auto it = from; it != path.end(); ++it) cycle.push_back(items[*it].name);
        cycle.push_back(items[j].name);
        return fail(ErrorCode::invalid_input, "dependency cycle: " + join(cycle, " -> "), items[j].where);
      }
      if (colour[j] == 0)
        if (Status s = visit(j); !s) return s;
    }
    path.pop_back();
    colour[i] = 2;
    return {};
  };
  for (size_t i = 0; i < items.size(); ++i)
    if (colour[i] == 0)
      if (Status s = visit(i); !s) return s;
  return {};
}

}  // namespace

bool PipelineSpec::is_secret(std::string_view name) const {
  return std::find(secret_names.begin(), secret_names.end(), to_lower(name)) != secret_names.end();
}

Result<PipelineSpec> read_pipeline(const yaml::Node& root, const VariableGroups& variable_groups) {
  if (!root.is_mapping()) return fail(ErrorCode::invalid_input, "the pipeline must be a mapping", root.position());
  PipelineSpec spec;
  GroupContext groups{variable_groups, spec.secret_names};
  SLIPWAY_TRY(name, scalar(root, "name"));
  SLIPWAY_TRY(vars, variables_of(root, groups));
  spec.name_format = name;
  spec.variables = vars;
  const yaml::Node* resources = root.get("resources");
  const yaml::Node* containers = resources && resources->is_mapping() ? resources->get("containers") : nullptr;
  const yaml::Node* stages = root.get("stages");
  if (!stages || !stages->is_sequence())
    return fail(ErrorCode::invalid_input, "the pipeline has no stages sequence", root.position());
  for (const yaml::Node& node : stages->items()) {
    if (!node.is_mapping()) return fail(ErrorCode::invalid_input, "a stage must be a mapping", node.position());
    StageSpec stage;
    stage.where = node.position();
    stage.name = text_or_empty(node.get("stage"));
    if (stage.name.empty()) return fail(ErrorCode::invalid_input, "a stage needs a name", node.position());
    SLIPWAY_TRY(display, scalar(node, "displayName", stage.name));
    SLIPWAY_TRY(deps, names(node, "dependsOn"));
    SLIPWAY_TRY(condition, scalar(node, "condition", "succeeded()"));
    SLIPWAY_TRY(stage_vars, variables_of(node, groups));
    stage.display_name = display;
    stage.depends_on = deps;
    stage.condition = condition.empty() ? "succeeded()" : condition;
    stage.variables = stage_vars;
    const yaml::Node* jobs = node.get("jobs");
    if (jobs && !jobs->is_null()) {
      if (!jobs->is_sequence()) return fail(ErrorCode::invalid_input, "jobs must be a sequence", jobs->position());
      for (const yaml::Node& job_node : jobs->items()) {
        Result<JobSpec> job = read_job(job_node, groups, containers);
        if (!job) return std::unexpected(job.error());
        stage.jobs.push_back(std::move(*job));
      }
    }
    if (Status s = check_dag(stage.jobs, "job", " in stage '" + stage.name + "'"); !s) return std::unexpected(s.error());
    spec.stages.push_back(std::move(stage));
  }
  if (Status s = check_dag(spec.stages, "stage", ""); !s) return std::unexpected(s.error());
  return spec;
}

}  // namespace slipway::run
