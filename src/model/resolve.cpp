#include "model/resolve.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <queue>
#include <set>
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

using Leaves = std::map<std::string, ResolvedValue, std::less<>>;

// Removes the leaves that `path` replaces (itself, its subtree, its
// ancestors); returns their origins so the new leaf can list what it overrides,
// in path order (ancestors, then the path's own history, then its subtree).
// Leaves are sorted by path, so each of those is one lookup or one range.
std::vector<ValueOrigin> take_replaced(Leaves& leaves, const std::string& path) {
  std::vector<ValueOrigin> replaced;
  auto take = [&](Leaves::iterator it) {
    replaced.push_back(std::move(it->second.origin));
    return leaves.erase(it);
  };
  // Ancestors: every prefix of `path` that ends before a '.'; shorter sorts first.
  for (size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', dot + 1))
    if (auto it = leaves.find(std::string_view(path).substr(0, dot)); it != leaves.end()) take(it);
  if (auto it = leaves.find(path); it != leaves.end()) {
    std::vector<ValueOrigin>& before = it->second.overridden;
    replaced.insert(replaced.end(), std::make_move_iterator(before.begin()), std::make_move_iterator(before.end()));
    take(it);
  }
  // The subtree: keys starting with "path." are one contiguous range.
  std::string below = path + ".";
  for (auto it = leaves.lower_bound(below); it != leaves.end() && it->first.starts_with(below);) it = take(it);
  return replaced;
}

// The entries of one mapping of the merged tree, found by key. Short mappings
// are searched in place; long ones get a hash index once per merge, so a layer
// of n keys over a mapping of m keys costs O(n + m), not O(n * m).
class MappingIndex {
 public:
  static constexpr size_t k_linear_below = 16;

  MappingIndex(yaml::Node& tree, size_t incoming) : m_tree(tree), m_existing(tree.entries().size()) {
    std::vector<yaml::Node::Entry>& entries = tree.entries();
    // No reallocation while this index lives: its keys point into the entries.
    entries.reserve(entries.size() + incoming);
    if (m_existing < k_linear_below) return;
    m_index.reserve(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) m_index.emplace(entries[i].key.text(), i);
  }

  // The value under `key` among the entries that were there before this
  // merge (the only ones a key of the layer can meet), or nullptr.
  yaml::Node* find(std::string_view key) {
    std::vector<yaml::Node::Entry>& entries = m_tree.entries();
    if (m_index.empty()) {
      for (size_t i = 0; i < m_existing; ++i)
        if (entries[i].key.text() == key) return &entries[i].value;
      return nullptr;
    }
    auto it = m_index.find(key);
    return it == m_index.end() ? nullptr : &entries[it->second].value;
  }

  // Appends a key known to be absent (a layer's keys are unique, so a key the
  // layer appends is never looked up again in the same merge); the key node
  // carries no position, as yaml::Node::set makes it.
  yaml::Node& append(std::string_view key, yaml::Node value) {
    std::vector<yaml::Node::Entry>& entries = m_tree.entries();
    entries.push_back(yaml::Node::Entry{yaml::Node::make_scalar(std::string(key)), std::move(value)});
    return entries.back().value;
  }

 private:
  yaml::Node& m_tree;
  size_t m_existing;  // entries before this merge
  std::unordered_map<std::string_view, size_t> m_index;
};

// Layers `layer` over `tree` and `leaves`; both start as what lower layers set.
// `path` is the dotted path of `tree` ("" at the root); it is extended and
// restored in place rather than rebuilt per key.
void merge(yaml::Node& tree, Leaves& leaves, const yaml::Node& layer, std::string& path, const ValueOrigin& base) {
  if (!layer.is_mapping()) return;
  MappingIndex index(tree, layer.entries().size());
  const size_t prefix_size = path.size();
  for (const yaml::Node::Entry& entry : layer.entries()) {
    const std::string& key = entry.key.text();
    if (prefix_size > 0) path += '.';
    path += key;
    const yaml::Node& value = entry.value;
    yaml::Node* existing = index.find(key);
    if (value.is_mapping() && !value.entries().empty()) {
      if (!existing || !existing->is_mapping()) {
        if (existing)
          *existing = yaml::Node::make_mapping(value.mark());
        else
          existing = &index.append(key, yaml::Node::make_mapping(value.mark()));
        take_replaced(leaves, path);
      }
      merge(*existing, leaves, value, path, base);
    } else {
      if (existing)
        *existing = value;
      else
        index.append(key, value);
      ValueOrigin origin = base;
      origin.where = entry.key.position();
      std::vector<ValueOrigin> overridden = take_replaced(leaves, path);
      leaves.insert_or_assign(path, ResolvedValue{path, value, std::move(origin), std::move(overridden)});
    }
    path.resize(prefix_size);
  }
}

// Components in deploy order: each after what it depends on; ties keep the
// workspace's declaration order. A cycle (only in an invalid workspace) is
// appended in declaration order.
std::vector<std::string> deploy_order(const Workspace& ws, const std::unordered_set<std::string_view>& wanted_set) {
  // Kahn's algorithm over the wanted components, always taking the ready one
  // declared first (a min-heap of declaration indexes).
  std::vector<const Component*> nodes;
  nodes.reserve(wanted_set.size());
  std::unordered_map<std::string_view, size_t> index_of;
  index_of.reserve(wanted_set.size());
  for (const Component& c : ws.components)
    if (wanted_set.contains(c.name) && index_of.emplace(c.name, nodes.size()).second) nodes.push_back(&c);
  std::vector<size_t> waiting(nodes.size(), 0);
  std::vector<std::vector<size_t>> dependents(nodes.size());
  // counted_for[j] == i: dependency j was already counted for node i (a
  // dependency listed twice counts once).
  std::vector<size_t> counted_for(nodes.size(), SIZE_MAX);
  for (size_t i = 0; i < nodes.size(); ++i) {
    for (const NameRef& dep : nodes[i]->depends_on)
      if (auto it = index_of.find(dep.name); it != index_of.end() && counted_for[it->second] != i) {
        counted_for[it->second] = i;
        dependents[it->second].push_back(i);
        ++waiting[i];
      }
  }
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
  for (size_t i = 0; i < nodes.size(); ++i)
    if (waiting[i] == 0) ready.push(i);
  std::vector<bool> placed(nodes.size(), false);
  std::vector<std::string> order;
  order.reserve(nodes.size());
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

const ResolvedValue* ResolvedEnvironment::value(std::string_view path) const {
  auto it = std::lower_bound(flat.begin(), flat.end(), path,
                             [](const ResolvedValue& v, std::string_view p) { return v.path < p; });
  return it == flat.end() || it->path != path ? nullptr : &*it;
}

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
  std::string path;  // scratch for merge: the dotted path being merged
  std::unordered_set<std::string_view> wanted_set;  // views of the workspace's names
  auto want = [&](const std::string& component) { wanted_set.insert(component); };
  for (const NameRef& ref : env->blocks) {
    const Block* block = ws.block(ref.name);
    if (!block) continue;
    out.blocks.push_back(block->name);
    for (const NameRef& c : block->components) want(c.name);
    ValueOrigin origin{ValueOrigin::Layer::block, block->name, {}};
    merge(out.values, leaves, block->values, path, origin);
    for (const SecretSpec& secret : block->secrets) out.secrets.push_back({secret, block->name});
    for (const Infrastructure& infra : block->infrastructure) out.infrastructure.push_back(infra);
  }
  for (const NameRef& c : env->components) want(c.name);
  // The environment's own secrets: a name a block declares too is replaced.
  for (const SecretSpec& secret : env->secrets) {
    auto same = std::find_if(out.secrets.begin(), out.secrets.end(),
                             [&](const ResolvedSecret& s) { return s.spec.name == secret.name; });
    if (same != out.secrets.end()) *same = {secret, {}};
    else out.secrets.push_back({secret, {}});
  }
  if (env->platform)
    merge(out.values, leaves, env->platform->values, path, {ValueOrigin::Layer::platform, {}, {}});
  merge(out.values, leaves, env->values, path, {ValueOrigin::Layer::environment, {}, {}});
  out.components = deploy_order(ws, wanted_set);
  out.flat.reserve(leaves.size());
  for (auto& [leaf_path, value] : leaves) out.flat.push_back(std::move(value));
  return out;
}

Result<std::vector<SettingReference>> find_setting_references(std::string_view text, const std::string& owner) {
  std::vector<SettingReference> found;
  for (size_t at = 0;;) {
    size_t open = text.find("${{", at);
    if (open == std::string_view::npos) return found;
    size_t close = text.find("}}", open + 3);
    if (close == std::string_view::npos)
      return fail(ErrorCode::invalid_input,
                  owner + ": '" + std::string(text.substr(open, 40)) + "' has no closing '}}'");
    found.push_back({open, close + 2, trim(text.substr(open + 3, close - open - 3))});
    at = close + 2;
  }
}

namespace {

void add_secret_references(std::string_view text, std::set<std::string>& names) {
  Result<std::vector<SettingReference>> refs = find_setting_references(text, "");
  if (!refs) return;  // an unterminated reference is reported where the setting is used
  for (const SettingReference& ref : *refs)
    if (ref.inner.starts_with("secrets.")) names.emplace(ref.inner.substr(8));
}

void add_secret_references(const yaml::Node& node, std::set<std::string>& names) {
  if (node.is_scalar()) add_secret_references(node.text(), names);
  for (const yaml::Node& item : node.items()) add_secret_references(item, names);
  for (const yaml::Node::Entry& entry : node.entries()) add_secret_references(entry.value, names);
}

}  // namespace

std::vector<std::string> secrets_used_by(const Component& component) {
  std::set<std::string> names;
  for (const NameRef& declared : component.secrets) names.insert(declared.name);
  const Deploy& deploy = component.deploy;
  if (deploy.process) {
    add_secret_references(deploy.process->command, names);
    for (const std::string& arg : deploy.process->argv) add_secret_references(arg, names);
    for (const auto& [name, value] : deploy.process->env) add_secret_references(value, names);
  }
  if (deploy.helm) add_secret_references(deploy.helm->values, names);
  if (deploy.terraform) add_secret_references(deploy.terraform->vars, names);
  if (deploy.script)
    for (const std::string* text : {&deploy.script->plan, &deploy.script->apply, &deploy.script->rollback})
      add_secret_references(*text, names);
  return {names.begin(), names.end()};
}

}  // namespace slipway::model
