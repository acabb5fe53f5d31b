// Normalization: the expanded pipeline → the contract of pipeline.h (always
// stages → jobs → steps, explicit names, dependsOn, conditions, display names),
// and the checks that need the whole graph (unknown or cyclic dependsOn,
// duplicate names).
#include <algorithm>
#include <functional>
#include <map>
#include <unordered_map>

#include "core/strings.h"
#include "pipeline/internal.h"

namespace slipway::pipeline {

namespace {

using Node = yaml::Node;
using ChainOf = std::function<std::string(const Position&)>;

Node scalar(std::string text, const yaml::Mark& mark = {}) { return Node::make_scalar(std::move(text), false, mark); }

std::unexpected<Error> problem(const ChainOf& chain_of, const Node& at, const std::string& message,
                               ErrorCode code = ErrorCode::invalid_input) {
  return std::unexpected(Error{code, chain_of(at.position()) + ": " + message, {}});
}

void put(Node& out, const char* key, Node value) {
  out.entries().push_back({scalar(key), std::move(value)});
}

bool names_a_group(const Node& variables) {
  if (!variables.is_sequence()) return false;
  return std::any_of(variables.items().begin(), variables.items().end(),
                     [](const Node& item) { return item.get("group") != nullptr; });
}

// Variables that name a group stay a list in their order, as Azure keeps
// them: a group's values are only known to the runner, and a later item
// overrides an earlier one, so the order is the meaning.
Result<Node> normalize_variable_list(const Node& in, const ChainOf& chain_of) {
  Node out = Node::make_sequence(in.mark());
  for (const Node& item : in.items()) {
    Node kept = Node::make_mapping(item.mark());
    if (const Node* group = item.get("group")) {
      put(kept, "group", *group);
    } else {
      const Node* value = item.get("value");
      if (value && (value->is_mapping() || value->is_sequence()))
        return problem(chain_of, *value, "variable '" + item.get("name")->text() +
                                             "' must have a string value, got a " + value->kind_name());
      put(kept, "name", *item.get("name"));
      put(kept, "value", value && !value->is_null() ? *value : Node::make_scalar("", true, item.mark()));
    }
    out.append(std::move(kept));
  }
  return out;
}

Result<Node> normalize_variables(const Node& in, const ChainOf& chain_of) {
  if (names_a_group(in)) return normalize_variable_list(in, chain_of);
  Node out = Node::make_mapping(in.mark());
  std::unordered_map<std::string, size_t> slots;  // a later definition replaces an earlier one in place
  auto set = [&](const Node& key, const Node& value) -> Status {
    if (value.is_mapping() || value.is_sequence())
      return problem(chain_of, value, "variable '" + key.text() + "' must have a string value, got a " +
                                          value.kind_name());
    Node text = value.is_null() ? Node::make_scalar("", true, value.mark()) : value;
    auto [slot, added] = slots.emplace(key.text(), out.entries().size());
    if (added) out.entries().push_back({Node::make_scalar(key.text()), std::move(text)});
    else out.entries()[slot->second].value = std::move(text);
    return {};
  };
  if (in.is_mapping()) {
    for (const auto& entry : in.entries())
      if (Status status = set(entry.key, entry.value); !status) return std::unexpected(status.error());
  } else if (in.is_sequence()) {
    for (const Node& item : in.items()) {
      const Node* name = item.get("name");
      const Node* value = item.get("value");
      Node empty;
      if (Status status = set(*name, value ? *value : empty); !status) return std::unexpected(status.error());
    }
  } else if (!in.is_null()) {
    return problem(chain_of, in, std::string("'variables' must be a mapping or a sequence, got a ") + in.kind_name());
  }
  return out;
}

std::string default_display_name(const std::string& kind, const Node& value) {
  if (kind == "script") return "CmdLine";
  if (kind == "bash") return "Bash";
  if (kind == "pwsh" || kind == "powershell") return "PowerShell";
  if (kind == "checkout") return "Checkout " + (value.is_scalar() ? value.text() : std::string("self"));
  if (kind == "publish" || kind == "upload") return "PublishPipelineArtifact";
  if (kind == "downloadBuild") return "DownloadBuildArtifacts";
  if (kind == "getPackage") return "DownloadPackage";
  if (kind == "reviewApp") return "ReviewApp";
  if (kind == "download") return "DownloadPipelineArtifact";
  if (kind == "task") return value.text().substr(0, value.text().find('@'));
  return kind;
}

Node normalize_step(const Node& step) {
  static const std::vector<std::string> order = {"displayName", "name", "inputs", "env", "condition",
                                                 "continueOnError", "timeoutInMinutes",
                                                 "retryCountOnTaskFailure", "enabled", "workingDirectory"};
  Node out = Node::make_mapping(step.mark());
  std::string kind = step_kind(step);
  for (const auto& entry : step.entries())
    if (entry.key.text() == kind) {
      out.entries().push_back(entry);
      break;
    }
  for (const std::string& key : order) {
    const Node* value = step.get(key);
    if (key == "displayName" && !value) {
      put(out, "displayName", scalar(default_display_name(kind, *step.get(kind)), step.mark()));
      continue;
    }
    if (!value) continue;
    if ((key == "continueOnError" || key == "enabled") && value->is_scalar()) {
      std::optional<bool> flag = parse_yaml_boolean(value->text());
      out.entries().push_back({scalar(key), Node::make_scalar(flag && *flag ? "true" : "false", true, value->mark())});
      continue;
    }
    out.entries().push_back({scalar(key), *value});
  }
  for (const auto& entry : step.entries()) {
    const std::string& key = entry.key.text();
    if (key == kind || std::find(order.begin(), order.end(), key) != order.end()) continue;
    out.entries().push_back(entry);
  }
  return out;
}

Node normalize_steps(const Node& steps) {
  Node out = Node::make_sequence(steps.mark());
  for (const Node& step : steps.items()) out.append(normalize_step(step));
  return out;
}

// Deployment strategies: every `steps` below is normalized, the rest kept.
Node normalize_strategy(const Node& node) {
  if (node.is_mapping()) {
    Node out = Node::make_mapping(node.mark());
    for (const auto& entry : node.entries())
      out.entries().push_back({entry.key, entry.key.text() == "steps" && entry.value.is_sequence()
                                              ? normalize_steps(entry.value)
                                              : normalize_strategy(entry.value)});
    return out;
  }
  return node;
}

bool valid_name(const std::string& name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

Result<Node> depends_on(const Node* value, const std::string& fallback) {
  Node out = Node::make_sequence(value ? value->mark() : yaml::Mark{});
  if (!value) {
    if (!fallback.empty()) out.append(scalar(fallback));
    return out;
  }
  if (value->is_scalar()) {
    if (!value->text().empty()) out.append(*value);
  } else if (value->is_sequence()) {
    for (const Node& item : value->items())
      if (item.is_scalar()) out.append(item);
  }
  return out;
}

// Unknown names and cycles among named nodes with dependsOn lists.
Status check_graph(const std::vector<Node>& nodes, const char* name_key, const char* what,
                   const ChainOf& chain_of) {
  std::map<std::string, const Node*> by_name;
  for (const Node& node : nodes) by_name[node.get(name_key)->text()] = &node;
  for (const Node& node : nodes)
    for (const Node& dependency : node.get("dependsOn")->items())
      if (!by_name.contains(dependency.text())) {
        std::vector<std::string> names;
        for (const auto& [name, unused] : by_name) names.push_back(name);
        return problem(chain_of, dependency.position().known() ? dependency : node,
                       std::string(what) + " '" + node.get(name_key)->text() + "' depends on unknown " + what +
                           " '" + dependency.text() + "'" + did_you_mean(dependency.text(), names));
      }
  std::map<std::string, int> color;  // 0 new, 1 on stack, 2 done
  std::vector<std::string> stack;
  std::function<std::optional<std::string>(const std::string&)> visit =
      [&](const std::string& name) -> std::optional<std::string> {
    color[name] = 1;
    stack.push_back(name);
    for (const Node& dependency : by_name[name]->get("dependsOn")->items()) {
      const std::string& next = dependency.text();
      if (color[next] == 1) {
        auto start = std::find(stack.begin(), stack.end(), next);
        std::vector<std::string> cycle(start, stack.end());
        cycle.push_back(next);
        return join(cycle, " -> ");
      }
      if (color[next] == 0)
        if (auto found = visit(next)) return found;
    }
    stack.pop_back();
    color[name] = 2;
    return std::nullopt;
  };
  for (const Node& node : nodes) {
    const std::string& name = node.get(name_key)->text();
    if (color[name] == 0)
      if (auto cycle = visit(name))
        return problem(chain_of, node, std::string(what) + " dependency cycle: " + *cycle);
  }
  return {};
}

Result<Node> normalize_job(const Node& job, const std::string& name, const ChainOf& chain_of) {
  static const std::vector<std::string> order = {"displayName", "dependsOn", "condition", "variables",
                                                 "timeoutInMinutes", "cancelTimeoutInMinutes",
                                                 "continueOnError", "workspace", "strategy", "environment"};
  bool deployment = job.get("deployment") != nullptr;
  Node out = Node::make_mapping(job.mark());
  put(out, deployment ? "deployment" : "job", scalar(name, job.mark()));
  for (const std::string& key : order) {
    const Node* value = job.get(key);
    if (key == "dependsOn") {
      Result<Node> list = depends_on(value, "");
      if (!list) return list;
      put(out, "dependsOn", std::move(*list));
    } else if (key == "condition") {
      put(out, "condition", value && value->is_scalar() ? *value : scalar("succeeded()"));
    } else if (!value) {
      continue;
    } else if (key == "variables") {
      Result<Node> variables = normalize_variables(*value, chain_of);
      if (!variables) return variables;
      put(out, "variables", std::move(*variables));
    } else if (key == "continueOnError") {
      if (!value->is_scalar() || !parse_yaml_boolean(value->text()))
        return problem(chain_of, *value, "continueOnError: Unexpected value '" + value->text() + "'");
      put(out, "continueOnError", Node::make_scalar(*parse_yaml_boolean(value->text()) ? "true" : "false", true));
    } else if (key == "strategy") {
      put(out, "strategy", normalize_strategy(*value));
    } else {
      out.entries().push_back({scalar(key), *value});
    }
  }
  for (const auto& entry : job.entries()) {
    const std::string& key = entry.key.text();
    if (key == "job" || key == "deployment" || key == "steps" ||
        std::find(order.begin(), order.end(), key) != order.end())
      continue;
    out.entries().push_back(entry);
  }
  if (const Node* steps = job.get("steps")) {
    if (!steps->is_sequence() && !steps->is_null())
      return problem(chain_of, *steps, std::string("'steps' must be a sequence, got a ") + steps->kind_name());
    put(out, "steps", normalize_steps(steps->is_null() ? Node::make_sequence() : *steps));
  } else if (!deployment) {
    put(out, "steps", Node::make_sequence());
  }
  return out;
}

Result<Node> normalize_jobs(const Node& jobs, const std::string& stage, const ChainOf& chain_of) {
  if (!jobs.is_sequence())
    return problem(chain_of, jobs, std::string("'jobs' must be a sequence, got a ") + jobs.kind_name());
  std::vector<Node> result;
  std::map<std::string, int> seen;
  int unnamed = 0;
  for (const Node& job : jobs.items()) {
    if (!job.is_mapping() || (!job.get("job") && !job.get("deployment")))
      return problem(chain_of, job, "a job must be a mapping starting with 'job' or 'deployment'");
    const Node* name_node = job.get("job") ? job.get("job") : job.get("deployment");
    std::string name = name_node->is_scalar() ? name_node->text() : std::string();
    if (name.empty()) name = ++unnamed == 1 ? "Job" : "Job_" + std::to_string(unnamed);
    else if (!valid_name(name))
      return problem(chain_of, *name_node, "job name '" + name + "' may only use letters, digits and '_'");
    if (seen[name]++)
      return problem(chain_of, *name_node, "job '" + name + "' appears more than once in stage '" + stage + "'");
    Result<Node> normalized = normalize_job(job, name, chain_of);
    if (!normalized) return normalized;
    result.push_back(std::move(*normalized));
  }
  std::vector<Node> named;
  for (Node& job : result) {
    Node copy = job;
    if (!copy.get("job")) copy.set("job", *copy.get("deployment"));
    named.push_back(std::move(copy));
  }
  if (Status status = check_graph(named, "job", "job", chain_of); !status) return std::unexpected(status.error());
  Node out = Node::make_sequence(jobs.mark());
  for (Node& job : result) out.append(std::move(job));
  return out;
}

Result<Node> normalize_stages(const Node& stages, const ChainOf& chain_of) {
  if (!stages.is_sequence())
    return problem(chain_of, stages, std::string("'stages' must be a sequence, got a ") + stages.kind_name());
  static const std::vector<std::string> order = {"displayName", "dependsOn", "condition", "variables"};
  Node out = Node::make_sequence(stages.mark());
  std::vector<Node> all;
  std::map<std::string, int> seen;
  std::string previous;
  int unnamed = 0;
  for (const Node& stage : stages.items()) {
    if (!stage.is_mapping() || !stage.get("stage"))
      return problem(chain_of, stage, "a stage must be a mapping starting with 'stage'");
    const Node* name_node = stage.get("stage");
    std::string name = name_node->is_scalar() ? name_node->text() : std::string();
    if (name.empty()) name = ++unnamed == 1 ? "__default" : "__default_" + std::to_string(unnamed);
    else if (!valid_name(name))
      return problem(chain_of, *name_node, "stage name '" + name + "' may only use letters, digits and '_'");
    if (seen[name]++) return problem(chain_of, *name_node, "stage '" + name + "' appears more than once");
    Node result = Node::make_mapping(stage.mark());
    put(result, "stage", scalar(name, stage.mark()));
    for (const std::string& key : order) {
      const Node* value = stage.get(key);
      if (key == "dependsOn") {
        Result<Node> list = depends_on(value, previous);
        if (!list) return list;
        put(result, "dependsOn", std::move(*list));
      } else if (key == "condition") {
        put(result, "condition", value && value->is_scalar() ? *value : scalar("succeeded()"));
      } else if (key == "variables" && value) {
        Result<Node> variables = normalize_variables(*value, chain_of);
        if (!variables) return variables;
        put(result, "variables", std::move(*variables));
      } else if (value) {
        result.entries().push_back({scalar(key), *value});
      }
    }
    for (const auto& entry : stage.entries()) {
      const std::string& key = entry.key.text();
      if (key == "stage" || key == "jobs" || std::find(order.begin(), order.end(), key) != order.end()) continue;
      result.entries().push_back(entry);
    }
    const Node* jobs = stage.get("jobs");
    Result<Node> normalized = normalize_jobs(jobs ? *jobs : Node::make_sequence(stage.mark()), name, chain_of);
    if (!normalized) return normalized;
    put(result, "jobs", std::move(*normalized));
    previous = name;
    all.push_back(std::move(result));
  }
  if (Status status = check_graph(all, "stage", "stage", chain_of); !status) return std::unexpected(status.error());
  for (Node& stage : all) out.append(std::move(stage));
  return out;
}

}  // namespace

Result<Node> normalize(const Node& expanded, const ChainOf& chain_of) {
  Node out = Node::make_mapping(expanded.mark());
  for (const char* key : {"name", "trigger", "pr", "resources"})
    if (const Node* value = expanded.get(key)) put(out, key, *value);
  if (const Node* variables = expanded.get("variables")) {
    Result<Node> normalized = normalize_variables(*variables, chain_of);
    if (!normalized) return normalized;
    put(out, "variables", std::move(*normalized));
  }
  const Node* stages = expanded.get("stages");
  const Node* jobs = expanded.get("jobs");
  const Node* steps = expanded.get("steps");
  int kinds = (stages ? 1 : 0) + (jobs ? 1 : 0) + (steps ? 1 : 0);
  if (kinds == 0) return problem(chain_of, expanded, "the pipeline has no 'stages', 'jobs' or 'steps'");
  if (kinds > 1) return problem(chain_of, expanded, "a pipeline has only one of 'stages', 'jobs' or 'steps'");
  Node implicit_stages = Node::make_sequence(expanded.mark());
  if (!stages) {
    Node stage = Node::make_mapping(expanded.mark());
    put(stage, "stage", scalar("__default"));
    if (const Node* pool = expanded.get("pool"); pool && jobs) put(stage, "pool", *pool);
    Node job_list = Node::make_sequence(expanded.mark());
    if (jobs) {
      job_list = *jobs;
    } else {
      Node job = Node::make_mapping(expanded.mark());
      put(job, "job", scalar("Job"));
      for (const char* key : {"timeoutInMinutes", "cancelTimeoutInMinutes", "continueOnError", "workspace",
                              "strategy", "pool", "container", "services"})
        if (const Node* value = expanded.get(key)) put(job, key, *value);
      put(job, "steps", *steps);
      job_list.append(std::move(job));
    }
    put(stage, "jobs", std::move(job_list));
    implicit_stages.append(std::move(stage));
    stages = &implicit_stages;
  }
  Result<Node> normalized = normalize_stages(*stages, chain_of);
  if (!normalized) return normalized;
  put(out, "stages", std::move(*normalized));
  return out;
}

}  // namespace slipway::pipeline
