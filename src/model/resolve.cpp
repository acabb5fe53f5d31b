#include "model/resolve.h"

#include <algorithm>
#include <map>

#include "core/strings.h"

namespace slipway::model {

std::string ValueOrigin::describe() const {
  switch (layer) {
    case Layer::block: return "block " + block;
    case Layer::platform: return "platform";
    case Layer::environment: return "environment";
  }
  return "environment";
}

namespace {

using Leaves = std::map<std::string, ResolvedValue>;

// Removes the leaves that `path` replaces (itself, its subtree, its
// ancestors); returns their origins so the new leaf can list what it overrides.
std::vector<ValueOrigin> take_replaced(Leaves& leaves, const std::string& path) {
  std::vector<ValueOrigin> replaced;
  for (auto it = leaves.begin(); it != leaves.end();) {
    const std::string& key = it->first;
    bool same = key == path;
    bool below = key.size() > path.size() && key.starts_with(path) && key[path.size()] == '.';
    bool above = path.size() > key.size() && path.starts_with(key) && path[key.size()] == '.';
    if (same || below || above) {
      if (same) replaced.insert(replaced.end(), it->second.overridden.begin(), it->second.overridden.end());
      replaced.push_back(it->second.origin);
      it = leaves.erase(it);
    } else {
      ++it;
    }
  }
  return replaced;
}

// Layers `layer` over `tree` and `leaves`; both start as what lower layers set.
void merge(yaml::Node& tree, Leaves& leaves, const yaml::Node& layer, const std::string& prefix,
           const ValueOrigin& base) {
  if (!layer.is_mapping()) return;
  for (const yaml::Node::Entry& entry : layer.entries()) {
    std::string path = prefix.empty() ? entry.key.text() : prefix + "." + entry.key.text();
    const yaml::Node& value = entry.value;
    yaml::Node* existing = tree.get(entry.key.text());
    if (value.is_mapping() && !value.entries().empty()) {
      if (!existing || !existing->is_mapping()) {
        tree.set(entry.key.text(), yaml::Node::make_mapping(value.mark()));
        existing = tree.get(entry.key.text());
        take_replaced(leaves, path);
      }
      merge(*existing, leaves, value, path, base);
      continue;
    }
    tree.set(entry.key.text(), value);
    ValueOrigin origin = base;
    origin.where = entry.key.position();
    std::vector<ValueOrigin> overridden = take_replaced(leaves, path);
    leaves[path] = ResolvedValue{path, value, origin, std::move(overridden)};
  }
}

// Components in deploy order: each after what it depends on; ties keep the
// workspace's declaration order. A cycle (only in an invalid workspace) is
// appended in declaration order.
std::vector<std::string> deploy_order(const Workspace& ws, const std::vector<std::string>& wanted) {
  std::vector<const Component*> pending;
  for (const Component& c : ws.components)
    if (std::find(wanted.begin(), wanted.end(), c.name) != wanted.end()) pending.push_back(&c);
  std::vector<std::string> order;
  auto placed = [&](const std::string& name) {
    return std::find(order.begin(), order.end(), name) != order.end() ||
           std::find(wanted.begin(), wanted.end(), name) == wanted.end();
  };
  while (!pending.empty()) {
    auto ready = std::find_if(pending.begin(), pending.end(), [&](const Component* c) {
      return std::all_of(c->depends_on.begin(), c->depends_on.end(),
                         [&](const NameRef& dep) { return placed(dep.name); });
    });
    if (ready == pending.end()) ready = pending.begin();
    order.push_back((*ready)->name);
    pending.erase(ready);
  }
  return order;
}

}  // namespace

Result<ResolvedEnvironment> resolve_environment(const Workspace& ws, std::string_view name) {
  const Environment* env = ws.environment(name);
  if (!env) {
    std::vector<std::string> names;
    for (const Environment& e : ws.environments) names.push_back(e.name);
    return fail(ErrorCode::not_found,
                "unknown environment '" + std::string(name) + "'" + did_you_mean(name, names));
  }
  ResolvedEnvironment out;
  out.name = env->name;
  out.platform = env->platform.value_or(Platform{});
  out.policy = env->policy;
  out.values = yaml::Node::make_mapping();
  Leaves leaves;
  std::vector<std::string> wanted;
  auto want = [&](const std::string& component) {
    if (std::find(wanted.begin(), wanted.end(), component) == wanted.end()) wanted.push_back(component);
  };
  for (const NameRef& ref : env->blocks) {
    const Block* block = ws.block(ref.name);
    if (!block) continue;
    out.blocks.push_back(block->name);
    for (const NameRef& c : block->components) want(c.name);
    ValueOrigin origin{ValueOrigin::Layer::block, block->name, {}};
    merge(out.values, leaves, block->values, "", origin);
    for (const SecretSpec& secret : block->secrets) out.secrets.push_back({secret, block->name});
    for (const Infrastructure& infra : block->infrastructure) out.infrastructure.push_back(infra);
  }
  for (const NameRef& c : env->components) want(c.name);
  if (env->platform)
    merge(out.values, leaves, env->platform->values, "", {ValueOrigin::Layer::platform, {}, {}});
  merge(out.values, leaves, env->values, "", {ValueOrigin::Layer::environment, {}, {}});
  out.components = deploy_order(ws, wanted);
  for (auto& [path, value] : leaves) out.flat.push_back(std::move(value));
  return out;
}

}  // namespace slipway::model
