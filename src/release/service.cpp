#include "release/service.h"

#include <algorithm>
#include <set>
#include <chrono>
#include <thread>

#include "core/strings.h"
#include "core/yaml.h"
#include "model/resolve.h"
#include "release/codec.h"
#include "version/product_version.h"
#include "version/semver.h"

namespace slipway::release {
namespace {

std::string env_subject(const std::string& env) { return "env:" + env; }

std::vector<std::string> component_names(const model::Workspace& workspace) {
  return model::names_of(workspace.components);
}


}  // namespace

Result<const model::Environment*> ReleaseService::environment(const std::string& name) const {
  return m_workspace.require_environment(name);
}

Result<Release> ReleaseService::create(std::vector<ReleaseComponent> components, const std::string& source,
                                       const std::string& actor, Builds builds) {
  if (components.empty()) return fail(ErrorCode::invalid_input, "a release needs at least one component");
  for (ReleaseComponent& c : components) {
    if (!m_workspace.component(c.name))
      return fail(ErrorCode::invalid_input,
                  "unknown component '" + c.name + "'" + did_you_mean(c.name, component_names(m_workspace)));
    Result<std::optional<store::ComponentVersionRecord>> built =
        m_store.releases().component_version(c.name, c.version);
    if (!built) return std::unexpected(built.error());
    if (*built) c.artifact_digest = (*built)->artifact_digest;
    else if (builds == Builds::required)
      return fail(ErrorCode::invalid_input, "component " + c.name + " has no build of version " + c.version);
  }
  std::sort(components.begin(), components.end(),
            [](const ReleaseComponent& a, const ReleaseComponent& b) { return a.name < b.name; });
  Result<std::string> digest = config_digest(m_workspace);
  if (!digest) return std::unexpected(digest.error());

  return m_store.transaction([&]() -> Result<Release> {
    Result<std::vector<store::ReleaseRecord>> all = m_store.releases().releases();
    if (!all) return std::unexpected(all.error());
    std::optional<version::SemVer> previous;
    for (const store::ReleaseRecord& r : *all)
      if (std::optional<version::SemVer> v = version::parse_semver(r.id); v && (!previous || *previous < *v))
        previous = v;
    version::PatchScheme scheme = m_workspace.product.patch == model::PatchScheme::counter
                                      ? version::PatchScheme::counter
                                      : version::PatchScheme::timestamp;
    Result<version::SemVer> id = version::next_product_version(
        {m_workspace.product.major, m_workspace.product.minor}, scheme, previous,
        std::chrono::system_clock::time_point(m_clock.now().time_since_epoch()));
    if (!id) return std::unexpected(id.error());
    Release release{id->to_string(), components, *digest, source, actor, m_clock.now()};
    store::ReleaseRecord record{release.id, actor, release.created, to_json(release)};
    if (Status s = m_store.releases().add_release(record); !s) return std::unexpected(s.error());
    Result<std::optional<store::ReleaseRecord>> stored = m_store.releases().release(release.id);
    if (!stored) return std::unexpected(stored.error());
    release.created = (*stored)->created;
    if (Result<std::int64_t> e = m_store.events().append(
            {actor, "release.created", "release:" + release.id, {{"source", source}}});
        !e)
      return std::unexpected(e.error());
    return release;
  });
}

Result<Release> ReleaseService::create_from_environment(const CreateOptions& options, const std::string& actor) {
  Result<const model::Environment*> env = environment(options.from);
  if (!env) return std::unexpected(env.error());
  for (const auto& [name, version] : options.pins)
    if (!m_workspace.component(name))
      return fail(ErrorCode::invalid_input, "unknown component '" + name + "' in --pin" +
                                                did_you_mean(name, component_names(m_workspace)));
  for (const std::string& name : options.excludes)
    if (!m_workspace.component(name))
      return fail(ErrorCode::invalid_input, "unknown component '" + name + "' in --exclude" +
                                                did_you_mean(name, component_names(m_workspace)));
  Result<std::optional<store::EnvironmentState>> state = m_store.releases().environment_state(options.from);
  if (!state) return std::unexpected(state.error());
  if (!*state || (*state)->release.empty())
    return fail(ErrorCode::conflict, options.from + " has no release applied yet");
  Result<Release> base = get((*state)->release);
  if (!base) return std::unexpected(base.error());

  // Every component of the product: the environment's versions, else the
  // latest build (components the environment does not run, e.g. acme-bridge).
  std::vector<ReleaseComponent> components;
  for (const model::Component& c : m_workspace.components) {
    if (std::find(options.excludes.begin(), options.excludes.end(), c.name) != options.excludes.end()) continue;
    std::string version;
    if (auto pin = options.pins.find(c.name); pin != options.pins.end()) {
      version = pin->second;
    } else if (const ReleaseComponent* in_env = base->component(c.name)) {
      version = in_env->version;
    } else {
      Result<std::vector<store::ComponentVersionRecord>> built = m_store.releases().component_versions(c.name);
      if (!built) return std::unexpected(built.error());
      if (built->empty()) continue;
      version = built->back().version;
    }
    components.push_back({c.name, version, ""});
  }
  return create(std::move(components), "env:" + options.from, actor);
}

Result<Release> ReleaseService::create_from_file(const std::string& path, const std::string& actor) {
  Result<yaml::Node> doc = yaml::load_file(path);
  if (!doc) return std::unexpected(doc.error());
  const yaml::Node* list = doc->is_mapping() ? doc->get("components") : nullptr;
  if (!list || !list->is_mapping())
    return fail(ErrorCode::invalid_input, "a release file needs 'components:', a mapping of component: version",
                doc->position());
  std::vector<ReleaseComponent> components;
  for (const yaml::Node::Entry& entry : list->entries()) {
    if (!entry.value.is_scalar() || entry.value.text().empty())
      return fail(ErrorCode::invalid_input, "version of " + entry.key.text() + ": expected a version",
                  entry.value.position());
    if (!m_workspace.component(entry.key.text()))
      return fail(ErrorCode::invalid_input,
                  "unknown component '" + entry.key.text() + "'" +
                      did_you_mean(entry.key.text(), component_names(m_workspace)),
                  entry.key.position());
    components.push_back({entry.key.text(), entry.value.text(), ""});
  }
  Result<Release> release = create(std::move(components), "file:" + path, actor);
  if (!release && release.error().code == ErrorCode::invalid_input) {
    Error e = release.error();
    e.message = path + ": " + e.message;
    return std::unexpected(e);
  }
  return release;
}

Result<Release> ReleaseService::get(const std::string& id) {
  Result<std::optional<store::ReleaseRecord>> record = m_store.releases().release(id);
  if (!record) return std::unexpected(record.error());
  if (!*record) return fail(ErrorCode::not_found, "unknown release '" + id + "'");
  return from_record(**record);
}

Result<std::vector<Release>> ReleaseService::list() {
  Result<std::vector<store::ReleaseRecord>> records = m_store.releases().releases();
  if (!records) return std::unexpected(records.error());
  std::vector<Release> out;
  for (const store::ReleaseRecord& r : *records) {
    Result<Release> one = from_record(r);
    if (!one) return std::unexpected(one.error());
    out.push_back(std::move(*one));
  }
  return out;
}

Status ReleaseService::approve(const std::string& release, const std::string& environment_name,
                               const std::string& actor) {
  Result<Release> r = get(release);
  if (!r) return std::unexpected(r.error());
  Result<const model::Environment*> env = environment(environment_name);
  if (!env) return std::unexpected(env.error());
  if (std::optional<std::string> why = approval_refusal(m_workspace, **env, actor, r->id, r->created_by))
    return fail(ErrorCode::denied, *why);
  return m_store.transaction([&]() -> Status {
    if (Status s = m_store.releases().add_approval({release, environment_name, actor, {}}); !s) return s;
    Result<std::int64_t> e = m_store.events().append(
        {actor, "release.approved", env_subject(environment_name), {{"release", release}}});
    if (!e) return std::unexpected(e.error());
    return {};
  });
}

Result<bool> ReleaseService::was_applied(const std::string& release, const std::string& environment_name) {
  store::EventFilter filter;
  filter.subject = env_subject(environment_name);
  filter.kind = "release.applied";
  Result<std::vector<store::Event>> events = m_store.events().list(filter);
  if (!events) return std::unexpected(events.error());
  for (const store::Event& e : *events)
    if (e.detail.value("release", "") == release) return true;
  return false;
}

Result<GateDecision> ReleaseService::gates(const Release& release, const model::Environment& env,
                                           const std::string& actor, bool force) {
  GateFacts facts{release.id, release.created_by, actor, force, {}, {}, m_clock.now()};
  if (env.policy.promote_from) {
    Result<const model::Environment*> source = environment(env.policy.promote_from->name);
    if (!source) return std::unexpected(source.error());
    Result<std::vector<std::string>> missing = not_run_in(release, **source);
    if (!missing) return std::unexpected(missing.error());
    facts.not_run_in_source = std::move(*missing);
  }
  Result<std::vector<store::ApprovalRecord>> approvals = m_store.releases().approvals(release.id, env.name);
  if (!approvals) return std::unexpected(approvals.error());
  facts.approvals = std::move(*approvals);
  return check_gates(m_workspace, env, facts);
}

Result<ApplyRecord> ReleaseService::promote(const std::string& release, const std::string& environment_name,
                                            const std::string& actor, Applier& applier,
                                            const PromoteOptions& options) {
  Result<Release> r = get(release);
  if (!r) return std::unexpected(r.error());
  Result<const model::Environment*> env = environment(environment_name);
  if (!env) return std::unexpected(env.error());
  return run_locked(*r, **env, actor, ApplyReason::promote, applier, options, true);
}

Result<ApplyRecord> ReleaseService::apply(const std::string& release, const std::string& environment_name,
                                          const std::string& actor, Applier& applier,
                                          const PromoteOptions& options, ApplyReason reason) {
  Result<Release> r = get(release);
  if (!r) return std::unexpected(r.error());
  Result<const model::Environment*> env = environment(environment_name);
  if (!env) return std::unexpected(env.error());
  return run_locked(*r, **env, actor, reason, applier, options, false);
}

Result<std::optional<Release>> ReleaseService::current(const std::string& environment_name) {
  Result<std::optional<store::EnvironmentState>> state = m_store.releases().environment_state(environment_name);
  if (!state) return std::unexpected(state.error());
  if (!*state || (*state)->release.empty()) return std::optional<Release>();
  Result<Release> release = get((*state)->release);
  if (!release) return std::unexpected(release.error());
  return std::optional<Release>(std::move(*release));
}

Result<Release> ReleaseService::create_hotfix(const std::string& environment_name,
                                              const std::map<std::string, std::string>& versions,
                                              const std::string& actor) {
  Result<const model::Environment*> env = environment(environment_name);
  if (!env) return std::unexpected(env.error());
  for (const auto& [name, version] : versions)
    if (!m_workspace.component(name))
      return fail(ErrorCode::invalid_input,
                  "unknown component '" + name + "'" + did_you_mean(name, model::names_of(m_workspace.components)));
  Result<std::optional<Release>> running = current(environment_name);
  if (!running) return std::unexpected(running.error());
  std::vector<ReleaseComponent> components;
  if (*running)
    for (const ReleaseComponent& c : (*running)->components)
      if (!versions.contains(c.name)) components.push_back({c.name, c.version, ""});
  for (const auto& [name, version] : versions) components.push_back({name, version, ""});
  return create(std::move(components), "hotfix:" + environment_name, actor, Builds::optional);
}

// Every version that ran: the components of each release applied successfully to `source`.
Result<std::vector<std::string>> ReleaseService::not_run_in(const Release& release, const model::Environment& source) {
  Result<model::ResolvedEnvironment> resolved = model::resolve_environment(m_workspace, source.name);
  if (!resolved) return std::unexpected(resolved.error());
  store::EventFilter filter;
  filter.subject = env_subject(source.name);
  filter.kind = "release.applied";
  Result<std::vector<store::Event>> events = m_store.events().list(filter);
  if (!events) return std::unexpected(events.error());
  std::set<std::string> ran, seen_releases;
  for (const store::Event& e : *events) {
    const std::string id = e.detail.value("release", "");
    if (!seen_releases.insert(id).second) continue;
    Result<Release> applied = get(id);
    if (!applied) return std::unexpected(applied.error());
    for (const ReleaseComponent& c : applied->components) ran.insert(c.name + " " + c.version);
  }
  std::vector<std::string> missing;
  for (const ReleaseComponent& c : release.components) {
    const bool deployed = std::find(resolved->components.begin(), resolved->components.end(), c.name) !=
                          resolved->components.end();
    if (deployed && !ran.contains(c.name + " " + c.version)) missing.push_back(c.name + " " + c.version);
  }
  return missing;
}

}  // namespace slipway::release
