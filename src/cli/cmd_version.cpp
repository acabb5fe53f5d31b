// `slipway version`: the next version of a component (inside a workspace) or
// of any git repository (--repo), its release notes, and tagging.
//   stdout: the version alone (then the notes with --notes), or JSON
//   stderr: "no release: REASON" when nothing is releasable (exit 0)
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/app.h"
#include "core/json_text.h"
#include "core/strings.h"
#include "model/workspace.h"
#include "version/mirrors.h"
#include "version/next_version.h"

namespace slipway::cli {

namespace {

struct VersionArgs {
  std::string component;
  std::string repo;
  std::string branch;
  std::string preset;
  std::string branches_config;
  std::string tag_format;
  std::string changelog;
  bool notes = false;
  bool tag = false;
};

nlohmann::ordered_json to_json(const version::VersionResult& r) {
  using nlohmann::ordered_json;
  auto opt = [](const auto& value) -> ordered_json {
    if (!value) return nullptr;
    return *value;
  };
  ordered_json out;
  out["release"] = r.next_version.has_value();
  out["last_version"] = r.last_version ? ordered_json(r.last_version->to_string()) : ordered_json(nullptr);
  out["last_tag"] = opt(r.last_tag);
  out["next_version"] = r.next_version ? ordered_json(r.next_version->to_string()) : ordered_json(nullptr);
  out["next_tag"] = r.next_version ? ordered_json(r.next_tag) : ordered_json(nullptr);
  out["bump"] = r.bump ? ordered_json(version::bump_name(*r.bump)) : ordered_json(nullptr);
  out["commits"] = r.commits_counted;
  out["branch"] = r.branch;
  out["branch_kind"] = r.kind ? ordered_json(version::branch_kind_name(*r.kind)) : ordered_json("none");
  out["channel"] = opt(r.channel);
  out["range"] = r.range ? ordered_json(r.range->to_string()) : ordered_json(nullptr);
  out["head"] = r.head;
  out["notes"] = r.notes;
  if (!r.next_version) out["reason"] = r.reason;
  return out;
}

// Fills repo and options from the workspace's component.
Status from_component(const GlobalOptions& global, const std::string& name, std::filesystem::path& repo,
                      version::VersionOptions& options) {
  Result<model::Workspace> workspace = model::load_workspace(global.workspace);
  if (!workspace) return std::unexpected(workspace.error());
  const model::Component* component = workspace->component(name);
  if (!component) {
    std::vector<std::string> names;
    for (const model::Component& c : workspace->components) names.push_back(c.name);
    return fail(ErrorCode::not_found, "unknown component '" + name + "'" + did_you_mean(name, names));
  }
  repo = workspace->repo_location(*component);
  if (component->repo_is_url) {  // computed in its mirror, fetched first
    version::MirrorCache mirrors(state_root(global, state_path(global)) / "mirrors");
    Result<version::ResolvedRef> head = mirrors.resolve(component->repo, "HEAD", true);
    if (!head) return fail(head.error().code, "component '" + name + "': " + head.error().message);
    if (!head->warning.empty()) std::cerr << "slipway: warning: " << head->warning << "\n";
    repo = head->mirror;
  }
  options = version::options_for(*component);
  return {};
}

int run_version(const VersionArgs& args, const GlobalOptions& global) {
  version::VersionOptions options;
  std::filesystem::path repo;
  if (args.component.empty() == args.repo.empty())
    return report(Error{ErrorCode::invalid_input, "give either a COMPONENT (in a workspace) or --repo DIR", {}});
  if (!args.component.empty()) {
    if (auto ok = from_component(global, args.component, repo, options); !ok) return report(ok.error());
  } else {
    repo = args.repo;
  }
  if (!args.branch.empty()) options.branch = args.branch;
  if (!args.preset.empty()) {
    auto preset = version::parse_preset(args.preset);
    if (!preset) return report(preset.error());
    options.preset = *preset;
  }
  if (!args.tag_format.empty()) options.tag_format = args.tag_format;
  if (!args.branches_config.empty()) {
    auto rules = version::load_branch_rules(args.branches_config);
    if (!rules) return report(rules.error());
    options.branches = std::move(*rules);
  }

  auto result = version::compute_next_version(repo, options);
  if (!result) return report(result.error());

  bool created = false;
  if (args.tag && result->next_version) {
    auto tagged = version::create_release_tag(repo, *result);
    if (!tagged) return report(tagged.error());
    created = *tagged;
  }
  if (!args.changelog.empty() && result->next_version) {
    if (auto ok = version::prepend_changelog(args.changelog, result->notes); !ok) return report(ok.error());
  }

  if (global.json) {
    nlohmann::ordered_json out = to_json(*result);
    if (args.tag) out["tagged"] = created;
    std::cout << json_text(out, 2) << "\n";
    return k_exit_ok;
  }
  if (!result->next_version) {
    if (result->head_is_released && result->last_tag)
      std::cerr << "no release: " << *result->last_tag << " is already on " << result->head.substr(0, 7) << "\n";
    else
      std::cerr << "no release: " << result->reason << "\n";
    return k_exit_ok;
  }
  std::cout << result->next_version->to_string() << "\n";
  if (args.notes) std::cout << "\n" << result->notes;
  if (created) std::cerr << "tagged " << result->next_tag << " on " << result->head.substr(0, 7) << "\n";
  return k_exit_ok;
}

}  // namespace

void add_version_commands(CLI::App& app, GlobalOptions& options) {
  auto args = std::make_shared<VersionArgs>();
  CLI::App* cmd = app.add_subcommand(
      "version", "next semantic version from conventional commits (a component, or --repo DIR)");
  cmd->add_option("component", args->component, "component of the workspace");
  cmd->add_option("--repo", args->repo, "any git repository (no workspace needed)");
  cmd->add_option("--branch", args->branch, "branch whose rules apply (default: the checked-out one)");
  cmd->add_option("--preset", args->preset, "conventionalcommits (default) or angular");
  cmd->add_option("--branches-config", args->branches_config,
                  "YAML/JSON file with semantic-release's `branches` list");
  cmd->add_option("--tag-format", args->tag_format, "tag format (default v${version})");
  cmd->add_option("--changelog", args->changelog, "prepend the notes to this CHANGELOG.md");
  cmd->add_flag("--notes", args->notes, "print the release notes after the version");
  cmd->add_flag("--tag", args->tag, "create the annotated tag (reentrant)");
  cmd->add_flag("--json", options.json, "print JSON");
  cmd->callback([args, &options] { options.exit_code = run_version(*args, options); });
}

}  // namespace slipway::cli
