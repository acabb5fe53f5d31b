// Planning: compare the desired state of an environment with what the store
// says is applied (and what drivers observe), entry by entry.
//
// Order. Installs, upgrades, configuration changes and repairs go in waves:
// a component's wave is one more than the highest wave of the components it
// depends on that are in the environment, so every dependency is applied
// before its dependants and a wave's entries may run in parallel.
// Infrastructure comes first (wave 0, components start at wave 1): services
// need their infrastructure. Removes come after everything else, dependants
// before what they depend on (reverse of the apply order), one per wave.
// Entries with action `nothing` keep their wave so the plan reads in order.
#include "deploy/plan.h"

#include <algorithm>
#include <charconv>
#include <unordered_map>
#include <unordered_set>

#include "core/hash.h"
#include "core/strings.h"

namespace slipway::deploy {

const char* plan_action_name(PlanAction action) {
  switch (action) {
    case PlanAction::nothing: return "nothing";
    case PlanAction::install: return "install";
    case PlanAction::upgrade: return "upgrade";
    case PlanAction::configure: return "configure";
    case PlanAction::repair: return "repair";
    case PlanAction::remove: return "remove";
  }
  return "?";
}

bool Plan::has_changes() const {
  return std::any_of(entries.begin(), entries.end(),
                     [](const PlanEntry& e) { return e.action != PlanAction::nothing; });
}

int Plan::waves() const {
  int most = -1;
  for (const PlanEntry& e : entries) most = std::max(most, e.wave);
  return most + 1;
}

namespace {

// config[key] = value, constant time when `key` sorts after every key so far.
void put(std::map<std::string, std::string>& config, std::string key, std::string value) {
  config.insert_or_assign(config.end(), std::move(key), std::move(value));
}

std::string node_text(const yaml::Node& node) {
  if (node.is_scalar()) return node.text();
  if (node.is_null()) return "";
  return to_yaml(node);
}

// Substitutes ${{ values.a.b }} and ${{ secrets.n }} (a secret by generation).
Result<std::string> render(std::string_view text, const std::string& component,
                           const model::ResolvedEnvironment& env, const std::map<std::string, int>& generations) {
  Result<std::vector<model::SettingReference>> refs = model::find_setting_references(text, "component " + component);
  if (!refs) return std::unexpected(refs.error());
  std::string out;
  out.reserve(text.size());
  size_t at = 0;
  for (const model::SettingReference& ref : *refs) {
    out.append(text.substr(at, ref.begin - at));
    if (ref.inner.starts_with("values.")) {
      const model::ResolvedValue* value = env.value(ref.inner.substr(7));
      if (!value)
        return fail(ErrorCode::invalid_input, "component " + component + ": ${{ " + std::string(ref.inner) +
                                                  " }} is not set in environment " + env.name);
      out += node_text(value->value);
    } else if (ref.inner.starts_with("secrets.")) {
      std::string name(ref.inner.substr(8));
      auto it = generations.find(name);
      out += "<secret " + name + " generation " + std::to_string(it == generations.end() ? 0 : it->second) + ">";
    } else {
      out.append(text.substr(ref.begin, ref.end - ref.begin));
    }
    at = ref.end;
  }
  out.append(text.substr(at));
  return out;
}

void flatten_vars(const yaml::Node& node, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (node.is_mapping()) {
    for (const auto& entry : node.entries()) flatten_vars(entry.value, prefix + "." + entry.key.text(), out);
  } else {
    out[prefix] = node_text(node);
  }
}

std::map<std::string, std::string> infra_config(const model::Infrastructure& infra) {
  std::map<std::string, std::string> config;
  config["module"] = infra.module;
  if (!infra.vars.is_null()) flatten_vars(infra.vars, "vars", config);
  return config;
}

std::vector<std::string> changed_keys(const std::map<std::string, std::string>& config, const nlohmann::json& applied) {
  std::vector<std::string> keys;
  for (const auto& [key, value] : config) {
    auto it = applied.find(key);
    if (it == applied.end() || !it->is_string() || it->get<std::string>() != sha256_hex(value)) keys.push_back(key);
  }
  for (auto it = applied.begin(); it != applied.end(); ++it)
    if (!config.contains(it.key())) keys.push_back(it.key());
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace

Result<std::map<std::string, std::string>> component_config(const model::Component& component,
                                                            const model::ResolvedEnvironment& env,
                                                            const std::map<std::string, int>& generations) {
  std::map<std::string, std::string> config;
  const model::Platform& platform = env.platform;
  switch (platform.kind) {
    case model::PlatformKind::process: {
      if (!component.deploy.process) break;
      // Keys go in in sorted order (command < cwd < env.* < health < host <
      // platform < port), so each insert at the end hint is constant time.
      const model::ProcessDeploy& p = *component.deploy.process;
      put(config, "command", p.command.empty() ? join(p.argv, " ") : p.command);
      put(config, "cwd", p.cwd);
      for (const auto& [name, value] : p.env) {
        Result<std::string> text = render(value, component.name, env, generations);
        if (!text) return std::unexpected(text.error());
        put(config, "env." + name, std::move(*text));
      }
      const char* kinds[] = {"none", "http", "tcp"};
      put(config, "health",
          std::string(kinds[static_cast<int>(p.health.kind)]) + " " + p.health.http_path + " " +
              std::to_string(p.health.timeout_seconds) + "s x" + std::to_string(p.health.retries));
      put(config, "host", platform.host);
      if (p.port) put(config, "port", std::to_string(*p.port + platform.port_offset));
      break;
    }
    case model::PlatformKind::helm:
      if (component.deploy.helm) {
        config["chart"] = component.deploy.helm->chart;
        config["namespace"] = platform.namespace_name;
        if (!component.deploy.helm->values.is_null()) flatten_vars(component.deploy.helm->values, "values", config);
      }
      break;
    case model::PlatformKind::kubectl:
      if (component.deploy.kubectl) config["manifests"] = join(component.deploy.kubectl->manifests, ",");
      config["namespace"] = platform.namespace_name;
      break;
    case model::PlatformKind::terraform:
      if (component.deploy.terraform) {
        config["module"] = component.deploy.terraform->module;
        if (!component.deploy.terraform->vars.is_null()) flatten_vars(component.deploy.terraform->vars, "vars", config);
      }
      break;
    case model::PlatformKind::script:
      if (component.deploy.script) config["apply"] = component.deploy.script->apply;
      break;
  }
  put(config, "platform", model::platform_kind_name(platform.kind));
  // Values reach helm/terraform/script drivers whole: each leaf is a key there.
  if (platform.kind != model::PlatformKind::process)
    for (const model::ResolvedValue& v : env.flat) config["value." + v.path] = node_text(v.value);
  return config;
}

std::string config_digest(const std::map<std::string, std::string>& config) {
  // One hash over "key\0size\0value" records (sizes keep the framing unambiguous),
  // streamed: no text of the whole configuration is built.
  Sha256 hash;
  char size[24];
  for (const auto& [key, value] : config) {
    hash.update(key);
    hash.update(std::string_view("\0", 1));
    auto end = std::to_chars(size, size + sizeof size, value.size()).ptr;
    hash.update(std::string_view(size, static_cast<size_t>(end - size)));
    hash.update(std::string_view("\0", 1));
    hash.update(value);
  }
  return hash.finish_hex();
}

nlohmann::json config_key_digests(const std::map<std::string, std::string>& config) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : config) out[key] = sha256_hex(value);
  return out;
}

Result<Plan> make_plan(const PlanInput& input) {
  const model::ResolvedEnvironment& env = *input.environment;
  const model::Workspace& ws = *input.workspace;
  Plan plan;
  plan.environment = env.name;
  // Lookups keyed by views of strings the inputs own (they outlive the plan).
  std::unordered_map<std::string_view, const store::AppliedTarget*> applied;
  applied.reserve(input.applied.size());
  for (const store::AppliedTarget& t : input.applied) applied.emplace(t.target, &t);
  std::unordered_map<std::string_view, const model::Component*> components;
  components.reserve(ws.components.size());
  for (const model::Component& c : ws.components) components.emplace(c.name, &c);
  std::unordered_map<std::string_view, int> wave_of;
  wave_of.reserve(env.components.size());
  // Every infrastructure entry and every component of the environment is desired.
  std::vector<std::string> infra_targets;
  infra_targets.reserve(env.infrastructure.size());
  for (const model::Infrastructure& infra : env.infrastructure) infra_targets.push_back("infra:" + infra.name);
  std::unordered_set<std::string_view> desired;
  desired.reserve(infra_targets.size() + env.components.size());
  desired.insert(infra_targets.begin(), infra_targets.end());
  desired.insert(env.components.begin(), env.components.end());
  plan.entries.reserve(env.infrastructure.size() + env.components.size() + input.applied.size());

  auto decide = [&](PlanEntry& entry) {
    auto found = applied.find(entry.target);
    entry.config_digest = config_digest(entry.config);
    auto seen = input.observed.find(entry.target);
    if (found == applied.end()) {
      entry.action = PlanAction::install;
      entry.why = "not applied yet";
      if (seen != input.observed.end() && seen->second.present) entry.drift = "found running but not recorded";
      return;
    }
    const store::AppliedTarget& now = *found->second;
    entry.from_version = now.version;
    bool version_changed = now.version != entry.to_version || (!entry.digest.empty() && now.digest != entry.digest);
    bool config_changed = now.config_digest != entry.config_digest;
    if (config_changed) entry.changed_keys = changed_keys(entry.config, now.config);
    if (version_changed) {
      entry.action = PlanAction::upgrade;
      entry.why = now.version == entry.to_version ? now.version + " rebuilt (artifact digest changed)"
                                                  : now.version + " -> " + entry.to_version;
      if (config_changed) entry.why += "; configuration: " + join(entry.changed_keys, ", ");
    } else if (config_changed) {
      entry.action = PlanAction::configure;
      entry.why = "configuration: " + join(entry.changed_keys, ", ");
    } else {
      entry.why = "up to date";
    }
    if (seen != input.observed.end()) {
      if (!seen->second.present) {
        entry.drift = "recorded as applied but not running";
      } else if (!seen->second.version.empty() && seen->second.version != now.version) {
        entry.drift = "running " + seen->second.version + ", recorded " + now.version;
      } else if (!seen->second.drift.empty()) {
        entry.drift = seen->second.drift;
      }
      if (!entry.drift.empty() && entry.action == PlanAction::nothing) {
        entry.action = PlanAction::repair;
        entry.why = "drift: " + entry.drift;
      }
    }
  };

  for (size_t i = 0; i < env.infrastructure.size(); ++i) {
    PlanEntry entry;
    entry.target = infra_targets[i];
    entry.config = infra_config(env.infrastructure[i]);
    entry.wave = 0;
    decide(entry);
    plan.entries.push_back(std::move(entry));
  }
  for (const std::string& name : env.components) {  // already in dependency order
    auto known = components.find(name);
    const model::Component* component = known == components.end() ? nullptr : known->second;
    if (!component) return fail(ErrorCode::not_found, "unknown component '" + name + "'");
    auto wanted = input.wanted.find(name);
    if (wanted == input.wanted.end()) {
      bool is_applied = applied.find(name) != applied.end();
      if (is_applied)
        return fail(ErrorCode::invalid_input,
                    "no version of component '" + name + "' is known for environment '" + env.name + "'");
      // Never built yet (an auto environment's first builds): left out, shown.
      PlanEntry entry;
      entry.target = name;
      entry.why = "not yet built";
      wave_of[name] = 1;
      plan.entries.push_back(std::move(entry));
      continue;
    }
    PlanEntry entry;
    entry.target = name;
    entry.to_version = wanted->second.version;
    entry.digest = wanted->second.digest;
    Result<std::map<std::string, std::string>> config = component_config(*component, env, input.secret_generations);
    if (!config) return std::unexpected(config.error());
    entry.config = std::move(*config);
    int wave = 1;
    for (const model::NameRef& dep : component->depends_on) {
      auto w = wave_of.find(dep.name);
      if (w != wave_of.end()) wave = std::max(wave, w->second + 1);
    }
    wave_of[name] = wave;
    entry.wave = wave;
    decide(entry);
    plan.entries.push_back(std::move(entry));
  }
  // Removes: what is applied but no longer desired, dependants first.
  std::vector<const store::AppliedTarget*> gone;
  for (const store::AppliedTarget& t : input.applied)
    if (!desired.contains(t.target)) gone.push_back(&t);
  auto declared_index = [&](const std::string& target) -> std::ptrdiff_t {
    auto it = components.find(target);  // the first component declared with that name
    if (it == components.end()) return -1;  // no longer declared, or infrastructure: after the components
    return it->second - ws.components.data();
  };
  std::stable_sort(gone.begin(), gone.end(), [&](const store::AppliedTarget* a, const store::AppliedTarget* b) {
    return declared_index(a->target) > declared_index(b->target);
  });
  int next_wave = plan.waves();
  for (const store::AppliedTarget* t : gone) {
    PlanEntry entry;
    entry.target = t->target;
    entry.action = PlanAction::remove;
    entry.from_version = t->version;
    entry.why = "no longer in environment " + env.name;
    entry.wave = next_wave++;
    plan.entries.push_back(std::move(entry));
  }
  // Stable by wave: waves are small non-negative numbers, so a counting sort
  // moves each entry once (a comparison sort moved them n log n times).
  std::vector<size_t> starts(static_cast<size_t>(plan.waves()) + 1, 0);
  for (const PlanEntry& e : plan.entries) ++starts[static_cast<size_t>(e.wave) + 1];
  for (size_t w = 1; w < starts.size(); ++w) starts[w] += starts[w - 1];
  std::vector<PlanEntry> sorted(plan.entries.size());
  for (PlanEntry& e : plan.entries) sorted[starts[static_cast<size_t>(e.wave)]++] = std::move(e);
  plan.entries = std::move(sorted);
  return plan;
}

}  // namespace slipway::deploy
