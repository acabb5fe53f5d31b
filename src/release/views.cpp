#include "release/views.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/json_text.h"
#include "core/strings.h"
#include "model/resolve.h"
#include "version/semver.h"

namespace slipway::release {
namespace {

std::string version_change(const std::string& from, const std::string& to) {
  if (from == to) return "unchanged";
  if (from.empty()) return "added";
  if (to.empty()) return "removed";
  std::optional<version::SemVer> a = version::parse_semver(from), b = version::parse_semver(to);
  if (a && b) return version::compare(*a, *b) < 0 ? "upgraded" : "downgraded";
  return "changed";
}

void compare_maps(const std::map<std::string, std::string>& a, const std::map<std::string, std::string>& b,
                  std::vector<Change>& out, bool versions) {
  std::set<std::string> keys;
  for (const auto& [k, v] : a) keys.insert(k);
  for (const auto& [k, v] : b) keys.insert(k);
  for (const std::string& k : keys) {
    auto ia = a.find(k), ib = b.find(k);
    std::string from = ia == a.end() ? "" : ia->second, to = ib == b.end() ? "" : ib->second;
    std::string change;
    if (ia == a.end()) change = "added";
    else if (ib == b.end()) change = "removed";
    else if (versions) change = version_change(from, to);
    else change = from == to ? "unchanged" : "changed";
    if (change != "unchanged") out.push_back({k, change, from, to});
  }
}

struct Side {
  bool is_env = false;
  std::map<std::string, std::string> components, values;
  std::set<std::string> secrets, blocks;
  std::map<std::string, std::string> platform;
  std::string config_digest;
};

std::string scalar_text(const yaml::Node& node) {
  if (node.is_scalar()) return node.text();
  return json_text(yaml::to_json(node));
}

Result<Side> load_side(store::Store& store, const model::Workspace& workspace, ReleaseService& service,
                       const std::string& name) {
  Side side;
  if (workspace.environment(name)) {
    side.is_env = true;
    Result<model::ResolvedEnvironment> env = model::resolve_environment(workspace, name);
    if (!env) return std::unexpected(env.error());
    Result<std::optional<store::EnvironmentState>> state = store.releases().environment_state(name);
    if (!state) return std::unexpected(state.error());
    std::optional<Release> applied;
    if (*state && !(*state)->release.empty()) {
      Result<Release> r = service.get((*state)->release);
      if (!r) return std::unexpected(r.error());
      applied = *r;
    }
    for (const std::string& c : env->components) {
      const ReleaseComponent* rc = applied ? applied->component(c) : nullptr;
      side.components[c] = rc ? rc->version : "(not applied)";
    }
    for (const model::ResolvedValue& v : env->flat) side.values[v.path] = scalar_text(v.value);
    for (const model::ResolvedSecret& s : env->secrets) side.secrets.insert(s.spec.name);
    for (const std::string& b : env->blocks) side.blocks.insert(b);
    side.platform["kind"] = model::platform_kind_name(env->platform.kind);
    side.platform["host"] = env->platform.host;
    side.platform["port_offset"] = std::to_string(env->platform.port_offset);
    side.platform["namespace"] = env->platform.namespace_name;
    return side;
  }
  Result<std::optional<store::ReleaseRecord>> record = store.releases().release(name);
  if (!record) return std::unexpected(record.error());
  if (!*record) return fail(ErrorCode::not_found, "unknown environment or release '" + name + "'");
  Result<Release> release = service.get(name);
  if (!release) return std::unexpected(release.error());
  for (const ReleaseComponent& c : release->components) side.components[c.name] = c.version;
  side.config_digest = release->config_digest;
  return side;
}

}  // namespace

Result<Diff> diff(store::Store& store, const model::Workspace& workspace, ReleaseService& service,
                  const std::string& a, const std::string& b, const SecretFingerprints& fingerprints) {
  Result<Side> sa = load_side(store, workspace, service, a);
  if (!sa) return std::unexpected(sa.error());
  Result<Side> sb = load_side(store, workspace, service, b);
  if (!sb) return std::unexpected(sb.error());
  Diff d;
  d.a = a;
  d.b = b;
  compare_maps(sa->components, sb->components, d.components, true);
  if (sa->is_env && sb->is_env) {
    compare_maps(sa->values, sb->values, d.values, false);
    std::map<std::string, std::string> ba, bb;
    for (const std::string& x : sa->blocks) ba[x] = x;
    for (const std::string& x : sb->blocks) bb[x] = x;
    compare_maps(ba, bb, d.blocks, false);
    compare_maps(sa->platform, sb->platform, d.platform, false);
    std::set<std::string> names(sa->secrets);
    names.insert(sb->secrets.begin(), sb->secrets.end());
    // Values live with the deploy module and are never read here: only their fingerprints.
    std::map<std::string, std::string> fa, fb;
    if (fingerprints) {
      Result<std::map<std::string, std::string>> got_a = fingerprints(a), got_b = fingerprints(b);
      if (!got_a) return std::unexpected(got_a.error());
      if (!got_b) return std::unexpected(got_b.error());
      fa = std::move(*got_a);
      fb = std::move(*got_b);
    }
    for (const std::string& n : names) {
      bool in_a = sa->secrets.count(n) > 0, in_b = sb->secrets.count(n) > 0;
      if (!in_a || !in_b) {
        d.secrets.push_back({n, in_a ? "removed" : "added", "", ""});
        continue;
      }
      auto ia = fa.find(n), ib = fb.find(n);
      if (ia == fa.end() || ib == fb.end())
        d.secrets.push_back({n, "not generated yet", ia == fa.end() ? "" : "generated", ib == fb.end() ? "" : "generated"});
      else
        d.secrets.push_back({n, ia->second == ib->second ? "unchanged" : "changed", "", ""});
    }
  } else if (!sa->is_env && !sb->is_env) {
    d.config = sa->config_digest == sb->config_digest ? "same" : "different";
  }
  return d;
}

nlohmann::json to_json(const Diff& d) {
  auto list = [](const std::vector<Change>& changes) {
    nlohmann::json out = nlohmann::json::array();
    for (const Change& c : changes)
      out.push_back({{"key", c.key}, {"change", c.change}, {"from", c.from}, {"to", c.to}});
    return out;
  };
  nlohmann::json out = {{"a", d.a},
                        {"b", d.b},
                        {"components", list(d.components)},
                        {"values", list(d.values)},
                        {"secrets", list(d.secrets)},
                        {"blocks", list(d.blocks)},
                        {"platform", list(d.platform)}};
  if (!d.config.empty()) out["config"] = d.config;
  return out;
}

Result<std::vector<EnvironmentStatus>> status(store::Store& store, const model::Workspace& workspace,
                                              ReleaseService& service) {
  std::vector<EnvironmentStatus> out;
  std::map<std::string, std::map<std::string, std::string>> versions;  // env → component → version
  std::map<std::string, bool> ever_built;                              // component → has a version
  for (const model::Environment& e : workspace.environments) {
    EnvironmentStatus s;
    s.name = e.name;
    s.mode = model::policy_mode_name(e.policy.mode);
    if (e.policy.promote_from) s.upstream = e.policy.promote_from->name;
    Result<model::ResolvedEnvironment> env = model::resolve_environment(workspace, e.name);
    if (!env) return std::unexpected(env.error());
    Result<std::optional<store::EnvironmentState>> state = store.releases().environment_state(e.name);
    if (!state) return std::unexpected(state.error());
    std::optional<Release> applied;
    if (*state) {
      s.release = (*state)->release;
      s.product_version = (*state)->product_version;
      s.last_result = (*state)->last_result;
      s.last_release = (*state)->last_release;
      if (!s.release.empty()) {
        Result<Release> r = service.get(s.release);
        if (!r) return std::unexpected(r.error());
        applied = *r;
      }
    }
    for (const std::string& c : env->components) {
      const ReleaseComponent* rc = applied ? applied->component(c) : nullptr;
      s.components.emplace_back(c, rc ? rc->version : "");
      versions[e.name][c] = rc ? rc->version : "";
      if (rc) continue;
      auto known = ever_built.find(c);
      if (known == ever_built.end()) {  // once per component, not once per environment
        Result<std::vector<store::ComponentVersionRecord>> built = store.releases().component_versions(c);
        if (!built) return std::unexpected(built.error());
        known = ever_built.emplace(c, !built->empty()).first;
      }
      if (!known->second) s.not_built.push_back(c);
    }
    if (!s.upstream.empty()) {
      for (const auto& [c, v] : s.components) {
        auto up = versions[s.upstream].find(c);
        if (up != versions[s.upstream].end() && up->second != v) s.differs_from_upstream.push_back(c);
      }
      // Pending: the upstream's release, when it is not here yet and a gate still waits on approvals.
      Result<std::optional<store::EnvironmentState>> up = store.releases().environment_state(s.upstream);
      if (!up) return std::unexpected(up.error());
      if (*up && !(*up)->release.empty() && (*up)->release != s.release && !e.policy.approvals.empty()) {
        Result<std::vector<store::ApprovalRecord>> approvals =
            store.releases().approvals((*up)->release, e.name);
        if (!approvals) return std::unexpected(approvals.error());
        Result<Release> upstream_release = service.get((*up)->release);
        if (!upstream_release) return std::unexpected(upstream_release.error());
        GateFacts facts{(*up)->release, upstream_release->created_by, "", false, {}, *approvals,
                        system_clock().now()};
        model::Environment no_freeze = e;
        no_freeze.policy.freeze.clear();
        Result<GateDecision> decision = check_gates(workspace, no_freeze, facts);
        if (!decision) return std::unexpected(decision.error());
        for (const std::string& m : decision->missing) s.pending.push_back((*up)->release + ": " + m);
      }
    }
    out.push_back(std::move(s));
  }
  return out;
}

nlohmann::json to_json(const std::vector<EnvironmentStatus>& status) {
  nlohmann::json out = nlohmann::json::array();
  for (const EnvironmentStatus& s : status) {
    nlohmann::json components = nlohmann::json::object(), order = nlohmann::json::array();
    for (const auto& [c, v] : s.components) components[c] = v, order.push_back(c);
    out.push_back({{"environment", s.name}, {"mode", s.mode}, {"upstream", s.upstream},
                   {"release", s.release}, {"product_version", s.product_version},
                   {"last_result", s.last_result}, {"last_release", s.last_release},
                   {"components", components}, {"component_order", order}, {"differs_from_upstream", s.differs_from_upstream},
                   {"pending", s.pending}, {"not_built", s.not_built}});
  }
  return out;
}

Result<std::vector<HistoryEntry>> history(store::Store& store, const model::Workspace& workspace,
                                          const std::string& environment) {
  if (!workspace.environment(environment))
    return fail(ErrorCode::not_found, "unknown environment '" + environment + "'");
  store::EventFilter filter;
  filter.subject = "env:" + environment;  // applies, approvals, secrets revealed or rotated, locks broken
  Result<std::vector<store::Event>> events = store.events().list(filter);
  if (!events) return std::unexpected(events.error());
  std::vector<HistoryEntry> out;
  for (const store::Event& e : *events) {
    const std::string what = e.kind.starts_with("release.") ? e.kind.substr(8) : e.kind;
    HistoryEntry h{e.id, e.time, e.actor, what, e.detail.value("release", ""),
                   e.detail.value("reason", ""), e.detail.value("message", "")};
    if (e.detail.contains("missing")) {
      std::vector<std::string> missing = e.detail["missing"].get<std::vector<std::string>>();
      h.message = join(missing, "; ");
    }
    if (e.detail.contains("forced"))
      h.message += (h.message.empty() ? "" : "; ") + std::string("forced");
    if (e.kind.starts_with("secret.")) h.message = "secret " + e.detail.value("name", "");
    if (e.kind == "lock.broken") h.message = "held by " + e.detail.value("holder", "");
    if (e.kind == "lock.takeover") h.message = e.detail.value("reason", "");
    if (e.kind.starts_with("deployment.")) {  // a pipeline's deployment job (service/deployment_jobs.cpp)
      h.release = e.detail.value("approval", "");
      h.message = "run " + e.detail.value("run", "") + " job " + e.detail.value("job", "");
      if (e.detail.contains("result"))
        h.message += ": " + e.detail.value("result", "") + " in " + std::to_string(e.detail.value("seconds", 0)) + " s";
    }
    out.push_back(std::move(h));
  }
  return out;
}

nlohmann::json to_json(const std::vector<HistoryEntry>& history) {
  nlohmann::json out = nlohmann::json::array();
  for (const HistoryEntry& h : history)
    out.push_back({{"id", h.id}, {"time", format_utc(h.time)}, {"actor", h.actor}, {"what", h.what},
                   {"release", h.release}, {"reason", h.reason}, {"message", h.message}});
  return out;
}

}  // namespace slipway::release
