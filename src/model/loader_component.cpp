// Reading the product, template sources, components and roles of slipway.yaml.
#include <algorithm>
#include <charconv>
#include <map>

#include "core/clock.h"
#include "core/strings.h"
#include "model/reader.h"

namespace slipway::model::detail {

namespace {

// "2.3" → {2, 3}; no sign, no leading zeros, no third part.
std::optional<std::pair<int, int>> parse_major_minor(const std::string& text) {
  std::vector<std::string> parts = split(text, '.');
  if (parts.size() != 2) return std::nullopt;
  int numbers[2] = {0, 0};
  for (int i = 0; i < 2; ++i) {
    const std::string& part = parts[static_cast<size_t>(i)];
    if (part.empty() || part.size() > 6 || (part.size() > 1 && part[0] == '0')) return std::nullopt;
    // from_chars takes a sign ("3.-1"); a version part is digits only.
    if (part.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), numbers[i]);
    if (ec != std::errc() || end != part.data() + part.size()) return std::nullopt;
  }
  return std::pair{numbers[0], numbers[1]};
}

bool is_url(const std::string& repo) {
  return repo.find("://") != std::string::npos || repo.starts_with("git@");
}

std::optional<HealthCheck> read_health(Reader& reader, const std::string& component,
                                       const yaml::Node& node, const Position& where) {
  std::string what = "health check of component '" + component + "'";
  if (!reader.mapping(node, what, where)) return std::nullopt;
  reader.check_keys(node, what, {"http", "tcp", "timeout", "retries"});
  HealthCheck health;
  health.where = Reader::at(node, where);
  const yaml::Node& http = field(node, "http");
  const yaml::Node& tcp = field(node, "tcp");
  if (node.get("http") && node.get("tcp")) {
    reader.error(what + " has both http and tcp", health.where);
  } else if (node.get("http")) {
    if (std::optional<std::string> path = reader.string(http, "http of " + what, health.where)) {
      if (!path->starts_with("/"))
        reader.error("http health path of component '" + component + "' must start with '/'",
                     Reader::at(http, health.where));
      health.kind = HealthCheck::Kind::http;
      health.http_path = *path;
    }
  } else if (node.get("tcp")) {
    std::optional<bool> on = reader.boolean(tcp, "tcp of " + what, health.where);
    if (on && *on) health.kind = HealthCheck::Kind::tcp;
  } else {
    reader.error(what + " needs http or tcp", health.where);
  }
  if (const yaml::Node* timeout = node.get("timeout"))
    if (auto value = reader.integer(*timeout, "timeout of " + what, 1, 3600, health.where))
      health.timeout_seconds = *value;
  if (const yaml::Node* retries = node.get("retries"))
    if (auto value = reader.integer(*retries, "retries of " + what, 0, 1000, health.where))
      health.retries = *value;
  return health;
}

std::optional<ProcessDeploy> read_process(Reader& reader, const std::string& component,
                                          const yaml::Node& node, const Position& where) {
  std::string what = "process deploy of component '" + component + "'";
  if (!reader.mapping(node, what, where)) return std::nullopt;
  reader.check_keys(node, what, {"argv", "command", "cwd", "port", "env", "health"});
  ProcessDeploy process;
  process.where = Reader::at(node, where);
  bool has_argv = node.get("argv") != nullptr;
  bool has_command = node.get("command") != nullptr;
  if (has_argv && has_command) reader.error(what + " has both argv and command", process.where);
  if (!has_argv && !has_command) reader.error(what + " needs argv or command", process.where);
  if (has_argv) {
    for (const NameRef& arg : reader.names(field(node, "argv"), "argv of " + what, process.where))
      process.argv.push_back(arg.name);
    if (node.get("argv")->is_sequence() && process.argv.empty())
      reader.error("argv of " + what + " is empty", Reader::at(field(node, "argv"), process.where));
  }
  if (has_command)
    if (auto command = reader.string(field(node, "command"), "command of " + what, process.where))
      process.command = *command;
  if (const yaml::Node* cwd = node.get("cwd"))
    if (auto value = reader.string(*cwd, "cwd of " + what, process.where)) process.cwd = *value;
  if (const yaml::Node* port = node.get("port"))
    process.port = reader.integer(*port, "port of component '" + component + "'", 1, 65535,
                                  key_position(node, "port", process.where));
  process.env = reader.string_map(field(node, "env"), "env of " + what, process.where);
  if (const yaml::Node* health = node.get("health")) {
    if (auto value = read_health(reader, component, *health, key_position(node, "health", process.where))) {
      process.health = *value;
      if (value->kind == HealthCheck::Kind::tcp && !node.get("port"))
        reader.error("health check of component '" + component + "' uses tcp but the component has no port",
                     value->where);
    }
  }
  return process;
}

void read_deploy(Reader& reader, const std::string& component, const yaml::Node& node,
                 const Position& where, Deploy& deploy) {
  std::string what = "deploy settings of component '" + component + "'";
  if (!reader.mapping(node, what, where)) return;
  reader.check_keys(node, what, {"process", "helm", "kubectl", "terraform", "script"});
  deploy.written = node;
  for (const yaml::Node::Entry& entry : node.entries()) {
    const std::string& kind = entry.key.text();
    const Position at = Reader::at(entry.value, entry.key.position());
    std::string sub = kind + " deploy of component '" + component + "'";
    if (kind == "process") {
      deploy.process = read_process(reader, component, entry.value, entry.key.position());
      continue;
    }
    if (kind != "helm" && kind != "kubectl" && kind != "terraform" && kind != "script") continue;
    if (!reader.mapping(entry.value, sub, entry.key.position())) continue;
    const yaml::Node& map = entry.value;
    if (kind == "helm") {
      reader.check_keys(map, sub, {"chart", "values"});
      HelmDeploy helm{.chart = {}, .values = field(map, "values"), .where = at};
      if (auto chart = reader.required_string(map, "chart", sub, at)) helm.chart = *chart;
      if (!helm.values.is_null()) reader.mapping(helm.values, "values of " + sub, at);
      deploy.helm = std::move(helm);
    } else if (kind == "kubectl") {
      reader.check_keys(map, sub, {"manifests"});
      KubectlDeploy kubectl{.manifests = {}, .where = at};
      if (!map.get("manifests")) reader.error(sub + " has no manifests", at);
      for (const NameRef& item : reader.names(field(map, "manifests"), "manifests of " + sub, at))
        kubectl.manifests.push_back(item.name);
      deploy.kubectl = std::move(kubectl);
    } else if (kind == "terraform") {
      reader.check_keys(map, sub, {"module", "vars"});
      TerraformDeploy terraform{.module = {}, .vars = field(map, "vars"), .where = at};
      if (auto module = reader.required_string(map, "module", sub, at)) terraform.module = *module;
      if (!terraform.vars.is_null()) reader.mapping(terraform.vars, "vars of " + sub, at);
      deploy.terraform = std::move(terraform);
    } else {
      reader.check_keys(map, sub, {"plan", "apply", "rollback"});
      ScriptDeploy script{.plan = {}, .apply = {}, .rollback = {}, .where = at};
      if (auto apply = reader.required_string(map, "apply", sub, at)) script.apply = *apply;
      if (const yaml::Node* plan = map.get("plan"))
        if (auto value = reader.string(*plan, "plan of " + sub, at)) script.plan = *value;
      if (const yaml::Node* rollback = map.get("rollback"))
        if (auto value = reader.string(*rollback, "rollback of " + sub, at)) script.rollback = *value;
      deploy.script = std::move(script);
    }
  }
}

void read_versioning(Reader& reader, const std::string& component, const yaml::Node& node,
                     const Position& where, Versioning& versioning) {
  std::string what = "versioning of component '" + component + "'";
  if (!reader.mapping(node, what, where)) return;
  reader.check_keys(node, what, {"tag_format", "preset", "paths", "branches", "push_tags"});
  versioning.where = Reader::at(node, where);
  if (const yaml::Node* format = node.get("tag_format")) {
    if (auto value = reader.string(*format, "tag_format of " + what, versioning.where)) {
      if (value->find("${version}") == std::string::npos)
        reader.error("tag_format of component '" + component + "' must contain '${version}'",
                     Reader::at(*format, versioning.where));
      else
        versioning.tag_format = *value;
    }
  }
  if (const yaml::Node* push = node.get("push_tags"))
    if (auto value = reader.boolean(*push, "push_tags of " + what, versioning.where)) versioning.push_tags = *value;
  if (const yaml::Node* preset = node.get("preset")) {
    if (auto value = reader.string(*preset, "preset of " + what, versioning.where)) {
      if (*value == "conventionalcommits") versioning.preset = VersionPreset::conventionalcommits;
      else if (*value == "angular") versioning.preset = VersionPreset::angular;
      else
        reader.error("invalid versioning preset '" + *value + "' of component '" + component +
                         "': expected conventionalcommits or angular",
                     Reader::at(*preset, versioning.where));
    }
  }
  for (const NameRef& path : reader.names(field(node, "paths"), "paths of " + what, versioning.where))
    versioning.paths.push_back(path.name);
  const yaml::Node& branches = field(node, "branches");
  if (branches.is_null() || !reader.sequence(branches, "branches of " + what, versioning.where)) return;
  for (const yaml::Node& item : branches.items()) {
    ReleaseBranch branch;
    branch.where = item.position();
    if (item.is_scalar()) {
      branch.name = item.text();
    } else if (reader.mapping(item, "branch of " + what, versioning.where)) {
      reader.check_keys(item, "branch of " + what, {"name", "prerelease"});
      if (auto name = reader.required_string(item, "name", "branch of " + what, branch.where))
        branch.name = *name;
      if (const yaml::Node* pre = item.get("prerelease")) {
        if (pre->is_scalar() && !pre->quoted() && (pre->text() == "true" || pre->text() == "false"))
          branch.prerelease = pre->text() == "true" ? branch.name : "";
        else if (auto id = reader.string(*pre, "prerelease of " + what, branch.where))
          branch.prerelease = *id;
      }
    } else {
      continue;
    }
    versioning.branches.push_back(std::move(branch));
  }
}

}  // namespace

std::optional<Product> read_product(Reader& reader, const yaml::Node& node, const Position& where) {
  if (!reader.mapping(node, "product", where)) return std::nullopt;
  reader.check_keys(node, "product", {"name", "version", "patch"});
  Product product;
  product.where = where;
  if (auto name = reader.required_string(node, "name", "product", where)) {
    if (!valid_name(*name))
      reader.error("invalid product name '" + *name + "': use letters, digits, '-', '_' and '.'",
                   Reader::at(field(node, "name"), where));
    product.name = *name;
  }
  if (auto version = reader.required_string(node, "version", "product", where)) {
    if (auto parsed = parse_major_minor(*version)) {
      product.major = parsed->first;
      product.minor = parsed->second;
    } else {
      reader.error("invalid product version '" + *version + "': expected MAJOR.MINOR",
                   Reader::at(field(node, "version"), where));
    }
  }
  if (const yaml::Node* patch = node.get("patch")) {
    if (auto value = reader.string(*patch, "patch of product", where)) {
      if (*value == "timestamp") product.patch = PatchScheme::timestamp;
      else if (*value == "counter") product.patch = PatchScheme::counter;
      else
        reader.error("invalid patch scheme '" + *value + "': expected timestamp or counter",
                     Reader::at(*patch, where));
    }
  }
  return product;
}

std::optional<TemplateSource> read_template_source(Reader& reader, const std::string& name,
                                                   const yaml::Node& node, const Position& where) {
  std::string what = "template source '" + name + "'";
  if (!reader.mapping(node, what, where)) return std::nullopt;
  reader.check_keys(node, what, {"path", "git", "ref"});
  TemplateSource source{.name = name, .path = {}, .git = {}, .ref = {}, .where = where};
  if (node.get("path") && node.get("git")) reader.error(what + " has both a path and a git URL", where);
  if (!node.get("path") && !node.get("git")) reader.error(what + " needs a path or a git URL", where);
  if (const yaml::Node* path = node.get("path"))
    if (auto value = reader.string(*path, "path of " + what, where)) source.path = *value;
  if (const yaml::Node* git = node.get("git"))
    if (auto value = reader.string(*git, "git of " + what, where)) source.git = *value;
  if (const yaml::Node* ref = node.get("ref")) {
    if (auto value = reader.string(*ref, "ref of " + what, where)) source.ref = *value;
    if (!node.get("git"))
      reader.error("ref of " + what + " only applies to git sources", Reader::at(*ref, where));
  }
  if (!source.git.empty() && source.ref.empty()) source.ref = "main";
  return source;
}

std::optional<VariableGroup> read_variable_group(Reader& reader, const std::string& name,
                                                 const yaml::Node& node, const Position& where) {
  std::string what = "variable group '" + name + "'";
  if (!reader.mapping(node, what, where)) return std::nullopt;
  reader.check_keys(node, what, {"values", "secrets"});
  VariableGroup group{.name = name, .values = {}, .secrets = {}, .where = where};
  if (const yaml::Node* values = node.get("values")) group.values = reader.string_map(*values, "values of " + what, where);
  if (const yaml::Node* secrets = node.get("secrets"))
    group.secrets = reader.string_map(*secrets, "secrets of " + what, where);
  for (const auto& [secret, variable] : group.secrets)
    for (const auto& [value_name, value] : group.values)
      if (iequals(secret, value_name))
        reader.error(what + " has '" + secret + "' both in values and in secrets", where);
  return group;
}

std::optional<Component> read_component(Reader& reader, const std::string& name,
                                         const yaml::Node& node, const Position& where) {
  std::string what = "component '" + name + "'";
  if (!reader.mapping(node, what, where)) return std::nullopt;
  reader.check_keys(node, what,
                    {"description", "repo", "pipeline", "depends_on", "versioning", "deploy", "secrets"});
  Component component;
  component.name = name;
  component.where = where;
  if (const yaml::Node* description = node.get("description"))
    if (auto value = reader.string(*description, "description of " + what, where))
      component.description = *value;
  if (auto repo = reader.required_string(node, "repo", what, where)) {
    component.repo = *repo;
    component.repo_is_url = is_url(*repo);
  }
  if (const yaml::Node* pipeline = node.get("pipeline"))
    if (auto value = reader.string(*pipeline, "pipeline of " + what, where))
      component.pipeline = *value;
  component.depends_on = reader.names(field(node, "depends_on"), "depends_on of " + what,
                                      key_position(node, "depends_on", where));
  if (const yaml::Node* versioning = node.get("versioning"))
    read_versioning(reader, name, *versioning, key_position(node, "versioning", where),
                    component.versioning);
  if (const yaml::Node* deploy = node.get("deploy"))
    read_deploy(reader, name, *deploy, key_position(node, "deploy", where), component.deploy);
  component.secrets = reader.names(field(node, "secrets"), "secrets of " + what, key_position(node, "secrets", where));
  return component;
}

std::optional<Role> read_role(Reader& reader, const std::string& name, const yaml::Node& node,
                              const Position& where) {
  Role role{.name = name, .members = {}, .where = where};
  role.members = reader.names(node, "role '" + name + "'", where);
  for (size_t i = 0; i < role.members.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (role.members[i].name == role.members[j].name) {
        reader.error("role '" + name + "' lists '" + role.members[i].name + "' twice",
                     role.members[i].where);
        break;
      }
  return role;
}

std::optional<WebhookSource> read_webhook(Reader& reader, const std::string& name, const yaml::Node& node,
                                          const Position& where) {
  if (std::find(k_webhook_hosts.begin(), k_webhook_hosts.end(), name) == k_webhook_hosts.end()) {
    std::vector<std::string> known(k_webhook_hosts.begin(), k_webhook_hosts.end());
    reader.error("unknown webhook host '" + name + "': expected one of " + join(known, ", "), where);
    return std::nullopt;
  }
  const std::string what = "webhook host '" + name + "'";
  if (!reader.mapping(node, what, where)) return std::nullopt;
  reader.check_keys(node, what, {"secret_file", "secret", "environment"});
  WebhookSource source{.name = name, .secret_file = {}, .secret = {}, .environment = {}, .where = where};
  if (!node.get("secret")) {
    std::optional<std::string> file = reader.required_string(node, "secret_file", what, where);
    if (!file) return std::nullopt;
    source.secret_file = *file;
    return source;
  }
  if (node.get("secret_file")) {
    reader.error(what + ": give either secret_file or secret (with environment), not both", where);
    return std::nullopt;
  }
  std::optional<std::string> secret = reader.required_string(node, "secret", what, where);
  std::optional<std::string> environment = reader.required_string(node, "environment", what, where);
  if (!secret || !environment) return std::nullopt;
  source.secret = *secret;
  source.environment = *environment;
  return source;
}

std::vector<PermissionGrant> read_permissions(Reader& reader, const yaml::Node& node, const std::string& what,
                                              const Position& where) {
  std::vector<PermissionGrant> grants;
  if (!reader.mapping(node, what, where)) return grants;
  for (const yaml::Node::Entry& entry : node.entries()) {
    const std::string name = entry.key.text();
    PermissionGrant grant{name, {}, entry.key.position()};
    if (std::find(k_permission_names.begin(), k_permission_names.end(), name) == k_permission_names.end()) {
      std::vector<std::string> known(k_permission_names.begin(), k_permission_names.end());
      reader.error("unknown permission '" + name + "' in " + what + did_you_mean(name, known), grant.where);
      continue;
    }
    grant.roles = reader.names(entry.value, "roles holding " + name + " in " + what, grant.where);
    grants.push_back(std::move(grant));
  }
  return grants;
}

std::optional<std::chrono::seconds> read_duration(Reader& reader, const yaml::Node& node, const std::string& what,
                                                  const Position& fallback) {
  std::optional<std::string> text = reader.string(node, what, fallback);
  if (!text) return std::nullopt;
  std::optional<std::chrono::seconds> span = parse_duration(*text);
  if (!span) reader.error(what + ": expected " + k_duration_help + ", got '" + *text + "'", Reader::at(node, fallback));
  return span;
}

}  // namespace slipway::model::detail
