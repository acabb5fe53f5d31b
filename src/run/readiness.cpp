#include "run/readiness.h"

#include <array>
#include <cstdlib>

#include "core/process.h"
#include "core/strings.h"
#include "pipeline/pipeline.h"
#include "run/builtin_tasks.h"
#include "run/native_tasks.h"

namespace slipway::run {

namespace fs = std::filesystem;

namespace {

using Node = yaml::Node;

std::string text_of(const Node* node) { return node && node->is_scalar() ? node->text() : std::string(); }

Readiness step_readiness(const Node& step, const Machine& machine, const std::set<std::string>& repositories) {
  Readiness out;
  out.where = step.position();
  out.step = text_of(step.get("displayName"));
  if (step.get("script") || step.get("bash")) {
    out.runner = "bash";
    if (!machine.has_program("bash")) out.reason = "bash is not installed";
  } else if (step.get("pwsh") || step.get("powershell")) {
    out.runner = "pwsh (PowerShell@2)";
    if (!machine.has_program("pwsh")) out.reason = "pwsh is not installed";
  } else if (const Node* checkout = step.get("checkout")) {
    std::string target(trim(text_of(checkout)));
    out.runner = "git (libgit2)";
    bool own = target.empty() || iequals(target, "self") || iequals(target, "none");
    if (!own && !repositories.count(target))
      out.runner.clear(), out.reason = "repository '" + target + "' is not in resources.repositories";
  } else if (step.get("publish") || step.get("upload") || step.get("download")) {
    out.runner = "artifact store";
  } else if (const Node* task = step.get("task")) {
    const TaskFolder* folder = machine.tasks ? machine.tasks->find(text_of(task)) : nullptr;
    out.runner = task_implementation(text_of(task), machine.tasks.get());
    if (out.runner.empty()) out.reason = "no implementation of task '" + text_of(task) + "'";
    else if (folder && !folder->runs_on_node())
      out.reason = "task folder " + folder->reference() + " runs with " + folder->handler + "; slipway runs Node handlers only";
    else if (folder && !machine.has_program("node"))
      out.reason = "node is not installed (task folder " + folder->reference() + " runs with " + folder->handler + ")";
    else if (std::string program = program_of_task(text_of(task));
             !folder && !program.empty() && program[0] != '(' && !machine.has_program(program))
      out.reason = program + " is not installed (task " + text_of(task) + " runs it)";
  } else {
    std::string form = step.entries().empty() ? std::string("?") : step.entries()[0].key.text();
    out.reason = "'" + form + "' steps are not run by slipway";
  }
  return out;
}

// A job's container or services: an engine to start them.
void container_needs(const Node& job, const std::string& name, const Machine& machine,
                     std::vector<Readiness>& out) {
  for (const char* key : {"container", "services"}) {
    const Node* value = job.get(key);
    if (!value || value->is_null()) continue;
    Readiness need{value->position(), name, key, fs::path(machine.containers.program).filename().string(), {}};
    if (machine.containers.program.empty())
      need.reason = (std::string(key) == "container" ? "container jobs " : "services ") + machine.containers.problem;
    out.push_back(std::move(need));
  }
}

// A deployment job runs on one of the workspace's environments (its gates, its lock).
void environment_needs(const Node& job, const std::string& name, const Machine& machine, std::vector<Readiness>& out) {
  if (!job.get("deployment")) return;
  const Node* env = job.get("environment");
  std::string target = env && env->is_mapping() ? text_of(env->get("name")) : text_of(env);
  target = target.substr(0, target.find('.'));
  Readiness need{env ? env->position() : job.position(), name, "environment '" + target + "'", "slipway environment", {}};
  if (!machine.environments.count(target))
    need.runner.clear(), need.reason = "environment '" + target + "' is not an environment of the workspace";
  out.push_back(std::move(need));
}

bool is_linux_image(const std::string& image) {
  std::string lower = to_lower(image);
  for (std::string_view other : {"windows", "win", "vs20", "macos"})
    if (lower.rfind(other, 0) == 0) return false;
  return true;
}

// A demand "NAME" is met by a program or an environment variable of that
// name; "NAME -equals VALUE" by Agent.OS (Linux) or an environment variable.
bool demand_met(const std::string& demand, const Machine& machine) {
  size_t equals = demand.find(" -equals ");
  std::string name(trim(demand.substr(0, equals)));
  if (equals == std::string::npos) return machine.has_program(name) || std::getenv(name.c_str()) != nullptr;
  std::string wanted(trim(demand.substr(equals + 9)));
  if (iequals(name, "Agent.OS")) return iequals(wanted, "Linux");
  const char* value = std::getenv(name.c_str());
  return value && wanted == value;
}

void pool_needs(const Node* pool, const std::string& name, const Machine& machine, std::vector<Readiness>& out) {
  if (!pool || !pool->is_mapping()) return;
  std::string image = text_of(pool->get("vmImage"));
  // An image named through a macro ($(imageName), a matrix variable) is only known at run time.
  if (!image.empty() && image.find("$(") == std::string::npos && !is_linux_image(image))
    out.push_back({pool->get("vmImage")->position(), name, "pool",
                   {}, "image '" + image + "' is not Linux: no local agent runs it"});
  const Node* demands = pool->get("demands");
  if (!demands) return;
  std::vector<const Node*> list;
  if (demands->is_scalar()) list.push_back(demands);
  if (demands->is_sequence())
    for (const Node& item : demands->items()) list.push_back(&item);
  for (const Node* demand : list)
    if (!demand_met(text_of(demand), machine))
      out.push_back({demand->position(), name, "pool", {}, "demand '" + text_of(demand) + "' is met by no local agent"});
}

void group_needs(const Node* variables, const std::string& scope, const Machine& machine,
                 std::vector<Readiness>& out) {
  if (!variables || !variables->is_sequence()) return;
  for (const Node& item : variables->items()) {
    std::string group = text_of(item.get("group"));
    if (group.empty()) continue;
    bool defined = false;
    for (const std::string& known : machine.variable_groups) defined = defined || iequals(known, group);
    Readiness need{item.position(), scope, "variable group '" + group + "'", "workspace", {}};
    if (!defined) need.runner.clear(), need.reason = "variable group '" + group + "' is not defined in the workspace";
    out.push_back(std::move(need));
  }
}

void steps_of(const Node* steps, const std::string& job, const Machine& machine, const std::set<std::string>& repositories,
              std::vector<Readiness>& out) {
  if (!steps || !steps->is_sequence()) return;
  for (const Node& step : steps->items()) {
    Readiness one = step_readiness(step, machine, repositories);
    one.job = job;
    out.push_back(std::move(one));
  }
}

// Deployment jobs keep their steps under strategy.<kind>.<hook>[.<on>].steps.
void strategy_steps(const Node& node, const std::string& job, const Machine& machine,
                    const std::set<std::string>& repositories, std::vector<Readiness>& out) {
  if (!node.is_mapping()) return;
  for (const auto& entry : node.entries()) {
    if (entry.key.text() == "steps") steps_of(&entry.value, job, machine, repositories, out);
    else if (entry.value.is_mapping()) strategy_steps(entry.value, job, machine, repositories, out);
  }
}

}  // namespace

Machine this_machine(std::set<std::string> groups, std::shared_ptr<const TaskCatalog> tasks,
                     std::set<std::string> environments) {
  return Machine{[](const std::string& program) { return find_program(program).has_value(); }, std::move(groups),
                 std::move(tasks), container_engine(), std::move(environments)};
}

std::string task_implementation(const std::string& task, const TaskCatalog* tasks) {
  if (iequals(task, "Bash@3") || iequals(task, "CmdLine@2")) return "bash";
  for (std::string_view name : {"PublishPipelineArtifact@1", "DownloadPipelineArtifact@2", "PublishBuildArtifacts@1",
                                "PublishPipelineArtifact@0", "DownloadBuildArtifacts@0", "DownloadBuildArtifacts@1"})
    if (iequals(task, name)) return "artifact store";
  if (find_builtin_task(task)) return "built-in " + task;
  if (is_native_task(task)) return "built-in " + task;
  if (const TaskFolder* folder = tasks ? tasks->find(task) : nullptr)
    return "task folder " + folder->dir.string() + " (" + folder->reference() + ", " + folder->handler + ")";
  return {};
}

Status check_tasks_available(const PipelineSpec& spec, const TaskCatalog* tasks) {
  for (const StageSpec& stage : spec.stages)
    for (const JobSpec& job : stage.jobs)
      for (const StepSpec& step : job.steps)
        if (step.kind == StepKind::task && task_implementation(step.task, tasks).empty())
          return fail(ErrorCode::unsupported,
                      "task '" + step.task + "' is not supported: no built-in and no task folder has it "
                      "(tasks: in slipway.yaml, slipway task add)", step.where);
  return {};
}

std::vector<Readiness> check_readiness(const Node& pipeline, const Machine& machine) {
  std::vector<Readiness> out;
  std::set<std::string> repositories;  // what `checkout: ALIAS` may name
  for (const pipeline::RepositoryResource& resource : pipeline::repository_resources(pipeline))
    repositories.insert(resource.alias);
  group_needs(pipeline.get("variables"), "pipeline", machine, out);
  const Node* stages = pipeline.get("stages");
  if (!stages || !stages->is_sequence()) return out;
  for (const Node& stage : stages->items()) {
    std::string stage_name = text_of(stage.get("stage"));
    group_needs(stage.get("variables"), stage_name, machine, out);
    const Node* jobs = stage.get("jobs");
    if (!jobs || !jobs->is_sequence()) continue;
    for (const Node& job : jobs->items()) {
      std::string name = stage_name + "." + text_of(job.get("job") ? job.get("job") : job.get("deployment"));
      group_needs(job.get("variables"), name, machine, out);
      pool_needs(job.get("pool") ? job.get("pool") : stage.get("pool"), name, machine, out);
      container_needs(job, name, machine, out);
      environment_needs(job, name, machine, out);
      steps_of(job.get("steps"), name, machine, repositories, out);
      if (const Node* strategy = job.get("strategy"); strategy && job.get("deployment"))
        strategy_steps(*strategy, name, machine, repositories, out);
    }
  }
  return out;
}

}  // namespace slipway::run
