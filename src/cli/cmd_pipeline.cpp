// Pipeline commands: `slipway pipeline expand` prints the normalized expanded
// pipeline of a workspace component or of any file.
#include <iostream>

#include "cli/app.h"
#include "core/strings.h"
#include "model/workspace.h"
#include "pipeline/pipeline.h"
#include "run/triggers.h"

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

int run_expand(const ExpandArgs& args, const GlobalOptions& options) {
  pipeline::ExpandOptions expand;
  std::filesystem::path file;
  for (const std::string& text : args.parameters) {
    auto pair = split_pair(text);
    if (!pair) return report(Error{ErrorCode::invalid_input, "--param needs NAME=VALUE, got '" + text + "'", {}});
    expand.parameters[pair->first] = pair->second;
  }
  if (!args.file.empty() == !args.component.empty())
    return report(Error{ErrorCode::invalid_input, "give either a COMPONENT or --file PATH", {}});
  if (!args.file.empty()) {
    file = args.file;
    for (const std::string& text : args.templates) {
      auto pair = split_pair(text);
      if (!pair) return report(Error{ErrorCode::invalid_input, "--templates needs NAME=DIR, got '" + text + "'", {}});
      expand.template_sources[pair->first] = pair->second;
    }
  } else {
    Result<model::Workspace> workspace = model::load_workspace(options.workspace);
    if (!workspace) return report(workspace.error());
    const model::Component* component = workspace->component(args.component);
    if (!component) {
      std::vector<std::string> names;
      for (const model::Component& c : workspace->components) names.push_back(c.name);
      return report(Error{ErrorCode::not_found, "unknown component '" + args.component + "'" + did_you_mean(args.component, names), {}});
    }
    if (component->repo_is_url)
      return report(Error{ErrorCode::unsupported, "component '" + component->name +
                                                      "' has a remote repo; expand needs a local folder", {}});
    std::filesystem::path repo = workspace->repo_location(*component);
    file = repo / component->pipeline;
    expand.self_root = repo;
    expand.display_root = workspace->dir;
    for (const model::TemplateSource& source : workspace->template_sources)
      if (!source.path.empty()) expand.template_sources[source.name] = workspace->dir / source.path;
    for (const std::string& text : args.templates) {
      auto pair = split_pair(text);
      if (!pair) return report(Error{ErrorCode::invalid_input, "--templates needs NAME=DIR, got '" + text + "'", {}});
      expand.template_sources[pair->first] = pair->second;
    }
  }
  Result<pipeline::ExpandedPipeline> expanded = pipeline::expand_pipeline(file, expand);
  if (!expanded) {
    // Expansion problems are always bad input (exit 2), whatever their kind.
    std::cerr << "slipway: error: " << expanded.error().to_string() << "\n";
    return k_exit_bad_input;
  }
  if (Status s = run::check_triggers(expanded->root.get("trigger"), expanded->root.get("pr")); !s) return report(s.error());
  std::cout << (options.json ? pipeline::to_json_text(*expanded) : pipeline::to_yaml_text(*expanded));
  return k_exit_ok;
}

}  // namespace

void add_pipeline_commands(CLI::App& app, GlobalOptions& options) {
  CLI::App* group = app.add_subcommand("pipeline", "pipelines as code: expand templates");
  group->require_subcommand(1);
  auto args = std::make_shared<ExpandArgs>();
  CLI::App* expand = group->add_subcommand("expand", "print the fully expanded pipeline");
  expand->add_option("component", args->component, "a workspace component");
  expand->add_option("--file", args->file, "expand this pipeline file instead of a component's");
  expand->add_option("--templates", args->templates, "template source NAME=DIR (repeatable)");
  expand->add_option("--param", args->parameters, "pipeline parameter NAME=VALUE (repeatable)");
  expand->add_flag("--json", options.json, "print JSON instead of YAML");
  expand->callback([args, &options] { options.exit_code = run_expand(*args, options); });
}

}  // namespace slipway::cli
