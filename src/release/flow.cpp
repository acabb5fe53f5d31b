// The locked part of promotion, rollback, apply and auto-deploys (service.h
// describes the flow). The environment lock is a store lease: taken with
// polling up to `wait`, renewed by the Applier through keep_alive, released
// at the end whatever happened. State is recorded in one transaction after
// the Applier returns, so a crash mid-apply leaves the previous state and the
// lock expires to be taken over (the store records the takeover).
//
// Heartbeat: besides the Applier's keep_alive calls, a background thread
// renews the lease every third of its length through its own store
// connection (a Store is single-threaded), so one long driver step (a slow
// health check) cannot lose the lock. In-memory stores have no second
// connection; there only keep_alive renews.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "core/interrupt.h"
#include "core/strings.h"
#include "model/resolve.h"
#include "release/service.h"
#include "version/semver.h"

namespace slipway::release {
namespace {

bool newer(const std::string& a, const std::string& b) {
  std::optional<version::SemVer> va = version::parse_semver(a), vb = version::parse_semver(b);
  if (va && vb) return version::compare(*va, *vb) > 0;
  return a > b;
}

std::string since_text(TimePoint t) { return format_utc(t).substr(11, 8) + " UTC"; }

class BackgroundHeartbeat {
 public:
  BackgroundHeartbeat(const store::Store& source, const Clock& clock, store::Lease lease, Millis ttl) {
    m_thread = std::thread([this, &source, &clock, lease, ttl] {
      std::unique_lock lock(m_mutex);
      std::unique_ptr<store::Store> store;
      while (!m_cv.wait_for(lock, ttl / 3, [this] { return m_stop; })) {
        if (!store) {
          Result<std::unique_ptr<store::Store>> opened = source.open_another(clock);
          if (!opened) return;
          store = std::move(*opened);
        }
        if (!store->locks().heartbeat(lease, ttl)) return;  // lost: keep_alive reports it
      }
    });
  }
  ~BackgroundHeartbeat() {
    if (!m_thread.joinable()) return;
    {
      std::lock_guard lock(m_mutex);
      m_stop = true;
    }
    m_cv.notify_all();
    m_thread.join();
  }
  BackgroundHeartbeat(const BackgroundHeartbeat&) = delete;
  BackgroundHeartbeat& operator=(const BackgroundHeartbeat&) = delete;

 private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_stop = false;
  std::thread m_thread;
};

nlohmann::json outcome_json(const ApplyOutcome& outcome) {
  nlohmann::json components = nlohmann::json::array();
  for (const ComponentOutcome& c : outcome.components)
    components.push_back({{"component", c.component}, {"action", c.action}, {"succeeded", c.succeeded},
                          {"message", c.message}});
  return components;
}

}  // namespace

Result<ApplyRecord> ReleaseService::run_locked(const Release& release, const model::Environment& env,
                                               const std::string& actor, ApplyReason reason, Applier& applier,
                                               const PromoteOptions& options, bool gated) {
  const std::string subject = "env:" + env.name;
  auto refuse = [&](const GateDecision& decision) -> Result<ApplyRecord> {
    return fail(ErrorCode::denied, "cannot promote " + release.id + " to " + env.name + ": " +
                                       join(decision.missing, "; "));
  };
  GateDecision decision;
  if (gated) {
    Result<GateDecision> checked = gates(release, env, actor, options.force);
    if (!checked) return std::unexpected(checked.error());
    if (!checked->allowed()) return refuse(*checked);
    decision = *checked;
  }

  store::LockOwner owner{std::string(apply_reason_name(reason)) + " " + release.id, actor};
  Result<store::LockAttempt> attempt = acquire_env_lock(subject, owner, options);
  if (!attempt) return std::unexpected(attempt.error());
  auto unlock = [&] { (void)m_store.locks().release(attempt->lease); };

  if (gated) {  // the facts may have changed while we waited
    Result<GateDecision> checked = gates(release, env, actor, options.force);
    if (!checked || !checked->allowed()) {
      unlock();
      if (!checked) return std::unexpected(checked.error());
      return refuse(*checked);
    }
    decision = *checked;
  }
  // Builds move an auto environment forward; a person moves it back only on purpose.
  if (env.policy.mode == model::PolicyMode::auto_ && reason != ApplyReason::rollback && !options.force) {
    Result<std::vector<std::string>> back = moved_back(release, env);
    if (!back || !back->empty()) {
      unlock();
      if (!back) return std::unexpected(back.error());
      return fail(ErrorCode::denied, "release " + release.id + " would move auto environment " + env.name +
                                         " back: " + join(*back, ", ") +
                                         "; use rollback, or --force (permission force)");
    }
  }
  return apply_held(release, env, actor, reason, applier, options, decision, *attempt);
}

Result<store::LockAttempt> ReleaseService::acquire_env_lock(const std::string& subject, const store::LockOwner& owner,
                                                           const PromoteOptions& options) {
  const auto deadline = std::chrono::steady_clock::now() + options.wait;
  for (;;) {
    Result<store::LockAttempt> tried = m_store.locks().try_acquire(subject, owner, options.lease);
    if (!tried || tried->acquired) return tried;
    if (interrupt_requested()) return fail(ErrorCode::conflict, "interrupted while waiting for " + subject);
    if (std::chrono::steady_clock::now() >= deadline)
      return fail(ErrorCode::conflict, subject + " is locked by " + tried->lease.holder + ", " +
                                           tried->lease.actor + ", since " + since_text(tried->lease.acquired));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

Result<ApplyRecord> ReleaseService::apply_held(const Release& release, const model::Environment& env,
                                               const std::string& actor, ApplyReason reason, Applier& applier,
                                               const PromoteOptions& options, const GateDecision& decision,
                                               const store::LockAttempt& attempt) {
  const std::string subject = "env:" + env.name;
  store::Lease lease = attempt.lease;
  auto unlock = [&] { (void)m_store.locks().release(lease); };
  Result<std::optional<store::EnvironmentState>> state = m_store.releases().environment_state(env.name);
  if (!state) {
    unlock();
    return std::unexpected(state.error());
  }
  store::EnvironmentState next = state->value_or(store::EnvironmentState{});
  next.environment = env.name;
  std::optional<Release> previous;
  if (!next.release.empty()) {
    Result<Release> p = get(next.release);
    if (p) previous = *p;
  }

  ApplyContext context;
  context.reason = reason;
  context.actor = actor;
  context.previous = previous ? &*previous : nullptr;
  context.keep_alive = [&]() -> Status {
    if (interrupt_requested()) return fail(ErrorCode::conflict, "interrupted: no further component was started");
    Result<store::Lease> renewed = m_store.locks().heartbeat(lease, options.lease);
    if (!renewed) return std::unexpected(renewed.error());
    lease = *renewed;
    return {};
  };
  Result<ApplyOutcome> applied = [&] {
    BackgroundHeartbeat heartbeat(m_store, m_clock, lease, options.lease);
    return applier.apply(m_workspace, env, release, context);
  }();
  ApplyRecord record{env.name, release.id, reason, {}, decision.overridden, attempt.taken_over_from,
                     attempt.takeover_reason};
  if (applied) {
    record.outcome = *applied;
  } else {
    record.outcome.succeeded = false;
    record.outcome.message = applied.error().message;
  }
  // What ran before the interrupt finished or reverted; an apply that still
  // completed every component is recorded as the success it is.
  record.interrupted = interrupt_requested() && !record.outcome.succeeded;
  const char* result = record.outcome.succeeded ? "succeeded" : record.interrupted ? "interrupted" : "failed";

  next.last_release = release.id;
  next.last_actor = actor;
  next.last_result = result;
  if (record.outcome.succeeded) {
    nlohmann::json held = next.extra.value("held", nlohmann::json::object());
    if (reason == ApplyReason::rollback && previous) {
      // Versions rolled back from are held back from auto deploys until a newer one arrives.
      for (const ReleaseComponent& c : previous->components) {
        const ReleaseComponent* now = release.component(c.name);
        if (!now || newer(c.version, now->version)) held[c.name] = c.version;
      }
    } else {
      for (const ReleaseComponent& c : release.components)
        if (held.contains(c.name) && newer(c.version, held[c.name].get<std::string>())) held.erase(c.name);
    }
    next.extra["held"] = held;
    next.release = release.id;
    next.product_version = release.id;
  }
  Status saved = m_store.transaction([&]() -> Status {
    if (Status s = m_store.releases().set_environment_state(next); !s) return s;
    nlohmann::json detail = {{"release", release.id},
                             {"reason", apply_reason_name(reason)},
                             {"message", record.outcome.message},
                             {"components", outcome_json(record.outcome)}};
    if (previous) detail["previous"] = previous->id;
    if (!record.overridden.empty()) detail["forced"] = record.overridden;
    Result<std::int64_t> e = m_store.events().append(
        {actor, record.outcome.succeeded ? "release.applied" : std::string("release.") + result, subject, detail});
    if (!e) return std::unexpected(e.error());
    return {};
  });
  unlock();
  if (!saved) return std::unexpected(saved.error());
  return record;
}

Result<std::vector<std::string>> ReleaseService::moved_back(const Release& release, const model::Environment& env) {
  Result<std::optional<Release>> running = current(env.name);
  if (!running) return std::unexpected(running.error());
  std::vector<std::string> back;
  if (!*running) return back;
  for (const ReleaseComponent& c : release.components)
    if (const ReleaseComponent* now = (*running)->component(c.name); now && newer(now->version, c.version))
      back.push_back(c.name + " " + c.version + " (" + env.name + " runs " + now->version + ")");
  return back;
}

Result<ApplyRecord> ReleaseService::rollback(const std::string& environment_name,
                                             const std::optional<std::string>& to, const std::string& actor,
                                             Applier& applier, const PromoteOptions& options) {
  Result<const model::Environment*> env = environment(environment_name);
  if (!env) return std::unexpected(env.error());
  std::string target;
  if (to) {
    Result<bool> applied = was_applied(*to, environment_name);
    if (!applied) return std::unexpected(applied.error());
    if (!*applied)
      return fail(ErrorCode::conflict, "release " + *to + " was never applied to " + environment_name);
    target = *to;
  } else {
    Result<std::optional<store::EnvironmentState>> state = m_store.releases().environment_state(environment_name);
    if (!state) return std::unexpected(state.error());
    std::string current = *state ? (*state)->release : "";
    store::EventFilter filter;
    filter.subject = "env:" + environment_name;
    filter.kind = "release.applied";
    filter.order = store::Order::newest_first;
    Result<std::vector<store::Event>> events = m_store.events().list(filter);
    if (!events) return std::unexpected(events.error());
    for (const store::Event& e : *events) {
      std::string id = e.detail.value("release", "");
      if (id != current) {
        target = id;
        break;
      }
    }
    if (target.empty()) return fail(ErrorCode::conflict, environment_name + " has no earlier release");
  }
  Result<Release> release = get(target);
  if (!release) return std::unexpected(release.error());
  return run_locked(*release, **env, actor, ApplyReason::rollback, applier, options, false);
}

Result<std::optional<Release>> ReleaseService::compose_auto_release(const model::Environment& env,
                                                                   const std::string& component,
                                                                   const std::string& version) {
  Result<std::optional<store::EnvironmentState>> state = m_store.releases().environment_state(env.name);
  if (!state) return std::unexpected(state.error());
  std::optional<Release> current;
  if (*state && !(*state)->release.empty()) {
    Result<Release> c = get((*state)->release);
    if (!c) return std::unexpected(c.error());
    current = *c;
    nlohmann::json held = (*state)->extra.value("held", nlohmann::json::object());
    if (held.contains(component) && !newer(version, held[component].get<std::string>())) return std::nullopt;
    if (const ReleaseComponent* has = current->component(component); has && has->version == version)
      return std::nullopt;
  }
  std::vector<ReleaseComponent> components;
  for (const model::Component& c : m_workspace.components) {
    if (c.name == component) {
      components.push_back({c.name, version, ""});
    } else if (const ReleaseComponent* has = current ? current->component(c.name) : nullptr) {
      components.push_back({c.name, has->version, ""});
    } else {
      Result<std::vector<store::ComponentVersionRecord>> built = m_store.releases().component_versions(c.name);
      if (!built) return std::unexpected(built.error());
      if (!built->empty()) components.push_back({c.name, built->back().version, ""});
    }
  }
  Result<Release> release = create(std::move(components), "build:" + component + "@" + version, "slipway");
  if (!release) return std::unexpected(release.error());
  return std::optional<Release>(std::move(*release));
}

Result<std::vector<ApplyRecord>> ReleaseService::on_build_succeeded(const std::string& component,
                                                                    const std::string& version,
                                                                    const std::string& digest,
                                                                    const std::string& branch,
                                                                    const std::string& run_id, Applier& applier) {
  if (Result<const model::Component*> known = m_workspace.require_component(component); !known)
    return std::unexpected(known.error());
  if (Status s = m_store.releases().record_component_version({component, version, digest, run_id, branch, {}}); !s)
    return std::unexpected(s.error());
  std::vector<ApplyRecord> out;
  for (const model::Environment& env : m_workspace.environments) {
    if (env.policy.mode != model::PolicyMode::auto_) continue;
    if (!env.policy.branch.empty() && env.policy.branch != branch) continue;
    Result<model::ResolvedEnvironment> resolved = model::resolve_environment(m_workspace, env.name);
    if (!resolved) return std::unexpected(resolved.error());
    if (std::find(resolved->components.begin(), resolved->components.end(), component) ==
        resolved->components.end())
      continue;
    // The release is composed from the environment's state as found under its
    // lock: composed before, two builds finishing together each copied the
    // same state and the second apply reverted the first one's component.
    store::LockOwner owner{"automatic " + component + "@" + version, "slipway"};
    Result<store::LockAttempt> attempt = acquire_env_lock("env:" + env.name, owner, PromoteOptions{});
    if (!attempt) return std::unexpected(attempt.error());
    Result<std::optional<Release>> release = compose_auto_release(env, component, version);
    if (!release || !*release) {
      (void)m_store.locks().release(attempt->lease);
      if (!release) return std::unexpected(release.error());
      continue;
    }
    Result<ApplyRecord> applied =
        apply_held(**release, env, "slipway", ApplyReason::automatic, applier, PromoteOptions{}, {}, *attempt);
    if (!applied) return std::unexpected(applied.error());
    out.push_back(std::move(*applied));
  }
  return out;
}

}  // namespace slipway::release
