// Pipeline commands: `slipway pipeline expand` prints the normalized expanded
// pipeline of a workspace component or of any file; `slipway pipeline check`
// says which of its steps this machine can run (run/readiness.h).
#include <algorithm>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "core/strings.h"
#include "model/workspace.h"
#include "pipeline/components.h"
#include "pipeline/pipeline.h"
#include "run/readiness.h"
#include "run/step_isolation.h"
#include "run/triggers.h"
#include "service/run_sources.h"

namespace slipway::cli {

namespace {

struct ExpandArgs {
  std::string component;
  std::string file;
  std::vector<std::string> templates;   // name=DIR
  std::vector<std::string> parameters;  // name=value
};

// Splits "name=value"; nullopt when there is no '=' or the name is empty.
std::optional<std::pair<std::string, std::string>> split_pair(const std::string& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) return std::nullopt;
  return std::pair{text.substr(0, eq), text.substr(eq + 1)};
}

// The file to expand and how: a component's pipeline with the workspace's
// template sources, or any file; --templates and --param on top.
struct Target {
  std::filesystem::path file;
  pipeline::ExpandOptions expand;
  std::unique_ptr<model::Workspace> workspace;  // loaded for a component; its address is kept by `expand`
  // Repositories read by URL (git template sources, resources.repositories, a
  // component's repo): the expansion's callbacks hold on to them.
  std::unique_ptr<version::MirrorCache> mirrors;
  std::unique_ptr<std::vector<std::string>> warnings = std::make_unique<std::vector<std::string>>();
};

Result<Target> resolve_target(const ExpandArgs& args, const GlobalOptions& options) {
  Target target;
  std::map<std::string, std::string> parameters;
  for (const std::string& text : args.parameters) {
    auto pair = split_pair(text);
    if (!pair) return fail(ErrorCode::invalid_input, "--param needs NAME=VALUE, got '" + text + "'");
    parameters[pair->first] = pair->second;
  }
  if (!args.file.empty() == !args.component.empty())
    return fail(ErrorCode::invalid_input, "give either a COMPONENT or --file PATH");
  if (!args.file.empty()) {
    target.file = args.file;
  } else {
    Result<model::Workspace> workspace = model::load_workspace(options.workspace);
    if (!workspace) return std::unexpected(workspace.error());
    const model::Component* component = workspace->component(args.component);
    if (!component) {
      std::vector<std::string> names;
      for (const model::Component& c : workspace->components) names.push_back(c.name);
      return fail(ErrorCode::not_found, "unknown component '" + args.component + "'" + did_you_mean(args.component, names));
    }
    target.expand = pipeline::component_expand_options(*workspace, *component);
    target.mirrors = std::make_unique<version::MirrorCache>(state_root(options, state_path(options)) / "mirrors");
    if (component->repo_is_url) {  // its default branch, from its mirror
      Result<version::ResolvedRef> head = target.mirrors->resolve(component->repo, "HEAD", true);
      if (!head) return fail(head.error().code, "component '" + component->name + "': " + head.error().message);
      if (!head->warning.empty()) target.warnings->push_back(head->warning);
      Result<std::filesystem::path> files = target.mirrors->tree(*head);
      if (!files) return std::unexpected(files.error());
      target.expand.self_root = *files;
    }
    target.file = target.expand.self_root / component->pipeline;
    target.workspace = std::make_unique<model::Workspace>(std::move(*workspace));
  }
  if (!target.mirrors)
    target.mirrors = std::make_unique<version::MirrorCache>(state_root(options, state_path(options)) / "mirrors");
  service::add_remote_sources(target.expand, target.workspace ? &*target.workspace : nullptr, *target.mirrors,
                              *target.warnings);
  target.expand.parameters = std::move(parameters);
  for (const std::string& text : args.templates) {
    auto pair = split_pair(text);
    if (!pair) return fail(ErrorCode::invalid_input, "--templates needs NAME=DIR, got '" + text + "'");
    target.expand.template_sources[pair->first] = pair->second;
  }
  return target;
}

// Expansion problems are always bad input (exit 2), whatever their kind.
std::optional<pipeline::ExpandedPipeline> expand_or_report(const Target& target) {
  Result<pipeline::ExpandedPipeline> expanded = pipeline::expand_pipeline(target.file, target.expand);
  for (const std::string& warning : *target.warnings) std::cerr << "slipway: warning: " << warning << "\n";
  if (!expanded) {
    std::cerr << "slipway: error: " << expanded.error().to_string() << "\n";
    return std::nullopt;
  }
  return std::move(*expanded);
}

int run_expand(const ExpandArgs& args, const GlobalOptions& options) {
  Result<Target> target = resolve_target(args, options);
  if (!target) return report(target.error());
  std::optional<pipeline::ExpandedPipeline> expanded = expand_or_report(*target);
  if (!expanded) return k_exit_bad_input;
  if (Status s = run::check_triggers(expanded->root.get("trigger"), expanded->root.get("pr")); !s) return report(s.error());
  std::cout << (options.json ? pipeline::to_json_text(*expanded) : pipeline::to_yaml_text(*expanded));
  return k_exit_ok;
}

std::string isolation_name(run::StepIsolation isolation) {
  switch (isolation) {
    case run::StepIsolation::landlock: return "landlock";
    case run::StepIsolation::separate_user: return "separate_user";
    case run::StepIsolation::none: break;
  }
  return "none";
}

std::string isolation_line() {
  if (std::optional<std::string> warning = run::isolation_warning()) return "warning: " + *warning;
  return run::step_isolation() == run::StepIsolation::landlock
             ? "steps are isolated: each runs in a Landlock sandbox that cannot open slipway's state"
             : "steps are isolated: they run as a separate unprivileged user";
}

void print_readiness_text(const std::vector<run::Readiness>& found) {
  std::cout << isolation_line() << "\n";
  size_t cannot = 0;
  for (const run::Readiness& one : found) {
    std::cout << one.where.to_string() << "  " << one.job << "  " << one.step << "  ";
    if (one.can_run()) std::cout << "runs with " << one.runner << "\n";
    else std::cout << "cannot run: " << one.reason << "\n", ++cannot;
  }
  std::cout << found.size() - cannot << " of " << found.size() << " can run here";
  if (cannot) std::cout << "; " << cannot << " cannot";
  std::cout << "\n";
}

void print_readiness_json(const std::vector<run::Readiness>& found) {
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  bool all = true;
  for (const run::Readiness& one : found) {
    all = all && one.can_run();
    items.push_back({{"where", one.where.to_string()}, {"job", one.job}, {"step", one.step},
                     {"can_run", one.can_run()},
                     {"runner", one.runner.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(one.runner)},
                     {"reason", one.reason.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(one.reason)}});
  }
  std::optional<std::string> warning = run::isolation_warning();
  nlohmann::ordered_json out{{"can_run", all},
                             {"isolation", isolation_name(run::step_isolation())},
                             {"isolation_warning", warning ? nlohmann::ordered_json(*warning) : nlohmann::ordered_json()},
                             {"steps", std::move(items)}};
  std::cout << out.dump(2) << "\n";
}

// Variable groups the workspace defines (none for a file outside a workspace).
std::set<std::string> workspace_environments(const Target& target) {
  std::set<std::string> names;
  if (target.workspace)
    for (const model::Environment& env : target.workspace->environments) names.insert(env.name);
  return names;
}

std::set<std::string> workspace_groups(const Target& target) {
  std::set<std::string> names;
  if (target.workspace)
    for (const model::VariableGroup& group : target.workspace->variable_groups) names.insert(group.name);
  return names;
}

int run_check(const ExpandArgs& args, const GlobalOptions& options) {
  Result<Target> target = resolve_target(args, options);
  if (!target) return report(target.error());
  std::optional<pipeline::ExpandedPipeline> expanded = expand_or_report(*target);
  if (!expanded) return k_exit_bad_input;
  // Task folders: the workspace's tasks: and those added to its state.
  Result<std::shared_ptr<const run::TaskCatalog>> tasks =
      service::task_catalog(target->workspace ? &*target->workspace : nullptr, state_root(options, state_path(options)));
  if (!tasks) return report(tasks.error());
  std::vector<run::Readiness> found =
      run::check_readiness(expanded->root, run::this_machine(workspace_groups(*target), *tasks, workspace_environments(*target)));
  if (options.json) print_readiness_json(found);
  else print_readiness_text(found);
  bool all = std::all_of(found.begin(), found.end(), [](const run::Readiness& one) { return one.can_run(); });
  return all ? k_exit_ok : k_exit_failed;
}

}  // namespace

void add_pipeline_commands(CLI::App& app, GlobalOptions& options) {
  CLI::App* group = app.add_subcommand("pipeline", "pipelines as code: expand templates, check what this machine runs");
  group->require_subcommand(1);
  // expand and check take the same target: a component or a file, templates, parameters.
  auto add_target = [](CLI::App* command, ExpandArgs& args, const std::string& verb) {
    command->add_option("component", args.component, "a workspace component");
    command->add_option("--file", args.file, verb + " this pipeline file instead of a component's");
    command->add_option("--templates", args.templates, "template source NAME=DIR (repeatable)");
    command->add_option("--param", args.parameters, "pipeline parameter NAME=VALUE (repeatable)");
  };
  auto args = std::make_shared<ExpandArgs>();
  CLI::App* expand = group->add_subcommand("expand", "print the fully expanded pipeline");
  add_target(expand, *args, "expand");
  expand->add_flag("--json", options.json, "print JSON instead of YAML");
  expand->callback([args, &options] { options.exit_code = run_expand(*args, options); });

  auto check_args = std::make_shared<ExpandArgs>();
  CLI::App* check = group->add_subcommand(
      "check", "say, without running anything, whether this machine can run every step (exit 1 when not)");
  add_target(check, *check_args, "check");
  check->add_flag("--json", options.json, "print JSON instead of text");
  check->callback([check_args, &options] { options.exit_code = run_check(*check_args, options); });
}

}  // namespace slipway::cli
