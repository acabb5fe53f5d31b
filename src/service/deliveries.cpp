// Releases, approvals, promotion, rollback, apply and hotfix, plan, and the
// views over them. Each action checks the acting identity's permission, then
// goes through release::ReleaseService: one apply path, under the
// environment's lock, with its heartbeat, the environment's state and history.
#include <algorithm>

#include "deploy/driver.h"
#include "model/resolve.h"
#include "release/gates.h"
#include "service/runs.h"
#include "service/service.h"
#include "version/semver.h"

namespace slipway::service {
namespace {

// --version C=V pairs must name semantic versions (checked before anything else: bad input).
Status check_semver(const std::map<std::string, std::string>& versions) {
  for (const auto& [name, version] : versions)
    if (!version::parse_semver(version))
      return fail(ErrorCode::invalid_input, "--version " + name + "=" + version +
                                                ": not a semantic version (MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD])");
  return {};
}

}  // namespace

release::PromoteOptions Service::promote_options(const ApplyOptions& options) const {
  release::PromoteOptions out;
  out.force = options.force;
  out.wait = options.wait;
  return out;
}

Status Service::permit_force(const ApplyOptions& options, const model::Environment& env) const {
  if (!options.force) return {};
  return permit(Permission::force, &env, "force a change of " + env.name);
}

Result<release::Release> Service::create_release(const release::CreateOptions& options) {
  if (Status s = permit(Permission::release, nullptr, "create a release"); !s) return std::unexpected(s.error());
  return m_releases->create_from_environment(options, m_config.actor);
}

Result<release::Release> Service::create_release_from_file(const std::string& path) {
  if (Status s = permit(Permission::release, nullptr, "create a release"); !s) return std::unexpected(s.error());
  return m_releases->create_from_file(path, m_config.actor);
}

Result<release::Release> Service::release(const std::string& id) { return m_releases->get(id); }

Result<std::vector<release::Release>> Service::releases() { return m_releases->list(); }

// Approving needs no permission of its own: the environment's approvals name the roles that may.
Status Service::approve(const std::string& release_id, const std::string& environment_name) {
  Result<std::string> who = actor();
  if (!who) return std::unexpected(who.error());
  if (release_id.starts_with("run-")) return approve_deployment(release_id, environment_name, *who);
  return m_releases->approve(release_id, environment_name, *who);
}

// A deployment job waiting for `environment` (service/deployment_jobs.cpp):
// the approval is for its subject, its requester the run's actor.
Status Service::approve_deployment(const std::string& subject, const std::string& environment_name,
                                   const std::string& who) {
  Result<const model::Environment*> env = environment(environment_name);
  if (!env) return std::unexpected(env.error());
  store::EventFilter filter{.subject = "env:" + environment_name, .kind = "deployment.requested"};
  Result<std::vector<store::Event>> asked = m_store->events().list(filter);
  if (!asked) return std::unexpected(asked.error());
  const store::Event* request = nullptr;
  for (const store::Event& event : *asked)
    if (event.detail.value("approval", "") == subject) request = &event;
  if (!request)
    return fail(ErrorCode::not_found, "no deployment job asked for approval as " + subject + " on " + environment_name);
  if (std::optional<std::string> why = release::approval_refusal(m_workspace, **env, who, subject, request->actor))
    return fail(ErrorCode::denied, *why);
  // Kept as events (the approvals table is for releases): deployment_approvals() reads them back.
  return m_store->transaction([&]() -> Status {
    Result<std::vector<store::ApprovalRecord>> given = deployment_approvals(*m_store, subject, environment_name);
    if (!given) return std::unexpected(given.error());
    for (const store::ApprovalRecord& approval : *given)
      if (approval.actor == who)
        return fail(ErrorCode::conflict, who + " already approved " + subject + " for " + environment_name);
    Result<std::int64_t> e = m_store->events().append({who, "deployment.approved", "env:" + environment_name,
                                                       {{"approval", subject}, {"run", request->detail.value("run", "")}}});
    if (!e) return std::unexpected(e.error());
    return {};
  });
}

Result<release::ApplyRecord> Service::promote(const std::string& release_id, const std::string& environment_name,
                                              const ApplyOptions& options) {
  Result<const model::Environment*> env = environment(environment_name);
  if (!env) return std::unexpected(env.error());
  if (Status s = permit(Permission::promote, *env, "promote to " + environment_name); !s)
    return std::unexpected(s.error());
  if (Status s = permit_force(options, **env); !s) return std::unexpected(s.error());
  if (Status s = check_plannable(environment_name, release_id, {}); !s) return std::unexpected(s.error());
  return m_releases->promote(release_id, environment_name, m_config.actor, applier(), promote_options(options));
}

Result<release::ApplyRecord> Service::rollback(const std::string& environment_name,
                                               const std::optional<std::string>& to, const ApplyOptions& options) {
  Result<const model::Environment*> env = environment(environment_name);
  if (!env) return std::unexpected(env.error());
  if (Status s = permit(Permission::rollback, *env, "roll back " + environment_name); !s)
    return std::unexpected(s.error());
  return m_releases->rollback(environment_name, to, m_config.actor, applier(), promote_options(options));
}

Result<release::ApplyRecord> Service::apply(const std::string& environment_name,
                                            const std::optional<std::string>& release_id,
                                            const ApplyOptions& options) {
  Result<const model::Environment*> env = environment(environment_name);
  if (!env) return std::unexpected(env.error());
  if (Status s = permit(Permission::apply, *env, "apply to " + environment_name); !s)
    return std::unexpected(s.error());
  if (Status s = permit_force(options, **env); !s) return std::unexpected(s.error());
  std::string id;
  if (release_id) {
    id = *release_id;
  } else {
    Result<std::optional<release::Release>> running = m_releases->current(environment_name);
    if (!running) return std::unexpected(running.error());
    if (!*running)
      return fail(ErrorCode::conflict, environment_name + " has no release applied yet; promote one, or give --release");
    id = (*running)->id;
  }
  if (Status s = check_plannable(environment_name, id, {}); !s) return std::unexpected(s.error());
  return m_releases->apply(id, environment_name, m_config.actor, applier(), promote_options(options));
}

Result<release::ApplyRecord> Service::hotfix(const std::string& environment_name,
                                             const std::map<std::string, std::string>& versions,
                                             const ApplyOptions& options) {
  if (Status s = check_semver(versions); !s) return std::unexpected(s.error());
  Result<const model::Environment*> env = environment(environment_name);
  if (!env) return std::unexpected(env.error());
  if (Status s = permit(Permission::hotfix, *env, "hotfix " + environment_name); !s)
    return std::unexpected(s.error());
  if (Status s = permit_force(options, **env); !s) return std::unexpected(s.error());
  // The plan checks the components named and the configuration they resolve to.
  if (Status s = check_plannable(environment_name, std::nullopt, versions); !s) return std::unexpected(s.error());
  Result<release::Release> made = m_releases->create_hotfix(environment_name, versions, m_config.actor);
  if (!made) return std::unexpected(made.error());
  return m_releases->apply(made->id, environment_name, m_config.actor, applier(), promote_options(options),
                           release::ApplyReason::hotfix);
}

Result<PlanResult> Service::plan(const std::string& environment_name, const std::optional<std::string>& release_id,
                                 const std::map<std::string, std::string>& versions) {
  return plan_for(environment_name, release_id, versions, Observe::yes);
}

// A plan that does not fail is a configuration that resolves: checked before
// an apply takes the lock, so bad input changes nothing (no failed apply recorded).
Status Service::check_plannable(const std::string& environment_name, const std::optional<std::string>& release_id,
                                const std::map<std::string, std::string>& versions) {
  Result<PlanResult> planned = plan_for(environment_name, release_id, versions, Observe::no);
  if (!planned) return std::unexpected(planned.error());
  return {};
}

Result<PlanResult> Service::plan_for(const std::string& environment_name, const std::optional<std::string>& release_id,
                                     const std::map<std::string, std::string>& versions, Observe observe) {
  Result<model::ResolvedEnvironment> resolved = model::resolve_environment(m_workspace, environment_name);
  if (!resolved) return std::unexpected(resolved.error());
  deploy::PlanInput input;
  input.workspace = &m_workspace;
  input.environment = &*resolved;
  Result<std::vector<store::AppliedTarget>> applied = m_store->deploys().applied(environment_name);
  if (!applied) return std::unexpected(applied.error());
  input.applied = std::move(*applied);
  if (release_id) {
    Result<release::Release> wanted = m_releases->get(*release_id);
    if (!wanted) return std::unexpected(wanted.error());
    for (const release::ReleaseComponent& c : wanted->components) input.wanted[c.name] = {c.version, c.artifact_digest};
  } else {
    for (const store::AppliedTarget& t : input.applied) input.wanted[t.target] = {t.version, t.digest};
  }
  for (const auto& [name, version] : versions)
    if (Result<const model::Component*> c = m_workspace.require_component(name); !c) return std::unexpected(c.error());
  if (Status s = check_semver(versions); !s) return std::unexpected(s.error());
  for (const auto& [name, version] : versions) {
    Result<std::optional<store::ComponentVersionRecord>> built = m_store->releases().component_version(name, version);
    if (!built) return std::unexpected(built.error());
    input.wanted[name] = {version, *built ? (*built)->artifact_digest : ""};
  }
  Result<std::vector<store::SecretRecord>> secrets = m_store->deploys().secrets(environment_name);
  if (!secrets) return std::unexpected(secrets.error());
  for (const store::SecretRecord& s : *secrets) input.secret_generations[s.name] = s.generation;
  // The driver: missing or not ready is said here, before any apply.
  PlanResult out;
  Result<std::unique_ptr<deploy::Driver>> driver = deploy::make_driver(resolved->platform.kind);
  if (!driver) {
    out.driver_problems.push_back(driver.error().message);
  } else if (observe == Observe::yes) {
    deploy::DriverContext dc{&m_workspace, &*resolved, {}, m_config.state_root, {}, blobs()};
    out.driver_problems = (*driver)->check(dc);
    for (const store::AppliedTarget& t : input.applied)
      if (std::optional<deploy::Observation> seen = (*driver)->observe(t.target, dc)) input.observed[t.target] = *seen;
  }
  Result<deploy::Plan> plan = deploy::make_plan(input);
  if (!plan) return std::unexpected(plan.error());
  out.plan = std::move(*plan);
  return out;
}

Result<std::vector<release::EnvironmentStatus>> Service::status() {
  return release::status(*m_store, m_workspace, *m_releases);
}

Result<std::int64_t> Service::state_stamp() { return m_store->meta().change_stamp(); }

// Secrets compare by keyed fingerprint; with no key yet nothing was generated.
Result<release::SecretFingerprints> Service::fingerprinter() {
  Result<std::filesystem::path> file = key_file(false);
  if (!file) return std::unexpected(file.error());
  std::error_code ec;
  if (!m_config.key_value && (file->empty() || !std::filesystem::exists(*file, ec)))
    return release::SecretFingerprints([](const std::string&) { return std::map<std::string, std::string>(); });
  Result<deploy::MasterKey> key = master_key();
  if (!key) return std::unexpected(key.error());
  return release::SecretFingerprints([store = m_store.get(), key = *key](const std::string& env) {
    return deploy::secret_fingerprints(*store, key, env);
  });
}

Result<release::Diff> Service::diff(const std::string& a, const std::string& b) {
  Result<release::SecretFingerprints> fingerprints = fingerprinter();
  if (!fingerprints) return std::unexpected(fingerprints.error());
  return release::diff(*m_store, m_workspace, *m_releases, a, b, *fingerprints);
}

Result<std::vector<release::HistoryEntry>> Service::history(const std::string& environment_name) {
  return release::history(*m_store, m_workspace, environment_name);
}

Result<std::vector<store::ComponentVersionRecord>> Service::component_versions(const std::string& component) {
  if (Result<const model::Component*> found = m_workspace.require_component(component); !found)
    return std::unexpected(found.error());
  return m_store->releases().component_versions(component);
}

Result<std::vector<release::ApplyRecord>> Service::record_build(const std::string& component,
                                                                const std::string& version,
                                                                const std::string& digest, const std::string& branch,
                                                                const std::string& run_id) {
  if (Status s = permit(Permission::run, nullptr, "record a build"); !s) return std::unexpected(s.error());
  if (!version::parse_semver(version))
    return fail(ErrorCode::invalid_input, "version " + version + " of " + component + ": not a semantic version");
  return m_releases->on_build_succeeded(component, version, digest, branch, run_id, applier());
}

}  // namespace slipway::service
