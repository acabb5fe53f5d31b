// Cross-object checks: every name that refers to another object must resolve,
// depends_on and promote_from must be acyclic, local files must exist, and
// each environment must be deployable as declared.
//
// Cycles are found by a depth-first search in declaration order; each cycle is
// reported once, starting at the first of its members that the search
// entered, at the position of the reference leaving that member. This keeps
// the message stable when files are reordered within a cycle's members only.
#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <system_error>
#include <unordered_map>
#include <unordered_set>

#include "core/strings.h"
#include "model/reader.h"

namespace slipway::model::detail {

namespace {

// Name → object lookups for large workspaces (Workspace's finders are linear).
struct Index {
  std::unordered_map<std::string_view, const Component*> components;
  std::unordered_map<std::string_view, const Block*> blocks;

  explicit Index(const Workspace& ws) {
    for (const Component& c : ws.components) components.emplace(c.name, &c);
    for (const Block& b : ws.blocks) blocks.emplace(b.name, &b);
  }
  const Component* component(std::string_view name) const {
    auto it = components.find(name);
    return it == components.end() ? nullptr : it->second;
  }
  const Block* block(std::string_view name) const {
    auto it = blocks.find(name);
    return it == blocks.end() ? nullptr : it->second;
  }
};

bool path_exists(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

// A path as shown in messages: relative to the workspace when inside it.
std::string display_path(const Workspace& ws, const std::filesystem::path& path) {
  std::filesystem::path rel = path.lexically_normal().lexically_relative(ws.dir.lexically_normal());
  if (!rel.empty() && *rel.begin() != "..") return rel.generic_string();
  return path.lexically_normal().generic_string();
}

void report_duplicates(Reader& reader, const std::vector<NameRef>& refs,
                       const std::string& prefix, const std::string& suffix) {
  std::unordered_set<std::string_view> seen;
  for (const NameRef& ref : refs)
    if (!seen.insert(ref.name).second) reader.error(prefix + "'" + ref.name + "'" + suffix, ref.where);
}

// Walks a pipeline document for `template: path@source` and reports sources
// that neither slipway.yaml nor the pipeline's resources.repositories declare.
void check_pipeline_templates(Reader& reader, const Workspace& ws, const Component& component,
                              const yaml::Node& doc) {
  std::vector<std::string> known = names_of(ws.template_sources);
  known.push_back("self");
  if (const yaml::Node* resources = doc.is_mapping() ? doc.get("resources") : nullptr)
    if (const yaml::Node* repos = resources->get("repositories"); repos && repos->is_sequence())
      for (const yaml::Node& repo : repos->items())
        if (const yaml::Node* alias = repo.get("repository"); alias && alias->is_scalar())
          known.push_back(alias->text());
  std::function<void(const yaml::Node&)> walk = [&](const yaml::Node& node) {
    if (node.is_sequence())
      for (const yaml::Node& item : node.items()) walk(item);
    if (!node.is_mapping()) return;
    for (const yaml::Node::Entry& entry : node.entries()) {
      if (entry.key.text() == "template" && entry.value.is_scalar()) {
        const std::string& ref = entry.value.text();
        size_t at = ref.rfind('@');
        if (at != std::string::npos && ref.find("${{") == std::string::npos) {
          std::string source = ref.substr(at + 1);
          if (std::find(known.begin(), known.end(), source) == known.end())
            reader.error("pipeline of component '" + component.name +
                             "' uses unknown template source '" + source + "'" +
                             did_you_mean(source, known),
                         entry.value.position());
        }
      }
      walk(entry.value);
    }
  };
  walk(doc);
}

// A component's declared secret must be defined by some block or environment
// (one that only some environments define is given where it exists: a
// misspelt name would otherwise silently give nothing everywhere).
void check_component_secrets(Reader& reader, const Workspace& ws) {
  std::vector<std::string> defined;
  for (const Block& block : ws.blocks)
    for (const SecretSpec& secret : block.secrets) defined.push_back(secret.name);
  for (const Environment& env : ws.environments)
    for (const SecretSpec& secret : env.secrets) defined.push_back(secret.name);
  for (const Component& c : ws.components)
    for (const NameRef& secret : c.secrets)
      if (std::find(defined.begin(), defined.end(), secret.name) == defined.end())
        reader.error("component '" + c.name + "' uses secret '" + secret.name +
                         "', which no block or environment defines" + did_you_mean(secret.name, defined),
                     secret.where);
}

// A webhook secret kept as a slipway secret names an environment that
// defines it (itself or through one of its blocks).
void check_webhook_secrets(Reader& reader, const Workspace& ws, const Index& index) {
  for (const WebhookSource& hook : ws.webhooks) {
    if (hook.secret.empty()) continue;
    const Environment* env = ws.environment(hook.environment);
    if (!env) {
      reader.error("webhook host '" + hook.name + "' takes its secret from unknown environment '" +
                       hook.environment + "'" + did_you_mean(hook.environment, names_of(ws.environments)),
                   hook.where);
      continue;
    }
    std::vector<std::string> defined;
    for (const SecretSpec& secret : env->secrets) defined.push_back(secret.name);
    for (const NameRef& block : env->blocks)
      if (const Block* b = index.block(block.name))
        for (const SecretSpec& secret : b->secrets) defined.push_back(secret.name);
    if (std::find(defined.begin(), defined.end(), hook.secret) == defined.end())
      reader.error("webhook host '" + hook.name + "' uses secret '" + hook.secret + "', which environment '" +
                       env->name + "' does not define" + did_you_mean(hook.secret, defined),
                   hook.where);
  }
}

void check_components(Reader& reader, const Workspace& ws, const Index& index) {
  std::vector<std::string> names = names_of(ws.components);
  for (const Component& c : ws.components) {
    for (const NameRef& dep : c.depends_on)
      if (!index.component(dep.name))
        reader.error("component '" + c.name + "' depends on unknown component '" + dep.name + "'" +
                         did_you_mean(dep.name, names),
                     dep.where);
    report_duplicates(reader, c.depends_on, "component '" + c.name + "' lists ", " twice in depends_on");
    if (c.repo.empty() || c.repo_is_url) continue;
    std::filesystem::path repo = ws.dir / c.repo;
    if (!path_exists(repo)) {
      reader.error("repo of component '" + c.name + "' not found: " + display_path(ws, repo), c.where);
      continue;
    }
    bool bare = path_exists(repo / "HEAD") && path_exists(repo / "objects");
    std::filesystem::path pipeline = repo / c.pipeline;
    if (bare) continue;
    if (!path_exists(pipeline)) {
      reader.error("pipeline of component '" + c.name + "' not found: " + display_path(ws, pipeline),
                   c.where);
      continue;
    }
    Result<yaml::Node> doc = yaml::load_file(pipeline, display_path(ws, pipeline));
    if (!doc) reader.error(doc.error().message, doc.error().where);
    else check_pipeline_templates(reader, ws, c, *doc);
  }
}

// Depth-first search for cycles over `edges` (node index → [(target, where)]).
void report_cycles(Reader& reader, const std::vector<std::string>& nodes,
                   const std::vector<std::vector<std::pair<size_t, Position>>>& edges,
                   const std::string& label) {
  enum class Mark { unseen, active, done };
  std::vector<Mark> marks(nodes.size(), Mark::unseen);
  std::vector<size_t> stack;
  std::vector<Position> via;  // via[i]: the reference leaving stack[i]
  std::function<void(size_t)> visit = [&](size_t node) {
    marks[node] = Mark::active;
    stack.push_back(node);
    for (const auto& [target, where] : edges[node]) {
      via.push_back(where);
      if (marks[target] == Mark::active) {
        size_t start = static_cast<size_t>(std::find(stack.begin(), stack.end(), target) - stack.begin());
        std::string text = label + ": ";
        for (size_t i = start; i < stack.size(); ++i) text += nodes[stack[i]] + " -> ";
        text += nodes[target];
        reader.error(text, via[start]);
      } else if (marks[target] == Mark::unseen) {
        visit(target);
      }
      via.pop_back();
    }
    stack.pop_back();
    marks[node] = Mark::done;
  };
  for (size_t i = 0; i < nodes.size(); ++i)
    if (marks[i] == Mark::unseen) visit(i);
}

void check_dependency_cycles(Reader& reader, const Workspace& ws) {
  std::vector<std::string> nodes = names_of(ws.components);
  std::vector<std::vector<std::pair<size_t, Position>>> edges(nodes.size());
  std::unordered_map<std::string_view, size_t> position_of;
  for (size_t i = 0; i < nodes.size(); ++i) position_of.emplace(nodes[i], i);
  for (size_t i = 0; i < ws.components.size(); ++i)
    for (const NameRef& dep : ws.components[i].depends_on)
      if (auto it = position_of.find(dep.name); it != position_of.end())
        edges[i].emplace_back(it->second, dep.where);
  report_cycles(reader, nodes, edges, "dependency cycle");
}

void check_blocks(Reader& reader, const Workspace& ws, const Index& index) {
  std::vector<std::string> names = names_of(ws.components);
  for (const Block& block : ws.blocks) {
    for (const NameRef& ref : block.components)
      if (!index.component(ref.name))
        reader.error("block '" + block.name + "' names unknown component '" + ref.name + "'" +
                         did_you_mean(ref.name, names),
                     ref.where);
    report_duplicates(reader, block.components, "block '" + block.name + "' lists component ", " twice");
    for (const Infrastructure& infra : block.infrastructure)
      if (!infra.module.empty() && !path_exists(ws.dir / infra.module))
        reader.error("module of infrastructure '" + infra.name + "' of block '" + block.name +
                         "' not found: " + display_path(ws, ws.dir / infra.module),
                     infra.where);
  }
}

// The port a process listens on is its own plus the platform's offset; the
// sum must still be a TCP port (it wrapped around when it was not).
void check_port_after_offset(Reader& reader, const Component& component, const Platform& platform,
                             const std::string& env) {
  if (platform.kind != PlatformKind::process || !component.deploy.process || !component.deploy.process->port) return;
  int port = *component.deploy.process->port + platform.port_offset;
  if (port > 65535)
    reader.error("environment '" + env + "' puts component '" + component.name + "' on port " +
                     std::to_string(port) + " (" + std::to_string(*component.deploy.process->port) +
                     " + port_offset " + std::to_string(platform.port_offset) + "), above 65535",
                 platform.where);
}

void check_environment_contents(Reader& reader, const Workspace& ws, const Index& index,
                                const Environment& env) {
  std::vector<std::string> block_names = names_of(ws.blocks);
  std::vector<std::string> component_names = names_of(ws.components);
  // Each deployed component once, with the reference that brought it in.
  std::vector<std::pair<const Component*, Position>> deployed;
  std::unordered_set<std::string_view> deployed_names;
  auto add = [&](const std::string& name, const Position& where) {
    const Component* c = index.component(name);
    if (!c || !deployed_names.insert(c->name).second) return;
    deployed.emplace_back(c, where);
  };
  std::map<std::string, std::string> secret_owner;
  for (const NameRef& ref : env.blocks) {
    const Block* block = index.block(ref.name);
    if (!block) {
      reader.error("environment '" + env.name + "' uses unknown block '" + ref.name + "'" +
                       did_you_mean(ref.name, block_names),
                   ref.where);
      continue;
    }
    for (const NameRef& c : block->components) add(c.name, ref.where);
    for (const SecretSpec& secret : block->secrets) {
      auto [it, inserted] = secret_owner.emplace(secret.name, block->name);
      if (!inserted && it->second != block->name)
        reader.error("environment '" + env.name + "' gets secret '" + secret.name + "' from blocks '" +
                         it->second + "' and '" + block->name + "'",
                     ref.where);
    }
  }
  report_duplicates(reader, env.blocks, "environment '" + env.name + "' lists block ", " twice");
  for (const NameRef& ref : env.components) {
    if (!index.component(ref.name))
      reader.error("environment '" + env.name + "' names unknown component '" + ref.name + "'" +
                       did_you_mean(ref.name, component_names),
                   ref.where);
    add(ref.name, ref.where);
  }
  report_duplicates(reader, env.components, "environment '" + env.name + "' lists component ", " twice");
  if (!env.platform) return;
  const char* platform = platform_kind_name(env.platform->kind);
  for (const auto& [c, where] : deployed) {
    if (!c->deploy.supports(env.platform->kind))
      reader.error("component '" + c->name + "' has no " + platform +
                       " deploy settings, needed by environment '" + env.name + "'",
                   where);
    check_port_after_offset(reader, *c, *env.platform, env.name);

    for (const NameRef& dep : c->depends_on) {
      if (!deployed_names.contains(dep.name) && index.component(dep.name))
        reader.error("component '" + c->name + "' in environment '" + env.name + "' depends on '" +
                         dep.name + "', which the environment does not deploy",
                     where);
    }
  }
}

void check_permission_roles(Reader& reader, const Workspace& ws, const std::vector<PermissionGrant>& grants,
                            const std::string& where_text) {
  std::vector<std::string> role_names = names_of(ws.roles);
  for (const PermissionGrant& grant : grants)
    for (const NameRef& role : grant.roles)
      if (!ws.role(role.name))
        reader.error("permission " + grant.permission + " of " + where_text + " names unknown role '" + role.name +
                         "'" + did_you_mean(role.name, role_names),
                     role.where);
}

void check_policies(Reader& reader, const Workspace& ws) {
  check_permission_roles(reader, ws, ws.permissions, "slipway.yaml");
  std::vector<std::string> env_names = names_of(ws.environments);
  std::vector<std::string> role_names = names_of(ws.roles);
  std::vector<std::vector<std::pair<size_t, Position>>> edges(env_names.size());
  for (size_t i = 0; i < ws.environments.size(); ++i) {
    const Environment& env = ws.environments[i];
    const Policy& policy = env.policy;
    check_permission_roles(reader, ws, policy.permissions, "environment '" + env.name + "'");
    if (policy.promote_from) {
      auto it = std::find(env_names.begin(), env_names.end(), policy.promote_from->name);
      if (it == env_names.end())
        reader.error("environment '" + env.name + "' promotes from unknown environment '" +
                         policy.promote_from->name + "'" +
                         did_you_mean(policy.promote_from->name, env_names),
                     policy.promote_from->where);
      else
        edges[i].emplace_back(static_cast<size_t>(it - env_names.begin()), policy.promote_from->where);
    }
    std::vector<NameRef> approval_roles;
    for (const Approval& approval : policy.approvals) {
      approval_roles.push_back(approval.role);
      const Role* role = ws.role(approval.role.name);
      if (!role) {
        reader.error("approvals of environment '" + env.name + "' name unknown role '" +
                         approval.role.name + "'" + did_you_mean(approval.role.name, role_names),
                     approval.role.where);
      } else if (role->members.empty()) {
        reader.error("approvals of environment '" + env.name + "' name role '" + role->name +
                         "' that nobody holds",
                     approval.role.where);
      } else if (static_cast<size_t>(approval.count) > role->members.size()) {
        size_t n = role->members.size();
        reader.error("approvals of environment '" + env.name + "' need " +
                         std::to_string(approval.count) + " approvals from role '" + role->name +
                         "', which only " + std::to_string(n) + (n == 1 ? " identity holds" : " identities hold"),
                     approval.where);
      }
    }
    report_duplicates(reader, approval_roles, "approvals of environment '" + env.name + "' name role ",
                      " twice");
  }
  report_cycles(reader, env_names, edges, "promote_from cycle");
}

}  // namespace

void check_references(const Workspace& ws, Diagnostics& diagnostics) {
  Reader reader(diagnostics);
  for (const TemplateSource& source : ws.template_sources)
    if (!source.path.empty() && !path_exists(ws.dir / source.path))
      reader.error("path of template source '" + source.name + "' not found: " +
                       display_path(ws, ws.dir / source.path),
                   source.where);
  Index index(ws);
  check_components(reader, ws, index);
  check_dependency_cycles(reader, ws);
  check_blocks(reader, ws, index);
  for (const Environment& env : ws.environments) check_environment_contents(reader, ws, index, env);
  check_component_secrets(reader, ws);
  check_webhook_secrets(reader, ws, index);
  check_policies(reader, ws);
}

}  // namespace slipway::model::detail
