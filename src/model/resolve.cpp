#include "model/resolve.h"

#include <algorithm>
#include <functional>
#include <map>
#include <queue>
#include <unordered_map>
#include <unordered_set>

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
  // Kahn's algorithm over the wanted components, always taking the ready one
  // declared first (a min-heap of declaration indexes).
  std::unordered_set<std::string_view> wanted_set(wanted.begin(), wanted.end());
  std::vector<const Component*> nodes;
  std::unordered_map<std::string_view, size_t> index_of;
  for (const Component& c : ws.components)
    if (wanted_set.contains(c.name) && index_of.emplace(c.name, nodes.size()).second) nodes.push_back(&c);
  std::vector<size_t> waiting(nodes.size(), 0);
  std::vector<std::vector<size_t>> dependents(nodes.size());
  for (size_t i = 0; i < nodes.size(); ++i) {
    std::unordered_set<size_t> deps;
    for (const NameRef& dep : nodes[i]->depends_on)
      if (auto it = index_of.find(dep.name); it != index_of.end() && deps.insert(it->second).second) {
        dependents[it->second].push_back(i);
        ++waiting[i];
      }
  }
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (waiting[i] == 0) ready.push(i);
  std::vector<bool> placed(nodes.size(), false);
  std::vector<std::string> order;
  size_t first_unplaced = 0;
  while (order.size() < nodes.size()) {
    if (ready.empty()) {  // a cycle (invalid workspace): release the first unplaced one
      while (placed[first_unplaced]) ++first_unplaced;
      waiting[first_unplaced] = 0;
      ready.push(first_unplaced);
    }
    size_t i = ready.top();
    ready.pop();
    if (placed[i]) continue;
    placed[i] = true;
    order.push_back(nodes[i]->name);
    for (size_t d : dependents[i])
      if (waiting[d] > 0 && --waiting[d] == 0 && !placed[d]) ready.push(d);
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
