// Workspace commands: validate, components, env list, env show.
//
// They read the workspace through src/model (validate also checks deploy
// settings against the environments and expands every component's pipeline
// through src/pipeline) and only format: text tables for
// people, --json for scripts. Diagnostics go to stderr as file:line:col lines.
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "cli/app.h"
#include "cli/print.h"
#include "core/json_text.h"
#include "core/strings.h"
#include "model/resolve.h"
#include "model/workspace.h"
#include "service/run_sources.h"
#include "pipeline/components.h"
#include "service/permissions.h"

namespace slipway::cli {

namespace {

using nlohmann::ordered_json;

std::string plural(size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

ordered_json position_json(const Position& where) {
  return ordered_json{{"file", where.file}, {"line", where.line}, {"column", where.column}};
}

void print_diagnostics(const Diagnostics& diagnostics) {
  for (const Error& error : diagnostics.errors()) {
    if (error.where.known()) std::cerr << error.to_string() << "\n";
    else std::cerr << "slipway: error: " << error.message << "\n";
  }
}

// The valid workspace of the options, or nullopt after printing every error
// and setting the exit code.
std::optional<model::Workspace> load_or_report(GlobalOptions& options) {
  model::WorkspaceLoad load = model::inspect_workspace(options.workspace);
  if (load.diagnostics.empty()) return std::move(load.workspace);
  print_diagnostics(load.diagnostics);
  if (load.diagnostics.size() > 1 || load.diagnostics.errors().front().where.known())
    std::cerr << "slipway: " << plural(load.diagnostics.size(), "error")
              << " in the workspace; run 'slipway validate' for details\n";
  options.exit_code = k_exit_bad_input;
  return std::nullopt;
}

std::vector<std::string> platforms_of(const model::Component& c) {
  std::vector<std::string> out;
  for (model::PlatformKind kind : {model::PlatformKind::process, model::PlatformKind::helm,
                                   model::PlatformKind::kubectl, model::PlatformKind::terraform,
                                   model::PlatformKind::script})
    if (c.deploy.supports(kind)) out.push_back(model::platform_kind_name(kind));
  return out;
}

std::vector<std::string> names(const std::vector<model::NameRef>& refs) {
  std::vector<std::string> out;
  for (const model::NameRef& ref : refs) out.push_back(ref.name);
  return out;
}

void run_validate(GlobalOptions& options, const std::string& dir) {
  std::string target = dir.empty() ? options.workspace : dir;
  model::WorkspaceLoad load = model::inspect_workspace(target);
  const model::Workspace& ws = load.workspace;
  // What otherwise surfaced only at deploy or run time: deploy settings
  // against their environments, and every component's pipeline expanded.
  model::check_deploy_references(ws, load.diagnostics);
  GlobalOptions of_target = options;  // the state (and its mirrors) of the workspace validated
  of_target.workspace = target;
  version::MirrorCache mirrors(state_root(of_target, state_path(of_target)) / "mirrors");
  std::vector<std::string> warnings;
  pipeline::RemoteReader remote = service::remote_reader(ws, mirrors, warnings);
  pipeline::check_component_pipelines(ws, load.diagnostics, &remote);
  for (const std::string& warning : warnings) std::cerr << "slipway: warning: " << warning << "\n";
  const Diagnostics& diagnostics = load.diagnostics;
  if (options.json) {
    ordered_json errors = ordered_json::array();
    for (const Error& error : diagnostics.errors()) {
      ordered_json item = position_json(error.where);
      item["message"] = error.message;
      errors.push_back(item);
    }
    ordered_json out{{"ok", diagnostics.empty()},
                     {"product", ws.product.name},
                     {"components", ws.components.size()},
                     {"blocks", ws.blocks.size()},
                     {"environments", ws.environments.size()},
                     {"errors", errors}};
    std::cout << json_text(out, 2) << "\n";
  } else if (diagnostics.empty()) {
    std::cout << "workspace " << ws.product.name << ": " << plural(ws.components.size(), "component")
              << ", " << plural(ws.blocks.size(), "block") << ", "
              << plural(ws.environments.size(), "environment") << ": ok\n";
  } else {
    print_diagnostics(diagnostics);
    if (diagnostics.size() > 1 || diagnostics.errors().front().where.known())
      std::cerr << "slipway: " << plural(diagnostics.size(), "error") << " in workspace " << target
                << "\n";
  }
  options.exit_code = diagnostics.empty() ? k_exit_ok : k_exit_bad_input;
}

void run_components(GlobalOptions& options) {
  std::optional<model::Workspace> ws = load_or_report(options);
  if (!ws) return;
  if (options.json) {
    ordered_json out = ordered_json::array();
    for (const model::Component& c : ws->components) {
      out.push_back(ordered_json{
          {"name", c.name},
          {"description", c.description},
          {"repo", c.repo},
          {"pipeline", c.pipeline},
          {"depends_on", names(c.depends_on)},
          {"platforms", platforms_of(c)},
          {"versioning",
           {{"tag_format", c.versioning.tag_format},
            {"preset", model::version_preset_name(c.versioning.preset)},
            {"paths", c.versioning.paths}}},
          {"position", position_json(c.where)}});
    }
    std::cout << json_text(out, 2) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows = {{"NAME", "REPO", "DEPENDS ON", "PLATFORMS"}};
  for (const model::Component& c : ws->components) {
    std::string deps = join(names(c.depends_on), ",");
    rows.push_back({c.name, c.repo, deps.empty() ? "-" : deps, join(platforms_of(c), ",")});
  }
  print_table(rows);
}

std::string approvals_text(const model::Policy& policy) {
  std::vector<std::string> parts;
  for (const model::Approval& a : policy.approvals)
    parts.push_back(a.role.name + " x" + std::to_string(a.count));
  return parts.empty() ? "-" : join(parts, ",");
}

ordered_json policy_json(const model::Policy& policy) {
  ordered_json approvals = ordered_json::array();
  for (const model::Approval& a : policy.approvals)
    approvals.push_back({{"role", a.role.name}, {"count", a.count}});
  ordered_json freeze = ordered_json::array();
  for (const model::FreezeWindow& w : policy.freeze) {
    if (w.kind == model::FreezeWindow::Kind::span)
      freeze.push_back({{"from", w.from}, {"to", w.to}, {"timezone", w.timezone}});
    else
      freeze.push_back({{"days", w.days}, {"start", w.start}, {"end", w.end}, {"timezone", w.timezone}});
  }
  ordered_json out{{"mode", model::policy_mode_name(policy.mode)}};
  if (!policy.branch.empty()) out["branch"] = policy.branch;
  out["promote_from"] = policy.promote_from ? ordered_json(policy.promote_from->name) : ordered_json();
  out["approvals"] = approvals;
  out["requester_cannot_approve"] = policy.requester_cannot_approve;
  out["freeze"] = freeze;
  return out;
}

void run_env_list(GlobalOptions& options) {
  std::optional<model::Workspace> ws = load_or_report(options);
  if (!ws) return;
  if (options.json) {
    ordered_json out = ordered_json::array();
    for (const model::Environment& env : ws->environments) {
      Result<model::ResolvedEnvironment> resolved = model::resolve_environment(*ws, env.name);
      out.push_back(ordered_json{
          {"name", env.name},
          {"description", env.description},
          {"platform", env.platform ? model::platform_kind_name(env.platform->kind) : ""},
          {"blocks", names(env.blocks)},
          {"components", resolved ? resolved->components : std::vector<std::string>{}},
          {"policy", policy_json(env.policy)}});
    }
    std::cout << json_text(out, 2) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "PLATFORM", "POLICY", "FROM", "APPROVALS", "BLOCKS", "COMPONENTS"}};
  for (const model::Environment& env : ws->environments) {
    Result<model::ResolvedEnvironment> resolved = model::resolve_environment(*ws, env.name);
    std::string mode = model::policy_mode_name(env.policy.mode);
    if (env.policy.mode == model::PolicyMode::auto_) mode += " (" + env.policy.branch + ")";
    rows.push_back({env.name, env.platform ? model::platform_kind_name(env.platform->kind) : "-",
                    mode, env.policy.promote_from ? env.policy.promote_from->name : "-",
                    approvals_text(env.policy), join(names(env.blocks), ","),
                    resolved ? std::to_string(resolved->components.size()) : "?"});
  }
  print_table(rows);
}

std::string value_text(const yaml::Node& value) {
  if (value.is_scalar()) return value.text();
  return json_text(yaml::to_json(value));
}

std::string secret_text(const model::SecretSpec& secret) {
  if (secret.kind == model::SecretSpec::Kind::from_env) return "from environment variable " + secret.env_var;
  return "generated, " + std::to_string(secret.length) + " " + secret.charset + " characters";
}

// Who may act on `env`, permission by permission (service/permissions.h's rules).
ordered_json permissions_json(const model::Workspace& ws, const model::Environment& env) {
  using service::Permission;
  ordered_json out = ordered_json::object();
  for (Permission p : {Permission::promote, Permission::apply, Permission::rollback, Permission::hotfix,
                       Permission::force, Permission::reveal, Permission::rotate, Permission::lock})
    out[service::permission_name(p)] = service::roles_holding(ws, p, &env);
  return out;
}

void run_env_show(GlobalOptions& options, const std::string& name) {
  std::optional<model::Workspace> ws = load_or_report(options);
  if (!ws) return;
  Result<model::ResolvedEnvironment> env = model::resolve_environment(*ws, name);
  if (!env) {
    options.exit_code = report(env.error());
    return;
  }
  const model::Platform& platform = env->platform;
  if (options.json) {
    ordered_json values = ordered_json::array();
    for (const model::ResolvedValue& v : env->flat) {
      ordered_json overridden = ordered_json::array();
      for (const model::ValueOrigin& o : v.overridden)
        overridden.push_back({{"from", o.describe()}, {"position", o.where.to_string()}});
      values.push_back({{"path", v.path},
                        {"value", yaml::to_json(v.value)},
                        {"from", v.origin.describe()},
                        {"position", v.origin.where.to_string()},
                        {"overrides", overridden}});
    }
    ordered_json secrets = ordered_json::array();
    for (const model::ResolvedSecret& s : env->secrets)
      secrets.push_back({{"name", s.spec.name}, {"block", s.block}, {"source", secret_text(s.spec)}});
    ordered_json platform_json{{"kind", model::platform_kind_name(platform.kind)}};
    if (platform.kind == model::PlatformKind::process) {
      platform_json["host"] = platform.host;
      platform_json["port_offset"] = platform.port_offset;
    }
    if (!platform.namespace_name.empty()) platform_json["namespace"] = platform.namespace_name;
    if (!platform.context.empty()) platform_json["context"] = platform.context;
    if (!platform.workdir.empty()) platform_json["workdir"] = platform.workdir;
    ordered_json out{{"name", env->name},
                     {"platform", platform_json},
                     {"policy", policy_json(env->policy)},
                     {"permissions", permissions_json(*ws, *ws->environment(name))},
                     {"blocks", env->blocks},
                     {"components", env->components},
                     {"values", yaml::to_json(env->values)},
                     {"sources", values},
                     {"secrets", secrets}};
    std::cout << json_text(out, 2) << "\n";
    return;
  }
  std::ostringstream out;
  out << "environment " << env->name << "\n";
  out << "  platform:   " << model::platform_kind_name(platform.kind);
  if (platform.kind == model::PlatformKind::process)
    out << " (host " << platform.host << ", port offset " << platform.port_offset << ")";
  if (!platform.namespace_name.empty()) out << " (namespace " << platform.namespace_name << ")";
  out << "\n  policy:     " << model::policy_mode_name(env->policy.mode);
  if (!env->policy.branch.empty()) out << " from branch " << env->policy.branch;
  if (env->policy.promote_from) out << ", promoted from " << env->policy.promote_from->name;
  out << "\n  approvals:  " << approvals_text(env->policy);
  if (env->policy.requester_cannot_approve) out << " (its creator and its promoter cannot approve)";
  std::vector<std::string> grants;
  const ordered_json permissions = permissions_json(*ws, *ws->environment(name));
  for (const auto& [permission, roles] : permissions.items())
    grants.push_back(permission + ": " +
                     (roles.empty() ? std::string("nobody") : join(roles.get<std::vector<std::string>>(), ",")));
  out << "\n  may:        " << join(grants, "; ");
  out << "\n  blocks:     " << (env->blocks.empty() ? "-" : join(env->blocks, ", "));
  out << "\n  components: " << (env->components.empty() ? "-" : join(env->components, ", ")) << "\n";
  for (const model::FreezeWindow& w : env->policy.freeze) {
    if (w.kind == model::FreezeWindow::Kind::span)
      out << "  freeze:     " << w.from << " to " << w.to << " " << w.timezone << "\n";
    else
      out << "  freeze:     " << join(w.days, ",") << " " << w.start << "-" << w.end << " "
          << w.timezone << "\n";
  }
  out << "values:\n";
  std::vector<std::vector<std::string>> rows;
  for (const model::ResolvedValue& v : env->flat) {
    std::string from = v.origin.describe() + " (" + v.origin.where.to_string() + ")";
    if (!v.overridden.empty()) from += ", overrides " + v.overridden.back().describe();
    rows.push_back({"  " + v.path, value_text(v.value), from});
  }
  std::cout << out.str();
  print_table(rows);
  if (!env->secrets.empty()) {
    std::cout << "secrets:\n";
    for (const model::ResolvedSecret& s : env->secrets)
      std::cout << "  " << s.spec.name << ": " << secret_text(s.spec) << " (" << s.origin() << ")\n";
  }
}

}  // namespace

void add_workspace_commands(CLI::App& app, GlobalOptions& options) {
  auto dir = std::make_shared<std::string>();
  CLI::App* validate = app.add_subcommand("validate", "check every workspace file; errors as file:line:col");
  validate->add_option("dir", *dir, "workspace directory (default: the -C workspace)");
  validate->add_flag("--json", options.json, "print the result as JSON");
  validate->callback([&options, dir] { run_validate(options, *dir); });

  CLI::App* components = app.add_subcommand("components", "list the components of the workspace");
  components->add_flag("--json", options.json, "print JSON");
  components->callback([&options] { run_components(options); });

  CLI::App* env = app.add_subcommand("env", "environments of the workspace");
  env->require_subcommand(1);
  CLI::App* list = env->add_subcommand("list", "list the environments");
  list->add_flag("--json", options.json, "print JSON");
  list->callback([&options] { run_env_list(options); });
  auto name = std::make_shared<std::string>();
  CLI::App* show = env->add_subcommand("show", "the resolved environment: blocks, components, values and their origin");
  show->add_option("name", *name, "environment name")->required();
  show->add_flag("--json", options.json, "print JSON");
  show->callback([&options, name] { run_env_show(options, *name); });
}

}  // namespace slipway::cli
